"""The debrief of a judged plan: the trainee's plan and the optimum side by side.

One page: the score and why, every violation with where it happens, the cost of both plans term
by term with the difference, and both plans' handovers and teams. Everything the trainee wrote
(team ids, reasons) reaches the page through Jinja's autoescape.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, select_autoescape

from geodata.layers import Geodata
from planner.exercises.costs import Terms
from planner.exercises.judge import Judged
from planner.plan import Plan

TERMS = [
    ("handovers", "handovers"),
    ("team_hours", "team-hours"),
    ("exposure", "exposure hours"),
    ("foreign_hours", "foreign observation hours"),
    ("remote_hours", "remote watch hours"),
    ("off_lead", "blocks off the lead agency"),
    ("total", "objective (weighted)"),
]

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>EXERCISE · Debrief · {{ op.name }}</title>
<style>
 body{font:13px/1.4 sans-serif;margin:24px;color:#111}
 .code{background:#b00;color:#fff;padding:6px 12px;font-weight:bold}
 .score{font-size:40px;font-weight:bold} .ok{color:#0a0} .bad{color:#b00}
 h1{font-size:20px} h2{font-size:15px;border-bottom:1px solid #999;margin-top:22px}
 table{border-collapse:collapse;width:100%} td,th{border:1px solid #bbb;padding:3px 6px;
 text-align:left;vertical-align:top} th{background:#eee} .num{text-align:right}
 .cols{display:flex;gap:16px} .cols>div{flex:1}
</style></head><body>
<div class="code">EXERCISE · {{ op.handling_code }} · {{ op.name }} ({{ op.id }})</div>
<h1>Debrief: {{ op.name }}</h1>
<p class="score {{ 'ok' if j.feasible else 'bad' }}">{{ j.score }} / 100</p>
<p>The trainee declared <b>{{ j.declared }}</b>; the engine's answer is <b>{{ j.engine_status }}</b>.
{% if j.objective is not none %}Trainee's cost {{ j.objective }}{% endif %}{% if j.optimum is not none %}, optimum {{ j.optimum }}{% endif %}
{% if j.gap is not none %} (gap {{ '%.1f'|format(j.gap * 100) }} %){% endif %}.</p>
<ul>{% for n in j.notes %}<li>{{ n }}</li>{% endfor %}</ul>
{% if j.violations %}<h2>Rules broken</h2>
<table><tr><th>Rule</th><th>Where</th><th>What</th></tr>
{% for v in j.violations %}<tr><td>{{ v.number }} {{ v.rule }}</td><td>{{ where[loop.index0] }}</td>
<td>{{ v.message }}</td></tr>{% endfor %}</table>{% endif %}
{% if j.engine_reasons %}<h2>Why the engine finds no plan</h2><ul>
{% for r in j.engine_reasons %}<li>{{ r.message }} <small>[{{ r.code }}: {{ r.subject }}]</small></li>{% endfor %}
</ul>{% endif %}
{% if terms %}<h2>Cost by term</h2>
<table><tr><th>Term</th><th class="num">Trainee</th><th class="num">Optimum</th><th class="num">Difference</th></tr>
{% for key, label, a, b in terms %}<tr><td>{{ label }}</td><td class="num">{{ a }}</td>
<td class="num">{{ b }}</td><td class="num">{{ diff(a, b) }}</td></tr>{% endfor %}</table>{% endif %}
<div class="cols">
{% for title, p in plans %}<div><h2>{{ title }}</h2>
{% if p is none %}<p>No plan.</p>{% else %}
<p>Route {{ p.route.countries|join(' → ') }}, {{ '%.0f'|format(p.route.length_km) }} km;
{{ p.handovers|length }} handover(s).</p>
<table><tr><th>Handover</th><th>Place</th><th>From → to</th><th>Local time</th></tr>
{% for h in p.handovers %}<tr><td>{{ h.kind }}</td><td>{{ h.place.name }}</td>
<td>{{ h.from_team }} → {{ h.to_team }}</td><td>{{ h.end_local }}</td></tr>{% endfor %}</table>
<table><tr><th>Team</th><th>Segments</th></tr>
{% for team, segs in teams(p) %}<tr><td>{{ team }}</td><td>{{ segs }}</td></tr>{% endfor %}</table>
{% endif %}</div>{% endfor %}
</div>
<div class="code">EXERCISE · {{ op.handling_code }}</div>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True))


def _teams(plan: Plan) -> list[tuple[str, str]]:
    by_team: dict[str, list[str]] = {}
    for a in sorted(plan.assignments, key=lambda a: a.expected_start):
        by_team.setdefault(a.team, []).append(a.segment)
    return [(t, ", ".join(s)) for t, s in by_team.items()]


def _where(judged: Judged) -> list[str]:
    """A place name for each violation's subject: a segment, team, state or place."""
    plan = judged.trainee or judged.optimum
    segments = {s.id: s for s in plan.segments}
    first_seg: dict[str, str] = {}
    for a in sorted(plan.assignments, key=lambda a: a.expected_start):
        first_seg.setdefault(a.team, a.segment)
    out = []
    for v in judged.judgement.violations:
        subject = v.subject.split("@")[-1]
        seg = segments.get(subject) or segments.get(first_seg.get(subject, ""))
        out.append(f"{v.subject}: {seg.from_.name} → {seg.to.name}" if seg else v.subject)
    return out


def _diff(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return ""
    return f"{a - b:+.2f}"


def _terms(trainee: Terms | None, optimum: Terms | None) -> list[tuple[str, str, Any, Any]]:
    if trainee is None and optimum is None:
        return []
    return [
        (
            key,
            label,
            getattr(trainee, key) if trainee else None,
            getattr(optimum, key) if optimum else None,
        )
        for key, label in TERMS
    ]


def render_debrief(judged: Judged, geo: Geodata) -> str:
    """The debrief page (see the module doc)."""
    j = judged.judgement
    return _ENV.from_string(TEMPLATE).render(
        j=j,
        op=judged.optimum.operation,
        where=_where(judged),
        terms=_terms(j.terms.get("trainee"), j.terms.get("optimum")),
        diff=_diff,
        plans=[("Trainee's plan", judged.trainee), ("Optimum", judged.optimum)],
        teams=_teams,
    )
