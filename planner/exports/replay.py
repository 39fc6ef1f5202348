"""The replay of an exercise run: one offline map whose time slider plays the versions.

Each version holds from the inject that made it until the next one. Moving the slider shows the
route of the version in force at that time, coloured by the agency watching each stretch; each
inject appears at its time, where the consignment was by the version it interrupted; the
consignment moves along the version in force. A table under the map lists the versions and what
each changed. Everything from a scenario or an inject note is escaped for HTML, and the data for
the script is JSON with ``<`` escaped, so no text can close the script.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen
from jinja2 import Template
from shapely.geometry import box

from geodata.layers import Geodata
from planner.exercises.run import RunResult
from planner.exports.geometry import segment_lines, track
from planner.exports.map import agency_colours, base_map, stable_ids
from planner.exports.offline import make_offline
from planner.plan import Plan


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _position(plan: Plan, at: datetime) -> tuple[float, float] | None:
    """Where the consignment is at ``at`` by ``plan``'s expected track (lat, lon)."""
    points = track(plan)
    if not points:
        return None
    best = min(points, key=lambda p: abs((p[0] - at).total_seconds()))
    return best[2], best[1]


def _version(plan: Plan, start: datetime, end: datetime | None) -> dict[str, Any]:
    colours = agency_colours(plan)
    agency = {a.segment: a.agency for a in plan.assignments}
    teams: dict[str, list[str]] = {}
    for a in plan.assignments:
        teams.setdefault(a.segment, []).append(a.team)
    lines = segment_lines(plan)
    return {
        "from": _ms(start),
        "to": _ms(end) if end is not None else None,
        "segments": [
            {
                "coords": [[y, x] for x, y in lines[s.id]],
                "colour": colours.get(agency.get(s.id, ""), "#000"),
                "tip": html.escape(
                    f"{s.id} {s.mode}: {s.from_.name} to {s.to.name}; teams "
                    f"{', '.join(teams.get(s.id, [])) or 'none'}"
                ),
            }
            for s in plan.segments
            if lines.get(s.id)
        ],
        "track": [[_ms(t), lat, lon] for t, lon, lat in track(plan)],
    }


