"""Builds the CP-SAT model: variables, then one constraint family at a time, then the objective.

Nothing here knows where the problem came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.model.blocks import Block, all_blocks
from planner.model.constraints.coverage import add_coverage
from planner.model.constraints.duty import add_duty
from planner.model.constraints.movements import add_between_movements
from planner.model.constraints.presence import add_presence
from planner.model.constraints.routes import add_route_choice
from planner.model.objective import add_objective
from planner.model.problem import Problem
from planner.model.variables import Variables


@dataclass
class Built:
    """A built model with its variables (and, for a diagnosis, its assumption literals)."""

    model: cp_model.CpModel
    vars: Variables
    # Assumption literals, only in a diagnosis model: per (route, segment) coverage, per team.
    coverage_lits: dict[tuple[int, int], cp_model.IntVar]
    team_lits: dict[str, cp_model.IntVar]


def make_variables(model: cp_model.CpModel, problem: Problem, blocks: list[Block]) -> Variables:
    """One Boolean per candidate block ("taken") and one per candidate route ("chosen")."""
    return Variables(
        blocks={b.id: b for b in blocks},
        take={b.id: model.new_bool_var(f"take-{b.id}") for b in blocks},
        route=[model.new_bool_var(f"route-{r.index}") for r in problem.routes],
    )


def build(problem: Problem, blocks: list[Block] | None = None, *, diagnose: bool = False) -> Built:
    """The optimisation model, or with ``diagnose`` a feasibility model for explanations.

    In the feasibility model, each segment's coverage and each team's presence and duty rules
    are guarded by assumption literals, and there is no objective (cores are only small
    without one).

    Args:
        problem: the planning problem.
        blocks: the candidate blocks (default: every lawful block of the problem).
        diagnose: build the feasibility model with assumptions instead.
    """
    model = cp_model.CpModel()
    v = make_variables(model, problem, blocks if blocks is not None else all_blocks(problem))
    coverage_lits: dict[tuple[int, int], cp_model.IntVar] = {}
    team_lits: dict[str, cp_model.IntVar] = {}
    if diagnose:
        coverage_lits = {
            (r.index, s.index): model.new_bool_var(f"assume-coverage-r{r.index}-{s.id}")
            for r in problem.routes
            for s in r.segments
        }
        team_lits = {t.id: model.new_bool_var(f"assume-team-{t.id}") for t in problem.teams}
    add_route_choice(model, problem, v)
    add_coverage(model, problem, v, coverage_lits or None)
    add_presence(model, problem, v, team_lits or None)
    add_between_movements(model, problem, v, team_lits or None)
    add_duty(model, problem, v, team_lits or None)
    if diagnose:
        model.add_assumptions([*coverage_lits.values(), *team_lits.values()])
    else:
        add_objective(model, problem, v)
    return Built(model=model, vars=v, coverage_lits=coverage_lits, team_lits=team_lits)
