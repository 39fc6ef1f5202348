"""Candidate blocks: a team watching a run of consecutive segments of one route.

The model chooses among blocks (a set partition along the route, see recipes.md), so every rule
that concerns one block alone is applied here, before the model is built, and a block that
breaks one is never created:
- capability (SPEC §4 rule 3): the team can watch every segment of the block;
- jurisdiction (rule 2): every segment is in the team's country, except a stretch next to its
  border that the host state opens to foreign observation, within its km and hours;
- follow limit (rule 7): physical following of one block lasts at most ``max_follow``;
- duty and availability (rule 5): reaching the first post from base and watching the block fit
  in one duty and one availability window; the team can reach the first post at all.
Rules between blocks (coverage, no two places at once, duty and rest) are model constraints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from planner.problem import CAPABLE, Problem, RouteOption, Segment, TeamSpec


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

    @property
    def watch(self) -> int:
        return self.expected_watch

    def covers(self, segment: int) -> bool:
        return self.first <= segment <= self.last


def _capable(team: TeamSpec, seg: Segment) -> bool:
    return bool(team.capabilities & CAPABLE[seg.mode])


def _home(team: TeamSpec, seg: Segment) -> bool:
    return team.country in seg.countries


def _foreign_ok(
    problem: Problem, team: TeamSpec, segs: list[Segment]
) -> tuple[bool, int, float, str | None]:
    """Whether the foreign part of a run is lawful: one host, contiguous with the team's own
    country at one end of the run, within the host's limits."""
    foreign = [s for s in segs if not _home(team, s)]
    if not foreign:
        return True, 0, 0.0, None
    hosts = {s.country for s in foreign}
    if len(hosts) != 1 or any(s.mode == "ferry" for s in foreign):
        return False, 0, 0.0, None
    host = hosts.pop()
    limit = problem.foreign_limit(host, team.country)
    if limit is None:
        return False, 0, 0.0, None
    flags = [not _home(team, s) for s in segs]
    # The foreign stretch must touch the team's own country: a prefix or a suffix of the run,
    # with at least one home segment (teams follow across their own border, not start abroad).
    n = len(foreign)
    if not (all(flags[:n]) or all(flags[-n:])) or n == len(segs):
        return False, 0, 0.0, None
    minutes = sum(s.max_minutes for s in foreign)
    km = sum(s.km for s in foreign)
    if minutes > limit.max_minutes or km > limit.max_km + 1e-6:
        return False, 0, 0.0, None
    return True, minutes, km, host


def _within_availability(team: TeamSpec, start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in team.availability)


def blocks_for(problem: Problem, route: RouteOption, team: TeamSpec) -> Iterator[Block]:
    """Every lawful block of ``team`` on ``route``."""
    segs = route.segments
    for i, first in enumerate(segs):
        if not _capable(team, first):
            continue
        travel = team.reach.get((route.index, i))
        if travel is None:
            continue
        start = first.start - problem.overlap
        for j in range(i, len(segs)):
            seg = segs[j]
            if not _capable(team, seg):
                break
            # A ferry leg is its own block: different teams watch the quay and the sea.
            if (seg.mode == "ferry") != (first.mode == "ferry") or (seg.mode == "ferry" and j > i):
                break
            run = list(segs[i : j + 1])
            ok, f_min, f_km, host = _foreign_ok(problem, team, run)
            if not ok:
                if all(_home(team, s) for s in run[:-1]) and not _home(team, seg):
                    # Going further abroad will not become lawful again; a run that starts abroad
                    # may still become lawful once it reaches home.
                    break
                continue
            end = seg.end
            # Worst-case following: the longest each watched stretch can take moving (static
            # stops, border queues and ferry legs are not following).
            follow = sum(s.follow_max for s in run)
            if follow > problem.max_follow:
                break
            duty_start = first.nominal_start - problem.overlap - travel
            duty_end = first.nominal_start + sum(s.max_minutes for s in run)
            if duty_end - duty_start > team.max_duty and first.mode != "ferry":
                break
            if not _within_availability(team, start - travel, end):
                break
            yield Block(
                id=f"r{route.index}:{team.id}:{i}-{j}",
                route=route.index,
                team=team.id,
                first=i,
                last=j,
                start=start,
                end=end,
                travel=travel,
                follow=follow,
                duty_start=duty_start,
                duty_end=duty_end,
                expected_watch=seg.nominal_end - first.nominal_start + problem.overlap,
                expected_follow=sum(s.nominal_end - s.nominal_start for s in run if s.following),
                foreign_minutes=f_min,
                foreign_km=round(f_km, 2),
                foreign_country=host,
            )


def all_blocks(problem: Problem) -> list[Block]:
    return [b for r in problem.routes for t in problem.teams for b in blocks_for(problem, r, t)]


def by_segment(blocks: list[Block]) -> dict[tuple[int, int], list[Block]]:
    """Blocks covering each (route, segment)."""
    out: dict[tuple[int, int], list[Block]] = defaultdict(list)
    for b in blocks:
        for s in range(b.first, b.last + 1):
            out[(b.route, s)].append(b)
    return out
