"""A planned bundled scenario and its written outputs, once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata import Geodata
from planner.engine import plan
from planner.examples import DEFAULT, path_of
from planner.exports.write import write_all
from planner.io import load_scenario, parse_scenario
from planner.plan import Plan

# The agencies with a task in the demo plan (the gendarmerie has none with one team per stretch).
EXTRACTS = ("GE-MIA-CCPD", "TR-TNP-NARC", "BG-GDBOP")


@pytest.fixture(scope="session")
def demo_plan(geo: Geodata) -> Plan:
    result = plan(load_scenario(path_of(DEFAULT)), geo)
    assert result.status == "optimal"
    return result


@pytest.fixture(scope="session")
def outputs(demo_plan: Plan, geo: Geodata, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    written = write_all(demo_plan, geo, out, langs=["tr"])
    extracts = {f"briefings/{a}{lang}.html" for a in EXTRACTS for lang in ("", ".tr")}
    assert set(written) == {
        "plan.json",
        "map.html",
        "timeline.html",
        "briefing.html",
        "briefing.tr.html",
        "plan.geojson",
        "plan.kml",
        *extracts,
    }
    return out


@pytest.fixture(scope="session")
def double_plan(geo: Geodata) -> Plan:
    """Aurora watched by two teams at every moment: stretches with two agencies at once."""
    data = load_scenario(path_of(DEFAULT)).model_dump(mode="json", by_alias=True)
    data["rules"]["min_teams"] = 2
    result = plan(parse_scenario(data), geo)
    assert result.status == "optimal"
    return result


@pytest.fixture(scope="session")
def tandem_plan(geo: Geodata) -> Plan:
    """Operation Tandem: three movements (a truck, a scout car, a van) and a transfer."""
    result = plan(load_scenario(path_of("tandem-edirne-plovdiv-sofia")), geo)
    assert result.status == "optimal" and len(result.movements) == 3
    return result
