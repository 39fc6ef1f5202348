"""Route choice: exactly one candidate route, and only its blocks may be taken."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.model.variables import Variables


def add_route_choice(model: cp_model.CpModel, v: Variables) -> None:
    """Exactly one route is chosen, and taking a block implies choosing its route."""
    model.add_exactly_one(v.route).with_name("route-choose-one")
    for block_id, take in v.take.items():
        route = v.blocks[block_id].route
        model.add_implication(take, v.route[route]).with_name(f"route-{route}-block-{block_id}")
