"""Two layers of the coordinator's map: the route by watching agency, and place labels.

With ``min_teams`` 2 or more a stretch is watched by several teams at once, often of different
agencies. Such a stretch is drawn striped: one dash per watching team, in its agency's colour, so
each agency shows along the whole stretch (two teams of one agency give a line of one colour);
a thin white line down the middle marks a stretch watched by two or more teams at once.

Place labels name the handovers, the crossings and the team bases on the map itself. They are
drawn in order of importance (handovers, then crossings, then bases), and one that would overlap
a label already shown is hidden until the reader zooms in: readable when zoomed out, never
stacked. Their text is set as text (never parsed as HTML).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from geodata.layers import Geodata
from planner.exports.geometry import segment_lines
from planner.plan import PlacePoint, Plan

DASH_PX = 14  # length of one agency's dash in a striped stretch, pixels
WEIGHT_PX = 6
# Label priority: the lower, the sooner it is placed (and the less likely it is hidden).
HANDOVER, CROSSING, BASE = 0, 1, 2


def watchers(plan: Plan) -> dict[str, list[tuple[str, str]]]:
    """Per segment, the (team, agency) pairs watching it, agencies in order of first appearance."""
    order = {a: i for i, a in enumerate(dict.fromkeys(a.agency for a in plan.assignments))}
    out: dict[str, list[tuple[str, str]]] = {}
    for a in plan.assignments:
        out.setdefault(a.segment, []).append((a.team, a.agency))
    return {s: sorted(v, key=lambda p: (order[p[1]], p[0])) for s, v in out.items()}


def stripes(n: int) -> list[dict[str, str]]:
    """Line options of each of ``n`` stripes sharing one line, drawn in order.

    The first is solid; each later one draws a dash in its own slot of the period, its offset
    written as a leading zero-length dash and gap (the map draws on a canvas, which ignores
    ``dashOffset``), with flat ends so that the slots tile.
    """
    if n <= 1:
        return [{}]
    out: list[dict[str, str]] = [{"line_cap": "butt"}]
    for i in range(1, n):
        gap_after = DASH_PX * (n - 1 - i)
        out.append({"dash_array": f"0 {DASH_PX * i} {DASH_PX} {gap_after}", "line_cap": "butt"})
    return out


def add_watch_layer(
    m: folium.Map,
    plan: Plan,
    colours: dict[str, str],
    esc: Any,
    name: str,
    dashes: dict[str, str | None] | None = None,
) -> bool:
    """Draw the route by watching agency; True when some stretch has more than one watcher.

    ``dashes``: each movement's line style, in an operation of several (stripes, where two
    teams watch at once, take the place of the dashes). The first movement is drawn last, on
    top; a stretch nobody watches is thin and grey (a scout car watched only where it is cheap).
    """
    dashes = dashes or {}
    watch = folium.FeatureGroup(name=name)
    lines = segment_lines(plan)
    seen = watchers(plan)
    rank = {mv.id: i for i, mv in enumerate(plan.movements)}
    several = False
    for seg in sorted(plan.segments, key=lambda s: -rank.get(s.movement or "", 0)):
        coords = lines.get(seg.id)
        if not coords:
            continue
        pairs = seen.get(seg.id, [])
        teams = ", ".join(f"{t} ({a})" for t, a in pairs) or "none"
        tip = esc(
            f"{seg.id} {seg.mode}: {seg.from_.name} to {seg.to.name}, {seg.km:.0f} km; "
            f"teams {teams}; window {seg.start_local} to {seg.end_local}"
        )
        path = [(y, x) for x, y in coords]
        dash = "8 6" if seg.mode == "ferry" else dashes.get(seg.movement or "")
        if not pairs:
            folium.PolyLine(
                path, color="#9a9a9a", weight=3, opacity=0.9, dash_array=dash, tooltip=tip
            ).add_to(watch)
            continue
        several |= len(pairs) > 1
        for (_, agency), pattern in zip(pairs, stripes(len(pairs)), strict=True):
            folium.PolyLine(
                path,
                color=colours.get(agency, "#000"),
                weight=WEIGHT_PX,
                opacity=0.95,
                tooltip=tip,
                **(pattern or ({"dash_array": dash} if dash else {})),
            ).add_to(watch)
        if len(pairs) > 1:
            folium.PolyLine(path, color="#fff", weight=1.5, opacity=1, tooltip=tip).add_to(watch)
    watch.add_to(m)
    return several


@dataclass(frozen=True)
class Label:
    """One place label: where, what it says, how important it is."""

    lat: float
    lon: float
    text: str
    priority: int


def place_name(p: PlacePoint, geo: Geodata) -> str:
    """The geodata name, with the local-script name where the data has one."""
    city = geo.cities.get(p.id)
    local = city.name_local if city else ""
    return f"{p.name} ({local})" if local and local != p.name else p.name


def labels(plan: Plan, geo: Geodata) -> list[Label]:
    """Labels of the handover places, the route's crossings and the team bases, one per place."""
    out: dict[tuple[float, float], Label] = {}

    def add(p: PlacePoint, text: str, priority: int) -> None:
        key = (round(p.lat, 3), round(p.lon, 3))
        if key not in out or out[key].priority > priority:
            out[key] = Label(p.lat, p.lon, text, priority)

    for h in plan.handovers:
        add(h.place, place_name(h.place, geo), HANDOVER)
    for c in plan.route.crossings:
        add(c, place_name(c, geo), CROSSING)
    used = {a.team for a in plan.assignments}
    by_base: dict[tuple[float, float], list[str]] = {}
    base_of: dict[tuple[float, float], PlacePoint] = {}
    for t in plan.teams:
        if t.id in used:
            key = (round(t.base.lat, 3), round(t.base.lon, 3))
            by_base.setdefault(key, []).append(t.id)
            base_of[key] = t.base
    for key, teams in by_base.items():
        base = base_of[key]
        add(base, f"{base.name}: {', '.join(teams)}", BASE)
    return sorted(out.values(), key=lambda lab: (lab.priority, lab.text))


