"""The teams as the model sees them: how long each needs from its base to every point of
each candidate route, and when it is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from geodata import GeodataError, Mode
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.routing import Route, travel_minutes_from
from planner.constants import CAR_SPEEDUP, DEFAULT_AVAILABILITY_MARGIN_DAYS
from planner.model.problem import RouteOption, TeamSpec
from planner.reasons import PlanningError, Reason
from planner.scenario import Scenario


def _positions(geo: Geodata, route: Route) -> tuple[list[str], np.ndarray]:
    """Node ids along a route and their cumulative driving minutes from the origin."""
    ids = [route.origin.id]
    pos = [0.0]
    for leg in route.legs:
        ids.append(leg.to_node)
        pos.append(pos[-1] + (leg.minutes if leg.mode is not Mode.ferry else 0.0))
    return ids, np.array(pos)


def _reach(
    geo: Geodata,
    team_country: str,
    base: str,
    base_extra: float,
    route: Route,
    option: RouteOption,
    technical: bool,
    cache: dict[tuple[str, str], dict[str, float]],
) -> dict[tuple[int, int], int]:
    """Minutes from a team's base to each boundary of a route (see TeamSpec.reach)."""
    key = (base, team_country)
    if key not in cache:
        cache[key] = travel_minutes_from(geo, base, country=team_country, speedup=CAR_SPEEDUP)
    dist = cache[key]
    ids, pos = _positions(geo, route)
    known = np.array([dist.get(n, np.inf) + base_extra for n in ids])
    segs = option.segments
    bounds = np.array([s.drive_start for s in segs] + [segs[-1].drive_end])
    # Reach a boundary through any route node the team can reach at home, then along the route.
    along = np.abs(pos[:, None] - bounds[None, :]) / CAR_SPEEDUP
    best = (known[:, None] + along).min(axis=0)
    out = {}
    for k, minutes in enumerate(best):
        if k < len(segs) and segs[k].mode == "ferry" and technical:
            out[(option.index, k)] = 0  # tracked remotely from a control room
        elif np.isfinite(minutes):
            out[(option.index, k)] = round(float(minutes))
    return out


def team_specs(
    scenario: Scenario,
    geo: Geodata,
    routes: Sequence[Route],
    options: Sequence[RouteOption],
    t0: datetime,
) -> tuple[TeamSpec, ...]:
    horizon = max(o.segments[-1].end for o in options)
    margin = DEFAULT_AVAILABILITY_MARGIN_DAYS * 24 * 60
    cache: dict[tuple[str, str], dict[str, float]] = {}
    on_route = {c for o in options for s in o.segments for c in s.countries}
    out = []
    for i, team in enumerate(scenario.teams):
        agency = scenario.agency(team.agency)
        try:
            snapped = resolve(geo, team.base, field=f"teams[{i}].base")
        except GeodataError as exc:
            raise PlanningError(
                "invalid", [Reason(code="bad_place", message=str(exc), subject=f"teams[{i}].base")]
            ) from exc
        base_node, extra = snapped.key, 0.0
        if snapped.edge is not None:
            # A base between two nodes: start from the nearer end.
            near_u = snapped.fraction <= 0.5
            base_node = snapped.edge.u if near_u else snapped.edge.v
            share = snapped.fraction if near_u else 1 - snapped.fraction
            extra = snapped.edge.minutes * share / CAR_SPEEDUP
        reach: dict[tuple[int, int], int] = {}
        if agency.country in on_route or any(
            agency.country in f.from_ for e in scenario.legal for f in e.foreign_observation
        ):
            for route, option in zip(routes, options, strict=True):
                reach |= _reach(
                    geo,
                    agency.country,
                    base_node,
                    extra,
                    route,
                    option,
                    "technical" in team.capabilities,
                    cache,
                )
        windows = tuple(
            (round((w.from_ - t0).total_seconds() / 60), round((w.to - t0).total_seconds() / 60))
            for w in team.available
        ) or ((-margin, horizon + margin),)
        out.append(
            TeamSpec(
                id=team.id,
                agency=team.agency,
                country=agency.country,
                capabilities=frozenset(c.value for c in team.capabilities),
                availability=windows,
                max_duty=round(team.max_duty_hours * 60),
                min_rest=round(team.min_rest_hours * 60),
                reach=reach,
                base_name=snapped.place.name,
                base_lat=snapped.place.lat,
                base_lon=snapped.place.lon,
            )
        )
    return tuple(out)
