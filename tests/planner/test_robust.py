"""Robustness: a hand-made case with a hand-computed hold probability, the replay against the
engine's own timeline, and the same seed giving the same figures however samples are split."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata import Geodata
from planner import examples
from planner.engine import plan as make_plan
from planner.io import load_scenario, parse_scenario
from planner.model.problem import Spot
from planner.plan import Plan
from planner.resolve.atoms import Atom, static_atom
from planner.resolve.clock.context import ClockContext
from planner.resolve.clock.driver_rules import Crew
from planner.robust.cluster import InProcess
from planner.robust.judge import DEPARTURE, judge
from planner.robust.replay import replay, sample
from planner.robust.sampling import draw, triangular
from planner.robust.several import skeleton_of
from planner.robust.skeleton import (
    Block,
    HandoverInfo,
    PlanMismatchError,
    SegmentInfo,
    Skeleton,
    Step,
    TeamLimits,
    build,
)
from planner.robust.study import assess, chunks
from planner.robust.tasks import run_samples
from planner.robust.world import World
from planner.scenario import Scenario
from tests.planner.scenarios import SOFIA_THESSALONIKI

T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
SIGMA = math.log(2.0)  # a queue twice its typical length is one standard deviation out


def _spot(i: int, crossing: str | None = None) -> Spot:
    return Spot(id=f"p{i}", name=f"P{i}", lat=42.0, lon=23.0 + i, country="BGR", crossing=crossing)


def _road(i: int, minutes: float) -> Atom:
    return Atom("road", "BGR", (), _spot(i), _spot(i + 1), 60.0, minutes)


def tiny(max_duty: int = 240) -> Skeleton:
    """Road 60 min, a 60-min queue at a crossing, road 60 min. Team A (30 min from its base)
    watches the road and the queue, team B the last road; handover overlap 30 min.

    A's duty is 30 (travel) + 30 (overlap) + 60 (road) + the queue: within 240 min exactly when
    the queue is at most 120 min, twice its typical 60.
    """
    queue = static_atom(_spot(1, crossing="X"), "border", "BGR", dwell=60.0, kind="queue")
    steps = (
        Step(_road(0, 60.0), (0,), (60.0,), 0.0),
        Step(queue, (1,), (60.0,), 60.0),
        Step(_road(1, 60.0), (2,), (60.0,), 120.0),
    )
    segs = tuple(
        SegmentInfo(f"S{k}", m, kind, f"P{k}", f"P{k + 1}", 60.0 * k, 60.0 * (k + 1), m == "road")
        for k, (m, kind) in enumerate([("road", ""), ("border", "queue"), ("road", "")])
    )
    ctx = ClockContext(
        t0=T0,
        crew=Crew(),
        speed_factor=1.0,
        uncertainty=0.1,
        zones={},
        hours={},
        timetables={},
        sailings={},
        bans={},
    )
    wide = ((-10_000, 100_000),)
    return Skeleton(
        ctx=ctx,
        steps=steps,
        segments=segs,
        blocks=(Block("A", 0, 1, 1, False, 30), Block("B", 2, 2, 1, False, 30)),
        teams={"A": TeamLimits(max_duty, 480, wide), "B": TeamLimits(720, 480, wide)},
        handovers=(HandoverInfo("P2", "p2", "relief", "A", "B", 2, 0, 1),),
        overlap=30,
        max_follow=600,
        desk_max=None,
        drive_at=(0.0, 60.0, 60.0, 120.0),
        car_speedup=1.25,
    )


QUEUE_ONLY = replace(World.still(), dwell_sigma_other=SIGMA)


def test_the_hand_made_case_holds_as_often_as_the_queue_allows() -> None:
    sk = tiny()
    n = 4000
    holds, handover, short = 0, 0, 0
    for i in range(n):
        d = draw(sk, QUEUE_ONLY, 11, i)
        verdict = judge(sk, replay(sk, d))
        holds += verdict.holds
        handover += verdict.handovers[0]
        short += 60.0 * float(d.dwell[1]) <= 120.0 + 1.0
    # Exactly the samples whose queue fits the slack, no more, no fewer ...
    assert holds == handover == short
    # ... and their share is P(queue <= 2 x typical) = Phi(ln 2 / sigma) = Phi(1) = 0.8413.
    expected = 0.5 * (1 + math.erf(1 / math.sqrt(2)))
    assert abs(holds / n - expected) < 3 * math.sqrt(expected * (1 - expected) / n)


def test_a_failed_sample_blames_the_queue_and_the_duty() -> None:
    sk = tiny()
    long_queue = next(
        d for d in (draw(sk, QUEUE_ONLY, 11, i) for i in range(200)) if float(d.dwell[1]) > 2.2
    )
    verdict = judge(sk, replay(sk, long_queue))
    assert not verdict.holds and verdict.handovers == (False,)
    (failure,) = verdict.failures
    assert (failure.rule, failure.cause, failure.segment, failure.at_start) == ("duty", 1, 1, False)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_a_still_world_is_the_expected_timeline(seed: int, index: int) -> None:
    sk = tiny()
    tl = replay(sk, draw(sk, World.still(), seed, index))
    assert tl.entry == (0.0, 60.0, 120.0) and tl.exit == (60.0, 120.0, 180.0)
    assert judge(sk, tl).holds


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), index=st.integers(0, 10**6))
def test_a_sample_depends_only_on_seed_and_index(seed: int, index: int) -> None:
    sk = tiny()
    a, b = draw(sk, World(), seed, index), draw(sk, World(), seed, index)
    assert a.late == b.late and np.array_equal(a.dwell, b.dwell)
    assert np.array_equal(a.speed, b.speed) and np.array_equal(a.cancelled, b.cancelled)
    assert draw(sk, World(), seed, index + 1).dwell[1] != a.dwell[1]


def test_a_longer_queue_never_makes_the_duty_hold() -> None:
    sk = tiny()
    verdicts = []
    for factor in (1.0, 1.5, 1.99, 2.05, 3.0):
        d = draw(sk, World.still(), 0, 0)
        d = replace(d, dwell=np.full_like(d.dwell, factor))
        verdicts.append(judge(sk, replay(sk, d)).holds)
    assert verdicts == [True, True, True, False, False]


@pytest.mark.parametrize(
    ("u", "low", "mode", "high", "expected"),
    [(0.0, 2, 4, 10, 2.0), (0.25, 2, 4, 10, 4.0), (1.0, 2, 4, 10, 10.0), (0.5, 5, 5, 5, 5.0)],
)
def test_triangular_quantiles(
    u: float, low: float, mode: float, high: float, expected: float
) -> None:
    assert triangular(u, low, mode, high) == pytest.approx(expected)


def test_chunks_cover_every_sample_once() -> None:
    for samples, workers, replan in [(200, 2, False), (7, 4, True), (1000, 3, False), (1, 1, True)]:
        parts = chunks(samples, workers, replan=replan)
        assert [i for p in parts for i in p] == list(range(samples))


def _bundled(geo: Geodata, name: str) -> tuple[Scenario, Plan]:
    sc = load_scenario(examples.path_of(name))
    return sc, make_plan(sc, geo)


@pytest.mark.parametrize("name", [n for n in examples.names() if not n.startswith("infeasible")])
def test_the_still_world_replays_each_bundled_plan_as_the_engine_timed_it(
    geo: Geodata, name: str
) -> None:
    # Several movements too: each on its own clock, joined at the transfers.
    sc, p = _bundled(geo, name)
    sk = skeleton_of(sc, p, geo)
    tl = sample(sk, World.still(), 0, 0)
    for k, seg in enumerate(p.segments):
        assert abs(T0_of(p, tl.entry[k]) - seg.nominal_start.timestamp()) <= 60, seg.id
        assert abs(T0_of(p, tl.exit[k]) - seg.nominal_end.timestamp()) <= 60, seg.id
    assert judge(sk, tl).holds


def T0_of(p: Plan, minutes: float) -> float:  # noqa: N802 - a time, as in the engine
    return p.operation.departure.timestamp() + minutes * 60


def test_aurora_breaks_at_the_kapikule_queue(geo: Geodata) -> None:
    sc, p = _bundled(geo, "aurora-batumi-sofia")
    report = assess(sc, p, InProcess(), samples=200, seed=0)
    assert 0.6 < report.holds < 0.98
    weakest = report.weakest[0]
    seg = next(s for s in p.segments if s.id == weakest.segment)
    assert (seg.mode, seg.from_.id) == ("border", "TUR-BGR-kapikule")
    assert "queue at Kapikule" in weakest.why and "duty runs past 12 h" in weakest.why
    kapikule = next(h for h in report.handovers if h.place_id == "TUR-BGR-kapikule")
    assert kapikule.holds == report.holds
    assert report.failed == round((1 - report.holds) * 200)


def test_the_same_seed_gives_the_same_figures_however_split(geo: Geodata) -> None:
    sc, p = _bundled(geo, "balkan-southern-ipsala-belgrade")
    whole = assess(sc, p, InProcess(), samples=120, seed=5)
    again = assess(sc, p, InProcess(), samples=120, seed=5)
    from planner.robust.study import as_study

    study = as_study(sc, p, seed=5, world=World(), replan=False)
    pieces = [o for part in ([0, 1, 2], list(range(3, 120))) for o in run_samples(study, part)]
    keep = {"seconds", "scheduler", "workers"}
    assert whole.model_dump(exclude=keep) == again.model_dump(exclude=keep)
    assert sum(o.holds for o in pieces) / 120 == pytest.approx(whole.holds)
    other = assess(sc, p, InProcess(), samples=120, seed=6)
    assert other.model_dump(exclude=keep) != whole.model_dump(exclude=keep)


def test_a_plan_of_another_scenario_is_refused(geo: Geodata) -> None:
    _, p = _bundled(geo, "moldova-chisinau-odesa")
    other = parse_scenario(SOFIA_THESSALONIKI)
    with pytest.raises(PlanMismatchError):
        build(other, p, geo)


def test_a_scenario_without_a_plan_holds_in_no_sample(geo: Geodata) -> None:
    sc, p = _bundled(geo, "infeasible-transnistria-itinerary")
    report = assess(sc, p, InProcess(), samples=50)
    assert (report.holds, report.handovers, report.samples) == (0.0, [], 50)


def test_replan_tells_how_often_a_new_version_exists(geo: Geodata) -> None:
    sc, p = _bundled(geo, "aurora-batumi-sofia")
    report = assess(sc, p, InProcess(), samples=40, seed=0, replan=True)
    assert report.failed > 0
    assert report.replanned_ok is not None and 0.0 <= report.replanned_ok <= 1.0
    plain = assess(sc, p, InProcess(), samples=40, seed=0)
    assert plain.replanned_ok is None and plain.holds == report.holds


def test_the_map_layer_escapes_what_it_shows(geo: Geodata) -> None:
    from planner.exports.map import render_map

    _, p = _bundled(geo, "moldova-chisinau-odesa")
    assert p.handovers
    h = p.handovers[0]
    hostile = h.model_copy(update={"place": h.place.model_copy(update={"name": "<img src=x>"})})
    p = p.model_copy(update={"handovers": [hostile, *p.handovers[1:]]})
    page = render_map(p, geo, holds=[0.5] * len(p.handovers))
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page
    assert "holds in 50% of sampled worlds" in page


def test_a_late_departure_outlasting_a_teams_availability_is_blamed_on_the_departure() -> None:
    sk = tiny()
    sk = replace(sk, teams={**sk.teams, "B": TeamLimits(720, 480, ((-10_000, 200),))})
    still = draw(sk, World.still(), 0, 0)
    assert judge(sk, replay(sk, still)).holds  # B is released at 180, available until 200
    verdict = judge(sk, replay(sk, replace(still, late=30.0)))
    (failure,) = verdict.failures
    assert (failure.rule, failure.cause, failure.at_start) == ("availability", DEPARTURE, False)
    # B could still take over at P2: the handover holds, the plan does not.
    assert verdict.handovers == (True,) and not verdict.holds
