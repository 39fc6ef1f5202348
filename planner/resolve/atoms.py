"""The route flattened into atoms: legs, border queues and known stops, in order.

Legs are cut only where they must be: at every network node (towns, junctions, truck parks,
crossings, ports), at the limit of foreign observation past a border, and between nodes only on a
stretch much longer than the relief interval. A border crossing's queue is an atom of its own, so
that driving time is only driving; a known stop is a static atom. The clock
(:mod:`planner.resolve.clock.schedule`) then adds pauses and waits and times every atom, and
:mod:`planner.resolve.segments` groups the atoms into segments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from shapely import ops
from shapely.geometry import LineString

from geodata.layers import Geodata
from geodata.routing import Route
from geodata.schema import Vehicle
from planner.constants import (
    CAR_QUEUE_MIN_MINUTES,
    CAR_QUEUE_SHARE,
    RELIEF_INTERVAL_MINUTES,
    STATIC_MODES,
    UNNAMED_CUT_FACTOR,
)
from planner.model.problem import Spot


@dataclass(frozen=True)
class Atom:
    """The smallest piece of a route: a leg or part of one, a border queue, a stop, a pause.

    ``minutes`` is the network's driving time, not yet scaled by ``speed_factor``. A land atom
    lies in one ``country``; a ferry atom has none and names the two port states in ``ports``. A
    static atom (a queue, a stop, a break, a rest, a wait) has no length: it starts and ends at one
    place, and lasts ``stop`` (a known stop) or ``dwell`` (a queue) minutes, or what the clock
    gives it. ``coords`` is the atom's line as (lon, lat).
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
    stop: float = 0.0  # a known stop: a static segment of this many minutes
    coords: tuple[tuple[float, float], ...] = ()
    # What a static atom is: the pause (break, rest, weekly_rest), the reason of a wait
    # (crossing_hours, sailing, truck_ban) or the border formality (queue, port_customs).
    kind: str = ""
    line: str | None = None  # a ferry leg's line id
    direction: str = ""  # a ferry leg: forward (from the line's first port) or reverse
    road_class: str = ""  # the edge's class, for truck bans on motorways
    corridor: str | None = None  # the edge's corridor, for bans on named roads
    dwell: float = 0.0  # a border queue or port formalities, minutes
    part: tuple[int, int] | None = None  # a shift of a long static watch: (n, of)
    credit: float = 0.0  # a rest after standing still: the standing minutes it already holds
    note: str = ""  # what people should know of it (a substitution point)

    @property
    def static(self) -> bool:
        """Whether the consignment stands still on this atom (a static watch)."""
        return self.mode in STATIC_MODES


def spot_for(geo: Geodata, node_id: str, fallback: Spot | None = None) -> Spot:
    """The spot of a network node (with its kind; a crossing or port marked), else ``fallback``."""
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
        kind=node.kind,
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


def queue_minutes(truck_dwell: float, vehicle: Vehicle) -> float:
    """A crossing's queue for ``vehicle``: a truck's dwell, or the car lanes' share of it."""
    if vehicle in (Vehicle.truck, Vehicle.bus):
        return truck_dwell
    return max(CAR_QUEUE_MIN_MINUTES, truck_dwell * CAR_QUEUE_SHARE)


def atoms(
    geo: Geodata, route: Route, origin: Spot, destination: Spot, vehicle: Vehicle = Vehicle.truck
) -> list[Atom]:
    """The route's legs as atoms, in order, each starting where the previous one ends.

    A land leg keeps its edge's road class and corridor (for truck bans) and is cut between its
    nodes only when it is ``UNNAMED_CUT_FACTOR`` relief intervals long; a leg that ends at a
    crossing is followed by the crossing's queue (``border``, ``kind="queue"``); a ferry leg
    knows its line and direction (for the timetable).
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
                    line=line.id,
                    direction="forward" if leg.from_node == line.from_port else "reverse",
                )
            )
            continue
        edge = geo.network.edges.get(leg.base_edge)
        atom = Atom(
            mode=leg.mode.value,
            country=leg.country,
            ports=(),
            start=start,
            end=end,
            km=leg.km,
            minutes=leg.minutes,
            coords=tuple(leg.coordinates),
            road_class=str(edge.road_class or "") if edge is not None else "",
            corridor=edge.corridor if edge is not None else None,
        )
        # Reliefs happen at named places: a leg is cut between its nodes only when it is much
        # longer than the relief interval (a long stretch with no town, junction or truck park).
        parts = (
            math.ceil(atom.minutes / RELIEF_INTERVAL_MINUTES - 0.5)
            if atom.minutes > RELIEF_INTERVAL_MINUTES * UNNAMED_CUT_FACTOR
            else 1
        )
        out += _split(atom, parts) if parts > 1 else [atom]
        crossing = geo.crossings.get(leg.to_node)
        if crossing is not None and crossing.truck_dwell_minutes > 0:
            # The queue at a crossing is its own stretch: driving time is only driving.
            out.append(
                static_atom(
                    end,
                    "border",
                    leg.country,
                    dwell=queue_minutes(crossing.truck_dwell_minutes, vehicle),
                    kind="queue",
                )
            )
    return out


def static_atom(at: Spot, mode: str, country: str | None, **values: Any) -> Atom:
    """A static atom at one place (a queue, a pause, a wait, a stop)."""
    return Atom(
        mode=mode,
        country=country,
        ports=(),
        start=at,
        end=at,
        km=0.0,
        minutes=0.0,
        coords=((at.lon, at.lat),),
        **values,
    )


def insert_stop(items: list[Atom], spot_id: str, minutes: float) -> bool:
    """Insert a static stop at ``spot_id``; False if that spot is not on the route."""
    for i, atom in enumerate(items):
        if atom.end.id == spot_id or (i == 0 and atom.start.id == spot_id):
            at = atom.end if atom.end.id == spot_id else atom.start
            pos = i + 1 if atom.end.id == spot_id else 0
            items.insert(pos, static_atom(at, "stop", at.country, stop=minutes))
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
