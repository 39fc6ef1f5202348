"""Whether every team can still do its part on a sampled timeline, and what broke when not.

Teams are dispatched on live tracking, as the plan's expected times assume: a team is in place
``overlap`` minutes before the consignment reaches its first segment and stays until it leaves
its last. On the sampled timeline each block then keeps, or breaks:

- at its start: the team can be there (its availability has begun; it has driven from its
  previous block; it has rested ``min_rest`` since its previous duty);
- by its end: the duty from leaving base is no longer than ``max_duty``, physical following no
  longer than ``max_follow``, a desk watch no longer than technical coverage allows, and the
  team is still available.

A handover holds when the outgoing block keeps its end rules up to the passage and the incoming
block its start rules; the plan holds when every block keeps every rule and the timeline goes
through. A broken rule is blamed on the stretch that ran furthest from the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.robust.replay import Timeline
from planner.robust.skeleton import Block, Skeleton

# The plan's times are whole minutes: a rule is broken only past this.
TOLERANCE_MINUTES = 1.0
DEPARTURE = -1  # the "segment" a late departure is blamed on


@dataclass(frozen=True)
class Failure:
    """A broken rule: which block, where (segment index), what, and the stretch to blame."""

    block: int
    segment: int
    rule: str  # duty, follow, desk, rest, travel, availability, timeline
    cause: int  # segment index, or DEPARTURE
    at_start: bool  # a start rule (the team cannot be there) rather than an end rule


@dataclass(frozen=True)
class Verdict:
    """One sample judged: whether the plan holds, per handover, and every broken rule."""

    holds: bool
    handovers: tuple[bool, ...]
    failures: tuple[Failure, ...]
    broken_at: int | None  # the segment where the timeline itself stopped


def _excess(sk: Skeleton, tl: Timeline, k: int) -> float:
    """How much longer segment ``k`` took than the plan expected, minutes."""
    seg = sk.segments[k]
    return (tl.exit[k] - tl.entry[k]) - (seg.nominal_end - seg.nominal_start)


def _blame_within(sk: Skeleton, tl: Timeline, first: int, last: int) -> int:
    """The segment of ``first..last`` that ran longest past its expected time."""
    return max(range(first, last + 1), key=lambda k: (_excess(sk, tl, k), -k))


def _blame_upstream(sk: Skeleton, tl: Timeline, upto: int, lateness: float) -> int:
    """What made the consignment late (or early, ``lateness`` < 0) before segment ``upto``.

    That is the segment before it that ran furthest that way, or the departure.
    """
    sign = 1.0 if lateness >= 0 else -1.0
    best, cause = sign * tl.late, DEPARTURE
    for i in range(upto):
        value = sign * _excess(sk, tl, i)
        if value > best:
            best, cause = value, i
    return cause


def _available(windows: tuple[tuple[int, int], ...], t: float) -> bool:
    return any(a - TOLERANCE_MINUTES <= t <= b + TOLERANCE_MINUTES for a, b in windows)


def _start_rules(
    sk: Skeleton, tl: Timeline, b: Block, prev: Block | None, rested_since: float | None
) -> str | None:
    """The start rule ``b`` breaks, or None. ``rested_since``: the end of the previous duty."""
    team = sk.teams[b.team]
    arrive = tl.entry[b.first] - sk.overlap
    leave = arrive - b.travel
    if not _available(team.availability, leave):
        return "availability"
    if prev is not None and not prev.desk and not b.desk:
        between = abs(sk.drive_at[b.first] - sk.drive_at[prev.last + 1]) / sk.car_speedup
        if tl.exit[prev.last] + between > arrive + TOLERANCE_MINUTES:
            return "travel"
    if rested_since is not None and leave - rested_since < team.min_rest - TOLERANCE_MINUTES:
        return "rest"
    return None


def _end_rules(sk: Skeleton, tl: Timeline, b: Block, duty_start: float | None) -> tuple[str, int]:
    """The first end rule ``b`` breaks and the segment where, or ("", -1)."""
    team = sk.teams[b.team]
    follow = 0.0
    for k in range(b.first, b.last + 1):
        if sk.segments[k].following and not b.desk:
            follow += tl.moving[k]
            if follow > sk.max_follow + TOLERANCE_MINUTES:
                return "follow", k
        if duty_start is not None and tl.exit[k] - duty_start > team.max_duty + TOLERANCE_MINUTES:
            return "duty", k
        if (
            b.desk
            and sk.desk_max is not None
            and tl.exit[k] - (tl.entry[b.first] - sk.overlap) > sk.desk_max + TOLERANCE_MINUTES
        ):
            return "desk", k
        if not _available(team.availability, tl.exit[k]):
            return "availability", k
    return "", -1


@dataclass
class _Duty:
    """A team's current duty on the sampled timeline."""

    number: int
    start: float  # leaves base
    end: float  # released from its last block so far
    first: int  # its first segment


def judge(sk: Skeleton, tl: Timeline) -> Verdict:
    """Judge every block of the plan on one sampled timeline (see the module doc)."""
    failures: list[Failure] = []
    stop = tl.broken.segment if tl.broken is not None else len(sk.segments)
    start_ok = [b.first < stop for b in sk.blocks]
    end_ok = [b.last < stop for b in sk.blocks]
    last_of: dict[str, Block] = {}
    duty_of: dict[str, _Duty] = {}
    for i, b in enumerate(sk.blocks):
        if not start_ok[i]:
            continue
        prev = last_of.get(b.team)
        last_of[b.team] = b
        current = duty_of.get(b.team)
        land = b.duty is not None and not b.desk
        same = land and current is not None and current.number == b.duty
        rested_since = current.end if land and current is not None and not same else None
        rule = _start_rules(sk, tl, b, prev, rested_since)
        if rule:
            start_ok[i] = False
            late = tl.entry[b.first] - sk.segments[b.first].nominal_start
            cause = _blame_upstream(sk, tl, b.first, late)
            failures.append(Failure(i, b.first, rule, cause, True))
        if not end_ok[i]:
            continue
        duty: _Duty | None = None
        if land and b.duty is not None:
            if same and current is not None:
                duty = current
            else:
                begins = tl.entry[b.first] - sk.overlap - b.travel
                duty = _Duty(b.duty, begins, begins, b.first)
            duty.end = tl.exit[b.last]
            duty_of[b.team] = duty
        rule, k = _end_rules(sk, tl, b, duty.start if duty is not None else None)
        if rule:
            end_ok[i] = False
            if rule == "availability":
                late = tl.exit[k] - sk.segments[k].nominal_end
                cause = _blame_upstream(sk, tl, k + 1, late)
            else:
                cause = _blame_within(sk, tl, duty.first if duty and rule == "duty" else b.first, k)
            failures.append(Failure(i, k, rule, cause, False))
    handovers = tuple(end_ok[h.outgoing] and start_ok[h.incoming] for h in sk.handovers)
    if tl.broken is not None:
        failures.append(Failure(-1, tl.broken.segment, "timeline", tl.broken.segment, True))
    return Verdict(
        holds=tl.broken is None and all(start_ok) and all(end_ok),
        handovers=handovers,
        failures=tuple(failures),
        broken_at=tl.broken.segment if tl.broken is not None else None,
    )


def first_failure(verdict: Verdict) -> int | None:
    """The earliest segment where the plan breaks (a re-plan starts there), or None."""
    points = [f.segment for f in verdict.failures]
    return min(points) if points else None
