"""The block model as a plain linear program with integer variables, for MIP solvers.

The model is not written a second time: it is read from the very CP-SAT model that the engine
solves (:func:`planner.model.builder.build`), constraint by constraint. So a MIP peer solves the
same variables, rows and objective as the engine, and the two can only differ by solver. The
block model uses only linear rows, at-most-one, exactly-one and clauses over Booleans, all of
which are linear; anything else is refused rather than approximated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

# CP-SAT writes an unbounded side of a linear row as the extreme 64-bit integers.
_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)


@dataclass
class LinearModel:
    """Minimise ``scale * (cost · x + offset)`` subject to ``row_lo <= A x <= row_hi``.

    ``A`` is stored by rows (compressed sparse rows: ``starts``, ``index``, ``value``); every
    variable is an integer within ``[lower, upper]``. ``scale`` and ``offset`` are those of the
    CP-SAT objective, so an objective value here is the CP-SAT objective value.
    """

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    offset: float = 0.0
    scale: float = 1.0
    starts: list[int] = field(default_factory=lambda: [0])
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    row_lo: list[float] = field(default_factory=list)
    row_hi: list[float] = field(default_factory=list)

    @property
    def columns(self) -> int:
        """Number of variables."""
        return len(self.lower)

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(self.row_lo)

    def add_row(self, terms: dict[int, float], lo: float, hi: float) -> None:
        """Append the row ``lo <= sum(coef * x[var]) <= hi``."""
        for var, coef in terms.items():
            if coef:
                self.index.append(var)
                self.value.append(coef)
        self.starts.append(len(self.index))
        self.row_lo.append(lo)
        self.row_hi.append(hi)

    def objective_of(self, x: list[float]) -> float:
        """The objective of an assignment, in the CP-SAT model's units."""
        return self.scale * (sum(c * v for c, v in zip(self.cost, x, strict=True)) + self.offset)


def _bound(v: int) -> float:
    if v >= _INT64_MAX:
        return math.inf
    if v <= _INT64_MIN:
        return -math.inf
    return float(v)


def _literals(lits: list[int]) -> tuple[dict[int, float], int]:
    """Booleans as linear terms: a negated literal ``-i-1`` is ``1 - x_i``.

    Returns:
        The terms and how many literals were negated (the constant the row must move by).
    """
    terms: dict[int, float] = {}
    negated = 0
    for lit in lits:
        if lit >= 0:
            terms[lit] = terms.get(lit, 0.0) + 1.0
        else:
            terms[-lit - 1] = terms.get(-lit - 1, 0.0) - 1.0
            negated += 1
    return terms, negated


def _positive(refs: list[int]) -> list[int]:
    """Variable references of a linear expression; a negated one has no single meaning here."""
    refs = list(refs)
    if any(r < 0 for r in refs):
        raise ValueError("a linear expression over a negated reference")
    return refs


def from_cp_model(model: cp_model.CpModel) -> LinearModel:
    """The linear program of a CP-SAT model made only of linear and Boolean-sum constraints.

    Raises:
        ValueError: a constraint with an enforcement literal, a linear row with a domain of
            holes, or a kind of constraint that is not linear.
    """
    proto = model.proto
    out = LinearModel()
    for var in proto.variables:
        dom = list(var.domain)
        if len(dom) != 2:
            raise ValueError(f"variable {var.name!r} has a domain with holes")
        out.lower.append(_bound(dom[0]))
        out.upper.append(_bound(dom[1]))
    for ct in proto.constraints:
        if list(ct.enforcement_literal):
            raise ValueError(f"constraint {ct.name!r} is enforced by a literal: not a MIP row")
        if ct.has_linear():
            dom = list(ct.linear.domain)
            if len(dom) != 2:
                raise ValueError(f"constraint {ct.name!r} has a domain with holes")
            terms: dict[int, float] = {}
            for v, c in zip(_positive(ct.linear.vars), ct.linear.coeffs, strict=True):
                terms[v] = terms.get(v, 0.0) + float(c)
            out.add_row(terms, _bound(dom[0]), _bound(dom[1]))
        elif ct.has_at_most_one() or ct.has_exactly_one() or ct.has_bool_or():
            lits = list(
                ct.at_most_one.literals
                if ct.has_at_most_one()
                else ct.exactly_one.literals
                if ct.has_exactly_one()
                else ct.bool_or.literals
            )
            terms, negated = _literals(lits)
            # sum(lits) in [lo, hi] with each negated literal 1 - x: move the constant across.
            lo = 1.0 if not ct.has_at_most_one() else -math.inf
            hi = 1.0 if not ct.has_bool_or() else math.inf
            out.add_row(terms, lo - negated, hi - negated)
        else:
            raise ValueError(f"constraint {ct.name!r} is not linear")
    out.cost = [0.0] * out.columns
    if proto.has_objective():
        obj = proto.objective
        for v, c in zip(_positive(obj.vars), obj.coeffs, strict=True):
            out.cost[v] += float(c)
        out.offset += float(obj.offset)
        out.scale = float(obj.scaling_factor) or 1.0
    return out