class _Player(MacroElement):
    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var data = {{ this.data }};
  var groups = data.versions.map(function (v) {
    var g = L.layerGroup();
    v.segments.forEach(function (s) {
      L.polyline(s.coords, {color: s.colour, weight: 6, opacity: 0.9}).bindTooltip(s.tip).addTo(g);
    });
    return g;
  });
  var marks = data.injects.map(function (e) {
    return L.circleMarker([e.lat, e.lon], {radius: 9, color: '#b00', weight: 3, fillColor: '#fff',
      fillOpacity: 1}).bindTooltip(e.label);
  });
  var dot = L.circleMarker([0, 0], {radius: 8, color: '#000', fillColor: '#ffd700', fillOpacity: 1});
  var Ctl = L.Control.extend({onAdd: function () {
    var div = L.DomUtil.create('div', 'cdplan-slider');
    div.innerHTML = '<label>Exercise time: <span id="cdplan-time"></span> · version ' +
      '<span id="cdplan-version"></span></label><input id="cdplan-range" type="range" min="0" ' +
      'max="1000" value="0" style="width:100%">';
    L.DomEvent.disableClickPropagation(div);
    return div;
  }});
  map.addControl(new Ctl({position: 'bottomleft'}));
  var t0 = data.start, t1 = data.end, shown = -1;
  function show(v) {
    var t = t0 + (t1 - t0) * v / 1000, k = 0;
    data.versions.forEach(function (ver, i) { if (ver.from <= t) { k = i; } });
    if (k !== shown) {
      groups.forEach(function (g, i) { if (i === k) { g.addTo(map); } else { map.removeLayer(g); } });
      shown = k;
    }
    data.injects.forEach(function (e, i) {
      if (e.t <= t) { marks[i].addTo(map); } else { map.removeLayer(marks[i]); }
    });
    var tr = data.versions[k].track;
    if (tr.length) {
      var i = 1;
      while (i < tr.length - 1 && tr[i][0] < t) { i++; }
      var a = tr[Math.max(0, i - 1)], b = tr[i] || a;
      var f = b[0] > a[0] ? Math.min(1, Math.max(0, (t - a[0]) / (b[0] - a[0]))) : 1;
      dot.setLatLng([a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]).addTo(map);
    }
    document.getElementById('cdplan-time').textContent =
      new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
    document.getElementById('cdplan-version').textContent = String(k + 1);
    window.cdplanVersion = k + 1;
  }
  var input = document.getElementById('cdplan-range');
  input.addEventListener('input', function () { show(+input.value); });
  show(0);
})();
{% endmacro %}
""")

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self._name = "CdplanReplay"
        # JSON inside a script: "<" escaped, so that no string can end the script element.
        self.data = json.dumps(data).replace("<", "\\u003c")


def _table(result: RunResult) -> str:
    rows = []
    for v in result.summary()["versions"]:
        what = (
            "the plan" if v["inject"] is None else f"{v['inject']['kind']} at {v['inject']['at']}"
        )
        changes = "".join(f"<li>{html.escape(c)}</li>" for c in v["changes"][:8])
        rows.append(
            f"<tr><td>v{v['version']}</td><td>{html.escape(what)}</td>"
            f"<td>{html.escape(v['status'])}</td><td><ul>{changes}</ul></td></tr>"
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    return (
        '<div id="cdplan-versions" style="position:fixed;top:50px;right:10px;z-index:1000;'
        "background:#fff;border:1px solid #999;max-height:60%;overflow:auto;width:380px;"
        'font:12px sans-serif;padding:6px"><b>Versions</b><table>'
        + "".join(rows)
        + f"</table><ul>{notes}</ul></div>"
    )


def render_replay(result: RunResult, geo: Geodata) -> str:
    """The replay page (see the module doc)."""
    first = result.plans[0]
    op = first.operation
    starts = [first.operation.departure] + [e.at for e in result.injects[1:] if e is not None]
    versions = []
    for i, plan in enumerate(result.plans):
        end = starts[i + 1] if i + 1 < len(starts) else None
        versions.append(_version(plan, starts[i], end))
    injects = []
    for i, event in enumerate(result.injects[1:], 1):
        assert event is not None
        where = _position(result.plans[i - 1], event.at) or _position(result.plans[i], event.at)
        if where is not None:
            label = html.escape(f"v{i + 1}: {event.kind} at {event.at:%Y-%m-%d %H:%M %z}")
            injects.append({"t": _ms(event.at), "lat": where[0], "lon": where[1], "label": label})
    ends = [p.segments[-1].nominal_end for p in result.plans if p.segments]
    data = {
        "start": _ms(starts[0]),
        "end": _ms(max(ends)) if ends else _ms(starts[-1]),
        "versions": versions,
        "injects": injects,
    }
    coords = [c for v in versions for s in v["segments"] for c in s["coords"]]
    lats = [c[0] for c in coords] or [36.0, 50.0]
    lons = [c[1] for c in coords] or [19.0, 50.0]
    m = base_map(geo, box(min(lons) - 8, min(lats) - 5, max(lons) + 8, max(lats) + 5))
    _Player(data).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    root: Any = m.get_root()
    banner = (
        '<div style="position:fixed;top:10px;left:50%;transform:translateX(-50%);z-index:1000;'
        'background:#b00;color:#fff;padding:6px 14px;border-radius:4px;font:bold 14px sans-serif">'
        f"{html.escape(op.marking)} &middot; replay &middot; {html.escape(op.name)}</div>"
        "<style>.cdplan-slider{background:#fff;padding:6px 8px;border:1px solid #999;"
        "border-radius:4px;width:360px;font:12px sans-serif}</style>"
    )
    root.html.add_child(Element(banner + _table(result)))
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    return make_offline(stable_ids(root.render()))
