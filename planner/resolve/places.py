"""Every place a scenario names, resolved against the geodata before anything is planned.

``cdplan check`` and the engine both call :func:`place_errors`, so a scenario with a mistyped
city, a coordinate at sea or an unknown crossing is told about all of them at once, each with
its field and the closest ids, instead of one at a time at planning.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from geodata import GeodataError, Mode
from geodata.layers import Geodata
from geodata.places import Coordinates, resolve
from geodata.search import closest_ids
from planner.field_help import DOCS
from planner.scenario import Scenario


def _land(scenario: Scenario) -> tuple[Mode, ...]:
    modes = tuple(Mode(m) for m in scenario.route.modes if m != "ferry")
    return modes or (Mode.road,)


def named_places(
    scenario: Scenario,
) -> Iterator[tuple[str, str | Coordinates, tuple[Mode, ...] | None, bool]]:
    """Every place field as (location, place, modes, restricted allowed).

    ``modes`` None means "any network node": a team base is reached by car whatever the route's
    modes are. An itinerary goes where it goes, so its waypoints may lie in a restricted area;
    the planner then says so in the domain's words.
    """
    land = _land(scenario)
    moves = (
        [(f"movements[{i}].", m.route, m.movement) for i, m in enumerate(scenario.movements)]
        if scenario.movements
        else [("", scenario.route, scenario.movement)]
    )
    for prefix, route, movement in moves:
        if route.origin is not None:
            yield f"{prefix}route.origin", route.origin, land, False
        if route.destination is not None:
            yield f"{prefix}route.destination", route.destination, land, False
        for i, p in enumerate(route.via):
            yield f"{prefix}route.via[{i}]", p, land, False
        for i, p in enumerate(route.waypoints or []):
            yield f"{prefix}route.waypoints[{i}]", p, land, True
        for i, stop in enumerate(movement.stops):
            yield f"{prefix}movement.stops[{i}].at", stop.at, land, True
    for i, t in enumerate(scenario.transfers):
        yield f"transfers[{i}].at", t.at, land, True
    for i, team in enumerate(scenario.teams):
        yield f"teams[{i}].base", team.base, None, False
    for i, p in enumerate(scenario.rules.no_handover_at):
        yield f"rules.no_handover_at[{i}]", p, land, True


def _ids(scenario: Scenario) -> Iterator[tuple[str, str, str]]:
    """Every crossing or ferry line id the scenario names, as (location, id, kind)."""
    m = scenario.movement
    for i, crossing in enumerate(scenario.route.avoid.crossings):
        yield f"route.avoid.crossings[{i}]", crossing, "crossing"
    for i, hours in enumerate(m.crossing_hours):
        yield f"movement.crossing_hours[{i}].crossing", hours.crossing, "crossing"
    for i, closure in enumerate(m.closures):
        yield f"movement.closures[{i}].crossing", closure.crossing, "crossing"
    for i, sailing in enumerate(m.sailings):
        yield f"movement.sailings[{i}].line", sailing.line, "ferry"
    for i, sailing in enumerate(m.cancelled_sailings):
        yield f"movement.cancelled_sailings[{i}].line", sailing.line, "ferry"


def _split(exc: GeodataError) -> tuple[str, str]:
    """The message without its hint, and the hint."""
    text = str(exc)
    if exc.hint and text.endswith(f" ({exc.hint})"):
        text = text[: -len(exc.hint) - 3]
    return text.split(": ", 1)[-1], exc.hint or f"see {DOCS}"


def place_errors(scenario: Scenario, geo: Geodata) -> list[dict[str, str]]:
    """Each place of the scenario that does not resolve, as ``{loc, msg, fix}``.

    Never repeats coordinates; unknown ids come with the closest known ids.
    """
    out: list[dict[str, str]] = []
    for loc, place, modes, restricted in named_places(scenario):
        try:
            if modes is None:
                resolve(geo, place, field=loc, allow_restricted=restricted)
            else:
                resolve(geo, place, field=loc, modes=modes, allow_restricted=restricted)
        except GeodataError as exc:
            msg, fix = _split(exc)
            out.append({"loc": loc, "msg": msg, "fix": fix})
    for loc, ident, kind in _ids(scenario):
        known = geo.crossings if kind == "crossing" else geo.ferries
        if ident in known:
            continue
        close = (
            [c for c in closest_ids(geo, ident) if c in known]
            if kind == "crossing"
            else difflib.get_close_matches(ident, list(known), n=3, cutoff=0.6)
        )
        fix = (
            f"did you mean {' or '.join(close)}?"
            if close
            else "see cdplan places search"
            if kind == "crossing"
            else "see cdplan geodata export (ferries.geojson)"
        )
        what = "border crossing" if kind == "crossing" else "ferry line"
        out.append({"loc": loc, "msg": f"not a known {what} id", "fix": fix})
    return out
