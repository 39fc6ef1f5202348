"""No team in two places at once, and real travel time between its posts: rule 4 (docs/rules.md).

A team that leaves a block to leap-frog ahead must reach the start of its next block ``overlap``
minutes before the consignment can: the drive along the route at car speed must not take longer
than the consignment's shortest transit between the two blocks, less the overlap (a relative
test, so it holds however early or late the consignment runs).

So a block ending at segment ``last`` also blocks the team up to the last segment ``reach`` it
could not get ahead to in time. Two blocks of a team conflict exactly when these extended
intervals ``[first, reach]`` meet; conflicts of intervals are cliques at points, so the family is
one at-most-one per team and segment, which presolves and relaxes far better than pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cache
from itertools import pairwise

from ortools.sat.python import cp_model

from planner.model.blocks import Block
from planner.model.problem import Problem
from planner.model.variables import Variables

# (route, last segment) -> the last segment the team cannot start in time: blocked_until, cached
# for one problem (it is asked once per block and family, and each answer walks the route).
Reach = Callable[[int, int], int]


def blocked_until(problem: Problem, route: int, last: int) -> int:
    """The last segment a team finishing at segment ``last`` cannot start in time."""
    segs = problem.routes[route].segments
    k = last
    # Transit grows faster than the car's drive, so once the team is in time it stays in time.
    while k + 1 < len(segs):
        nxt = k + 1
        drive = problem.travel_along(route, last + 1, nxt)
        if drive + problem.overlap <= problem.min_transit(route, last + 1, nxt):
            break
        k = nxt
    return k


def reach_of(problem: Problem) -> Reach:
    """:func:`blocked_until` of one problem, each answer computed once."""
    return cache(lambda r, last: blocked_until(problem, r, last))


def occupied(b: Block, reach: Reach) -> tuple[int, int]:
    """The first and last segment block ``b`` occupies (see the module doc)."""
    # A remote watch is kept from a desk: no drive ahead to account for after it.
    return b.first, b.last if b.remote else reach(b.route, b.last)


def apart(chosen: list[Block], reach: Reach) -> bool:
    """Whether one team's chosen blocks keep the rows of :func:`add_presence`: none share a stretch.

    The same rule as the rows, as a test of a chosen set (see planner.model.relaxation).
    """
    spans = sorted((b.route, *occupied(b, reach)) for b in chosen)
    return all(r1 != r2 or hi1 < lo2 for (r1, _, hi1), (r2, lo2, _) in pairwise(spans))


def add_presence(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    enforce: dict[str, cp_model.IntVar] | None = None,
) -> None:
    """Add one at-most-one row per team and segment over the blocks that occupy it.

    A block occupies its own segments and those up to :func:`blocked_until` after its last.

    Args:
        model: the CP-SAT model.
        problem: the planning problem.
        v: the model's variables.
        enforce: team id -> an assumption literal guarding that team's rows, in a feasibility
            diagnosis; None otherwise.
    """
    reach = reach_of(problem)
    for team, blocks in v.of_team().items():
        if len(blocks) < 2:
            continue
        lit = [enforce[team]] if enforce is not None else []
        at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for b in blocks:
            first, last = occupied(b, reach)
            for s in range(first, last + 1):
                at[(b.route, s)].append(v.take[b.id])
        for (r, s), takes in at.items():
            if len(takes) > 1:
                ct = model.add_at_most_one(takes).with_name(f"presence-{team}-r{r}-s{s}")
                if lit:
                    ct.only_enforce_if(lit)
