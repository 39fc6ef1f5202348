"""Everything wrong with a scenario, found at once, without solving it (``cdplan check``).

Three kinds of finding, each with the same code the engine gives it:

- errors: input that cannot be planned at all (a place that does not resolve, an unknown
  crossing or ferry line), as ``{loc, msg, fix}``;
- problems: what stops a plan before the solver is asked (no lawful route, a state that
  refuses the content mode, foreign observation without a legal basis, a segment nobody can
  watch);
- warnings: what a planner should know even when a plan exists (planner.resolve.findings).

One fault never hides another: observation without a legal basis is reported and then set
aside, so that the routes and teams are still checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from geodata.layers import Geodata
from planner.model.blocks import ModelTooLargeError, all_blocks
from planner.model.explain import uncovered
from planner.reasons import PlanningError, Reason
from planner.resolve.findings import findings
from planner.resolve.law import observation_reasons, without_unlawful_observation
from planner.resolve.operation import resolve_operation
from planner.resolve.places import place_errors
from planner.resolve.resolver import resolve_scenario
from planner.scenario import Scenario


@dataclass
class Review:
    """What :func:`review` found; ``ok`` when nothing stops a plan."""

    errors: list[dict[str, str]] = field(default_factory=list)
    problems: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing stops a plan (warnings may remain)."""
        return not self.errors and not self.problems


def review(scenario: Scenario, geo: Geodata, *, now: datetime | None = None) -> Review:
    """Every error, problem and warning of a scenario (see the module doc), without a solve.

    Args:
        scenario: the validated scenario.
        geo: the geodata.
        now: the planning time when the scenario gives no ``operation.planned_at``.

    Returns:
        The review; its lists are empty when nothing is wrong.
    """
    planned_at = (scenario.operation.planned_at or now or datetime.now(UTC)).astimezone(UTC)
    out = Review(errors=place_errors(scenario, geo))
    unlawful = observation_reasons(scenario)
    out.problems += unlawful
    rest = without_unlawful_observation(scenario) if unlawful else scenario
    lawful = None
    arrival = None
    if not out.errors:
        try:
            resolve = resolve_operation if rest.movements else resolve_scenario
            resolved = resolve(rest, geo, now=planned_at)
        except PlanningError as exc:
            if exc.status == "invalid":
                out.errors += [
                    {"loc": r.subject, "msg": r.message, "fix": "see docs/scenario.md"}
                    for r in exc.reasons
                ]
            else:
                out.problems += exc.reasons
        else:
            lawful = resolved.routes[0]
            arrival = resolved.problem.at(resolved.problem.routes[0].segments[-1].end)
            try:
                blocks = all_blocks(resolved.problem)
            except ModelTooLargeError as exc:
                out.problems.append(
                    Reason(code="model_too_large", message=str(exc), subject="teams")
                )
            else:
                out.problems += [
                    r
                    for indices in resolved.problem.movements().values()
                    if resolved.problem.need(indices[0]) > 0
                    for r in uncovered(
                        resolved.problem, blocks, resolved.problem.routes[indices[0]]
                    )
                ]
    said = {(r.code, r.subject) for r in out.problems}
    out.warnings = [
        w
        for w in findings(scenario, geo, planned_at, lawful=lawful, arrival=arrival)
        if (w.code, w.subject) not in said
    ]
    return out
