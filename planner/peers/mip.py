"""Two MIP solvers on one linear model: HiGHS (``highspy``) and SCIP (OR-tools' ``pywraplp``).

Both get the same :class:`~planner.peers.linear.LinearModel`, the same time limit and the same
number of threads, and are asked for the same proof as CP-SAT: the objective is integral (costs
are scaled to integers), so a gap below one unit proves the incumbent optimal, with no relative
gap tolerated. Loading the model into a solver is timed apart from the solve.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.linear_solver import pywraplp

from planner.peers.linear import LinearModel

# An integral objective is proven optimal once incumbent - bound < 1: asking for less than one
# unit of absolute gap is the same proof CP-SAT gives, without HiGHS' default 0.01 % tolerance.
_ABS_GAP = 1.0 - 1e-6


@dataclass(frozen=True)
class MipOutcome:
    """A MIP solve: status, objective and bound (CP-SAT units), times, and the values found.

    ``status`` is optimal, feasible (a solution, not proven at the limit), infeasible or timeout
    (no solution at the limit); ``values`` is None without a solution.
    """

    status: str
    objective: float | None
    bound: float | None
    seconds: float
    load_seconds: float
    values: list[float] | None
    version: str


@contextmanager
def _banner_to_stderr() -> Iterator[None]:
    """Standard output sent to standard error for a moment, at the level of file descriptors.

    HiGHS prints its banner to the process's standard output when its first instance is made,
    before any option can turn it off; ``cdplan bench --peers --json`` must print one JSON
    document and nothing else there.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _integral(lm: LinearModel) -> bool:
    return lm.scale == 1.0 and all(c == int(c) for c in lm.cost) and lm.offset == int(lm.offset)


def _proven_bound(lm: LinearModel, bound: float | None) -> float | None:
    """The bound in the model's units, rounded up when the objective only takes integers."""
    if bound is None or not math.isfinite(bound):
        return None
    return float(math.ceil(bound - 1e-6)) if _integral(lm) else bound


def solve_highs(lm: LinearModel, *, time_limit: float, threads: int = 1) -> MipOutcome:
    """Solve ``lm`` with HiGHS.

    Args:
        lm: the linear model.
        time_limit: wall-clock limit, seconds.
        threads: HiGHS threads (parallel search off when 1).

    Returns:
        The outcome.
    """
    t = time.perf_counter()
    with _banner_to_stderr():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("parallel", "off" if threads <= 1 else "on")
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", _ABS_GAP if _integral(lm) else 0.0)
    lp = highspy.HighsLp()
    lp.num_col_ = lm.columns
    lp.num_row_ = lm.rows
    lp.col_cost_ = np.asarray(lm.cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(lm.lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(lm.upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(lm.row_lo, dtype=np.float64)
    lp.row_upper_ = np.asarray(lm.row_hi, dtype=np.float64)
    lp.offset_ = lm.offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = lm.columns
    lp.a_matrix_.num_row_ = lm.rows
    lp.a_matrix_.start_ = np.asarray(lm.starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(lm.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(lm.value, dtype=np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * lm.columns
    h.passModel(lp)
    load_seconds = time.perf_counter() - t
    t = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - t
    status = h.getModelStatus()
    info = h.getInfo()
    has = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    values = list(h.getSolution().col_value) if has else None
    if status == highspy.HighsModelStatus.kOptimal:
        name = "optimal"
    elif status == highspy.HighsModelStatus.kInfeasible:
        name = "infeasible"
    else:
        name = "feasible" if has else "timeout"
    objective = lm.scale * info.objective_function_value if has else None
    return MipOutcome(
        status=name,
        objective=objective,
        bound=_proven_bound(lm, lm.scale * info.mip_dual_bound) if has else None,
        seconds=seconds,
        load_seconds=load_seconds,
        values=values,
        version=f"HiGHS {h.version()}",
    )


def solve_scip(lm: LinearModel, *, time_limit: float, threads: int = 1) -> MipOutcome:
    """Solve ``lm`` with SCIP through OR-tools' linear solver wrapper.

    Args:
        lm: the linear model.
        time_limit: wall-clock limit, seconds.
        threads: solver threads.

    Returns:
        The outcome.

    Raises:
        RuntimeError: this OR-tools build has no SCIP, or SCIP refuses the gap setting.
    """
    t = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        raise RuntimeError("this OR-tools build has no SCIP")
    solver.SuppressOutput()
    solver.SetTimeLimit(round(time_limit * 1000))
    solver.SetNumThreads(int(threads))
    # SCIP stops at an absolute gap of zero by default; below one unit is the same proof.
    gap = f"limits/absgap = {_ABS_GAP}\n"
    if _integral(lm) and not solver.SetSolverSpecificParametersAsString(gap):
        raise RuntimeError("SCIP refused limits/absgap: the proof would not match")
    inf = solver.infinity()
    xs = [
        solver.IntVar(-inf if math.isinf(lo) else lo, inf if math.isinf(hi) else hi, "")
        for lo, hi in zip(lm.lower, lm.upper, strict=True)
    ]
    for r in range(lm.rows):
        lo, hi = lm.row_lo[r], lm.row_hi[r]
        row = solver.RowConstraint(-inf if math.isinf(lo) else lo, inf if math.isinf(hi) else hi)
        for k in range(lm.starts[r], lm.starts[r + 1]):
            row.SetCoefficient(xs[lm.index[k]], lm.value[k])
    objective = solver.Objective()
    for x, c in zip(xs, lm.cost, strict=True):
        if c:
            objective.SetCoefficient(x, c)
    objective.SetOffset(lm.offset)
    objective.SetMinimization()
    params = pywraplp.MPSolverParameters()
    # The wrapper's default relative gap is 0.01 %: none, as for every other peer.
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, 0.0)
    load_seconds = time.perf_counter() - t
    t = time.perf_counter()
    code = solver.Solve(params)
    seconds = time.perf_counter() - t
    has = code in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    name = {
        pywraplp.Solver.OPTIMAL: "optimal",
        pywraplp.Solver.FEASIBLE: "feasible",
        pywraplp.Solver.INFEASIBLE: "infeasible",
    }.get(code, "timeout")
    return MipOutcome(
        status=name,
        objective=lm.scale * objective.Value() if has else None,
        bound=_proven_bound(lm, lm.scale * objective.BestBound()) if has else None,
        seconds=seconds,
        load_seconds=load_seconds,
        values=[x.solution_value() for x in xs] if has else None,
        version=str(solver.SolverVersion()),
    )
