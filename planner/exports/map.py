"""The coordinator's map (folium): offline, no tiles, everything a briefing room needs at a glance.

Layers: countries (base, no tiles), areas without a cooperating authority, the route coloured by
the agency watching each stretch, handover points with their windows (local time and UTC) and
teams, team bases and their first moves, alternative routes (off by default). Controls: layer
control, fullscreen, a metric scale, a legend, the handling code and operation name always
visible, and a time slider that moves the consignment along its expected timeline.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen
from jinja2 import Template
from shapely.geometry import Polygon, box, mapping

from geodata.layers import Geodata
from planner.exports.geometry import coords_of, route_line, segment_lines, track
from planner.exports.holds import holds_layer
from planner.exports.maplayers import LABEL_STYLE, add_labels, add_watch_layer
from planner.exports.offline import make_offline
from planner.plan import Plan

PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
]


def agency_colours(plan: Plan) -> dict[str, str]:
    """A colour per agency, in order of first appearance in the assignments (shared palette)."""
    agencies = list(dict.fromkeys(a.agency for a in plan.assignments))
    return {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(agencies)}


def _esc(text: object) -> str:
    """Text for HTML that folium may also put inside a JavaScript template literal.

    Tooltips and popups: HTML-escaped, and the three characters a template literal interprets
    (backtick, dollar, backslash) written as character references, so it is shown as written
    and never runs.
    """
    escaped = html.escape(str(text))
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _fmt(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


class _Slider(MacroElement):
    """A range input that moves a marker along the consignment's expected track."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var track = {{ this.track }};
  var marker = L.circleMarker([track[0][1], track[0][2]], {radius: 9, color: '#000',
      weight: 2, fillColor: '#ffd700', fillOpacity: 1}).addTo(map);
  marker.bindTooltip('consignment (expected position)');
  var Ctl = L.Control.extend({
    onAdd: function () {
      var div = L.DomUtil.create('div', 'cdplan-slider');
      div.innerHTML = '<label>Consignment, expected: <span id="cdplan-time"></span></label>' +
        '<input id="cdplan-range" type="range" min="0" max="1000" value="0" style="width:100%">';
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    }
  });
  map.addControl(new Ctl({position: 'bottomleft'}));
  var t0 = track[0][0], t1 = track[track.length - 1][0];
  function place(v) {
    var t = t0 + (t1 - t0) * v / 1000, i = 1;
    while (i < track.length - 1 && track[i][0] < t) { i++; }
    var a = track[i - 1], b = track[i];
    var f = b[0] > a[0] ? Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0]))) : 1;
    marker.setLatLng([a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
    document.getElementById('cdplan-time').textContent =
      new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    window.cdplanMarker = marker;
  }
  var input = document.getElementById('cdplan-range');
  input.addEventListener('input', function () { place(+input.value); });
  place(0);
})();
{% endmacro %}
""")

    def __init__(self, points: list[tuple[datetime, float, float]]) -> None:
        super().__init__()
        self._name = "CdplanSlider"
        self.track = json.dumps([[int(t.timestamp() * 1000), lat, lon] for t, lon, lat in points])


class _Scale(MacroElement):
    _template = Template("""
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});
{% endmacro %}
""")


def _panel(plan: Plan, colours: dict[str, str], several: bool = False) -> str:
    op = plan.operation
    more = _several(colours) if several else ""
    rows = "".join(
        f'<div><span style="display:inline-block;width:22px;height:5px;background:{c};'
        f'margin-right:6px;vertical-align:middle"></span>{_esc(a)}</div>'
        for a, c in colours.items()
    )
    styles = {"14 8": "dashed", "3 7": "dotted", "14 6 3 6": "dash-dot", "24 8": "long dashes"}
    rows += "".join(
        f"<div>movement {_esc(m.id)} ({_esc(m.consignment)}): "
        f"{styles.get(dash or '', 'solid')} line</div>"
        for m, dash in zip(plan.movements, movement_dashes(plan).values(), strict=True)
    )
    return f"""
<div id="cdplan-banner" style="position:fixed;top:10px;left:50%;transform:translateX(-50%);
 z-index:1000;background:#111;color:#fff;padding:6px 14px;border-radius:4px;
 font:bold 14px sans-serif">{_esc(op.marking)} &middot; {_esc(op.name)} ({_esc(op.id)})
 &middot; {_esc(plan.status)}</div>
