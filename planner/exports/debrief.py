"""The debrief of a judged plan: the trainee's plan and the optimum side by side.

One offline page, built on the comparison page (planner.exports.compare): the score and why,
every rule broken with where it happens (also as a marker on the map), the figures and the cost
term by term with the difference, one map with a layer per plan and a timeline each. A trainee
who declared that no plan exists gets the verdict and the optimum's figures. Everything the
trainee wrote (team ids, reasons) reaches the page escaped.
"""

from __future__ import annotations

import html

from jinja2 import Environment, select_autoescape

from geodata.layers import Geodata
from planner.exercises.judge import Judged
from planner.exports.compare import Marker, render_compare
from planner.plan import Plan

VERDICT = """<div class="cdplan-part">
<p style="font-size:34px;font-weight:bold;margin:4px 0;color:{{ '#17702a' if j.feasible else '#b00' }}">
Score {{ j.score }} / 100</p>
<p>The trainee declared <b>{{ j.declared }}</b>; the engine's answer is <b>{{ j.engine_status }}</b>.
{% if j.objective is not none %}Trainee's cost {{ j.objective }}{% endif %}{% if j.optimum is not none %}, optimum {{ j.optimum }}{% endif %}{% if j.gap is not none %} (gap {{ '%.1f'|format(j.gap * 100) }} %){% endif %}.</p>
<ul>{% for n in j.notes %}<li>{{ n }}</li>{% endfor %}</ul>
{% if j.violations %}<h2>Rules broken ({{ j.violations|length }}), red rings on the map</h2>
<table id="cdplan-violations" style="border-collapse:collapse">
<tr><th>Rule</th><th>Where</th><th>What</th></tr>
{% for v, w in rows %}<tr><td>{{ v.number }} {{ v.rule }}</td><td>{{ w }}</td><td>{{ v.message }}</td></tr>{% endfor %}
</table>{% endif %}
{% if j.engine_reasons %}<h2>Why the engine finds no plan</h2><ul>
{% for r in j.engine_reasons %}<li>{{ r.message }} <small>[{{ r.code }}: {{ r.subject }}]</small></li>{% endfor %}
</ul>{% endif %}
</div>"""

ALONE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>EXERCISE · Debrief · {{ op.name }}</title>
<style>body{font:13px/1.4 sans-serif;margin:0;color:#111} #cdplan-banner{background:#b00;
color:#fff;padding:6px 14px;font-weight:bold} h1{font-size:18px;margin:10px 16px}
.cdplan-part{margin:12px 16px} td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}</style>
</head><body><div id="cdplan-banner">EXERCISE · {{ op.handling_code }} · Debrief · {{ op.name }} ({{ op.id }})</div>
<h1>Debrief: {{ op.name }}</h1>{{ verdict }}
{% if plan.assignments %}<div class="cdplan-part"><h2>The optimum</h2>
<p>Route {{ plan.route.countries|join(' → ') }}, {{ '%.0f'|format(plan.route.length_km) }} km;
{{ plan.handovers|length }} handover(s); cost {{ plan.solver.objective }}.</p></div>{% endif %}
</body></html>"""

_ENV = Environment(autoescape=select_autoescape(default=True))


def _where(plan: Plan, subject: str) -> tuple[str, Marker | None]:
    """A violation's subject in words and as a point: a segment, team, state or place."""
    segments = {s.id: s for s in plan.segments}
    first: dict[str, str] = {}
    for a in sorted(plan.assignments, key=lambda a: a.expected_start):
        first.setdefault(a.team, a.segment)
    key = subject.rsplit("@", maxsplit=1)[-1]
    seg = segments.get(key) or segments.get(first.get(key, ""))
    if seg is None:
        seg = next((s for s in plan.segments if key in (s.country, s.from_.id)), None)
    if seg is None:
        return subject, None
    lat, lon = (seg.from_.lat + seg.to.lat) / 2, (seg.from_.lon + seg.to.lon) / 2
    return f"{subject}: {seg.from_.name} → {seg.to.name}", Marker(lat, lon, "")


def render_debrief(judged: Judged, geo: Geodata) -> str:
    """The debrief page (see the module doc)."""
    j = judged.judgement
    plan = judged.trainee or judged.optimum
    rows = []
    markers = []
    for v in j.violations:
        words, point = _where(plan, v.subject)
        rows.append((v, words))
        if point is not None:
            text = f"rule {v.number} {v.rule}: {words}: {v.message}"
            markers.append(Marker(point.lat, point.lon, text))
    verdict = _ENV.from_string(VERDICT).render(j=j, rows=rows)
    if judged.trainee is None:
        return _ENV.from_string(ALONE).render(
            op=judged.optimum.operation, verdict=verdict, plan=judged.optimum
        )
    page = render_compare(
        judged.trainee,
        judged.optimum,
        geo,
        ("trainee's plan", "optimum"),
        intro=verdict,
        markers=markers,
    )
    # The comparison is of an exercise: its banner says so already; the title says debrief.
    return page.replace("<title>", f"<title>{html.escape('Debrief · ')}", 1)
