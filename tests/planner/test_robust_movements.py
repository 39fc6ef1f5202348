"""Robustness of an operation of several movements: a hand-made truck, scout car and van with
hand-computed answers, and Tandem end to end (the same figures for the same seed, the plan's own
times in a world without noise, the transfer handover, --replan and --target)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import Geodata
from planner import examples
from planner.engine import plan as make_plan
from planner.io import load_scenario, parse_scenario
from planner.model.problem import Spot
from planner.plan import Plan
from planner.resolve.atoms import Atom, static_atom
from planner.robust.cluster import InProcess
from planner.robust.judge import judge
from planner.robust.replay import sample
from planner.robust.several import skeleton_of
from planner.robust.skeleton import (
    Block,
    HandoverInfo,
    PlanMismatchError,
    SegmentInfo,
    Skeleton,
    Step,
    TeamLimits,
    Track,
)
from planner.robust.study import as_study, assess
from planner.robust.target import with_margin
from planner.robust.tasks import run_samples
from planner.robust.world import World
from planner.scenario import Scenario
from tests.planner.test_robust import tiny

TANDEM = "tandem-edirne-plovdiv-sofia"
FAR_TEAMS = {"BG-T3", "BG-T4", "BG-T5", "BG-T6", "BG-T7"}
KEEP = {"seconds", "scheduler", "workers"}
SIGMA = math.log(2.0)  # a queue twice its typical length is one standard deviation out
WIDE = ((-10_000, 100_000),)


def _spot(i: int, crossing: str | None = None) -> Spot:
    return Spot(id=f"p{i}", name=f"P{i}", lat=42.0, lon=23.0 + i, country="BGR", crossing=crossing)


def _road(a: int, b: int, minutes: float) -> Atom:
    return Atom("road", "BGR", (), _spot(a), _spot(b), 60.0, minutes)


def _track(steps: tuple[Step, ...], segments: tuple[SegmentInfo, ...]) -> Skeleton:
    """One movement's skeleton: the hand-made clock of ``tiny`` with these steps."""
    return replace(tiny(), steps=steps, segments=segments, blocks=(), handovers=())


def _seg(name: str, mode: str, a: int, b: int, start: float, end: float, m: int) -> SegmentInfo:
    spots = (_spot(a), _spot(b))
    return SegmentInfo(name, mode, "", f"P{a}", f"P{b}", start, end, mode == "road", m, spots)


def operation() -> Skeleton:
    """A truck (M1), its scout car (M2, min_teams 0) and a van (M3) after a transfer.

    M1: road P0-P1 60 min, a queue of 60 min at P1, road P1-P2 60 min (arrives at 180).
    M2: road P0-P2 60 min, from 0. M3: the transfer at P2, 30 min, then road P2-P3 60 min; it
    sets out when M1 arrives. Team A watches M1 through the queue at P1, C the last road; B the
    scout car, then the van, in one duty: from leaving at -30 (overlap 30, no drive) to 270,
    300 min of its 360. B holds exactly when the queue is at most 120 min.
    """
    queue = static_atom(_spot(1, crossing="X"), "border", "BGR", dwell=60.0, kind="queue")
    truck = _track(
        (
            Step(_road(0, 1, 60.0), (0,), (60.0,), 0.0),
            Step(queue, (1,), (60.0,), 60.0),
            Step(_road(1, 2, 60.0), (2,), (60.0,), 120.0),
        ),
        (
            _seg("M1-S0", "road", 0, 1, 0, 60, 0),
            _seg("M1-S1", "border", 1, 1, 60, 120, 0),
            _seg("M1-S2", "road", 1, 2, 120, 180, 0),
        ),
    )
    scout = _track(
        (Step(_road(0, 2, 60.0), (0,), (60.0,), 0.0),),
        (_seg("M2-S0", "road", 0, 2, 0, 60, 1),),
    )
    transfer = static_atom(_spot(2), "stop", "BGR", dwell=30.0, kind="transfer")
    van = _track(
        (Step(transfer, (0,), (30.0,), 0.0), Step(_road(2, 3, 60.0), (1,), (60.0,), 30.0)),
        (_seg("M3-S0", "stop", 2, 2, 0, 30, 2), _seg("M3-S1", "road", 2, 3, 30, 90, 2)),
    )
    tracks = (
        Track("M1", truck, 0.0, (0, 1, 2), None, False),
        Track("M2", scout, 0.0, (3,), None, True),
        Track("M3", van, 180.0, (4, 5), 0, False),
    )
    segments = (
        *truck.segments,
        *scout.segments,
        *(
            replace(s, nominal_start=s.nominal_start + 180, nominal_end=s.nominal_end + 180)
            for s in van.segments
        ),
    )
    blocks = (
        Block("A", 0, 1, 1, False, 0),
        Block("B", 3, 3, 1, False, 0, optional=True),
        Block("C", 2, 2, 1, False, 0),
        Block("B", 4, 5, 1, False, 0),
    )
    return replace(
        tiny(),
        steps=(),
        segments=segments,
        blocks=blocks,
        teams={
            "A": TeamLimits(720, 480, WIDE),
            "B": TeamLimits(360, 480, WIDE),
            "C": TeamLimits(720, 480, WIDE),
        },
        handovers=(
            HandoverInfo("P1", "p1", "border", "A", "C", 2, 0, 2),
            HandoverInfo("P2", "p2", "transfer", "C", "B", 4, 2, 3),
        ),
        drive_at=(),
        tracks=tracks,
    )


