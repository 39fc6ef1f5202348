"""Tiny hand-made problems: a route of a few segments and a few teams, no geography."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from planner.model.problem import (
    ForeignLimit,
    Problem,
    RouteOption,
    Segment,
    SegmentMode,
    Spot,
    TeamSpec,
)
from planner.weights import Weights

T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def route(
    parts: Sequence[tuple[str, SegmentMode, int]],
    *,
    index: int = 0,
    uncertainty: float = 0.0,
    km: float = 60.0,
) -> RouteOption:
    """Segments from (country, mode, minutes) triples, back to back from minute 0."""
    segs: list[Segment] = []
    t = 0
    drive = 0.0
    for k, (country, mode, minutes) in enumerate(parts):
        start_spot = Spot(id=f"p{k}", name=f"P{k}", lat=42.0, lon=23.0 + k * 0.5, country=country)
        end_spot = Spot(
            id=f"p{k + 1}", name=f"P{k + 1}", lat=42.0, lon=23.5 + k * 0.5, country=country
        )
        d = 0.0 if mode in ("ferry", "stop") else float(minutes)
        segs.append(
            Segment(
                id=f"R{index + 1}-S{k + 1:02d}",
                index=k,
                mode=mode,
                countries=(country,),
                start_spot=start_spot,
                end_spot=end_spot,
                km=km,
                start=round(t * (1 - uncertainty)),
                end=round((t + minutes) * (1 + uncertainty)),
                nominal_start=t,
                nominal_end=t + minutes,
                drive_start=drive,
                drive_end=drive + d,
                min_minutes=round(minutes * (1 - uncertainty)),
                max_minutes=round(minutes * (1 + uncertainty)),
            )
        )
        t += minutes
        drive += d
    return RouteOption(
        index=index,
        segments=tuple(segs),
        countries=tuple(dict.fromkeys(c for c, _, _ in parts)),
        crossings=(),
        length_km=km * len(parts),
        coordinates=((23.0, 42.0), (24.0, 42.0)),
        hours=t / 60,
    )


def team(
    team_id: str,
    country: str,
    *,
    caps: Sequence[str] = ("road",),
    reach: int = 0,
    duty_hours: float = 12,
    rest_hours: float = 8,
    availability: tuple[tuple[int, int], ...] = ((-10_000, 100_000),),
    routes: Sequence[RouteOption] = (),
) -> TeamSpec:
    reach_map = {(r.index, k): reach for r in routes for k in range(len(r.segments) + 1)}
    return TeamSpec(
        id=team_id,
        agency=f"{country}-AG",
        country=country,
        capabilities=frozenset(caps),
        availability=availability,
        max_duty=round(duty_hours * 60),
        min_rest=round(rest_hours * 60),
        reach=reach_map,
    )


def problem(
    routes: Sequence[RouteOption],
    teams: Sequence[TeamSpec],
    *,
    overlap: int = 30,
    max_follow_hours: float = 6,
    min_teams: int = 1,
    weights: Weights | None = None,
    foreign: Sequence[ForeignLimit] = (),
) -> Problem:
    return Problem(
        t0=T0,
        routes=tuple(routes),
        teams=tuple(teams),
        overlap=overlap,
        max_follow=round(max_follow_hours * 60),
        min_teams=min_teams,
        weights=weights or Weights(),
        foreign=tuple(foreign),
    )
