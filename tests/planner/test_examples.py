"""Every bundled scenario planned end to end, and re-checked."""

from __future__ import annotations

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.examples import names, path_of
from planner.io import load_scenario

EXPECTED_INFEASIBLE = {"infeasible-transnistria-itinerary"}


def test_at_least_five_scenarios_are_bundled() -> None:
    assert len(names()) >= 5


@pytest.mark.parametrize("name", names())
def test_bundled_scenario(geo: Geodata, name: str) -> None:
    sc = load_scenario(path_of(name))
    result = plan(sc, geo)
    if name in EXPECTED_INFEASIBLE:
        assert result.status == "infeasible"
        assert result.reasons
        return
    assert result.status == "optimal", [r.message for r in result.reasons]
    assert check(sc, result, geo) == []
    assert result.solver.objective == pytest.approx(result.solver.bound)
    assert len(result.route.countries) >= 2
    assert result.kpis.coverage == 1.0
    # Every change of country has a border or port handover, or a foreign-observation team
    # carrying on over the border.
    changes = sum(
        1
        for a, b in zip(result.segments, result.segments[1:], strict=False)
        if a.countries != b.countries
    )
    crossing = [h for h in result.handovers if h.kind in ("border", "port")]
    assert len(crossing) + sum(a.foreign for a in result.assignments) >= min(changes, 1)