def _script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element: no ``</script>``, no HTML comment opener."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class PlaceLabels(MacroElement):
    """The labels as Leaflet markers in a layer of their own, overlaps hidden by priority."""

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var group = {{ this.group.get_name() }};
  var data = {{ this.data }};
  var marks = data.map(function (d) {
    var el = document.createElement('span');
    el.className = 'cdplan-label-text p' + d[3];
    el.textContent = d[2];
    var icon = L.divIcon({html: el, className: 'cdplan-label', iconSize: null,
                          iconAnchor: [-7, 9]});
    return L.marker([d[0], d[1]], {icon: icon, interactive: false, keyboard: false})
      .addTo(group);
  });
  function declutter() {
    var kept = [];
    marks.forEach(function (m) {
      var el = m.getElement();
      if (!el) { return; }
      el.style.visibility = 'visible';
      var r = el.firstChild.getBoundingClientRect();
      var clash = kept.some(function (k) {
        return r.left < k.right + 2 && r.right > k.left - 2 &&
               r.top < k.bottom + 1 && r.bottom > k.top - 1;
      });
      if (clash) { el.style.visibility = 'hidden'; } else { kept.push(r); }
    });
  }
  map.on('zoomend moveend overlayadd', declutter);
  window.cdplanDeclutter = declutter;
  setTimeout(declutter, 0);
})();
{% endmacro %}
""")

    def __init__(self, group: folium.FeatureGroup, items: list[Label]) -> None:
        super().__init__()
        self._name = "CdplanLabels"
        self.group = group
        self.data = _script_json([[lab.lat, lab.lon, lab.text, lab.priority] for lab in items])


LABEL_STYLE = """<style>
.cdplan-label{background:none;border:none}
.cdplan-label-text{white-space:nowrap;font:bold 12px sans-serif;color:#111;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff,0 0 1px #fff}
.cdplan-label-text.p2{font-weight:normal;color:#333;font-size:11px}
</style>"""


def add_labels(m: folium.Map, plan: Plan, geo: Geodata) -> None:
    """The place labels layer (on by default; the layer control turns it off)."""
    group = folium.FeatureGroup(name="Place labels")
    group.add_to(m)
    PlaceLabels(group, labels(plan, geo)).add_to(m)
