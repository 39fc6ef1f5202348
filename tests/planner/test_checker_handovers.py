"""The checker reads the handover table and the requests against the assignments (rules 6, 15, 16):
each test tampers with a good engine plan and expects that rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from geodata import Geodata
from planner.check.checker import check
from planner.engine import plan
from planner.examples import path_of
from planner.io import load_scenario, parse_scenario
from planner.plan import Plan
from planner.scenario import Scenario


@pytest.fixture(scope="module")
def aurora(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(path_of("aurora-batumi-sofia"))
    result = plan(sc, geo)
    assert result.status == "optimal" and check(sc, result, geo) == []
    return sc, result


def _violations(sc: Scenario, p: Plan, geo: Geodata, rule: int) -> list[str]:
    return [v.message for v in check(sc, p, geo) if v.rule == rule]


def test_a_missing_handover_row(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    dropped = p.handovers.pop(2)
    found = _violations(sc, p, geo, 16)
    when = f"{dropped.end:%Y-%m-%d %H:%M} UTC"
    assert found == [f"{dropped.to_team} takes over here at {when}, but no handover is listed"]


def test_a_handover_the_assignments_do_not_make(
    aurora: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    p.handovers[1] = p.handovers[1].model_copy(update={"to_team": "BG-T3"})
    assert any("do not make" in m for m in _violations(sc, p, geo, 16))


def test_a_wrong_passage_time(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    h = p.handovers[0]
    p.handovers[0] = h.model_copy(update={"end": h.end + timedelta(hours=2)})
    assert any("passage is given as" in m for m in _violations(sc, p, geo, 16))


def test_the_wrong_outgoing_team(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    p.handovers[3] = p.handovers[3].model_copy(
        update={"from_team": "GE-T1", "from_agency": "GE-MIA-CCPD"}
    )
    assert any("who is not there" in m for m in _violations(sc, p, geo, 16))


def test_a_request_later_than_the_lead_time(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    i = next(k for k, a in enumerate(p.authorisations) if a.country == "BGR")
    late = p.operation.departure - timedelta(hours=24)
    p.authorisations[i] = p.authorisations[i].model_copy(update={"request_by": late})
    assert any("needs 72 h" in m for m in _violations(sc, p, geo, 15))


def test_a_dishonest_too_late_flag(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    p = good.model_copy(deep=True)
    p.authorisations[0] = p.authorisations[0].model_copy(update={"too_late": True})
    assert any("too_late" in m for m in _violations(sc, p, geo, 15))


def test_a_handover_at_a_burned_place(aurora: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, good = aurora
    relief = next(h for h in good.handovers if h.kind == "relief")
    data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"]["no_handover_at"] = [relief.place.id]
    burned = parse_scenario(data)
    assert any(relief.place.name in m for m in _violations(burned, good, geo, 6))
    # The engine moves that handover elsewhere.
    again = plan(burned, geo)
    assert again.status == "optimal"
    assert relief.place.id not in {h.place.id for h in again.handovers if h.kind == "relief"}
    assert check(burned, again, geo) == []
