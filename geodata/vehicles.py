"""Road vehicle rules: which crossings and roads a vehicle may use, and which it prefers.

Every rule about a vehicle lives here, with its reason, so that routing only asks questions
("may a truck use this crossing?", "what does this crossing cost it?") and never encodes them.

Freight classes of crossings (``crossings.csv`` column ``freight``):

- ``main``: trucks at any hour, with customs clearance of goods;
- ``limited``: trucks only at some hours, below some weight, or for some goods only;
- ``none``: passengers only, no customs clearance of commercial goods.
"""

from __future__ import annotations

from collections.abc import Collection
from types import MappingProxyType

from geodata.schema import Freight, Vehicle

# Which freight classes of crossing a vehicle may pass.
#  - truck: a passenger-only crossing has neither a lane nor a customs office for lorries, and a
#    limited one is usable within its hours and weight limits (checked by the planner's times);
#  - van: a van carrying a commercial load still needs goods clearance, which a passenger-only
#    crossing does not give; weight limits do not stop it;
#  - car, bus: private cars and coaches cross wherever passengers may.
FREIGHT_ALLOWED: MappingProxyType[Vehicle, frozenset[Freight]] = MappingProxyType(
    {
        Vehicle.truck: frozenset({Freight.main, Freight.limited}),
        Vehicle.van: frozenset({Freight.main, Freight.limited}),
        Vehicle.car: frozenset(Freight),
        Vehicle.bus: frozenset(Freight),
    }
)

# Routing cost added to a limited crossing, minutes. It is a preference, not a time: the route's
# hours do not include it. A truck sent to a limited crossing risks being turned away (closed at
# night, over the axle load, goods it may not clear) and then driving to the next main crossing:
# on the region's borders that detour and a second queue take about three hours, so a limited
# crossing is chosen only where it saves more than that. (The queue itself is already in each
# crossing's dwell.) A van is stopped only by opening hours, so it pays half an hour.
LIMITED_PENALTY_MINUTES: MappingProxyType[Vehicle, float] = MappingProxyType(
    {Vehicle.truck: 180.0, Vehicle.van: 30.0, Vehicle.car: 0.0, Vehicle.bus: 0.0}
)


def may_cross(vehicle: Vehicle, freight: Freight) -> bool:
    """Whether ``vehicle`` may pass a crossing of freight class ``freight``."""
    return freight in FREIGHT_ALLOWED[vehicle]


def crossing_penalty(vehicle: Vehicle, freight: Freight) -> float:
    """Routing cost (minutes, not time) of passing a crossing of class ``freight``."""
    return LIMITED_PENALTY_MINUTES[vehicle] if freight is Freight.limited else 0.0


def may_drive(vehicle: Vehicle, closed_to: Collection[Vehicle]) -> bool:
    """Whether ``vehicle`` may use a road stretch closed to the vehicles in ``closed_to``.

    Stretches closed to trucks are set per corridor in the sources with their reason (for
    example the Istanbul city bridges, closed to transit lorries since the northern motorway
    bridge opened, so trucks between Europe and Asia take the northern motorway).
    """
    return vehicle not in closed_to
