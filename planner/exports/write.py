"""Writing every output of a plan into a folder, each file atomically."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from geodata.layers import Geodata
from planner.exports.briefing import render_briefing
from planner.exports.features import dumps, plan_geojson, plan_kml
from planner.exports.map import render_map
from planner.exports.offline import OfflineAssetError
from planner.exports.timeline import render_timeline
from planner.plan import Plan, PlanStatus

log = logging.getLogger(__name__)


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# name -> (media type, renderer). The API serves the same renderings the CLI writes.
OUTPUTS: dict[str, tuple[str, Callable[[Plan, Geodata], str]]] = {
    "plan.json": ("application/json", lambda plan, _geo: plan.to_json()),
    "briefing.html": ("text/html; charset=utf-8", render_briefing),
    "plan.geojson": ("application/geo+json", lambda plan, _geo: dumps(plan_geojson(plan))),
    "plan.kml": ("application/vnd.google-earth.kml+xml", lambda plan, _geo: plan_kml(plan)),
    "timeline.html": ("text/html; charset=utf-8", lambda plan, _geo: render_timeline(plan)),
    "map.html": ("text/html; charset=utf-8", render_map),
}


def render_all(plan: Plan, geo: Geodata) -> dict[str, str]:
    """Every output as text; one that cannot be made offline is left out, with a log line.

    An invalid scenario gets ``plan.json`` alone, with its reasons: a map or a briefing of a
    scenario that cannot be planned would look like an operation order.
    """
    rendered: dict[str, str] = {}
    names = ["plan.json"] if plan.status is PlanStatus.invalid else list(OUTPUTS)
    for name in names:
        render = OUTPUTS[name][1]
        try:
            rendered[name] = render(plan, geo)
        except OfflineAssetError as exc:
            # Never hand out a map that would reach out to the network; say why instead.
            log.error("%s not rendered: %s", name, exc)
    return rendered


def write_all(plan: Plan, geo: Geodata, directory: Path) -> dict[str, Path]:
    """plan.json, map.html, timeline.html, briefing.html, plan.geojson, plan.kml.

    Outputs of an earlier run that this plan does not have are removed, so that a folder never
    mixes a new plan.json with an old map.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, text in render_all(plan, geo).items():
        write_atomic(directory / name, text)
        written[name] = directory / name
    for name in set(OUTPUTS) - set(written):
        (directory / name).unlink(missing_ok=True)
    return written
