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
from planner.plan import Plan

log = logging.getLogger(__name__)


def write_atomic(path: Path, text: str) -> None:
    """Write a file so that a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_all(plan: Plan, geo: Geodata, directory: Path) -> dict[str, Path]:
    """plan.json, map.html, timeline.html, briefing.html, plan.geojson, plan.kml."""
    directory.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, Callable[[], str]] = {
        "plan.json": plan.to_json,
        "briefing.html": lambda: render_briefing(plan, geo),
        "plan.geojson": lambda: dumps(plan_geojson(plan)),
        "plan.kml": lambda: plan_kml(plan),
        "timeline.html": lambda: render_timeline(plan),
        "map.html": lambda: render_map(plan, geo),
    }
    written: dict[str, Path] = {}
    for name, render in outputs.items():
        try:
            text = render()
        except OfflineAssetError as exc:
            # Never write a map that would reach out to the network; say why instead.
            log.error("%s not written: %s", name, exc)
            continue
        write_atomic(directory / name, text)
        written[name] = directory / name
    return written
