"""Two plans of one operation side by side: alternatives, versions, a trainee's and the optimum.

One offline page: a table of the headline figures and the objective's terms with the difference
(B − A), one map with a layer per plan, and a timeline for each. plotly.js is in the page once,
as its own script element, however many timelines the page holds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import folium
import plotly.offline
from branca.element import Element
from folium.plugins import Fullscreen
from shapely.geometry import box
from shapely.ops import unary_union

from geodata.layers import Geodata
from planner.exports.geometry import route_line, segment_lines
from planner.exports.map import PALETTE, _Scale, base_map, stable_ids
from planner.exports.map import _esc as map_text
from planner.exports.offline import make_offline
from planner.exports.timeline import timeline_figure
from planner.plan import ObjectiveTerms, Plan

# Plan A solid blue under plan B dashed orange: where the routes coincide both stay visible.
COLOUR = {"A": "#1f5fbf", "B": "#e8710a"}
STYLE: dict[str, dict[str, Any]] = {
    "A": {"color": COLOUR["A"], "weight": 7},
    "B": {"color": COLOUR["B"], "weight": 3.5, "dash_array": "10 7"},
}


class NotComparableError(ValueError):
    """Two plans that are not of the same operation."""


@dataclass(frozen=True)
class Row:
    """One line of the comparison: a figure of each plan, and B's difference to A."""

    name: str
    a: str
    b: str
    diff: str
    verdict: str  # "better", "worse" or "" (B against A; lower is better unless said)


def _num(x: float | None, digits: int) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def _row(name: str, a: float | None, b: float | None, digits: int = 1, higher: bool = False) -> Row:
    if a is None or b is None:
        return Row(name, _num(a, digits), _num(b, digits), "", "")
    d = round(b - a, digits)
    verdict = "" if d == 0 else ("better" if (d > 0) == higher else "worse")
    return Row(name, _num(a, digits), _num(b, digits), f"{d:+,.{digits}f}", verdict)


def _text(name: str, a: str, b: str) -> Row:
    return Row(name, a, b, "same" if a == b else "differs", "")


def rows(a: Plan, b: Plan) -> list[Row]:
    """The headline figures and the objective's terms of both plans, with B − A."""
    teams = [len({x.team for x in p.assignments}) for p in (a, b)]
    agencies = [len({x.agency for x in p.assignments}) for p in (a, b)]
    out = [
        _text("Status", a.status.value, b.status.value),
        _text("Route", " → ".join(a.route.countries), " → ".join(b.route.countries)),
        _text(
            "Crossings",
            ", ".join(c.name for c in a.route.crossings),
            ", ".join(c.name for c in b.route.crossings),
        ),
        _row("Length (km)", a.route.length_km, b.route.length_km, 0),
        _row("Hours on the road, stops included", a.route.hours, b.route.hours),
        _row("Handovers", a.kpis.handovers, b.kpis.handovers, 0),
        _row("Team-hours on watch", a.kpis.team_hours, b.kpis.team_hours),
        _row("Longest follow by one team (h)", a.kpis.longest_follow_hours,
             b.kpis.longest_follow_hours),
        _row("Coverage (%)", a.kpis.coverage * 100, b.kpis.coverage * 100, 0, higher=True),
        _row("Teams with a task", teams[0], teams[1], 0),
        _row("Agencies with a task", agencies[0], agencies[1], 0),
        _row("Objective", a.solver.objective, b.solver.objective, 2),
    ]  # fmt: skip
    for field, info in ObjectiveTerms.model_fields.items():
        ta, tb = a.solver.terms, b.solver.terms
        out.append(
            _row(
                f"Objective term: {info.description or field}",
                getattr(ta, field) if ta else None,
                getattr(tb, field) if tb else None,
                2,
            )
        )
    return out


def check_comparable(a: Plan, b: Plan) -> None:
    """Raise :class:`NotComparableError` unless both plans are of one operation."""
    if a.operation.id != b.operation.id:
        raise NotComparableError(
            f"the plans are of two operations ({a.operation.id}, {b.operation.id}): compare "
            "alternatives, versions or a trainee's plan of one operation"
        )


def _marking(a: Plan, b: Plan) -> str:
    """The stricter handling code of the two, with EXERCISE if either is one."""
    # H0..H3: the higher the number, the stricter the code.
    code = max(a.operation.handling_code, b.operation.handling_code)
    exercise = a.operation.exercise or b.operation.exercise
    return f"EXERCISE · {code}" if exercise else code


def _layer(m: folium.Map, plan: Plan, key: str, name: str) -> None:
    style = STYLE[key]
    # Folium writes tooltips into script template literals and Leaflet shows layer names as
    # HTML: both get the map's escaping.
    group = folium.FeatureGroup(name=map_text(f"{key}: {name}"))
    lines = segment_lines(plan)
    watch: dict[str, list[str]] = {}
    for x in plan.assignments:
        watch.setdefault(x.segment, []).append(f"{x.team} ({x.agency})")
    for seg in plan.segments:
        coords = lines.get(seg.id)
        if coords:
            tip = (
                f"{key}: {seg.id} {seg.mode}, {seg.from_.name} to {seg.to.name}; teams "
                f"{', '.join(watch.get(seg.id, [])) or 'none'}"
            )
            folium.PolyLine(
                [(y, x) for x, y in coords], opacity=0.9, tooltip=map_text(tip), **style
            ).add_to(group)
    for i, h in enumerate(plan.handovers, 1):
        tip = (
            f"{key} #{i} {h.kind} handover at {h.place.name}: {h.from_team} ({h.from_agency}) to "
            f"{h.to_team} ({h.to_agency}), {h.start_local} to {h.end_local}"
        )
        folium.CircleMarker(
            (h.place.lat, h.place.lon),
            radius=8 if key == "A" else 4.5,
            color=COLOUR[key],
            weight=2,
            fill=True,
            fill_color="#fff" if key == "A" else COLOUR[key],
            fill_opacity=1,
            tooltip=map_text(tip),
        ).add_to(group)
    group.add_to(m)


