"""Duty and rest, rule 5 (docs/rules.md), as duty windows.

A duty runs from leaving base for its first post to the end of its last block (on the expected
timeline, with worst-case stretch durations) and lasts at most ``max_duty``; consecutive duties
are separated by ``min_rest``.

Formulation: for every time a block of the team could start a duty, a window literal "a duty
starts here" (anchor ``s``, reaching to ``s + max_duty``). Then
(i)  every chosen block lies inside some chosen window: ``take[b] <= sum(window[D] for D ⊇ b)``;
(ii) a chosen window starts at least ``min_rest`` after every chosen block that began before it:
     ``window[D] + take[a] <= 1`` when ``a`` starts before ``s`` and ends after ``s - min_rest``.
Any chosen set satisfying both splits into lawful duties (assign each block to the latest chosen
window anchored at or before it), and every lawful plan satisfies both (anchor each duty at its
first block), so the rule is exact; and the constraints are set-cover and conflict rows, which
give the LP relaxation something to hold on to (a big-M duty-assignment model proved nothing on
the Aurora scenario in 30 s).

A ferry escort (on board) or technical tracking of a ferry leg is outside the duty model: the
escort rests on board and remote tracking is a control-room watch. Availability windows were
applied when the blocks were made; a duty may not bridge two of them (checked here too).
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from planner.model.blocks import Block
from planner.model.constraints.movements import time_cliques
from planner.model.constraints.presence import Reach, occupied, reach_of
from planner.model.problem import Problem, TeamSpec
from planner.model.variables import Variables


def _window_of(team: TeamSpec, start: int, end: int) -> int | None:
    return next((i for i, (a, z) in enumerate(team.availability) if a <= start and end <= z), None)


def add_duty(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    enforce: dict[str, cp_model.IntVar] | None = None,
) -> None:
    """Add the duty windows and their cover and rest rows (see the module doc) for every team.

    A team whose blocks all fit in one duty within its single availability window needs no
    rows. Ferry blocks are left out. The windows are recorded in ``v.duties`` so that the
    solution can say which duty holds each block.

    Args:
        model: the CP-SAT model.
        problem: the planning problem.
        v: the model's variables.
        enforce: team id -> an assumption literal guarding that team's rows, in a feasibility
            diagnosis; None otherwise.
    """
    reach = reach_of(problem)
    for team_id, all_blocks in v.of_team().items():
        team = problem.team(team_id)
        lit = [enforce[team_id]] if enforce is not None else []
        # Outside the land duty model: an escort or tracker of a ferry leg. A remote watch is a
        # duty at a desk: its own windows, as long as technical coverage allows, with the same
        # rest between them.
        land, remote = on_duty(problem, all_blocks)
        windows = _windows(model, problem, v, team, land, team.max_duty, "duty", lit, reach)
        if windows:
            v.duties[team_id] = windows
        if remote and problem.remote is not None:
            desk = problem.remote.max_minutes
            _windows(model, problem, v, team, remote, desk, "desk", lit, reach)


def on_duty(problem: Problem, blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """A team's blocks in the land duty model and in the desk one; ferry legs are in neither."""
    land = [
        b
        for b in blocks
        if problem.routes[b.route].segments[b.first].mode != "ferry" and not b.remote
    ]
    return land, [b for b in blocks if b.remote]


def _rowless(team: TeamSpec, blocks: list[Block], max_duty: int) -> bool:
    """Whether every combination of these blocks fits in one duty, so that no row is needed."""
    lo = min(b.duty_start for b in blocks)
    hi = max(b.duty_end for b in blocks)
    return hi - lo <= max_duty and len(team.availability) == 1


def _covers(
    team: TeamSpec, b: Block, route: int, s: int, max_duty: int, movement: Mapping[int, str]
) -> bool:
    """Whether the window anchored at ``s`` on ``route`` may hold block ``b`` (cover row).

    A window is anchored on one route; a block of another movement may lie in it too (a team's
    duty counts whatever it watches), a block on another route of the same movement may not.
    """
    return (
        (route == b.route or movement[route] != movement[b.route])
        and s <= b.duty_start
        and b.duty_end <= s + max_duty
        and _window_of(team, s, s) == _window_of(team, b.duty_start, b.duty_end)
    )


def _rested(team: TeamSpec, a: Block, route: int, s: int, movement: Mapping[int, str]) -> bool:
    """Whether a window at ``s`` on ``route`` may start while block ``a`` is taken (rest row)."""
    related = a.route == route or movement[a.route] != movement[route]
    return not (related and a.duty_start < s < a.duty_end + team.min_rest)


