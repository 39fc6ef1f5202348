"""A planned bundled scenario and its written outputs, once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata import Geodata
from planner.engine import plan
from planner.examples import DEFAULT, path_of
from planner.exports.write import write_all
from planner.io import load_scenario
from planner.plan import Plan


@pytest.fixture(scope="session")
def demo_plan(geo: Geodata) -> Plan:
    result = plan(load_scenario(path_of(DEFAULT)), geo)
    assert result.status == "optimal"
    return result


@pytest.fixture(scope="session")
def outputs(demo_plan: Plan, geo: Geodata, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    written = write_all(demo_plan, geo, out)
    assert set(written) == {
        "plan.json",
        "map.html",
        "timeline.html",
        "briefing.html",
        "plan.geojson",
        "plan.kml",
    }
    return out
