"""Properties: any plan the engine returns passes the checker; team order does not matter."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from tests.planner.scenarios import SOFIA_THESSALONIKI, scenario

BASES = {
    "BGR": ["BGR-sofia", "BGR-blagoevgrad", "BGR-sandanski", "BGR-pernik"],
    "GRC": ["GRC-serres", "GRC-thessaloniki", "GRC-kilkis"],
}


@st.composite
def staffing(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(SOFIA_THESSALONIKI)
    teams = []
    for country, agency in (("BGR", "BG-GDBOP"), ("GRC", "GR-HP")):
        for i in range(draw(st.integers(2, 4))):
            teams.append(
                {
                    "id": f"{country}-{i}",
                    "agency": agency,
                    "base": draw(st.sampled_from(BASES[country])),
                    "capabilities": draw(st.sampled_from([["road"], ["road", "technical"]])),
                    "max_duty_hours": draw(st.sampled_from([6.0, 8.0, 12.0])),
                }
            )
    data["teams"] = teams
    data["rules"] = {
        **data["rules"],
        "max_follow_hours": draw(st.sampled_from([2.0, 3.0, 4.0])),
        "handover_overlap_minutes": draw(st.sampled_from([15, 30, 60])),
    }
    data["movement"] = {"uncertainty": draw(st.sampled_from([0.0, 0.1, 0.25]))}
    return data


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=staffing(), seed=st.integers(0, 1000))
def test_every_plan_passes_the_checker_and_ignores_team_order(
    geo: Geodata, data: dict[str, Any], seed: int
) -> None:
    result = plan(scenario(data), geo)
    assert result.status in {"optimal", "infeasible"}, result.reasons
    if result.status != "optimal":
        assert result.reasons
        return
    assert check(scenario(data), result, geo) == []
    shuffled = copy.deepcopy(data)
    random.Random(seed).shuffle(shuffled["teams"])
    again = plan(scenario(shuffled), geo)
    assert again.status == "optimal"
    assert again.solver.objective == result.solver.objective