def _table(items: list[Row], names: tuple[str, str]) -> str:
    esc = html.escape
    body = "".join(
        f"<tr><th>{esc(r.name)}</th><td>{esc(r.a)}</td><td>{esc(r.b)}</td>"
        f'<td class="{r.verdict}">{esc(r.diff)}</td></tr>'
        for r in items
    )
    return (
        '<table id="cdplan-kpis"><thead><tr><th></th>'
        f"<th>A: {esc(names[0])}</th><th>B: {esc(names[1])}</th><th>B − A</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


PAGE_STYLE = """<style>
body{font:13px/1.4 sans-serif;margin:0;color:#111;overflow:auto}
#cdplan-banner{position:sticky;top:0;z-index:1000;background:#111;color:#fff;padding:6px 14px;
 font-weight:bold}
.cdplan-part{margin:12px 16px} h1{font-size:18px;margin:10px 16px} h2{font-size:15px}
#cdplan-kpis{border-collapse:collapse} #cdplan-kpis td,#cdplan-kpis th{border:1px solid #bbb;
 padding:3px 8px;text-align:left} #cdplan-kpis thead th{background:#eee}
td.better{color:#17702a;font-weight:bold} td.worse{color:#b00;font-weight:bold}
div.leaflet-container{background:#cfe3f0}
.cdplan-key span{display:inline-block;width:28px;height:0;vertical-align:middle;margin:0 6px}
</style>"""


@dataclass(frozen=True)
class Marker:
    """A point to flag on the comparison map (a rule a trainee's plan breaks, where it does)."""

    lat: float
    lon: float
    text: str


def _markers(m: folium.Map, markers: list[Marker]) -> None:
    group = folium.FeatureGroup(name="Rules broken")
    for x in markers:
        folium.CircleMarker(
            (x.lat, x.lon),
            radius=11,
            color="#b00",
            weight=4,
            fill=True,
            fill_color="#fff",
            fill_opacity=0.6,
            tooltip=map_text(x.text),
        ).add_to(group)
    group.add_to(m)


def render_compare(
    a: Plan,
    b: Plan,
    geo: Geodata,
    names: tuple[str, str] = ("A", "B"),
    *,
    intro: str = "",
    markers: list[Marker] | None = None,
) -> str:
    """The comparison page of plans ``a`` and ``b`` (one offline HTML page).

    Args:
        a: the first plan (solid line).
        b: the second plan (dashed line).
        geo: the geodata, for the base map.
        names: what to call each plan.
        intro: HTML (already escaped) shown above the figures, such as a debrief's verdict.
        markers: points to flag on the map, each with its text.

    Raises:
        NotComparableError: the plans are of two operations.
    """
    check_comparable(a, b)
    esc = html.escape
    shapes = [line for p in (a, b) if (line := route_line(p)) is not None]
    bounds = unary_union(shapes).bounds if shapes else (19.0, 36.0, 50.0, 50.0)
    view = box(bounds[0] - 8, bounds[1] - 5, bounds[2] + 8, bounds[3] + 5)
    m = base_map(geo, view)
    # One map among other parts of the page: a fixed height, not the whole window.
    m.height = (560.0, "px")
    for key, plan, name in (("A", a, names[0]), ("B", b, names[1])):
        _layer(m, plan, key, name)
    if markers:
        _markers(m, markers)
    _Scale().add_to(m)
    Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    root: Any = m.get_root()
    root.header.add_child(Element(PAGE_STYLE))
    op = a.operation
    title = f"Two plans of {op.name} ({op.id})"
    key_line = (
        f'<p class="cdplan-part cdplan-key">Map: A<span style="border-top:6px solid '
        f'{COLOUR["A"]}"></span>B<span style="border-top:3px dashed '
        f'{COLOUR["B"]}"></span>handovers: A large hollow circles, B small dots. Each '
        "plan is a layer of its own.</p>"
    )
    head = (
        f'<div id="cdplan-banner">{esc(_marking(a, b))} &middot; {esc(title)}</div>'
        f"<h1>{esc(title)}: A {esc(names[0])}, B {esc(names[1])}</h1>"
        f'{intro}<div class="cdplan-part">{_table(rows(a, b), names)}</div>{key_line}'
    )
    root.html.add_child(Element(head), index=0)
    page = make_offline(stable_ids(root.render()))
    # plotly.js once, as a script of its own (a store keeps such a library once); the figures after,
    # an agency in the same colour in both.
    agencies = dict.fromkeys(x.agency for p in (a, b) for x in p.assignments)
    colours = {ag: PALETTE[i % len(PALETTE)] for i, ag in enumerate(agencies)}
    figures = "".join(
        f'<div class="cdplan-part"><h2>Timeline {key}: {esc(name)}</h2>'
        + timeline_figure(plan, colours).to_html(
            include_plotlyjs=False,
            full_html=False,
            div_id=f"cdplan-timeline-{key.lower()}",
            config={"displaylogo": False},
        )
        + "</div>"
        for key, plan, name in (("A", a, names[0]), ("B", b, names[1]))
    )
    library = f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>'
    at = page.rindex("</body>")
    return page[:at] + library + figures + page[at:]