QUEUE_ONLY = replace(World.still(), dwell_sigma_other=SIGMA)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_the_still_world_walks_every_movement_on_its_own_clock(seed: int, index: int) -> None:
    sk = operation()
    tl = sample(sk, World.still(), seed, index)
    assert tl.entry == (0.0, 60.0, 120.0, 0.0, 180.0, 210.0)
    assert tl.exit == (60.0, 120.0, 180.0, 60.0, 210.0, 270.0)
    verdict = judge(sk, tl)
    assert verdict.holds and verdict.handovers == (True, True)


def test_a_late_truck_makes_the_vans_team_run_out_of_duty() -> None:
    # Only the truck's queue varies (lognormal, median 60 min, sigma ln 2). B, on duty since the
    # scout car, keeps the van within 360 min exactly when the queue is at most 120 min: the
    # plan holds in Phi(ln 2 / sigma) = Phi(1) = 0.8413 of the samples.
    sk = operation()
    n = 3000
    holds = short = 0
    for i in range(n):
        tl = sample(sk, QUEUE_ONLY, 11, i)
        verdict = judge(sk, tl)
        holds += verdict.holds
        short += (tl.exit[1] - tl.entry[1]) <= 120.0 + 1.0
        # The van leaves when the truck arrives, however late.
        assert tl.entry[4] == pytest.approx(tl.exit[2])
        if not verdict.holds:
            (failure,) = verdict.failures
            # B's duty breaks on the van; the truck's queue is to blame.
            assert (failure.rule, failure.block, failure.cause, failure.track) == ("duty", 3, 1, 0)
            assert not failure.at_start and sk.movement_of(failure.segment) == 2
    expected = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    assert holds == short
    assert abs(holds / n - expected) < 3 * math.sqrt(expected * (1 - expected) / n)


def test_a_movement_with_min_teams_0_never_fails_the_plan_by_being_unwatched() -> None:
    # B becomes available only at 0: it cannot be at the scout car 30 min before it leaves,
    # so it stays away, and its duty begins with the van (leaving at 150, released at 270:
    # 120 min of 200; from the scout car it would have been 300).
    sk = operation()
    sk = replace(sk, teams={**sk.teams, "B": TeamLimits(200, 480, ((0, 100_000),))})
    tl = sample(sk, World.still(), 0, 0)
    verdict = judge(sk, tl)
    assert verdict.holds and verdict.failures == ()
    # Able to keep the scout car, B keeps it, and the van then breaks its duty.
    kept = replace(sk, teams={**sk.teams, "B": TeamLimits(200, 480, WIDE)})
    (failure,) = judge(kept, sample(kept, World.still(), 0, 0)).failures
    assert (failure.rule, failure.block) == ("duty", 3)
    # The same rule broken on the van, which must be watched, fails it.
    late = replace(sk, teams={**sk.teams, "B": TeamLimits(360, 480, ((200, 100_000),))})
    assert not judge(late, sample(late, World.still(), 0, 0)).holds
    # The truck must go through: the van leaves after it. The scout car need not.
    assert [sk.vital(m) for m in range(3)] == [True, False, True]


