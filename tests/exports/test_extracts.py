"""Need-to-know extracts: each agency reads its own part of the plan and nothing of the others."""

from __future__ import annotations

import html
import re

import pytest

from geodata import Geodata
from planner.exports.briefing import render_briefing
from planner.exports.scope import HIDDEN, UnknownAgencyError, agencies, for_agency
from planner.plan import Plan


def _text(page: str) -> str:
    """What a reader sees: tags, the style and the sketch's drawing removed."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _mentions(text: str, ident: str) -> bool:
    """Whether ``ident`` appears as a whole id (TR-T1 is not TR-T10)."""
    return re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text) is not None


@pytest.fixture(params=["demo_plan", "double_plan", "tandem_plan"])
def any_plan(request: pytest.FixtureRequest) -> Plan:
    plan: Plan = request.getfixturevalue(request.param)
    return plan


def test_each_agency_reads_its_own_tasks_and_nothing_of_the_others(
    any_plan: Plan, geo: Geodata
) -> None:
    on_plan = agencies(any_plan)
    assert len(on_plan) >= 2
    for agency in on_plan:
        content = for_agency(any_plan, geo, agency)
        text = _text(render_briefing(any_plan, geo, agency=agency))
        mine = {t.id for t in any_plan.teams if t.agency == agency}
        # Its own tasks, all of them.
        own = [a for a in any_plan.assignments if a.agency == agency]
        assert content.assignments == own
        for a in own:
            assert _mentions(text, a.team)
            assert a.segment in {s.id for s in content.segments}
        # Place names on its own stretch are its to read, even where another team has its base.
        stretch_places = {p.name for s in content.segments for p in (s.from_, s.to)}
        partners = {agency}
        for _, h in content.handovers:
            assert h.from_team in mine or h.to_team in mine
            partners |= {h.from_agency, h.to_agency}
        partners |= {c.agency for c in content.contingencies}
        for team in any_plan.teams:
            if team.agency == agency:
                continue
            assert not _mentions(text, team.id), (agency, team.id)
            assert not _mentions(text, team.base.id), (agency, team.base.id)
            if team.base.name not in stretch_places:
                assert team.base.name not in text, (agency, team.id, team.base.name)
        for other in {t.agency for t in any_plan.teams} - partners:
            assert not _mentions(text, other), (agency, other)
        # Plan-wide figures are the owner's.
        assert "Key figures" not in text and "Team-hours" not in text
        # Its state's authorisations and contingencies only.
        assert {a.country for a in content.authorisations} <= {content.country}
        assert {c.country for c in content.contingencies} <= {content.country}


def test_the_other_side_of_a_handover_is_its_agency_only(demo_plan: Plan, geo: Geodata) -> None:
    content = for_agency(demo_plan, geo, "BG-GDBOP")
    [(n, h)] = content.handovers
    assert h.kind == "border" and h.from_team == HIDDEN and h.from_agency == "TR-TNP-NARC"
    original = demo_plan.handovers[n - 1]
    assert original.from_team.startswith("TR-T") and original.to_team == h.to_team
    text = _text(render_briefing(demo_plan, geo, agency="BG-GDBOP"))
    assert "TR-TNP-NARC" in text and not _mentions(text, original.from_team)


def test_the_whole_briefing_still_has_everything(demo_plan: Plan, geo: Geodata) -> None:
    text = _text(render_briefing(demo_plan, geo))
    for a in demo_plan.assignments:
        assert _mentions(text, a.team)
    assert "Key figures" in text


def test_an_agency_without_a_team_on_the_plan_has_no_extract(demo_plan: Plan, geo: Geodata) -> None:
    with pytest.raises(UnknownAgencyError):
        for_agency(demo_plan, geo, "NOBODY")


def test_an_agency_reads_the_warnings_about_its_own_teams_and_state(
    demo_plan: Plan, geo: Geodata
) -> None:
    from planner.reasons import Reason

    warned = demo_plan.model_copy(
        update={
            "warnings": [
                Reason(code="team_unavailable", subject="TR-T3", message="team TR-T3 is off"),
                Reason(code="too_late", subject="BGR", message="BGR needs 72 h"),
                Reason(code="base_abroad", subject="BG-T2", message="team BG-T2 is abroad"),
            ]
        }
    )
    bg = _text(render_briefing(warned, geo, agency="BG-GDBOP"))
    assert "BGR needs 72 h" in bg and "team BG-T2 is abroad" in bg
    assert not _mentions(bg, "TR-T3")
    whole = _text(render_briefing(warned, geo))
    assert "team TR-T3 is off" in whole


def test_each_movement_is_drawn_along_its_own_route(tandem_plan: Plan) -> None:
    from shapely.geometry import LineString, Point

    from planner.exports.geometry import movement_lines, segment_lines

    lines, pieces = movement_lines(tandem_plan), segment_lines(tandem_plan)
    for seg in tandem_plan.segments:
        piece = pieces[seg.id]
        route = lines[seg.movement]
        # every point of a segment's line lies on its own movement's route
        assert all(route.distance(Point(x, y)) < 1e-4 for x, y in piece), seg.id
        if seg.km > 10:
            assert LineString(piece).length > 0.05, seg.id
