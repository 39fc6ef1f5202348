"""Route choice: exactly one candidate route, and only its blocks may be taken."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.variables import Variables


def add_route_choice(model: cp_model.CpModel, v: Variables) -> None:
    model.AddExactlyOne(v.route).WithName("route-choose-one")
    for block_id, take in v.take.items():
        route = v.blocks[block_id].route
        model.AddImplication(take, v.route[route]).WithName(f"route-{route}-block-{block_id}")