def _by_ferry(sk: Skeleton, m: int, j: int) -> Skeleton:
    """Step ``j`` of track ``m`` made a ferry of one hour with no known sailing but its own."""
    track = sk.tracks[m]
    step = track.skeleton.steps[j]
    a = step.atom
    ferry = Atom("ferry", None, ("BGR",), a.start, a.end, 10.0, 60.0, 60.0, 60.0, line="L")
    steps = list(track.skeleton.steps)
    steps[j] = replace(step, atom=ferry)
    own = replace(track.skeleton, steps=tuple(steps))
    tracks = list(sk.tracks)
    tracks[m] = replace(track, skeleton=own)
    return replace(sk, tracks=tuple(tracks))


CANCELLED = replace(World.still(), ferry_cancel_share=1.0)


def test_a_truck_that_never_arrives_leaves_the_van_unwatched_and_the_plan_broken() -> None:
    # The truck's last stretch is a ferry whose only sailing is cancelled: no way on.
    sk = _by_ferry(operation(), 0, 2)
    assert judge(sk, sample(sk, World.still(), 0, 0)).holds
    tl = sample(sk, CANCELLED, 0, 0)
    assert [b.segment for b in tl.broken] == [2]
    assert all(math.isnan(t) for t in tl.entry[4:]) and tl.exit[3] == 60.0
    verdict = judge(sk, tl)
    # The break is at the ferry's own stretch: C, who would watch it, never takes over.
    assert not verdict.holds and verdict.handovers == (False, False)
    assert [(f.rule, f.segment, f.track) for f in verdict.failures] == [("timeline", 2, 0)]


def test_a_scout_car_that_stops_leaves_the_plan_whole() -> None:
    sk = _by_ferry(operation(), 1, 0)
    tl = sample(sk, CANCELLED, 0, 0)
    assert [b.segment for b in tl.broken] == [3]
    verdict = judge(sk, tl)
    assert verdict.holds and verdict.failures == ()


def test_a_drive_between_two_movements_is_the_checkers() -> None:
    # From the end of the scout car (P2) to the start of the truck's queue (P1): one degree of
    # longitude at 42 N, 82.63 km, times 1.2 at 110 km/h = 54.1 min.
    sk = operation()
    km = 2 * 6371.0 * math.asin(math.cos(math.radians(42.0)) * math.sin(math.radians(0.5)))
    assert sk.drive(3, 1) == pytest.approx(km * 1.2 / 110 * 60, rel=1e-6)
    assert 54.0 < sk.drive(3, 1) < 54.2
    # Along one movement, the route's own driving at car speed.
    assert sk.drive(0, 2) == pytest.approx(0.0)


@pytest.fixture(scope="module")
def tandem(geo: Geodata) -> tuple[Scenario, Plan]:
    sc = load_scenario(examples.path_of(TANDEM))
    return sc, make_plan(sc, geo)


def test_tandem_gives_the_same_figures_for_the_same_seed(tandem: tuple[Scenario, Plan]) -> None:
    sc, p = tandem
    a = assess(sc, p, InProcess(), samples=120, seed=3)
    b = assess(sc, p, InProcess(), samples=120, seed=3)
    assert a.model_dump(exclude=KEEP) == b.model_dump(exclude=KEEP)
    study = as_study(sc, p, seed=3, world=World(), replan=False)
    pieces = [o for part in ([0, 1], list(range(2, 120))) for o in run_samples(study, part)]
    assert sum(o.holds for o in pieces) / 120 == pytest.approx(a.holds)
    other = assess(sc, p, InProcess(), samples=120, seed=4)
    assert other.model_dump(exclude=KEEP) != a.model_dump(exclude=KEEP)


