"""The coverage relaxation: the cheapest cover of a route, a proven optimum whenever it is lawful.

Drop the rules between blocks (presence, duty and rest) and what is left of the model is
coverage: choose blocks, each an interval of segments of one route, that cover every segment
at least once. Its constraint matrix is an interval matrix, so its linear relaxation is already
integral, and its optimum is a shortest path along the route's boundaries: a block from segment
``first`` to ``last`` takes a cover of the segments before ``first`` to one that reaches past
``last`` (blocks may overlap).

That optimum is a lower bound of the full model. When the cheapest cover also keeps every rule
between blocks (the model's own rules, asked of the chosen set by
:func:`~planner.model.constraints.presence.apart` and
:func:`~planner.model.constraints.duty.lawful_windows`), it is feasible at the bound: optimal,
with no search. On the larger generated operations of ``cdplan bench --peers`` it usually is,
because teams are many and the cheapest block of each stretch belongs to a nearby team that is
free; when it is not, the CP-SAT model decides.

Only for one movement watched by one team at a time (``min_teams`` = 1): with more teams per
stretch the cover is no longer a path, and between movements other rows apply.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass

from planner.model.blocks import Block
from planner.model.constraints.duty import lawful_windows, on_duty
from planner.model.constraints.presence import Reach, apart, reach_of
from planner.model.objective import pickup_offset, scaled
from planner.model.problem import Problem

# How many cheapest covers are tried before the model decides: each is one shortest path per
# route, about 10 ms on the largest bench operations, so trying never costs much of a search.
TRIES = 8
# The cost of a block set aside: more than any cover could cost, so no cheapest cover takes it.
UNREACHABLE = 10**15


@dataclass(frozen=True)
class Cover:
    """A lawful cheapest cover: its route, blocks, scaled objective and each block's duty.

    ``objective`` is in the CP-SAT model's integer units (costs x SCALE, less the pickup
    offset); ``duty_of`` is as in :class:`planner.model.solve.Solution`.
    """

    route: int
    blocks: list[Block]
    objective: int
    duty_of: dict[str, int | None]


def starting_at(blocks: list[Block], route: int) -> dict[int, list[int]]:
    """The positions in ``blocks`` of the route's blocks, by first segment."""
    out: dict[int, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        if b.route == route:
            out[b.first].append(i)
    return out


def cheapest_cover(
    problem: Problem,
    blocks: list[Block],
    route: int,
    costs: list[int],
    starting: dict[int, list[int]] | None = None,
) -> tuple[int, list[Block]] | None:
    """The cheapest blocks covering every segment of one route, and their summed cost.

    ``cover[k]``, the cheapest cover of segments ``0..k-1``, never falls as ``k`` grows, so it
    is the cheapest ``cover[b.first] + cost(b)`` over the blocks ``b`` that hold segment
    ``k-1``: a sweep along the route with the blocks that hold the current segment in a heap
    (one push per block). Ties go to the block that comes first in ``blocks``, so the answer
    is reproducible.

    Args:
        problem: the planning problem.
        blocks: every candidate block.
        route: the route's index.
        costs: each block's scaled cost, by position in ``blocks``.
        starting: :func:`starting_at` of the route, when already made.

    Returns:
        The cost and the blocks in route order; None when some segment has no block at all.
    """
    n = len(problem.routes[route].segments)
    starting = starting if starting is not None else starting_at(blocks, route)
    cover = [0] + [-1] * n
    last_of: list[int] = [-1] * (n + 1)  # the block that closes cover[k]
    held: list[tuple[int, int]] = []  # (cover[first] + cost, position) of blocks met so far
    for k in range(1, n + 1):
        for i in starting.get(k - 1, []):
            heapq.heappush(held, (cover[k - 1] + costs[i], i))
        while held and blocks[held[0][1]].last < k - 1:
            heapq.heappop(held)  # it ends before segment k-1: it never holds a later one
        if not held:
            return None
        cover[k], last_of[k] = held[0]
    path: list[Block] = []
    k = n
    while k > 0:
        b = blocks[last_of[k]]
        path.append(b)
        k = b.first
    return cover[n], sorted(path, key=lambda b: (b.first, b.team))


def team_windows(
    problem: Problem,
    of_team: dict[str, list[Block]],
    team_id: str,
    mine: list[Block],
    reach: Reach | None = None,
) -> list[tuple[int, int]] | None:
    """The land duty windows of one team's chosen blocks, or None when they break a rule.

    The rules between a team's blocks: never two at once (presence), and duty and rest windows
    for land and desk watches (the model's rows, asked of the chosen set).
    """
    team = problem.team(team_id)
    land, desk = on_duty(problem, of_team[team_id])
    land_taken, desk_taken = on_duty(problem, mine)
    windows = lawful_windows(problem, team, land, land_taken, team.max_duty)
    desk_ok = problem.remote is None or (
        lawful_windows(problem, team, desk, desk_taken, problem.remote.max_minutes) is not None
    )
    if windows is None or not desk_ok or not apart(mine, reach or reach_of(problem)):
        return None
    return windows


def duties(
    problem: Problem, of_team: dict[str, list[Block]], chosen: list[Block]
) -> tuple[dict[str, int | None], list[str]]:
    """Each chosen block's duty in the model's sense, and the teams whose blocks break a rule.

    A land block's duty is the rank of its window (None when the team needs no window), as the
    model's solution reports it.
    """
    reach = reach_of(problem)
    taken: dict[str, list[Block]] = defaultdict(list)
    for b in chosen:
        taken[b.team].append(b)
    out: dict[str, int | None] = {}
    broken: list[str] = []
    for team_id, mine in taken.items():
        windows = team_windows(problem, of_team, team_id, mine, reach)
        if windows is None:
            broken.append(team_id)
            continue
        for b in mine:
            starts = [s for r, s in windows if r == b.route and s <= b.duty_start]
            out[b.id] = len(starts) - 1 if starts and b in on_duty(problem, [b])[0] else None
    return out, broken


def _swap(
    problem: Problem,
    of_team: dict[str, list[Block]],
    chosen: list[Block],
    broken: list[str],
    twins: dict[tuple[int, int, int, int], list[Block]],
    costs: dict[str, int],
) -> list[Block] | None:
    """The cover with each broken team's later blocks given to other teams at the same cost.

    Each later block goes to the first team with the same stretch at the same cost that can
    take it on top of what it already holds; the caller checks the whole cover again.

    Returns:
        The new cover, or None when some block finds no such team.
    """
    reach = reach_of(problem)
    out = list(chosen)

    def takes(team_id: str, b: Block) -> bool:
        mine = [*(x for x in out if x.team == team_id), b]
        return team_windows(problem, of_team, team_id, mine, reach) is not None

    for team_id in broken:
        mine = sorted((b for b in out if b.team == team_id), key=lambda b: b.first)
        for b in mine[1:]:
            out.remove(b)
            key = (b.route, b.first, b.last, costs[b.id])
            twin = next((t for t in twins[key] if t.team != team_id and takes(t.team, t)), None)
            if twin is None:
                return None
            out.append(twin)
    return sorted(out, key=lambda b: (b.first, b.team))


def lawful_cover(problem: Problem, blocks: list[Block]) -> Cover | None:
    """The cheapest cover over every candidate route, when a cheapest one keeps every rule.

    The cheapest cover's cost is a lower bound, so any lawful cover at that cost is optimal.
    When the cover found breaks a rule between blocks (ties are common: teams based in the same
    town cost the same, and the search gives one team every stretch it is cheapest on), a
    broken team's later blocks go to other teams with the same stretch at the same cost. Where
    that fails, the cover is sought again without the broken teams' later blocks, or without
    their first ones (a short depth-first search, ``TRIES`` covers at most). A dearer cover
    proves nothing: the model decides.

    Args:
        problem: the planning problem.
        blocks: every candidate block.

    Returns:
        The cover, proven optimal for the whole model; None with several movements or
        ``min_teams`` other than 1, when no route can be covered, or when no cheapest cover
        keeping every rule was found.
    """
    if len(problem.movements()) != 1 or any(problem.need(r.index) != 1 for r in problem.routes):
        return None
    of_team: dict[str, list[Block]] = defaultdict(list)
    twins: dict[tuple[int, int, int, int], list[Block]] = defaultdict(list)
    costs = [scaled(problem, b) for b in blocks]
    cost_of = {b.id: c for b, c in zip(blocks, costs, strict=True)}
    index = {b.id: i for i, b in enumerate(blocks)}
    for b, c in zip(blocks, costs, strict=True):
        of_team[b.team].append(b)
        twins[(b.route, b.first, b.last, c)].append(b)
    starting = {r.index: starting_at(blocks, r.index) for r in problem.routes}
    bound: int | None = None
    stack: list[frozenset[int]] = [frozenset()]  # blocks set aside, by index
    for _ in range(TRIES):
        if not stack:
            return None
        aside = stack.pop()
        tried = [UNREACHABLE if i in aside else c for i, c in enumerate(costs)] if aside else costs
        covers = [
            cheapest_cover(problem, blocks, r.index, tried, starting[r.index])
            for r in problem.routes
        ]
        found = [(c[0], r, c[1]) for r, c in enumerate(covers) if c is not None]
        if not found:
            continue
        cost, route, chosen = min(found, key=lambda f: (f[0], f[1]))
        bound = cost if bound is None else bound
        if cost > bound:
            continue
        duty_of, broken = duties(problem, of_team, chosen)
        swapped = _swap(problem, of_team, chosen, broken, twins, cost_of) if broken else None
        if swapped is not None:
            chosen = swapped
            duty_of, broken = duties(problem, of_team, chosen)
        if not broken:
            offset = pickup_offset(problem)
            return Cover(route=route, blocks=chosen, objective=cost - offset, duty_of=duty_of)
        runs = [sorted((b for b in chosen if b.team == t), key=lambda b: b.first) for t in broken]
        first = {index[run[0].id] for run in runs}
        later = {index[b.id] for run in runs for b in run[1:]}
        # Depth first, the later blocks set aside first (popped first).
        stack += [aside | first, aside | later]
    return None