def lawful_windows(
    problem: Problem, team: TeamSpec, blocks: list[Block], chosen: list[Block], max_duty: int
) -> list[tuple[int, int]] | None:
    """Duty windows that let a chosen set of a team's blocks keep the rows of :func:`_windows`.

    The same rule as the rows, as a test of a chosen set (see planner.model.relaxation). A window
    clashes only with chosen blocks, never with another window, so the set is lawful exactly when
    each chosen block lies in some window that clashes with none of them; of those, each block
    is given the latest, which reaches furthest.

    Args:
        problem: the planning problem (its routes' movements).
        team: the team.
        blocks: all its candidate blocks in this duty model (they set the anchors).
        chosen: those taken.
        max_duty: the longest duty, minutes.

    Returns:
        The windows as (route, anchor), sorted; empty when no row applies; None when no set of
        windows keeps the rows.
    """
    if not blocks or not chosen or _rowless(team, blocks, max_duty):
        return []
    movement = {o.index: o.movement for o in problem.routes}
    anchors = sorted({(b.route, b.duty_start) for b in blocks})
    free = [(r, s) for r, s in anchors if all(_rested(team, a, r, s, movement) for a in chosen)]
    out: set[tuple[int, int]] = set()
    for b in sorted(chosen, key=lambda b: b.duty_start):
        holding = [(r, s) for r, s in free if _covers(team, b, r, s, max_duty, movement)]
        if not holding:
            return None
        if not out.intersection(holding):
            out.add(holding[-1])
    return sorted(out)


def _windows(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    team: TeamSpec,
    blocks: list[Block],
    max_duty: int,
    label: str,
    lit: list[cp_model.IntVar],
    reach: Reach,
) -> list[tuple[tuple[int, int], cp_model.IntVar]]:
    """The duty windows of one team's ``blocks``, with their cover and rest rows.

    Each window lasts at most ``max_duty``. Returns the windows; empty when every combination of
    the blocks fits in one duty anyway (no rows needed).
    """
    if not blocks or _rowless(team, blocks, max_duty):
        return []  # every combination of these blocks fits in one duty
    movement = {o.index: o.movement for o in problem.routes}
    anchors = sorted({(b.route, b.duty_start) for b in blocks})
    windows = {a: model.new_bool_var(f"{label}-{team.id}-r{a[0]}-at{a[1]}") for a in anchors}
    for b in blocks:
        inside = [w for (r, s), w in windows.items() if _covers(team, b, r, s, max_duty, movement)]
        ct = model.add(v.take[b.id] <= sum(inside)).with_name(f"{label}-cover-{b.id}")
        if lit:
            ct.only_enforce_if(lit)
    for (r, s), w in windows.items():
        clash = [
            a for a in blocks if a.route == r and a.duty_start < s < a.duty_end + team.min_rest
        ]
        # Another movement's blocks count too: a team rests between duties whatever it watched.
        others = [
            a
            for a in blocks
            if movement[a.route] != movement[r] and a.duty_start < s < a.duty_end + team.min_rest
        ]
        # Blocks of one team that share a stretch exclude each other already (presence), so
        # the window and a clique of them form one at-most-one row: fewer rows, a tighter LP.
        groups = _cliques(clash, reach) + time_cliques(others)
        for k, clique in enumerate(groups):
            ct = model.add_at_most_one([w, *(v.take[a.id] for a in clique)])
            ct.with_name(f"{label}-rest-{team.id}-at{s}-{k}")
            if lit:
                ct.only_enforce_if(lit)
    return list(windows.items())


def _cliques(blocks: list[Block], reach: Reach) -> list[list[Block]]:
    """Cover blocks by groups that pairwise exclude each other (they meet at a stretch).

    A block occupies the stretches from its first segment to the last one its team cannot get
    ahead of in time (see planner.model.constraints.presence); intervals that share a point form
    a clique. Greedy by interval end: each point taken is the end of the earliest-ending block.
    """
    spans = sorted(((*occupied(b, reach), b) for b in blocks), key=lambda x: (x[1], x[0]))
    out: list[list[Block]] = []
    left = spans
    while left:
        point = left[0][1]
        out.append([b for lo, hi, b in left if lo <= point <= hi])
        left = [x for x in left if not x[0] <= point <= x[1]]
    return out
