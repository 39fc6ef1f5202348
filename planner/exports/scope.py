"""What a briefing shows: the whole plan, or one agency's need-to-know extract of it.

An agency's extract holds its own teams' tasks; the handovers into and out of its teams, naming
the other side's agency but not its team; the authorisations and contingencies in its own
state; and the route stretch in its country (the sketch map adds a margin around it). Nothing
else: no other team's id, base or task, no plan-wide figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from shapely.geometry import Point

from geodata.layers import Geodata
from geodata.projection import point_to_geom_km
from planner.exports.geometry import route_line
from planner.plan import Assignment, Authorisation, Handover, PlacePoint, Plan, PlanSegment
from planner.reasons import Reason

NEAR_RESTRICTED_KM = 50.0
# A hidden team on the other side of a handover: the briefing names its agency only.
HIDDEN = ""
# Agency ids become file names (briefings/<AGENCY-ID>.html): the scenario's id pattern.
SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class UnknownAgencyError(ValueError):
    """An agency with no team on the plan: there is nothing to extract for it."""


@dataclass(frozen=True)
class Contingency:
    """A place to interdict if surveillance is lost, with the agency watching there.

    ``kind``: ``border`` (the last point before a border), ``delivery`` (before the destination)
    or ``restricted`` (before an area without a cooperating authority, named in ``area``).
    """

    country: str
    place: PlacePoint
    agency: str
    kind: str
    area: str = ""


@dataclass(frozen=True)
class Content:
    """The parts of a plan one briefing shows; ``agency`` None is the whole plan."""

    plan: Plan
    agency: str | None
    country: str | None
    segments: list[PlanSegment]
    assignments: list[Assignment]
    handovers: list[tuple[int, Handover]]
    authorisations: list[Authorisation]
    contingencies: list[Contingency]
    warnings: list[Reason]

    @property
    def tasks(self) -> list[tuple[str, list[Assignment]]]:
        """Each team's assignments in time order, teams by their first expected start."""
        by_team: dict[str, list[Assignment]] = defaultdict(list)
        for a in self.assignments:
            by_team[a.team].append(a)
        return sorted(
            ((t, sorted(v, key=lambda a: a.expected_start)) for t, v in by_team.items()),
            key=lambda x: (x[1][0].expected_start, x[0]),
        )

    @property
    def own_teams(self) -> set[str]:
        """Teams whose details this briefing may show."""
        return {a.team for a in self.assignments}


def contingencies(plan: Plan, geo: Geodata) -> list[Contingency]:
    """Where to interdict if surveillance is lost, one entry per place.

    The places are the last point before each border (and before delivery), inside cooperating
    territory, and the route point nearest each active area without a cooperating authority
    within ``NEAR_RESTRICTED_KM`` of the route.
    """
    out: list[Contingency] = []
    watching = {a.segment: a.agency for a in plan.assignments}
    for i, seg in enumerate(plan.segments):
        nxt = plan.segments[i + 1] if i + 1 < len(plan.segments) else None
        if nxt is None or nxt.countries != seg.countries:
            out.append(
                Contingency(
                    country=seg.country,
                    place=seg.from_,
                    agency=watching.get(seg.id, "-"),
                    kind="border" if nxt else "delivery",
                )
            )
    line = route_line(plan)
    # An infeasible plan may show a route with no segments: no point on it to name.
    if line is not None and plan.segments:
        for key, shape in sorted(geo.restricted_shapes.items()):
            area = geo.restricted[key]
            if not area.active or line.distance(shape) * 111 > NEAR_RESTRICTED_KM:
                continue
            # The route point nearest the area: interdict before it, inside cooperating ground.
            best = min(
                plan.segments,
                key=lambda s: point_to_geom_km(Point(s.from_.lon, s.from_.lat), shape),
            )
            out.append(
                Contingency(
                    country=best.country,
                    place=best.from_,
                    agency=watching.get(best.id, "-"),
                    kind="restricted",
                    area=f"{area.name} ({area.wording})",
                )
            )
    return out


def whole(plan: Plan, geo: Geodata) -> Content:
    """The whole plan: what its owner's briefing shows."""
    return Content(
        plan=plan,
        agency=None,
        country=None,
        segments=list(plan.segments),
        assignments=list(plan.assignments),
        handovers=list(enumerate(plan.handovers, 1)),
        authorisations=list(plan.authorisations),
        contingencies=contingencies(plan, geo),
        warnings=list(plan.warnings),
    )


def agencies(plan: Plan) -> list[str]:
    """The agencies on the plan (with at least one task), in order of first appearance."""
    return list(dict.fromkeys(a.agency for a in plan.assignments))


def agency_country(plan: Plan, agency: str) -> str:
    """The state of ``agency``, from its teams.

    Raises:
        UnknownAgencyError: no team of the plan belongs to it.
    """
    for t in plan.teams:
        if t.agency == agency:
            return t.country
    raise UnknownAgencyError(f"no team of agency {agency!r} is on this plan")


def for_agency(plan: Plan, geo: Geodata, agency: str) -> Content:
    """``agency``'s need-to-know extract of the plan (see the module doc).

    Raises:
        UnknownAgencyError: the agency has no team on the plan.
    """
    country = agency_country(plan, agency)
    mine = [a for a in plan.assignments if a.agency == agency]
    teams = {a.team for a in mine}
    watched = {a.segment for a in mine}
    stretch = [
        s
        for s in plan.segments
        # Its own state's stretch, and any stretch its teams follow into abroad.
        if s.country == country or country in s.countries or s.id in watched
    ]
    handovers = [
        (i, _hide_other_side(h, teams))
        for i, h in enumerate(plan.handovers, 1)
        if h.from_team in teams or h.to_team in teams
    ]
    authorisations = [a for a in plan.authorisations if country in (a.country, a.observer)]
    return Content(
        plan=plan,
        agency=agency,
        country=country,
        segments=stretch,
        assignments=mine,
        handovers=handovers,
        authorisations=authorisations,
        contingencies=[c for c in contingencies(plan, geo) if c.country == country],
        # A warning names a team, a state or a field: the agency reads those about its own.
        warnings=[
            w for w in plan.warnings if w.subject == country or w.subject in own_teams(plan, agency)
        ],
    )


def own_teams(plan: Plan, agency: str) -> set[str]:
    """Every team of ``agency`` in the scenario, with a task or not."""
    return {t.id for t in plan.teams if t.agency == agency}


def named(plan: Plan, agency: str) -> str | None:
    """The plan's own spelling of ``agency`` (ids compared without case), or None if absent."""
    wanted = agency.casefold()
    return next((t.agency for t in plan.teams if t.agency.casefold() == wanted), None)


def nothing_for(plan: Plan, agency: str) -> Content:
    """The extract of an agency with no team on the plan: nothing of it is that agency's."""
    return Content(
        plan=plan,
        agency=agency,
        country=None,
        segments=[],
        assignments=[],
        handovers=[],
        authorisations=[],
        contingencies=[],
        warnings=[],
    )


def _hide_other_side(h: Handover, teams: set[str]) -> Handover:
    """The handover as an extract shows it: the other agency's team is not named."""
    update: dict[str, str] = {}
    if h.from_team not in teams:
        update["from_team"] = HIDDEN
    if h.to_team not in teams:
        update["to_team"] = HIDDEN
    return h.model_copy(update=update)
