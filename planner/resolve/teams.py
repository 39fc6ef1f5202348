"""The teams as the model sees them: how far each is from every segment boundary, and when free.

"How far" is the driving time in minutes from the team's base to each boundary of each candidate
route; "when" is its availability in minutes after departure.
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
    """Minutes from a team's base to each boundary of a route (see TeamSpec.reach).

    The team drives inside its own country (at car speed) to any node of the route, then along
    the route to the boundary at ``CAR_SPEEDUP`` times the network's driving speed (a ferry leg
    counts as no time along the route); the best such way counts. A boundary it cannot reach is
    left out. The start of a ferry segment is 0 for a
    technical team: it tracks remotely from a control room.
    """
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
    """Every team of the scenario as a :class:`TeamSpec`, in the scenario's order.

    Reach is computed only for teams whose state is on a route or may follow into one under
    foreign observation; the others reach nothing. A team without availability windows is free
    from ``DEFAULT_AVAILABILITY_MARGIN_DAYS`` before departure to as long after the latest
    arrival on any route.

    Args:
        scenario: the scenario.
        geo: the geodata.
        routes: the candidate routes as the geodata found them.
        options: the same routes cut into segments, in the same order.
        t0: the departure, UTC: availability is counted in minutes from it.

    Raises:
        PlanningError: status ``invalid`` when a team's base cannot be resolved.
    """
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
