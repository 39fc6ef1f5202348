"""Cutting a route into watch segments, and the timeline of each (ETA windows).

The route is first flattened into atoms (legs, with long legs split so that a relief can happen
every ``RELIEF_INTERVAL_MINUTES`` of driving), then atoms are grouped into segments. A segment
always ends at a change of country (a crossing), at a port (before and after a ferry leg), at a
known stop (which becomes a segment of its own: a static watch), and at the limit of foreign
observation past a border, so that every rule can be kept at a segment boundary.

Timeline (the scenario's ``movement``): driving time is scaled by ``speed_factor``; border dwell
is added at the crossing; the ETA window at a point widens by ± ``uncertainty`` of the elapsed
travel time (driving and dwell); known stops are fixed; ferry legs take between their shortest
and longest typical crossing. All times are minutes after departure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from shapely import ops
from shapely.geometry import LineString

from geodata.layers import Geodata
from geodata.routing import Route
from planner.constants import RELIEF_INTERVAL_MINUTES
from planner.model.problem import Segment, Spot


@dataclass(frozen=True)
class Atom:
    """The smallest piece of a route: a road, rail or ferry leg, part of a long leg, or a stop.

    ``minutes`` is the network's driving time, not yet scaled by ``speed_factor``. A land atom
    lies in one ``country``; a ferry atom has none and names the two port states in ``ports``. A
    stop has no length and lasts ``stop`` minutes. ``coords`` is the atom's line as (lon, lat).
    """

    mode: str
    country: str | None
    ports: tuple[str, ...]  # for a ferry leg: the two port states
    start: Spot
    end: Spot
    km: float
    minutes: float  # raw network minutes (ferry: typical crossing)
    ferry_min: float = 0.0
    ferry_max: float = 0.0
    dwell_end: float = 0.0  # border dwell at the end spot, minutes
    stop: float = 0.0  # a known stop: a static segment of this many minutes
    coords: tuple[tuple[float, float], ...] = ()


def spot_for(geo: Geodata, node_id: str, fallback: Spot | None = None) -> Spot:
    """The spot of a network node (a crossing or port is marked as such), else ``fallback``."""
    node = geo.network.nodes.get(node_id)
    if node is None:
        assert fallback is not None, node_id
        return fallback
    return Spot(
        id=node.id,
        name=node.name,
        lat=node.lat,
        lon=node.lon,
        country=node.country,
        crossing=node.id if node.kind == "crossing" else None,
        port=node.kind == "port",
    )


def _point_spot(atom: Atom, lon_lat: tuple[float, float], km: float) -> Spot:
    """A relief point between nodes, named by its distance from the atom's start."""
    x, y = lon_lat
    return Spot(
        id=f"@{y:.5f},{x:.5f}",
        name=f"{km:.0f} km past {atom.start.name}",
        lat=round(y, 6),
        lon=round(x, 6),
        country=atom.country or "",
    )


def _split(atom: Atom, parts: int) -> list[Atom]:
    """Cut a land atom into ``parts`` equal pieces at interior points."""
    line = LineString(atom.coords)
    out: list[Atom] = []
    prev = atom.start
    for i in range(parts):
        a, b = i / parts, (i + 1) / parts
        piece = ops.substring(line, a, b, normalized=True)
        coords = tuple(piece.coords) if isinstance(piece, LineString) else atom.coords
        end = atom.end if i == parts - 1 else _point_spot(atom, coords[-1], atom.km * b)
        out.append(
            replace(
                atom,
                start=prev,
                end=end,
                km=atom.km / parts,
                minutes=atom.minutes / parts,
                coords=coords,
                dwell_end=atom.dwell_end if i == parts - 1 else 0.0,
            )
        )
        prev = end
    return out


def _split_at_km(atom: Atom, km: float) -> list[Atom]:
    """Cut a land atom ``km`` from its start (used for the limits of foreign observation)."""
    if km <= 0.5 or km >= atom.km - 0.5:
        return [atom]
    line = LineString(atom.coords)
    frac = km / atom.km
    first = ops.substring(line, 0, frac, normalized=True)
    second = ops.substring(line, frac, 1, normalized=True)
    mid = _point_spot(atom, first.coords[-1], km)
    return [
        replace(
            atom,
            end=mid,
            km=km,
            minutes=atom.minutes * frac,
            coords=tuple(first.coords),
            dwell_end=0.0,
        ),
        replace(
            atom,
            start=mid,
            km=atom.km - km,
            minutes=atom.minutes * (1 - frac),
            coords=tuple(second.coords),
        ),
    ]


