"""The figures of a study, as the command line and the API give them, and how they add up.

``holds`` is the share of samples in which the whole plan holds; each handover's ``holds`` the
share in which that handover does; ``weakest`` names the stretches most often to blame, with the
rule they break, in the planners' words; ``replanned_ok`` the share of failed samples for which a
re-plan from the point of failure exists. With several movements, a handover and a weak point
name their movement, and the words say which movement ran long and which one the team watched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from planner.plan import Plan, PlanSegment
from planner.robust.tasks import Blame, Outcome
from planner.scenario import Scenario

# How many weak points the report names, at most.
WEAKEST = 8


class Out(BaseModel):
    """The base of the report's models: unknown fields refused when a report is read back."""

    model_config = ConfigDict(extra="forbid")


class HandoverHold(Out):
    """One handover of the plan and the share of samples in which it holds."""

    place: str = Field(description="Where the watch passes, by name")
    place_id: str = Field(description="Geodata id of the place, or '@lat,lon'")
    kind: str = Field(description="border, relief, port, or transfer (between two movements)")
    movement: str | None = Field(
        default=None,
        description="The movement watched, or 'M1>M3' for a transfer (several movements only)",
    )
    from_team: str = Field(description="The outgoing team")
    to_team: str = Field(description="The incoming team")
    expected: datetime = Field(description="Expected passage, UTC")
    holds: float = Field(description="Share of samples in which it holds, 0..1")


class Weakness(Out):
    """A stretch to blame for a broken rule, and how often."""

    segment: str = Field(description="Segment id of the stretch to blame")
    movement: str | None = Field(
        default=None,
        description="The movement that ran long, or whose departure slipped (several only)",
    )
    why: str = Field(description="What runs long and which rule it breaks, in plain words")
    share: float = Field(description="Share of samples in which this happens, 0..1")


class TargetTry(Out):
    """One ETA margin tried by the search."""

    uncertainty: float = Field(description="movement.uncertainty tried")
    status: str = Field(description="The status of its plan")
    holds: float = Field(description="Share of samples in which its plan holds, 0..1")


class TargetSearch(Out):
    """The search for the smallest ETA margin whose plan holds often enough."""

    target: float = Field(description="The share of samples asked for, 0..1")
    met: bool = Field(description="Whether a margin up to 1.0 reaches it")
    uncertainty: float = Field(
        description="The margin chosen: the smallest that meets the target, else the best tried"
    )
    tried: list[TargetTry] = Field(description="Every margin tried, in the order tried")


class Robustness(Out):
    """How likely a plan is to hold in the world it has to survive."""

    operation: str = Field(description="Operation id")
    status: str = Field(description="The status of the plan studied")
    uncertainty: float = Field(description="The plan's movement.uncertainty (ETA margin)")
    samples: int = Field(description="Samples drawn")
    seed: int = Field(description="The seed: the same seed gives the same figures")
    holds: float = Field(description="Share of samples in which the whole plan holds, 0..1")
    failed: int = Field(description="Samples in which some rule breaks")
    handovers: list[HandoverHold] = Field(description="Every handover, in route order")
    weakest: list[Weakness] = Field(description="The stretches most often to blame, worst first")
    replanned_ok: float | None = Field(
        default=None,
        description="With --replan: share of failed samples for which re-planning from the "
        "point of failure gives a plan, 0..1 (none when no sample failed or not asked)",
    )
    seconds: float = Field(description="Wall time of the study, seconds")
    workers: int = Field(description="Tasks the cluster ran at once")
    scheduler: str = Field(description="The Dask scheduler's address")
    target: TargetSearch | None = Field(default=None, description="With --target: the search")
    notes: list[str] = Field(
        default_factory=list, description="What the figures leave out, and why, in words"
    )


def _hours(minutes: float) -> str:
    return f"{minutes / 60:g} h"


def _cause(seg: PlanSegment | None, movement: str = "") -> str:
    """What ran long, in words (``movement``: whose departure, with several)."""
    if seg is None:
        return f"the departure of {movement} is late" if movement else "the departure is late"
    here, there = seg.from_.name, seg.to.name
    if seg.mode == "border":
        if seg.kind == "port_customs":
            return f"port formalities at {here} take longer than planned"
        return f"the queue at {here} is longer than planned"
    if seg.mode == "wait":
        return {
            "sailing": f"the sailing from {here} is missed, cancelled or late",
            "crossing_hours": f"{here} is closed when the consignment arrives",
            "crossing_closed": f"{here} is closed when the consignment arrives",
            "truck_ban": f"a truck ban holds the consignment at {here}",
        }.get(seg.kind or "", f"the wait at {here} is longer than planned")
    if seg.mode == "ferry":
        return f"the ferry {here} - {there} is slow or late"
    if seg.mode in ("road", "rail"):
        return f"slow going from {here} to {there}"
    return f"the {seg.kind or seg.mode} at {here} runs long"


