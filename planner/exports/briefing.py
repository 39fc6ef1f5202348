"""The briefing: the operation order a coordinator hands out, as a printable HTML page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from jinja2 import Environment, select_autoescape
from shapely.geometry import Point

from geodata.layers import Geodata
from geodata.localtime import local_time
from geodata.projection import point_to_geom_km
from planner.exports.geometry import route_line
from planner.plan import Assignment, Plan, PlanSegment

NEAR_RESTRICTED_KM = 50.0


@dataclass(frozen=True)
class Contingency:
    """A place to interdict if surveillance is lost, with the agency watching there."""

    country: str
    place: str
    agency: str
    note: str


def contingencies(plan: Plan, geo: Geodata) -> list[Contingency]:
    """Where to interdict if surveillance is lost, one entry per place.

    The places are the last point before each border (and before delivery), inside cooperating
    territory, and the route point nearest each active area without a cooperating authority
    within ``NEAR_RESTRICTED_KM`` of the route.
    """
    out: list[Contingency] = []
    watching = {a.segment: a.agency for a in plan.assignments}
    for i, seg in enumerate(plan.segments):
        nxt = plan.segments[i + 1] if i + 1 < len(plan.segments) else None
        if nxt is None or nxt.countries != seg.countries:
            out.append(
                Contingency(
                    country=seg.country,
                    place=seg.from_.name,
                    agency=watching.get(seg.id, "-"),
                    note="last point before the border" if nxt else "last point before delivery",
                )
            )
    line = route_line(plan)
    # An infeasible plan may show a route with no segments: no point on it to name.
    if line is not None and plan.segments:
        for key, shape in geo.restricted_shapes.items():
            area = geo.restricted[key]
            if not area.active or line.distance(shape) * 111 > NEAR_RESTRICTED_KM:
                continue
            # The route point nearest the area: interdict before it, inside cooperating ground.
            best = min(
                plan.segments,
                key=lambda s: point_to_geom_km(Point(s.from_.lon, s.from_.lat), shape),
            )
            out.append(
                Contingency(
                    country=best.country,
                    place=best.from_.name,
                    agency=watching.get(best.id, "-"),
                    note=f"mandatory interdiction before {area.name} ({area.wording})",
                )
            )
    return out


def tasks(plan: Plan) -> list[tuple[str, list[Assignment]]]:
    """Each team's assignments in time order, teams ordered by their first expected start."""
    by_team: dict[str, list[Assignment]] = defaultdict(list)
    for a in plan.assignments:
        by_team[a.team].append(a)
    return sorted(
        ((t, sorted(v, key=lambda a: a.expected_start)) for t, v in by_team.items()),
        key=lambda x: x[1][0].expected_start,
    )


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ op.marking }} · Briefing · {{ op.name }}</title>
<style>
 body{font:13px/1.4 sans-serif;margin:24px;color:#111}
 .code{position:sticky;top:0;background:#111;color:#fff;padding:6px 12px;font-weight:bold}
 h1{font-size:20px} h2{font-size:15px;border-bottom:1px solid #999;margin-top:22px}
 table{border-collapse:collapse;width:100%} td,th{border:1px solid #bbb;padding:3px 6px;
 text-align:left;vertical-align:top} th{background:#eee} .late{color:#b00;font-weight:bold}
 @media print{.code{position:static}}
</style></head><body>
<div class="code">HANDLING CODE {{ op.marking }} · {{ op.name }} ({{ op.id }})</div>
<h1>Operation order: {{ op.name }}</h1>
<p>Status <b>{{ plan.status }}</b>. Consignment: {{ op.consignment }} ({{ op.delivery }} delivery).
Departure {{ op.departure.strftime('%Y-%m-%d %H:%M UTC') }}. Plan made
{{ op.planned_at.strftime('%Y-%m-%d %H:%M UTC') }}.</p>
{% if plan.reasons %}<h2>Why there is no plan</h2><ul>
{% for r in plan.reasons %}<li>{{ r.message }} <small>[{{ r.code }}: {{ r.subject }}]</small></li>{% endfor %}
</ul>{% endif %}
<h2>Route</h2>
{% if plan.movements %}{% for m in plan.movements %}<p>Movement <b>{{ m.id }}</b> ({{ m.consignment }},
{{ m.delivery }}; {% if m.min_teams %}at least {{ m.min_teams }} team(s) watching{% else %}watched where a team is free{% endif %}):
{{ m.route.countries|join(' → ') }}, {{ '%.0f'|format(m.route.length_km) }} km, about
{{ '%.1f'|format(m.route.hours) }} h. Crossings: {% for c in m.route.crossings %}{{ c.name }}{% if not loop.last %}, {% endif %}{% else %}none{% endfor %}.</p>{% endfor %}
{% for t in plan.transfers %}<p>Transfer from {{ t.from_ }} to {{ t.to }} at {{ t.place.name }}, from {{ t.start_local }} ({{ t.start.strftime('%d %b %H:%M') }} to {{ t.end.strftime('%H:%M') }} UTC), watched.</p>{% endfor %}
{% else %}<p>{{ plan.route.countries|join(' → ') }}: {{ '%.0f'|format(plan.route.length_km) }} km,
about {{ '%.1f'|format(plan.route.hours) }} h. Crossings:
{% for c in plan.route.crossings %}{{ c.name }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
<h2>Authorisations to request</h2>
<table><tr><th>State</th><th>Authority</th><th>Delivery</th><th>Request by (UTC)</th></tr>
{% for a in plan.authorisations %}<tr><td>{{ a.country }}</td><td>{{ a.authority }}</td>
<td>{{ a.delivery }}</td><td {% if a.too_late %}class="late"{% endif %}>
{{ a.request_by.strftime('%Y-%m-%d %H:%M') }}{% if a.too_late %} — already too late{% endif %}</td></tr>
{% endfor %}</table>
<h2>Handovers</h2>
<table><tr><th>#</th><th>Kind</th><th>Place</th><th>Both present (local)</th><th>UTC</th>
<th>From (its local time)</th><th>To (its local time)</th></tr>
{% for h in plan.handovers %}<tr><td>{{ loop.index }}</td><td>{{ h.kind }}</td>
<td>{{ h.place.name }}</td><td>{{ h.start_local }} – {{ h.end_local }}</td>
<td>{{ h.start.strftime('%d %b %H:%M') }} – {{ h.end.strftime('%H:%M') }}</td>
<td>{{ h.from_team }} ({{ h.from_agency }}){% if h.from_local %}<br><small>{{ h.from_local }}</small>{% endif %}</td>
<td>{{ h.to_team }} ({{ h.to_agency }}){% if h.to_local %}<br><small>{{ h.to_local }}</small>{% endif %}</td></tr>
{% endfor %}</table>
<h2>Where the consignment stands, and why</h2>
<table><tr><th>Segment</th><th>What</th><th>Where</th><th>Expected (local)</th><th>Expected (UTC)</th></tr>
{% for s in standing %}<tr><td>{{ s.id }}</td><td>{{ standing_label(s) }}{% if s.note %}<br><small>{{ s.note }}</small>{% endif %}</td>
<td>{{ s.from_.name }}</td><td>{{ local(s.nominal_start, s.from_.country) }}</td>
<td>{{ s.nominal_start.strftime('%d %b %H:%M') }} – {{ s.nominal_end.strftime('%d %b %H:%M') }}</td></tr>
{% endfor %}</table>
<h2>Team tasks, in time order</h2>
<table><tr><th>Team</th><th>Agency</th><th>Duty</th><th>Segments</th><th>Expected (team's local time)</th><th>Expected (UTC)</th>
<th>Ready from – needed until (UTC)</th></tr>
{% for team, items in tasks %}<tr><td>{{ team }}{% if items[0].movement %}<br><small>movement {{ items|map(attribute='movement')|unique|join(', ') }}</small>{% endif %}</td><td>{{ items[0].agency }}</td>
<td>{{ items|map(attribute='duty')|select|unique|join(', ') or 'on board / remote' }}</td>
<td>{% for a in items %}{{ stretch(seg[a.segment]) }}{% if a.foreign %} (foreign observation){% endif %}{% if a.remote %} (remote tracking){% endif %}<br>{% endfor %}</td>
<td>{% for a in items %}{{ a.expected_start_local }} – {{ a.expected_end_local[-9:] }}<br>{% endfor %}</td>
<td>{% for a in items %}{{ a.expected_start.strftime('%d %b %H:%M') }} – {{ a.expected_end.strftime('%d %b %H:%M') }}<br>{% endfor %}</td>
<td>{% for a in items %}{{ a.start.strftime('%d %b %H:%M') }} – {{ a.end.strftime('%d %b %H:%M') }}<br>{% endfor %}</td></tr>
{% endfor %}</table>
<h2>Contingencies: where to interdict if surveillance is lost</h2>
<table><tr><th>State</th><th>Interdiction point</th><th>Agency</th><th>Note</th></tr>
{% for c in contingencies %}<tr><td>{{ c.country }}</td><td>{{ c.place }}</td><td>{{ c.agency }}</td>
<td>{{ c.note }}</td></tr>{% endfor %}</table>
<h2>Key figures</h2>
<p>Handovers {{ plan.kpis.handovers }} · team-hours {{ '%.1f'|format(plan.kpis.team_hours) }} ·
longest follow {{ '%.1f'|format(plan.kpis.longest_follow_hours) }} h · coverage
{{ '%.0f'|format(plan.kpis.coverage * 100) }} % · objective {{ plan.solver.objective }}
(bound {{ plan.solver.bound }}) · {{ plan.solver.version }}, seed {{ plan.solver.seed }},
{{ plan.solver.workers }} worker(s).</p>
<div class="code">HANDLING CODE {{ op.marking }}</div>
</body></html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True))


STANDING = {
    "border": "border queue",
    "stop": "known stop",
    "break": "driver's break",
    "rest": "driver's daily rest",
    "wait": "wait",
}
WAITS = {
    "crossing_hours": "wait for the crossing to open",
    "crossing_closed": "wait for the closed crossing to reopen",
    "sailing": "wait for the sailing",
    "truck_ban": "wait out a truck ban",
    "weekly_rest": "driver's weekly rest",
    "port_customs": "port formalities",
}


def standing_label(s: PlanSegment) -> str:
    """What a static stretch is, in words (a shift of a long watch says which)."""
    label = WAITS.get(s.kind or "", STANDING.get(s.mode, s.mode))
    return f"{label} ({s.shift})" if s.shift else label


def stretch(s: PlanSegment) -> str:
    """A segment's places: "A → B" on the move, "at A (what)" where the consignment stands."""
    if s.mode in STANDING:
        return f"at {s.from_.name} ({standing_label(s)})"
    return f"{s.from_.name} → {s.to.name}"


def render_briefing(plan: Plan, geo: Geodata) -> str:
    """The briefing as one printable HTML page (no scripts), marked with the handling code."""
    return _ENV.from_string(TEMPLATE).render(
        plan=plan,
        op=plan.operation,
        tasks=tasks(plan),
        contingencies=contingencies(plan, geo),
        seg={s.id: s for s in plan.segments},
        standing=[s for s in plan.segments if s.mode in STANDING and s.mode != "border"],
        standing_label=standing_label,
        stretch=stretch,
        local=lambda when, country: local_time(geo, when, country),
    )