def _leg_end(
    geo: Geodata, node_id: str, lon_lat: tuple[float, float], country: str | None, ends: list[Spot]
) -> Spot:
    """The spot at one end of a leg.

    A snapped place that is neither end of the route (a via point given by coordinates, between
    two nodes) takes its position from the leg itself.
    """
    known = next((e for e in ends if e.id == node_id), None)
    if node_id in geo.network.nodes or known is not None:
        return spot_for(geo, node_id, known)
    x, y = lon_lat
    return Spot(
        id=node_id, name="via point", lat=round(y, 6), lon=round(x, 6), country=country or ""
    )


def atoms(geo: Geodata, route: Route, origin: Spot, destination: Spot) -> list[Atom]:
    """The route's legs as atoms, in order, each starting where the previous one ends.

    A land leg ending at a crossing carries that crossing's truck dwell (``dwell_end``). A land
    leg longer than 1.5 × ``RELIEF_INTERVAL_MINUTES`` is split into
    ``ceil(minutes / RELIEF_INTERVAL_MINUTES - 0.5)`` equal pieces, so that a relief point comes
    about every interval (a 150-minute leg gives 2 pieces, a 151-minute leg 3). A ferry leg takes
    its line's typical crossing as ``minutes``. ``origin`` and ``destination`` are the route's
    ends as spots (either may be a point between nodes).
    """
    out: list[Atom] = []
    for leg in route.legs:
        start = _leg_end(geo, leg.from_node, leg.coordinates[0], leg.country, [origin, destination])
        end = _leg_end(geo, leg.to_node, leg.coordinates[-1], leg.country, [destination, origin])
        if leg.mode.value == "ferry":
            line = geo.ferries[leg.edge]
            out.append(
                Atom(
                    mode="ferry",
                    country=None,
                    ports=(start.country, end.country),
                    start=start,
                    end=end,
                    km=leg.km,
                    minutes=line.hours_typical * 60,
                    ferry_min=line.hours_min * 60,
                    ferry_max=line.hours_max * 60,
                    coords=tuple(leg.coordinates),
                )
            )
            continue
        crossing = geo.crossings.get(leg.to_node)
        atom = Atom(
            mode=leg.mode.value,
            country=leg.country,
            ports=(),
            start=start,
            end=end,
            km=leg.km,
            minutes=leg.minutes,
            coords=tuple(leg.coordinates),
            dwell_end=float(crossing.truck_dwell_minutes) if crossing else 0.0,
        )
        parts = (
            math.ceil(atom.minutes / RELIEF_INTERVAL_MINUTES - 0.5)
            if atom.minutes > RELIEF_INTERVAL_MINUTES * 1.5
            else 1
        )
        out += _split(atom, parts) if parts > 1 else [atom]
    return out


def insert_stop(items: list[Atom], spot_id: str, minutes: float) -> bool:
    """Insert a static stop at ``spot_id``; False if that spot is not on the route."""
    for i, atom in enumerate(items):
        if atom.end.id == spot_id or (i == 0 and atom.start.id == spot_id):
            at = atom.end if atom.end.id == spot_id else atom.start
            pos = i + 1 if atom.end.id == spot_id else 0
            items.insert(
                pos,
                Atom(
                    mode="stop",
                    country=at.country,
                    ports=(),
                    start=at,
                    end=at,
                    km=0.0,
                    minutes=0.0,
                    stop=minutes,
                    coords=((at.lon, at.lat),),
                ),
            )
            return True
    return False


def foreign_cuts(
    items: list[Atom], limits: dict[tuple[str, str], float]
) -> tuple[list[Atom], set[str]]:
    """Cut the atoms ``max_km`` past (and before) each border where foreign observation is open.

    ``limits[(host, team_country)]`` is the host's ``max_km`` for teams of that country. Returns
    the atoms and the ids of the spots where a segment must end.
    """
    out = list(items)
    forced: set[str] = set()
    borders = [
        i
        for i in range(len(out) - 1)
        if out[i].mode != "ferry"
        and out[i + 1].mode != "ferry"
        and out[i].country
        and out[i + 1].country
        and out[i].country != out[i + 1].country
    ]
    # Work from the end so that earlier indices stay valid while atoms are split.
    for i in reversed(borders):
        a_country, b_country = out[i].country, out[i + 1].country
        after = limits.get((b_country or "", a_country or ""))
        if after is not None:
            out, spot = _cut_from(out, i + 1, after, forward=True)
            if spot:
                forced.add(spot)
        before = limits.get((a_country or "", b_country or ""))
        if before is not None:
            out, spot = _cut_from(out, i, before, forward=False)
            if spot:
                forced.add(spot)
    return out, forced


