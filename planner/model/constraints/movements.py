"""One team, several movements: one place at a time and time to drive between them (rule 4).

Inside one route, presence is kept segment by segment (planner.model.constraints.presence).
Between the routes of two movements there is no common axis, so two blocks of a team on
different movements are compared by time, on their windows (earliest start to latest end, so the
plan holds however the movements run):

- blocks whose windows meet cannot both be taken: for each point where a block begins, the
  blocks whose windows hold that point form one at-most-one row (intervals that meet pairwise
  share a point);
- a block that begins after another ends on another movement needs the drive between the two
  places: straight-line distance times ``TRAVEL_DETOUR`` at ``TRAVEL_KMH``, the checker's own
  travel model. Blocks ending at one segment share their end, blocks beginning at one segment
  share their start, so each pair of such groups that is too close is one row.

A remote watch is kept from a desk: it takes the team's time, not a drive.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.sat.python import cp_model

from planner.constants import TRAVEL_DETOUR, TRAVEL_KMH
from planner.model.blocks import Block
from planner.model.problem import Problem, Spot
from planner.model.variables import Variables

EARTH_KM = 6371.0


def drive_minutes(a: Spot, b: Spot) -> float:
    """Minutes a team needs from ``a`` to ``b`` off the route (see the module doc)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
    return km * TRAVEL_DETOUR / TRAVEL_KMH * 60.0


def time_cliques(blocks: list[Block]) -> list[list[Block]]:
    """Groups of blocks whose windows meet pairwise, covering every block (greedy by end)."""
    left = sorted(blocks, key=lambda b: (b.end, b.start))
    out: list[list[Block]] = []
    while left:
        point = left[0].end - 1
        clique = [b for b in left if b.start <= point < b.end]
        out.append(clique)
        taken = {b.id for b in clique}
        left = [b for b in left if b.id not in taken]
    return out


def _overlaps(
    model: cp_model.CpModel,
    v: Variables,
    team: str,
    blocks: list[Block],
    movement: dict[int, str],
    lit: list[cp_model.IntVar],
) -> None:
    previous: set[str] = set()
    for t in sorted({b.start for b in blocks}):
        group = [b for b in blocks if b.start <= t < b.end]
        ids = {b.id for b in group}
        if len({movement[b.route] for b in group}) < 2 or ids <= previous:
            continue
        previous = ids
        ct = model.add_at_most_one([v.take[b.id] for b in group]).with_name(
            f"movements-{team}-at{t}"
        )
        if lit:
            ct.only_enforce_if(lit)


def _drives(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    team: str,
    blocks: list[Block],
    movement: dict[int, str],
    lit: list[cp_model.IntVar],
) -> None:
    ends: dict[tuple[int, int], list[Block]] = defaultdict(list)
    starts: dict[tuple[int, int], list[Block]] = defaultdict(list)
    for b in blocks:
        if b.remote:
            continue
        ends[(b.route, b.last)].append(b)
        starts[(b.route, b.first)].append(b)
    for (r1, last), before in ends.items():
        end = before[0].end
        spot = problem.routes[r1].segments[last].end_spot
        for (r2, first), after in starts.items():
            begin = after[0].start
            if movement[r2] == movement[r1] or begin < end:
                continue  # the same movement, or windows that meet (the other family)
            there = problem.routes[r2].segments[first].start_spot
            if begin - end >= drive_minutes(spot, there):
                continue
            ct = model.add_at_most_one([v.take[b.id] for b in [*before, *after]])
            ct.with_name(f"movements-drive-{team}-r{r1}s{last}-r{r2}s{first}")
            if lit:
                ct.only_enforce_if(lit)


def add_between_movements(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    enforce: dict[str, cp_model.IntVar] | None = None,
) -> None:
    """Add the rows of the module doc for every team with blocks on two movements or more.

    Args:
        model: the CP-SAT model.
        problem: the planning problem.
        v: the model's variables.
        enforce: team id -> an assumption literal guarding that team's rows, in a feasibility
            diagnosis; None otherwise.
    """
    movement = {r.index: r.movement for r in problem.routes}
    if len(set(movement.values())) < 2:
        return
    for team, blocks in v.of_team().items():
        if len({movement[b.route] for b in blocks}) < 2:
            continue
        lit = [enforce[team]] if enforce is not None else []
        _overlaps(model, v, team, blocks, movement, lit)
        _drives(model, problem, v, team, blocks, movement, lit)
