"""Candidate blocks: a team watching a run of consecutive segments of one route.

The model chooses among blocks: a set partition along the route, which proves optima far faster
than pairing teams with segments one by one. So every rule that concerns one block alone is
applied here, before the model is built, and a block that breaks one is never created; the rules
themselves are in :mod:`planner.model.rules`. Rules between blocks (coverage, no two places at
once, duty and rest) are model constraints (:mod:`planner.model.constraints`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from planner.constants import MAX_BLOCKS
from planner.model.problem import Problem, RouteOption, TeamSpec
from planner.model.rules import Broken, Lawful, check_remote_run, check_run


@dataclass(frozen=True)
class Block:
    """Team ``team`` watches segments ``first..last`` of route ``route``.

    Two clocks, on purpose. ``start``/``end`` are absolute: from ``overlap`` minutes before the
    earliest moment the consignment can reach the block to the latest it can leave it; they are
    what availability is checked against, so a plan holds whenever the consignment runs. Duty,
    rest and following are about how long a team works once dispatched on live tracking: they
    use the expected timeline (``duty_start``/``duty_end``) and the longest time each stretch can
    take (``follow``).
    """

    id: str
    route: int
    team: str
    first: int
    last: int
    start: int
    end: int
    travel: int
    follow: int  # worst-case minutes of physical following
    duty_start: int  # leaves base, on the expected timeline
    duty_end: int  # released, on the expected timeline with worst-case stretch durations
    expected_watch: int  # expected minutes on watch (overlap included)
    expected_follow: int  # expected minutes of physical following
    foreign_minutes: int
    foreign_km: float
    foreign_country: str | None
    # A beacon watched remotely (technical coverage), not a team on the spot: outside the duty
    # model, with no travel.
    remote: bool = False

    @property
    def watch(self) -> int:
        """Expected minutes on watch, the handover overlap included (``expected_watch``)."""
        return self.expected_watch


def _block(
    problem: Problem,
    route: RouteOption,
    team: TeamSpec,
    i: int,
    j: int,
    lawful: Lawful,
    remote: bool,
) -> Block:
    """The block of ``team`` on segments ``i..j`` with what its run costs (``lawful``)."""
    segs = route.segments
    first, last = segs[i], segs[j]
    return Block(
        id=f"r{route.index}:{team.id}:{i}-{j}" + (":remote" if remote else ""),
        route=route.index,
        team=team.id,
        first=i,
        last=j,
        start=first.start - problem.overlap,
        end=last.end,
        travel=lawful.travel,
        follow=lawful.follow,
        duty_start=lawful.duty_start,
        duty_end=lawful.duty_end,
        expected_watch=last.nominal_end - first.nominal_start + problem.overlap,
        # A beacon watched from a desk is no physical following.
        expected_follow=0
        if remote
        else sum(s.nominal_end - s.nominal_start for s in segs[i : j + 1] if s.following),
        foreign_minutes=lawful.foreign_minutes,
        foreign_km=round(lawful.foreign_km, 2),
        foreign_country=lawful.foreign_country,
        remote=remote,
    )


def remote_blocks_for(problem: Problem, route: RouteOption, team: TeamSpec) -> Iterator[Block]:
    """Every lawful remote block of a technical ``team`` on ``route`` (see check_remote_run)."""
    if problem.remote is None or "technical" not in team.capabilities:
        return
    for i in range(len(route.segments)):
        for j in range(i, len(route.segments)):
            verdict = check_remote_run(problem, route, team, i, j)
            if isinstance(verdict, Broken):
                if verdict.final:
                    break
                continue
            yield _block(problem, route, team, i, j, verdict, remote=True)


def blocks_for(problem: Problem, route: RouteOption, team: TeamSpec) -> Iterator[Block]:
    """Every lawful block of ``team`` on ``route`` (the rules are in planner.model.rules)."""
    yield from remote_blocks_for(problem, route, team)
    for i in range(len(route.segments)):
        for j in range(i, len(route.segments)):
            verdict = check_run(problem, route, team, i, j)
            if isinstance(verdict, Broken):
                if verdict.final:
                    break
                continue
            yield _block(problem, route, team, i, j, verdict, remote=False)


def given_block(
    problem: Problem,
    route: RouteOption,
    team: TeamSpec,
    first: int,
    last: int,
    *,
    remote: bool = False,
) -> Block:
    """The block of ``team`` on ``first..last`` as a person gave it, lawful or not.

    A plan written by hand is costed with the same terms as the engine's (a lawful run gets
    exactly the engine's block); where it breaks a rule, the checker says so, and the cost is
    computed all the same: travel from the nearest reach known (0 when the team reaches nothing
    of the route), every segment outside the team's states counted as foreign. A remote watch
    that the rules do not allow is costed as a team on the spot.
    """
    if remote:
        verdict = check_remote_run(problem, route, team, first, last)
        if isinstance(verdict, Lawful):
            return _block(problem, route, team, first, last, verdict, remote=True)
    verdict = check_run(problem, route, team, first, last)
    if isinstance(verdict, Broken):
        segs = route.segments
        run = segs[first : last + 1]
        travel = team.reach.get((route.index, first), 0)
        abroad = [s for s in run if team.country not in s.countries]
        verdict = Lawful(
            travel=travel,
            follow=sum(s.follow_max for s in run),
            duty_start=segs[first].nominal_start - problem.overlap - travel,
            duty_end=segs[first].nominal_start + sum(s.max_minutes for s in run),
            foreign_minutes=sum(s.max_minutes for s in abroad),
            foreign_km=sum(s.km for s in abroad),
            foreign_country=abroad[0].country if abroad else None,
        )
    return _block(problem, route, team, first, last, verdict, remote=False)


class ModelTooLargeError(ValueError):
    """The scenario would build a model larger than the engine accepts."""


def all_blocks(problem: Problem) -> list[Block]:
    """Every lawful block of every team on every candidate route.

    Raises:
        ModelTooLargeError: past ``MAX_BLOCKS`` blocks; generation stops there, so an oversized
            scenario costs no more than the limit.
    """
    out: list[Block] = []
    for r in problem.routes:
        for t in problem.teams:
            out.extend(blocks_for(problem, r, t))
            if len(out) > MAX_BLOCKS:
                raise ModelTooLargeError(
                    f"the scenario needs more than {MAX_BLOCKS} candidate team assignments, the "
                    "most the engine builds within its time and memory budget; use fewer teams "
                    "or alternatives, a shorter route or a shorter max_follow_hours"
                )
    return out


def by_segment(blocks: list[Block]) -> dict[tuple[int, int], list[Block]]:
    """Blocks covering each (route, segment)."""
    out: dict[tuple[int, int], list[Block]] = defaultdict(list)
    for b in blocks:
        for s in range(b.first, b.last + 1):
            out[(b.route, s)].append(b)
    return out