def _cut_from(
    items: list[Atom], index: int, km: float, *, forward: bool
) -> tuple[list[Atom], str | None]:
    """Split the route ``km`` away from the border next to ``items[index]``.

    Walks away from the border through atoms of the same country (forward from the border when
    ``forward``, else backward). An atom end within 0.5 km of the distance is used as it is.

    Returns:
        The new atoms, and the id of the spot where the cut is (None when the country's land
        atoms end before ``km``).
    """
    country = items[index].country
    step = 1 if forward else -1
    left = km
    i = index
    while 0 <= i < len(items) and items[i].country == country and items[i].mode != "ferry":
        atom = items[i]
        if atom.km > left + 0.5:
            offset = left if forward else atom.km - left
            pieces = _split_at_km(atom, offset)
            return items[:i] + pieces + items[i + 1 :], pieces[0].end.id
        if abs(atom.km - left) <= 0.5:
            return items, (atom.end.id if forward else atom.start.id)
        left -= atom.km
        i += step
    return items, None


def group(items: Sequence[Atom], forced: set[str] = frozenset()) -> list[list[Atom]]:  # type: ignore[assignment]
    """Group atoms into segments (see the module docstring for where a segment must end).

    Besides the cuts a rule needs (a change of mode or country, a ferry, a stop, a spot in
    ``forced``), a segment also ends once it holds ``RELIEF_INTERVAL_MINUTES`` of network time
    (driving plus dwell), so that reliefs have places to happen.
    """
    groups: list[list[Atom]] = []
    current: list[Atom] = []
    minutes = 0.0
    for atom in items:
        if current:
            prev = current[-1]
            must_cut = (
                atom.mode != prev.mode
                or atom.country != prev.country
                or "ferry" in (atom.mode, prev.mode)
                or "stop" in (atom.mode, prev.mode)
                or atom.start.id in forced
            )
            if must_cut or minutes >= RELIEF_INTERVAL_MINUTES:
                groups.append(current)
                current, minutes = [], 0.0
        current.append(atom)
        minutes += atom.minutes + atom.dwell_end
    if current:
        groups.append(current)
    return groups


def timeline(
    groups: Sequence[Sequence[Atom]], *, speed_factor: float, uncertainty: float, prefix: str = "S"
) -> list[Segment]:
    """Segments with their ETA windows, in minutes after departure.

    Per group, ``travel`` is its driving time × ``speed_factor`` plus its border dwell; stops
    count in full; a ferry leg takes its shortest, typical or longest crossing. Accumulated from
    the departure, ``start`` is the earliest entry (earlier groups at ``travel × (1 -
    uncertainty)``, shortest crossings), ``end`` the latest exit (groups up to this one at
    ``travel × (1 + uncertainty)``, longest crossings), the nominal times the expected ones.
    ``min_minutes``/``max_minutes`` bound the group's own duration, ``moving_max`` its time
    moving on road or rail. ``drive_start``/``drive_end`` count unscaled network minutes of road
    and rail only: where a team's car finds a boundary (:mod:`planner.resolve.teams`).

    Args:
        groups: the atoms of each segment, in route order (from :func:`group`).
        speed_factor: scales the network's driving times (2.0: twice as slow).
        uncertainty: the share of elapsed travel by which the ETA window widens either way.
        prefix: segment ids are ``prefix`` and a two-digit number from 01.
    """
    early = late = nominal = 0.0
    drive = 0.0
    out: list[Segment] = []
    for k, grp in enumerate(groups):
        first, last = grp[0], grp[-1]
        travel = sum(a.minutes * speed_factor + a.dwell_end for a in grp if a.mode != "ferry")
        fixed = sum(a.stop for a in grp)
        f_min = sum(a.ferry_min for a in grp)
        f_typ = sum(a.minutes for a in grp if a.mode == "ferry")
        f_max = sum(a.ferry_max for a in grp)
        d = sum(a.minutes for a in grp if a.mode not in ("ferry", "stop"))
        n_early = early + travel * (1 - uncertainty) + fixed + f_min
        n_late = late + travel * (1 + uncertainty) + fixed + f_max
        n_nominal = nominal + travel + fixed + f_typ
        countries = first.ports if first.mode == "ferry" else (first.country or "",)
        out.append(
            Segment(
                id=f"{prefix}{k + 1:02d}",
                index=k,
                mode=first.mode,  # type: ignore[arg-type]
                countries=countries,
                start_spot=first.start,
                end_spot=last.end,
                km=round(sum(a.km for a in grp), 1),
                start=round(early),
                end=round(n_late),
                nominal_start=round(nominal),
                nominal_end=round(n_nominal),
                drive_start=round(drive, 1),
                drive_end=round(drive + d, 1),
                min_minutes=round(travel * (1 - uncertainty) + fixed + f_min),
                max_minutes=round(travel * (1 + uncertainty) + fixed + f_max),
                moving_max=round(
                    sum(a.minutes * speed_factor for a in grp if a.mode in ("road", "rail"))
                    * (1 + uncertainty)
                ),
            )
        )
        early, late, nominal, drive = n_early, n_late, n_nominal, drive + d
    return out
