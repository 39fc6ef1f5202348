"""Grouping the timed atoms of a route into watch segments.

A segment always ends at a change of country (a crossing), at a port (before and after a ferry
leg), at every static stretch (a border queue, a break, a rest, a wait or a known stop is a
segment of its own: a static watch, where a relief is natural), and at the limit of foreign
observation past a border, so that every rule can be kept at a segment boundary. Driving is
grouped into stretches of about ``RELIEF_INTERVAL_MINUTES``, cut at named places. A static watch
longer than ``STATIC_SHIFT_MINUTES`` is split into shifts at the same place.

A segment's window runs from the earliest timeline's entry to the latest timeline's exit; its
expected times are the expected timeline's (see :mod:`planner.resolve.clock.schedule`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from planner.constants import RELIEF_INTERVAL_MINUTES, STATIC_SHIFT_MINUTES
from planner.model.problem import Segment
from planner.resolve.clock.schedule import Timed


def split_shifts(timed: Sequence[Timed]) -> list[Timed]:
    """Long static watches cut into equal shifts at the same place, each its own segment."""
    out: list[Timed] = []
    for t in timed:
        length = t.nominal[1] - t.nominal[0]
        if not t.atom.static or length <= STATIC_SHIFT_MINUTES * 1.25:
            out.append(t)
            continue
        n = math.ceil(length / STATIC_SHIFT_MINUTES)

        def piece(span: tuple[float, float], k: int, n: int = n) -> tuple[float, float]:
            a, b = span
            return a + (b - a) * k / n, a + (b - a) * (k + 1) / n

        for k in range(n):
            out.append(
                replace(
                    t,
                    atom=replace(t.atom, part=(k + 1, n)),
                    early=piece(t.early, k),
                    nominal=piece(t.nominal, k),
                    late=piece(t.late, k),
                    min_minutes=t.min_minutes / n,
                    max_minutes=t.max_minutes / n,
                )
            )
    return out


def group(items: Sequence[Timed], forced: frozenset[str] = frozenset()) -> list[list[Timed]]:
    """Group timed atoms into segments (see the module docstring for where a segment ends)."""
    groups: list[list[Timed]] = []
    current: list[Timed] = []
    minutes = 0.0
    for t in items:
        atom = t.atom
        if current:
            prev = current[-1].atom
            must_cut = (
                atom.mode != prev.mode
                or atom.country != prev.country
                or atom.static
                or prev.static
                or "ferry" in (atom.mode, prev.mode)
                or atom.start.id in forced
            )
            if must_cut or minutes >= RELIEF_INTERVAL_MINUTES:
                groups.append(current)
                current, minutes = [], 0.0
        current.append(t)
        minutes += t.nominal[1] - t.nominal[0]
    if current:
        groups.append(current)
    return groups


def segments_from(groups: Sequence[Sequence[Timed]], *, prefix: str = "S") -> list[Segment]:
    """Segments with their windows and expected times, in minutes after departure."""
    out: list[Segment] = []
    drive = 0.0
    for k, grp in enumerate(groups):
        first, last = grp[0], grp[-1]
        atom = first.atom
        d = sum(t.atom.minutes for t in grp if t.atom.mode in ("road", "rail"))
        countries = atom.ports if atom.mode == "ferry" else (atom.country or "",)
        out.append(
            Segment(
                id=f"{prefix}{k + 1:02d}",
                index=k,
                mode=atom.mode,  # type: ignore[arg-type]
                countries=countries,
                start_spot=atom.start,
                end_spot=last.atom.end,
                km=round(sum(t.atom.km for t in grp), 1),
                start=round(first.early[0]),
                end=round(last.late[1]),
                nominal_start=round(first.nominal[0]),
                nominal_end=round(last.nominal[1]),
                drive_start=round(drive, 1),
                drive_end=round(drive + d, 1),
                min_minutes=round(sum(t.min_minutes for t in grp)),
                max_minutes=round(sum(t.max_minutes for t in grp)),
                moving_max=round(
                    sum(t.max_minutes for t in grp if t.atom.mode in ("road", "rail"))
                ),
                kind=atom.kind,
                note=first.note,
                part=atom.part,
            )
        )
        drive += d
    return out