<div id="cdplan-legend" style="position:fixed;bottom:30px;right:10px;z-index:1000;background:#fff;
 padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px sans-serif;max-width:280px">
 <b>Handling code {_esc(op.marking)}</b><br><b>Watching agency</b>{rows}{more}
 <div style="margin-top:4px"><span style="color:#000">&#9679;</span> handover (border / port /
 relief)</div><div><span style="color:#555">&#9675;</span> team base, dashed: first move</div>
 <div><span style="background:#c0392b;opacity:.5">&nbsp;&nbsp;&nbsp;</span> no cooperating
 authority</div><div><span style="color:#ffd700">&#9679;</span> consignment (time slider);
 with a black ring: a transfer between movements</div>
</div>
<style>.cdplan-slider{{background:#fff;padding:6px 8px;border:1px solid #999;border-radius:4px;
 width:320px;font:12px sans-serif}}</style>
"""


def _several(colours: dict[str, str]) -> str:
    """The legend's line for stretches watched by more than one team at once."""
    a, b = [*colours.values(), "#555", "#999"][:2]
    sample = (
        f'<svg width="30" height="8" style="vertical-align:middle;margin-right:6px">'
        f'<line x1="0" y1="4" x2="30" y2="4" stroke="{a}" stroke-width="6"/>'
        f'<line x1="0" y1="4" x2="30" y2="4" stroke="{b}" stroke-width="6" '
        f'stroke-dasharray="7 7" stroke-dashoffset="7"/>'
        f'<line x1="0" y1="4" x2="30" y2="4" stroke="#fff" stroke-width="1.5"/></svg>'
    )
    return (
        f'<div id="cdplan-several" style="margin-top:4px">{sample}striped, white centre line: '
        "watched by two or more teams at once, one colour per watching agency</div>"
    )


# Each movement of an operation of several has its own line: the first solid, then dashed and
# dotted, so that a truck, its scout car and a van read apart whatever agency watches them.
MOVEMENT_DASHES = (None, "14 8", "3 7", "14 6 3 6", "24 8")


def movement_dashes(plan: Plan) -> dict[str, str | None]:
    """The line style of each movement (empty for a plan of one movement)."""
    return {m.id: MOVEMENT_DASHES[i % len(MOVEMENT_DASHES)] for i, m in enumerate(plan.movements)}


def _transfers(plan: Plan, m: folium.Map) -> None:
    """The places where the goods pass from one movement to the next, as a layer."""
    if not plan.transfers:
        return
    layer = folium.FeatureGroup(name="Transfers between movements")
    for t in plan.transfers:
        # A plain circle marker: a polygon marker needs a plugin the offline page does not carry.
        folium.CircleMarker(
            (t.place.lat, t.place.lon),
            radius=10,
            color="#000",
            weight=3,
            fill=True,
            fill_color="#ffd700",
            fill_opacity=1,
            tooltip=_esc(
                f"transfer {t.from_} to {t.to} at {t.place.name}, from {t.start_local}; "
                f"{_fmt(t.start)} to {_fmt(t.end)}"
            ),
        ).add_to(layer)
    layer.add_to(m)


