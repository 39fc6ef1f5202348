"""The clock's data: ferry timetables and truck bans, read once from ``sources/``."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from geodata.bans import Ban, ban_from_row
from geodata.sailings import Timetable, timetable_from_row
from geodata.sources import SOURCES


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def timetables(sources: Path = SOURCES) -> dict[tuple[str, str], Timetable]:
    """Every ferry line's timetable, by (line id, direction)."""
    out = {}
    for i, row in enumerate(_rows(sources / "ferry_timetables.csv"), start=2):
        table = timetable_from_row(row, f"ferry_timetables.csv line {i}")
        out[(table.line, table.direction)] = table
    return out


@lru_cache(maxsize=1)
def truck_bans(sources: Path = SOURCES) -> dict[str, tuple[Ban, ...]]:
    """Every truck ban rule, by country (ISO3)."""
    out: dict[str, list[Ban]] = {}
    for i, row in enumerate(_rows(sources / "truck_bans.csv"), start=2):
        ban = ban_from_row(row, f"truck_bans.csv line {i}")
        out.setdefault(ban.country, []).append(ban)
    return {k: tuple(v) for k, v in out.items()}
