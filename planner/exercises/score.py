"""The score of a trainee's plan: feasibility first, then the gap to the proven optimum.

The formula (also in docs/trainers.md):

- a plan that keeps every rule gets ``FEASIBLE_POINTS`` (60), plus up to ``OPTIMALITY_POINTS``
  (40) for cost: ``40 x max(0, 1 - gap / GAP_AT_ZERO)``, where ``gap`` is (objective - optimum) /
  optimum; the optimum scores 100, a plan 25 % dearer 80, one 50 % dearer or more 60;
- a plan that breaks rules gets ``BROKEN_CAP`` (50) less ``VIOLATION_POINTS`` (10) per
  violation, never below 0: feasibility is worth more than any cost;
- "no plan exists" when one does scores 0: saying infeasible must never be the safe answer;
- "no plan exists" when none does scores 100 when a reason given names the cause (its code, or
  what it is about: the state, segment or team), else ``RIGHT_WITHOUT_CAUSE`` (70);
- when the engine found no proof either way (a time-out), a rule-keeping plan scores
  ``FEASIBLE_POINTS`` and "no plan exists" ``UNDECIDED`` (50).
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.reasons import Reason

FEASIBLE_POINTS = 60
OPTIMALITY_POINTS = 40
# A plan this much dearer than the optimum earns no cost points (50 %: twice the handovers of a
# short route, or a whole day of team-hours on a long one).
GAP_AT_ZERO = 0.5
BROKEN_CAP = 50
VIOLATION_POINTS = 10
RIGHT_WITHOUT_CAUSE = 70
UNDECIDED = 50
# Objectives are rounded to hundredths by the solver's integer scaling.
EPSILON = 0.005


def gap(objective: float, optimum: float) -> float:
    """(objective - optimum) / optimum, 0 when both are 0; never negative below rounding."""
    if abs(objective - optimum) <= EPSILON:
        return 0.0
    return (objective - optimum) / max(abs(optimum), EPSILON)


def plan_score(violations: int, relative_gap: float | None) -> int:
    """The score of a plan: ``relative_gap`` None when there is no optimum to compare with."""
    if violations:
        return max(0, BROKEN_CAP - VIOLATION_POINTS * violations)
    if relative_gap is None:
        return FEASIBLE_POINTS
    share = max(0.0, 1.0 - max(relative_gap, 0.0) / GAP_AT_ZERO)
    return round(FEASIBLE_POINTS + OPTIMALITY_POINTS * share)


def names_cause(given: Sequence[str], reasons: Sequence[Reason]) -> bool:
    """Whether one of the trainee's reasons names one of the engine's: its code or subject."""
    text = " ".join(given).lower()
    for r in reasons:
        code = r.code.lower()
        if code in text or code.replace("_", " ") in text:
            return True
        subject = r.subject.lower()
        if len(subject) >= 3 and subject in text:
            return True
    return False


def infeasible_score(engine_has_plan: bool, decided: bool, named: bool) -> int:
    """The score of "no plan exists" (see the module doc)."""
    if engine_has_plan:
        return 0
    if not decided:
        return UNDECIDED
    return 100 if named else RIGHT_WITHOUT_CAUSE
