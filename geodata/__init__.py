"""Black Sea geodata: countries, crossings, ports, ferries, the corridor network, restricted areas.

Knows nothing of plans. The public entry points are re-exported here; everything is loaded
once per process by :func:`load` and then read-only.
"""

from geodata._errors import (
    GeodataError,
    NoRouteError,
    PlaceFormatError,
    PlaceInRestrictedAreaError,
    PlaceNotOnLandError,
    PlaceOffNetworkError,
    SourceDataError,
    UnknownPlaceError,
)
from geodata.layers import Geodata, load
from geodata.routing import Route, RouteRequest, best_routes
from geodata.schema import Freight, Mode, Vehicle
from geodata.search import closest_ids, search_places

__all__ = [
    "Freight",
    "Geodata",
    "GeodataError",
    "Mode",
    "NoRouteError",
    "PlaceFormatError",
    "PlaceInRestrictedAreaError",
    "PlaceNotOnLandError",
    "PlaceOffNetworkError",
    "Route",
    "RouteRequest",
    "SourceDataError",
    "UnknownPlaceError",
    "Vehicle",
    "best_routes",
    "closest_ids",
    "load",
    "search_places",
]