def test_tandem_holds_in_every_still_sample_and_names_its_movements(
    tandem: tuple[Scenario, Plan],
) -> None:
    sc, p = tandem
    still = assess(sc, p, InProcess(), samples=10, world=World.still())
    assert still.holds == 1.0 and all(h.holds == 1.0 for h in still.handovers)
    report = assess(sc, p, InProcess(), samples=200, seed=0)
    transfer = next(h for h in report.handovers if h.kind == "transfer")
    assert (transfer.movement, transfer.place_id) == ("M1>M3", "BGR-plovdiv")
    assert [h.movement for h in report.handovers] == [h.movement for h in p.handovers]
    assert 0.9 <= report.holds < 1.0
    weakest = report.weakest[0]
    assert weakest.movement == "M1" and weakest.segment.startswith("M1-")
    assert "(M1)" in weakest.why


def test_replan_is_not_applicable_to_several_movements(tandem: tuple[Scenario, Plan]) -> None:
    sc, p = tandem
    report = assess(sc, p, InProcess(), samples=200, seed=0, replan=True)
    assert report.failed > 0 and report.replanned_ok is None
    assert any("not applicable" in n for n in report.notes)
    plain = assess(sc, p, InProcess(), samples=200, seed=0)
    assert plain.notes == [] and plain.holds == report.holds


def test_the_margin_is_every_movements(tandem: tuple[Scenario, Plan]) -> None:
    sc, _ = tandem
    wider = with_margin(sc, 0.25)
    assert [m.movement.uncertainty for m in wider.movements] == [0.25, 0.25, 0.25]
    assert wider.movement.uncertainty == 0.25
    assert [m.route for m in wider.movements] == [m.route for m in sc.movements]


def test_the_skeleton_of_tandem_joins_its_movements(
    tandem: tuple[Scenario, Plan], geo: Geodata
) -> None:
    sc, p = tandem
    sk = skeleton_of(sc, p, geo)
    assert [t.movement for t in sk.tracks] == ["M1", "M2", "M3"]
    assert [t.feed for t in sk.tracks] == [None, None, 0]
    assert [t.optional for t in sk.tracks] == [False, True, False]
    assert [s.id for s in sk.segments] == [s.id for s in p.segments]
    # The scout car leaves 20 min before the truck; the van when the truck reaches Plovdiv.
    m1, _, m3 = sk.tracks
    assert m1.offset == 20.0
    assert m3.offset == sk.segments[m1.index[-1]].nominal_end
    assert all(b.optional == (p.segments[b.first].movement == "M2") for b in sk.blocks)


def test_a_plan_of_another_transfer_is_refused(tandem: tuple[Scenario, Plan], geo: Geodata) -> None:
    sc, p = tandem
    shorter = sc.model_copy(
        update={"transfers": [t.model_copy(update={"minutes": 60}) for t in sc.transfers]}
    )
    with pytest.raises(PlanMismatchError):
        skeleton_of(shorter, p, geo)


def test_a_team_on_two_movements_is_judged_across_them(geo: Geodata) -> None:
    # With only the two teams of Svilengrad in Bulgaria, one of them watches two movements (the
    # scout car and then the van, or the truck and then the van) in one duty.
    data = yaml.safe_load(examples.path_of(TANDEM).read_text())
    data["teams"] = [t for t in data["teams"] if t["id"] not in FAR_TEAMS]
    sc = parse_scenario(data)
    p = make_plan(sc, geo)
    on: dict[str, set[str | None]] = {}
    for a in p.assignments:
        on.setdefault(a.team, set()).add(a.movement)
    assert any(len(movements) > 1 for movements in on.values()), on
    assert assess(sc, p, InProcess(), samples=10, world=World.still()).holds == 1.0
    report = assess(sc, p, InProcess(), samples=200, seed=0)
    # The truck's queue at Kapikule now shows on the team's watch of the van.
    assert any("watching M3" in w.why and w.movement == "M1" for w in report.weakest)
    assert report.holds < 0.95