def _early(seg: PlanSegment) -> str:
    """What ran short, in words: the consignment came early and a team could not be there."""
    here, there = seg.from_.name, seg.to.name
    if seg.mode == "border":
        if seg.kind == "port_customs":
            return f"port formalities at {here} are quicker than planned"
        return f"the queue at {here} is shorter than planned"
    if seg.mode == "ferry":
        return f"the ferry {here} - {there} is quicker than planned"
    if seg.mode in ("road", "rail"):
        return f"fast going from {here} to {there}"
    return f"the {seg.kind or seg.mode} at {here} is shorter than planned"


def _effect(scenario: Scenario, blame: Blame) -> str:
    """Which rule breaks, in words."""
    team = next((t for t in scenario.teams if t.id == blame.team), None)
    rules = scenario.rules
    if blame.rule == "timeline":
        return blame.note
    if team is None:
        return blame.rule
    tc = rules.technical_coverage
    return {
        "duty": f"{team.id}'s duty runs past {team.max_duty_hours:g} h",
        "follow": f"{team.id} follows past {rules.max_follow_hours:g} h without relief",
        "desk": f"{team.id}'s remote watch runs past {tc.max_hours if tc else 0:g} h",
        "rest": f"{team.id} cannot rest {team.min_rest_hours:g} h before its next duty",
        "travel": f"{team.id} cannot reach its next post in time",
        "availability": f"{team.id} is needed outside its availability",
    }.get(blame.rule, blame.rule)


def why(scenario: Scenario, plan: Plan, blame: Blame) -> str:
    """A broken rule in the planners' words: what ran long, and which rule it breaks."""
    segs = {s.id: s for s in plan.segments}
    if blame.rule == "timeline":
        note = _effect(scenario, blame)
        return f"{blame.movement}: {note}" if blame.movement else note
    seg = segs.get(blame.cause)
    cause = _early(seg) if blame.early and seg is not None else _cause(seg, blame.movement)
    if seg is not None and blame.movement:
        cause += f" ({blame.movement})"
    effect = _effect(scenario, blame)
    if blame.post and blame.post != blame.movement:
        effect += f" (watching {blame.post})"
    return f"{cause}: {effect}"


def summarise(
    scenario: Scenario,
    plan: Plan,
    outcomes: Sequence[Outcome],
    *,
    seed: int,
    seconds: float,
    workers: int,
    scheduler: str,
) -> Robustness:
    """The report of a study from its samples' outcomes (in any order)."""
    n = len(outcomes)
    share = (lambda count: round(count / n, 4)) if n else (lambda count: 0.0)
    order = {s.id: i for i, s in enumerate(plan.segments)}
    counts: Counter[tuple[str, str, str]] = Counter()
    for o in outcomes:
        counts.update({(b.segment, why(scenario, plan, b), b.movement) for b in o.blames})
    weakest = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0][0], 0), kv[0][1]))
    failed = [o for o in outcomes if not o.holds]
    tried = [o for o in failed if o.replanned is not None]
    return Robustness(
        operation=plan.operation.id,
        status=str(plan.status),
        uncertainty=scenario.movement.uncertainty,
        samples=n,
        seed=seed,
        holds=share(sum(o.holds for o in outcomes)),
        failed=len(failed),
        handovers=[
            HandoverHold(
                place=h.place.name,
                place_id=h.place.id,
                kind=h.kind,
                from_team=h.from_team,
                to_team=h.to_team,
                movement=h.movement,
                expected=h.end,
                holds=share(sum(o.handovers[i] for o in outcomes if i < len(o.handovers))),
            )
            for i, h in enumerate(plan.handovers)
        ],
        weakest=[
            Weakness(segment=seg, movement=movement or None, why=text, share=share(count))
            for (seg, text, movement), count in weakest[:WEAKEST]
        ],
        replanned_ok=(
            round(sum(bool(o.replanned) for o in tried) / len(tried), 4) if tried else None
        ),
        seconds=round(seconds, 3),
        workers=workers,
        scheduler=scheduler,
    )
