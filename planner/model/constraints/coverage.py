"""Coverage, rule 1 (docs/rules.md): every segment of the chosen route watched by ``min_teams``.

The teams watch over the segment's whole window. A block's presence spans the windows of all its
segments, and consecutive blocks overlap at their shared boundary by at least the handover
overlap (rule 6) by construction (see planner.model.blocks), so covering each segment is enough.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.model.blocks import by_segment
from planner.model.problem import Problem
from planner.model.variables import Variables


def add_coverage(
    model: cp_model.CpModel,
    problem: Problem,
    v: Variables,
    enforce: dict[tuple[int, int], cp_model.IntVar] | None = None,
) -> None:
    """Add, per segment, "taken blocks covering it >= ``min_teams`` if its route is chosen".

    Args:
        model: the CP-SAT model.
        problem: the planning problem.
        v: the model's variables.
        enforce: (route, segment) -> an assumption literal guarding that segment's row, in a
            feasibility diagnosis; None otherwise.
    """
    covering = by_segment(list(v.blocks.values()))
    for route in problem.routes:
        for seg in route.segments:
            takes = [v.take[b.id] for b in covering.get((route.index, seg.index), [])]
            need = problem.need(route.index)
            if need == 0:
                continue  # watched only where it is cheap (the objective's optional coverage)
            ct = model.add(sum(takes) >= need * v.route[route.index])
            ct.with_name(f"coverage-r{route.index}-{seg.id}")
            if enforce is not None:
                ct.only_enforce_if(enforce[(route.index, seg.index)])
