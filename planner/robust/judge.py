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

With several movements a team's blocks are judged in time order whichever movement they watch:
its duty, its rest and its drives between posts run across them. A block on a movement watched
only where a team is free (``min_teams`` 0) never makes the plan fail: the movement goes on
unwatched. A team that cannot be at such a watch stays away from it; one that keeps it keeps it
to its end, and what that costs its later posts counts there. A timeline that
stops on such a movement fails the plan only when a movement that must be watched leaves after
it, at a transfer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from planner.robust.replay import Timeline
from planner.robust.skeleton import Block, Skeleton

# The plan's times are whole minutes: a rule is broken only past this.
TOLERANCE_MINUTES = 1.0
DEPARTURE = -1  # the "segment" a late departure is blamed on


@dataclass(frozen=True)
class Failure:
    """A broken rule: which block, where (segment index), what, and the stretch to blame.

    ``track`` is the movement of the stretch to blame: with ``cause`` DEPARTURE, the movement
    whose departure it is (0 with one movement). ``early``: the stretch ran short of its
    expected time rather than long (the consignment came early, and a team could not be there).
    """

    block: int
    segment: int
    rule: str  # duty, follow, desk, rest, travel, availability, timeline
    cause: int  # segment index, or DEPARTURE
    at_start: bool  # a start rule (the team cannot be there) rather than an end rule
    track: int = 0
    early: bool = False


class _Cause(NamedTuple):
    """The stretch to blame (a segment, or DEPARTURE), its movement, and which way it ran."""

    segment: int
    track: int
    early: bool = False


@dataclass(frozen=True)
class Verdict:
    """One sample judged: whether the plan holds, per handover, and every broken rule."""

    holds: bool
    handovers: tuple[bool, ...]
    failures: tuple[Failure, ...]


def _excess(sk: Skeleton, tl: Timeline, k: int) -> float:
    """How much longer segment ``k`` took than the plan expected, minutes."""
    seg = sk.segments[k]
    return (tl.exit[k] - tl.entry[k]) - (seg.nominal_end - seg.nominal_start)


def _lateness(sk: Skeleton, tl: Timeline, k: int) -> float:
    """How late the consignment reaches segment ``k``, minutes (negative: early)."""
    return tl.entry[k] - sk.segments[k].nominal_start


def _blame_within(sk: Skeleton, tl: Timeline, first: int, last: int) -> _Cause:
    """The segment of ``first..last`` (one movement) that ran longest past its expected time."""
    k = max(range(first, last + 1), key=lambda k: (_excess(sk, tl, k), -k))
    return _Cause(k, sk.movement_of(k))


def _blame_upstream(
    sk: Skeleton, tl: Timeline, upto: int, lateness: float, *, inclusive: bool = False
) -> _Cause:
    """What made the consignment late (or early, ``lateness`` < 0) before segment ``upto``.

    That is the segment on its way there (``upto`` itself too when ``inclusive``) that ran
    furthest that way, or the departure; with the movement it belongs to.
    """
    sign = 1.0 if lateness >= 0 else -1.0
    way, root = sk.before(upto)
    if inclusive:
        way.append(upto)
    best, cause = sign * tl.slip(root), DEPARTURE
    for i in way:
        value = sign * _excess(sk, tl, i)
        if value > best:
            best, cause = value, i
    return _Cause(cause, root if cause == DEPARTURE else sk.movement_of(cause), sign < 0)


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
    if (
        prev is not None
        and not (prev.desk or b.desk)
        and tl.exit[prev.last] + sk.drive(prev.last, b.first) > arrive + TOLERANCE_MINUTES
    ):
        return "travel"
    if rested_since is not None and leave - rested_since < team.min_rest - TOLERANCE_MINUTES:
        return "rest"
    return None


def _start_cause(sk: Skeleton, tl: Timeline, b: Block, prev: Block | None, rule: str) -> _Cause:
    """What to blame for a start rule: what made the consignment late or early there.

    For a drive or a rest after a post on another movement, it is what made that one late, when
    it ran later than this one ran early.
    """
    late = _lateness(sk, tl, b.first)
    elsewhere = prev is not None and sk.movement_of(prev.last) != sk.movement_of(b.first)
    if rule in ("travel", "rest") and elsewhere and prev is not None:
        held = tl.exit[prev.last] - sk.segments[prev.last].nominal_end
        if held > -late:
            return _blame_upstream(sk, tl, prev.last, held, inclusive=True)
    return _blame_upstream(sk, tl, b.first, late)


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
    late: float  # how late the consignment reached that segment


