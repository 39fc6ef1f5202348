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

from ortools.sat.python import cp_model

from planner.model.blocks import Block
from planner.model.constraints.movements import time_cliques
from planner.model.constraints.presence import blocked_until
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
    for team_id, all_blocks in v.of_team().items():
        team = problem.team(team_id)
        lit = [enforce[team_id]] if enforce is not None else []
        # Outside the land duty model: an escort or tracker of a ferry leg. A remote watch is a
        # duty at a desk: its own windows, as long as technical coverage allows, with the same
        # rest between them.
        land = [
            b
            for b in all_blocks
            if problem.routes[b.route].segments[b.first].mode != "ferry" and not b.remote
        ]
        windows = _windows(model, problem, v, team, land, team.max_duty, "duty", lit)
        if windows:
            v.duties[team_id] = windows
        remote = [b for b in all_blocks if b.remote]
        if remote and problem.remote is not None:
            _windows(model, problem, v, team, remote, problem.remote.max_minutes, "desk", lit)


def _windows(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    team: TeamSpec,
    blocks: list[Block],
    max_duty: int,
    label: str,
    lit: list[cp_model.IntVar],
) -> list[tuple[tuple[int, int], cp_model.IntVar]]:
    """The duty windows of one team's ``blocks``, with their cover and rest rows.

    Each window lasts at most ``max_duty``. Returns the windows; empty when every combination of
    the blocks fits in one duty anyway (no rows needed).
    """
    if not blocks:
        return []
    lo = min(b.duty_start for b in blocks)
    hi = max(b.duty_end for b in blocks)
    if hi - lo <= max_duty and len(team.availability) == 1:
        return []  # every combination of these blocks fits in one duty
    movement = {o.index: o.movement for o in problem.routes}
    anchors = sorted({(b.route, b.duty_start) for b in blocks})
    windows = {a: model.new_bool_var(f"{label}-{team.id}-r{a[0]}-at{a[1]}") for a in anchors}
    for b in blocks:
        home = _window_of(team, b.duty_start, b.duty_end)
        inside = [
            w
            for (r, s), w in windows.items()
            if (r == b.route or movement[r] != movement[b.route])
            and s <= b.duty_start
            and b.duty_end <= s + max_duty
            and _window_of(team, s, s) == home
        ]
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
        groups = _cliques(problem, r, clash) + time_cliques(others)
        for k, clique in enumerate(groups):
            ct = model.add_at_most_one([w, *(v.take[a.id] for a in clique)])
            ct.with_name(f"{label}-rest-{team.id}-at{s}-{k}")
            if lit:
                ct.only_enforce_if(lit)
    return list(windows.items())


def _cliques(problem: Problem, route: int, blocks: list[Block]) -> list[list[Block]]:
    """Cover blocks by groups that pairwise exclude each other (they meet at a stretch).

    A block occupies the stretches from its first segment to the last one its team cannot get
    ahead of in time (see planner.model.constraints.presence); intervals that share a point form
    a clique. Greedy by interval end: each point taken is the end of the earliest-ending block.
    """
    spans = sorted(
        (
            (b.first, b.last if b.remote else blocked_until(problem, route, b.last), b)
            for b in blocks
        ),
        key=lambda x: (x[1], x[0]),
    )
    out: list[list[Block]] = []
    left = spans
    while left:
        point = left[0][1]
        out.append([b for lo, hi, b in left if lo <= point <= hi])
        left = [x for x in left if not x[0] <= point <= x[1]]
    return out