def base_map(geo: Geodata, view: Polygon) -> folium.Map:
    """An offline map without tiles: the countries around ``view``, and a layer of the areas.

    The areas are those without a cooperating authority; nothing is loaded from the network.
    """
    m = folium.Map(
        tiles=None, control_scale=False, zoom_control=True, prefer_canvas=True, max_zoom=18
    )
    root: Any = m.get_root()
    root.header.add_child(Element("<style>.leaflet-container{background:#cfe3f0}</style>"))

    base = folium.FeatureGroup(name="Countries", overlay=False, control=False)
    feats = []
    for iso3, shape in sorted(geo.country_shapes.items()):
        part = shape.intersection(view).simplify(0.01, preserve_topology=True)
        if part.is_empty:
            continue
        facts = geo.countries[iso3]
        feats.append(
            {
                "type": "Feature",
                "geometry": mapping(part),
                "properties": {"name": facts.name, "iso3": iso3},
            }
        )
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        style_function=lambda f: {
            "fillColor": "#f3efe2",
            "color": "#888",
            "weight": 0.8,
            "fillOpacity": 1,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(base)
    base.add_to(m)

    restricted = folium.FeatureGroup(name="No cooperating authority")
    for key, shape in sorted(geo.restricted_shapes.items()):
        area = geo.restricted[key]
        if not area.active or not shape.intersects(view):
            continue
        folium.GeoJson(
            mapping(shape.intersection(view).simplify(0.005)),
            style_function=lambda f: {
                "fillColor": "#c0392b",
                "color": "#922b21",
                "weight": 1,
                "fillOpacity": 0.35,
            },
            tooltip=_esc(f"{area.name}: {area.wording}"),
        ).add_to(restricted)
    restricted.add_to(m)
    return m


def render_map(plan: Plan, geo: Geodata, *, holds: Sequence[float] | None = None) -> str:
    """The map as one self-contained, offline HTML page.

    ``holds``: the share of sampled worlds in which each handover holds (``cdplan
    robustness``), in the order of ``plan.handovers``; shown as a layer of its own.
    """
    line = route_line(plan)
    bounds = line.bounds if line is not None else (19.0, 36.0, 50.0, 50.0)
    if plan.movements:
        # Every movement's line is in view, not only the first's.
        corners = [p for coords in segment_lines(plan).values() for p in coords] or [
            (bounds[0], bounds[1])
        ]
        bounds = (
            min(x for x, _ in corners),
            min(y for _, y in corners),
            max(x for x, _ in corners),
            max(y for _, y in corners),
        )
    view = box(bounds[0] - 8, bounds[1] - 5, bounds[2] + 8, bounds[3] + 5)
    m = base_map(geo, view)
    root: Any = m.get_root()

    alternatives = folium.FeatureGroup(name="Alternative routes", show=False)
    for alt in plan.alternatives:
        if alt.chosen:
            continue
        coords = coords_of(alt.geometry)
        if len(coords) > 1:
            folium.PolyLine(
                [(y, x) for x, y in coords],
                color="#555",
                weight=3,
                dash_array="6 6",
                tooltip=f"alternative: {' > '.join(alt.countries)}, "
                f"{alt.length_km:.0f} km, {alt.hours:.1f} h",
            ).add_to(alternatives)
    alternatives.add_to(m)

    colours = agency_colours(plan)
    several = add_watch_layer(
        m, plan, colours, _esc, "Route by watching agency", movement_dashes(plan)
    )
    _transfers(plan, m)

    points = folium.FeatureGroup(name="Handovers")
    for h in plan.handovers:
        popup = (
            f"<b>{_esc(h.kind)} handover</b><br>{_esc(h.place.name)}<br>"
            f"{_esc(h.from_team)} ({_esc(h.from_agency)}) &rarr; {_esc(h.to_team)} "
            f"({_esc(h.to_agency)})<br>both present {_esc(h.start_local)} to "
            f"{_esc(h.end_local)}<br>({_fmt(h.start)} to {_fmt(h.end)})<br>"
            f"passage between {_fmt(h.earliest)} and {_fmt(h.latest)}"
        )
        folium.CircleMarker(
            (h.place.lat, h.place.lon),
            radius=7,
            color="#000",
            weight=2,
            fill=True,
            fill_color="#fff",
            fill_opacity=1,
            popup=folium.Popup(popup, max_width=320),
            tooltip=_esc(f"{h.kind}: {h.place.name}"),
        ).add_to(points)
    points.add_to(m)
    if holds is not None:
        holds_layer(plan, holds).add_to(m)

    bases = folium.FeatureGroup(name="Team bases and first moves")
    first_post: dict[str, tuple[float, float]] = {}
    seg_by_id = {s.id: s for s in plan.segments}
    for a in sorted(plan.assignments, key=lambda a: a.start):
        if a.team not in first_post and a.segment in seg_by_id:
            s = seg_by_id[a.segment]
            first_post[a.team] = (s.from_.lat, s.from_.lon)
    for t in plan.teams:
        colour = colours.get(t.agency, "#555")
        folium.CircleMarker(
            (t.base.lat, t.base.lon),
            radius=4,
            color=colour,
            fill=True,
            fill_opacity=0.6,
            tooltip=_esc(f"{t.id} ({t.agency}), base {t.base.name}"),
        ).add_to(bases)
        if t.id in first_post:
            folium.PolyLine(
                [(t.base.lat, t.base.lon), first_post[t.id]],
                color=colour,
                weight=1.5,
                dash_array="4 4",
                tooltip=_esc(f"{t.id}: first move"),
            ).add_to(bases)
    bases.add_to(m)
    add_labels(m, plan, geo)
    root.header.add_child(Element(LABEL_STYLE))

    pts = track(plan)
    if pts:
        _Slider(pts).add_to(m)
    _Scale().add_to(m)
    Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    root.html.add_child(Element(_panel(plan, colours, several)))
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return make_offline(stable_ids(m.get_root().render()))


def stable_ids(page: str) -> str:
    """Replace folium's random hex element ids by numbers, so the same plan gives the same file.

    Numbered in order of first appearance, byte for byte the same from one run to the next.
    """
    seen: dict[str, str] = {}

    def repl(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"{len(seen) + 1:032x}")

    return _HEX_ID.sub(repl, page)


_HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
