"""Variable containers of the CP-SAT model, with the queries that read a solution back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.model.blocks import Block


@dataclass
class Variables:
    """Every decision of the model, keyed by the objects they decide."""

    blocks: dict[str, Block]
    take: dict[str, cp_model.IntVar]  # block id -> 1 if the block is in the plan
    route: list[cp_model.IntVar]  # route index -> 1 if that route is chosen
    # team id -> its duty windows: ((route, anchor minute), "a duty starts here")
    duties: dict[str, list[tuple[tuple[int, int], cp_model.IntVar]]] = field(default_factory=dict)

    def of_team(self) -> dict[str, list[Block]]:
        """Each team's candidate blocks, by route, then start, then first segment."""
        out: dict[str, list[Block]] = defaultdict(list)
        for b in self.blocks.values():
            out[b.team].append(b)
        for blocks in out.values():
            blocks.sort(key=lambda b: (b.route, b.start, b.first))
        return out

    def chosen_blocks(self, solver: cp_model.CpSolver) -> list[Block]:
        """The blocks the solution takes on its chosen routes, by route, first segment, team."""
        routes = set(self.chosen_routes(solver))
        picked = [
            self.blocks[k]
            for k, var in self.take.items()
            if self.blocks[k].route in routes and solver.boolean_value(var)
        ]
        return sorted(picked, key=lambda b: (b.route, b.first, b.team))

    def chosen_routes(self, solver: cp_model.CpSolver) -> list[int]:
        """The indices of the routes the solution chooses (one per movement)."""
        return [i for i, var in enumerate(self.route) if solver.boolean_value(var)]

    def chosen_route(self, solver: cp_model.CpSolver) -> int:
        """The index of the first route the solution chooses (the only one with one movement)."""
        return self.chosen_routes(solver)[0]

    def duty_of(self, solver: cp_model.CpSolver, block: Block) -> int | None:
        """The team's duty number (0-based) holding ``block``, or None outside the duty model.

        Duties count across movements: a window anchored on any chosen route counts.
        """
        windows = self.duties.get(block.team)
        if not windows:
            return None
        routes = set(self.chosen_routes(solver))
        starts = sorted(
            s
            for (r, s), var in windows
            if r in routes and solver.boolean_value(var) and s <= block.duty_start
        )
        return len(starts) - 1 if starts else None
