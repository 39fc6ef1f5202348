"""A plan's cost from its blocks, as the engine counts it: in total and term by term."""

from __future__ import annotations

from planner.assemble import objective_terms
from planner.model.blocks import Block
from planner.model.objective import SCALE, pickup_offset, scaled
from planner.model.problem import Problem
from planner.plan import ObjectiveTerms


def objective_of(problem: Problem, blocks: list[Block]) -> float:
    """The engine's objective of these blocks: scaled and rounded as the solver sees it."""
    return (sum(scaled(problem, b) for b in blocks) - pickup_offset(problem)) / SCALE


def terms_of(problem: Problem, blocks: list[Block]) -> ObjectiveTerms:
    """The objective of these blocks, term by term (the same terms as every plan's)."""
    return objective_terms(problem, blocks)
