"""The trainee's brief as a printable HTML page: routes and segments, teams, the law, the format.

Everything a scenario author wrote reaches this page through Jinja's autoescape; the page has
no script and loads nothing.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, select_autoescape

from planner.exercises.brief import Brief

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ marking }} · Brief · {{ op.name }}</title>
<style>
 body{font:13px/1.4 sans-serif;margin:24px;color:#111}
 .code{background:#111;color:#fff;padding:6px 12px;font-weight:bold}
 .exercise{background:#b00}
 h1{font-size:20px} h2{font-size:15px;border-bottom:1px solid #999;margin-top:22px}
 table{border-collapse:collapse;width:100%} td,th{border:1px solid #bbb;padding:3px 6px;
 text-align:left;vertical-align:top} th{background:#eee} pre{background:#f4f4f4;padding:8px}
 tr{break-inside:avoid} thead{display:table-header-group}
</style></head><body>
<div class="code{% if op.exercise %} exercise{% endif %}">{{ marking }} · {{ op.name }} ({{ op.id }})</div>
<h1>Brief: {{ op.name }}</h1>
<p>Consignment: {{ op.consignment }} ({{ op.delivery }} delivery). Departure {{ op.departure }}
(UTC). Planned at {{ op.planned_at }}. Rules: at least {{ rules.min_teams }} team(s) watching at
every moment; handovers with {{ rules.handover_overlap_minutes }} min of overlap; no team follows
longer than {{ rules.max_follow_hours }} h without relief.</p>
<h2>Your task</h2>
<p>Choose one route, put a team on every one of its segments, and list the authorisations to
request with the time each request goes out. If no lawful plan exists, say so, and why. Write
your plan as YAML:</p>
<pre>status: planned            # or: infeasible, with reasons: [your reasons]
assignments:
{% for a in example %}  - {team: {{ a.team }}, segment: {{ a.segment }}}
{% endfor %}authorisations:
  - {country: {{ example_country }}, request_by: {{ example_time }}}</pre>
<h2>The law as the states set it</h2>
<table><thead><tr><th>State</th><th>Authorised</th><th>Accepts</th><th>Authority</th>
<th>Lead time</th><th>Request by (UTC)</th><th>Foreign observation allowed</th></tr></thead>
{% for e in legal %}<tr><td>{{ e.country }}</td><td>{{ 'yes' if e.authorised else 'no' }}</td>
<td>{{ e.deliveries|join(', ') }}</td><td>{{ e.authority }}</td><td>{{ e.lead_time_hours }} h</td>
<td>{{ e.request_by.strftime('%Y-%m-%d %H:%M') }}</td>
<td>{{ e.foreign_observation|join('; ') or '—' }}</td></tr>{% endfor %}</table>
<h2>Teams</h2>
<table><thead><tr><th>Team</th><th>Agency (state)</th><th>Base</th><th>Can watch</th>
<th>Available (UTC)</th><th>Duty / rest</th></tr></thead>
{% for t in teams %}<tr><td>{{ t.id }}</td><td>{{ t.agency }} ({{ t.country }})</td>
<td>{{ t.base }} ({{ t.base_country }})</td><td>{{ t.capabilities|join(', ') }}</td>
<td>{{ t.available|join('; ') or 'always' }}</td>
<td>{{ t.max_duty_hours }} h / {{ t.min_rest_hours }} h</td></tr>{% endfor %}</table>
{% for r in routes %}
<h2>Route {{ r.id }}: {{ r.countries|join(' → ') }}, {{ '%.0f'|format(r.length_km) }} km,
about {{ '%.1f'|format(r.hours) }} h</h2>
<p>Crossings: {{ r.crossings|join(', ') or 'none' }}.</p>
<table><thead><tr><th>Segment</th><th>What</th><th>From</th><th>To</th><th>State(s)</th>
<th>Window (UTC)</th><th>Window (local)</th><th>Expected (UTC)</th></tr></thead>
{% for s in r.segments %}<tr><td>{{ s.id }}</td><td>{{ s.mode }}{% if s.kind %} ({{ s.kind }}){% endif %}</td>
<td>{{ s.from_.name }}</td><td>{{ s.to.name }}</td><td>{{ s.countries|join('/') }}</td>
<td>{{ s.start.strftime('%d %b %H:%M') }} – {{ s.end.strftime('%d %b %H:%M') }}</td>
<td>{{ s.start_local }} – {{ s.end_local }}</td>
<td>{{ s.nominal_start.strftime('%d %b %H:%M') }} – {{ s.nominal_end.strftime('%d %b %H:%M') }}</td></tr>
{% endfor %}</table>
{% endfor %}
<div class="code{% if op.exercise %} exercise{% endif %}">{{ marking }}</div>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True))


def render_trainee_brief(brief: Brief) -> str:
    """The brief as one printable HTML page, marked EXERCISE for an exercise."""
    op: dict[str, Any] = brief.operation
    marking = (
        f"EXERCISE · {op['handling_code']}" if op.get("exercise") else str(op["handling_code"])
    )
    first = brief.routes[0] if brief.routes else None
    example = []
    if first is not None and brief.teams:
        example = [{"team": brief.teams[0].id, "segment": s.id} for s in first.segments[:2]]
    legal = brief.legal[0] if brief.legal else None
    return _ENV.from_string(TEMPLATE).render(
        op=op,
        marking=marking,
        rules=brief.rules,
        routes=brief.routes,
        teams=brief.teams,
        legal=brief.legal,
        example=example,
        example_country=legal.country if legal else "XXX",
        example_time=legal.request_by.strftime("%Y-%m-%dT%H:%M:%SZ") if legal else "",
    )