def _end_cause(
    sk: Skeleton, tl: Timeline, b: Block, duty: _Duty | None, rule: str, k: int
) -> _Cause:
    """What to blame for an end rule broken at segment ``k``."""
    if rule == "availability":
        late = tl.exit[k] - sk.segments[k].nominal_end
        return _blame_upstream(sk, tl, k, late, inclusive=True)
    if rule != "duty" or duty is None:
        return _blame_within(sk, tl, b.first, k)
    if sk.movement_of(duty.first) == sk.movement_of(k):
        return _blame_within(sk, tl, duty.first, k)
    # A duty begun on another movement: the stretches of this block, or whatever held this
    # movement back longer than the first one.
    within = _blame_within(sk, tl, b.first, k)
    held = _lateness(sk, tl, b.first) - duty.late
    if held > _excess(sk, tl, within.segment):
        return _blame_upstream(sk, tl, b.first, held)
    return within


def judge(sk: Skeleton, tl: Timeline) -> Verdict:
    """Judge every block of the plan on one sampled timeline (see the module doc)."""
    failures: list[Failure] = []
    start_ok = [not math.isnan(tl.entry[b.first]) for b in sk.blocks]
    end_ok = [not math.isnan(tl.exit[b.last]) for b in sk.blocks]
    last_of: dict[str, Block] = {}
    duty_of: dict[str, _Duty] = {}
    for i, b in enumerate(sk.blocks):
        if not start_ok[i]:
            continue
        prev = last_of.get(b.team)
        current = duty_of.get(b.team)
        land = b.duty is not None and not b.desk
        same = land and current is not None and current.number == b.duty
        rested_since = current.end if land and current is not None and not same else None
        rule = _start_rules(sk, tl, b, prev, rested_since)
        if rule and b.optional:
            # The team cannot be there, and the operation does without this watch: it stays
            # away, and neither its duty nor its drives count the watch.
            start_ok[i] = end_ok[i] = False
            continue
        last_of[b.team] = b
        if rule:
            start_ok[i] = False
            c = _start_cause(sk, tl, b, prev, rule)
            failures.append(Failure(i, b.first, rule, c.segment, True, c.track, c.early))
        if not end_ok[i]:
            continue
        duty: _Duty | None = None
        if land and b.duty is not None:
            if same and current is not None:
                duty = current
            else:
                begins = tl.entry[b.first] - sk.overlap - b.travel
                duty = _Duty(b.duty, begins, begins, b.first, _lateness(sk, tl, b.first))
            duty.end = tl.exit[b.last]
            duty_of[b.team] = duty
        rule, k = _end_rules(sk, tl, b, duty.start if duty is not None else None)
        if rule:
            end_ok[i] = False
            c = _end_cause(sk, tl, b, duty, rule, k)
            failures.append(Failure(i, k, rule, c.segment, False, c.track, c.early))
    handovers = tuple(end_ok[h.outgoing] and start_ok[h.incoming] for h in sk.handovers)
    # A watch the operation can do without never fails it (see the module doc).
    failures = [f for f in failures if not sk.blocks[f.block].optional]
    needed = [i for i, b in enumerate(sk.blocks) if not b.optional]
    vital = [s for s in tl.broken if sk.vital(sk.movement_of(s.segment))]
    failures += [
        Failure(-1, s.segment, "timeline", s.segment, True, sk.movement_of(s.segment))
        for s in vital
    ]
    return Verdict(
        holds=not vital and all(start_ok[i] and end_ok[i] for i in needed),
        handovers=handovers,
        failures=tuple(failures),
    )


def first_failure(verdict: Verdict) -> int | None:
    """The earliest segment where the plan breaks (a re-plan starts there), or None."""
    points = [f.segment for f in verdict.failures]
    return min(points) if points else None
