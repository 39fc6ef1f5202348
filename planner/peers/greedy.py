"""The greedy peer: a dispatcher planning by hand, one stretch at a time, never looking back.

Walking the route in order, at each stretch still short of ``min_teams`` watchers the dispatcher
sends the capable team that can be there first (the least travel from its base), keeps it as
long as every rule allows (the longest lawful block from there), and moves on to where that team
must be relieved. Only teams free of every rule given what they already do are considered (no
two places at once, duty and rest, the same rules as the model's), and the blocks are the
model's own lawful blocks, so whatever the dispatcher plans keeps every rule; it can still get
stuck where no team is left, and never revisits a choice. The dispatcher takes the first
candidate route, as it is given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from planner.model.blocks import Block
from planner.model.constraints.presence import reach_of
from planner.model.objective import SCALE, pickup_offset, scaled
from planner.model.problem import Problem
from planner.model.relaxation import duties, team_windows


@dataclass(frozen=True)
class Dispatch:
    """What the dispatcher planned: blocks in route order and their duties, or where it stuck.

    ``objective`` is the model's objective of the blocks (unscaled, as the engine reports it);
    ``stuck_at`` is the first segment no free team could take (None when the plan is whole);
    ``unsupported`` says why the dispatcher did not plan at all (several movements).
    """

    route: int
    blocks: list[Block]
    duty_of: dict[str, int | None]
    objective: float | None
    stuck_at: int | None
    unsupported: str = ""  # why the dispatcher does not plan this problem at all


def dispatch(problem: Problem, blocks: list[Block]) -> Dispatch:
    """Plan the first candidate route the way a dispatcher does by hand (see the module doc).

    Args:
        problem: the planning problem.
        blocks: every candidate block (the engine's, so the same rules hold).

    Returns:
        The blocks chosen; ``stuck_at`` names the segment where no team was left.
    """
    route = 0
    if len(problem.movements()) > 1:
        # Between movements a team's time is shared by other rules; a dispatcher by hand plans
        # one consignment at a time, and so does this one: such operations are not its kind.
        return Dispatch(route, [], {}, None, None, unsupported="one movement at a time")
    starting: dict[int, list[Block]] = defaultdict(list)
    of_team: dict[str, list[Block]] = defaultdict(list)
    for b in blocks:
        of_team[b.team].append(b)
        if b.route == route:
            starting[b.first].append(b)
    for options in starting.values():
        # First there, then the longest watch, then the order the teams were given in.
        options.sort(key=lambda b: (b.travel, -b.last))
    reach = reach_of(problem)
    n = len(problem.routes[route].segments)
    watchers = [0] * n
    chosen: list[Block] = []
    held: dict[str, list[Block]] = defaultdict(list)
    for k in range(n):
        while watchers[k] < problem.need(route):
            pick = next(
                (
                    b
                    for b in starting.get(k, [])
                    if not any(c.team == b.team for c in chosen if c.first <= k <= c.last)
                    and team_windows(problem, of_team, b.team, [*held[b.team], b], reach)
                    is not None
                ),
                None,
            )
            if pick is None:
                return Dispatch(route, chosen, {}, None, stuck_at=k)
            chosen.append(pick)
            held[pick.team].append(pick)
            for s in range(pick.first, pick.last + 1):
                watchers[s] += 1
    duty_of, broken = duties(problem, of_team, chosen)
    assert not broken, "every block was checked against the team's others when it was taken"
    cost = sum(scaled(problem, b) for b in chosen) - pickup_offset(problem)
    ordered = sorted(chosen, key=lambda b: (b.first, b.team))
    return Dispatch(route, ordered, duty_of, cost / SCALE, stuck_at=None)
