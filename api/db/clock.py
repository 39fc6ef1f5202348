"""UTC everywhere; SQLite hands back naive datetimes, which are UTC by construction here."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stamp(value: datetime) -> str:
    """Canonical text of a time, for hashing and for clients."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
