"""Named errors of the geodata layer. Each says what was wrong and how to fix it."""

from __future__ import annotations


class GeodataError(ValueError):
    """Base class: bad input to a geodata function, or bad source data.

    ``field`` names the input that was wrong (for messages that point at a scenario field),
    ``hint`` says what to do about it.
    """

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None) -> None:
        self.field = field
        self.hint = hint
        full = message if hint is None else f"{message} ({hint})"
        super().__init__(full)


class UnknownPlaceError(GeodataError):
    """A place id that is not a node of the network."""


class PlaceFormatError(GeodataError):
    """A place written as coordinates that cannot be read (or lie outside -90..90, -180..180)."""


class PlaceNotOnLandError(GeodataError):
    """Coordinates at sea (beyond the shore margin) or outside the region's countries."""


class PlaceInRestrictedAreaError(GeodataError):
    """Coordinates inside an area without a cooperating authority."""


class PlaceOffNetworkError(GeodataError):
    """Coordinates too far from any usable road or railway of their country."""


class NoRouteError(GeodataError):
    """No lawful route exists under the given constraints."""


class SourceDataError(GeodataError):
    """A source file of the geodata is inconsistent (a bug in the data, not in user input)."""
