"""The handover table and the request times, re-checked from the assignments alone.

- rule 6 (handover places): no handover takes place at or near a place of
  ``rules.no_handover_at`` (a place burned by counter-surveillance), shift changes within one
  static watch there excepted;
- rule 15 (request times): each authorisation's ``request_by`` leaves the state its lead time
  before departure, and ``too_late`` says whether that time had passed when the plan was made;
- rule 16 (handover table): the plan's handovers are exactly the changes of team that its
  assignments make, at the right place, between the right teams and agencies, at the expected
  passage.

A plan written by hand (a trainee's) gets its handover table derived from its assignments, so
rule 16 is what keeps an engine plan's table honest and a tampered one caught.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.projection import distance_km
from planner.check.violation import Violation
from planner.constants import NO_HANDOVER_KM, STATIC_MODES
from planner.plan import Plan
from planner.scenario import Scenario

SLACK = timedelta(minutes=1)


def burned_places(scenario: Scenario, plan: Plan, geo: Geodata) -> list[Violation]:
    """Rule 6: no handover at or within ``NO_HANDOVER_KM`` of a ``no_handover_at`` place."""
    points: list[tuple[float, float]] = []
    for i, given in enumerate(scenario.rules.no_handover_at):
        try:
            found = resolve(geo, given, field=f"rules.no_handover_at[{i}]").place
        except GeodataError:
            continue  # an unresolvable place is refused before planning
        points.append((found.lat, found.lon))
    # Shift changes within one static watch are exempt, as in the model.
    still = {
        (after.from_.id, after.nominal_start)
        for before, after in zip(plan.segments, plan.segments[1:], strict=False)
        if before.mode in STATIC_MODES and after.mode in STATIC_MODES
    }
    out = []
    for h in plan.handovers:
        if (h.place.id, h.end) in still:
            continue
        for lat, lon in points:
            if distance_km(h.place.lat, h.place.lon, lat, lon) <= NO_HANDOVER_KM:
                out.append(
                    Violation(
                        6,
                        h.place.id,
                        f"{h.from_team} hands over to {h.to_team} at {h.place.name}, where no "
                        "handover may take place (rules.no_handover_at)",
                    )
                )
                break
    return out


def request_times(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Rule 15: request-by times that leave each state its lead time, and honest ``too_late``."""
    departure = plan.operation.departure
    out = []
    for a in plan.authorisations:
        entry = scenario.legal_for(a.country)
        if entry is None:
            continue  # a state without an entry is rule 8's
        latest = departure - timedelta(hours=entry.lead_time_hours)
        if a.request_by > latest + SLACK:
            out.append(
                Violation(
                    15,
                    a.country,
                    f"the {a.kind} request is due by {a.request_by:%Y-%m-%d %H:%M} UTC, but "
                    f"{a.country} needs {entry.lead_time_hours:g} h: request by "
                    f"{latest:%Y-%m-%d %H:%M} UTC at the latest",
                )
            )
        past = a.request_by < plan.operation.planned_at
        if a.too_late != past:
            out.append(
                Violation(
                    15,
                    a.country,
                    "too_late says the request "
                    + ("is" if a.too_late else "is not")
                    + " already past when the plan was made, which is not so",
                )
            )
    return out


def handover_table(plan: Plan) -> list[Violation]:
    """Rule 16: the handover table is what the assignments make (see the module doc)."""
    by_seg: dict[str, set[str]] = defaultdict(set)
    for a in plan.assignments:
        by_seg[a.segment].add(a.team)
    agency = {t.id: t.agency for t in plan.teams}
    # Each change of team: (place, incoming team) -> [(expected passage, teams it may relieve)];
    # one place may see the same team take over more than once (shifts of a long stop).
    expected: dict[tuple[str, str], list[tuple[datetime, set[str]]]] = defaultdict(list)
    for before, after in zip(plan.segments, plan.segments[1:], strict=False):
        left, right = by_seg.get(before.id, set()), by_seg.get(after.id, set())
        for new in sorted(right - left):
            partners = (left - right) or (left & right)
            if not partners:
                continue  # nobody to hand over from: a gap in coverage (rule 1)
            expected[(after.from_.id, new)].append((after.nominal_start, partners))
    out = []
    for h in plan.handovers:
        options = expected.get((h.place.id, h.to_team), [])
        if not options:
            out.append(
                Violation(
                    16,
                    h.place.id,
                    f"a handover from {h.from_team} to {h.to_team} that the assignments do not "
                    "make",
                )
            )
            continue
        passage, partners = min(options, key=lambda o: abs(o[0] - h.end))
        options.remove((passage, partners))
        if h.from_team not in partners:
            out.append(
                Violation(
                    16, h.place.id, f"{h.to_team} takes over from {h.from_team}, who is not there"
                )
            )
        if agency.get(h.from_team) != h.from_agency or agency.get(h.to_team) != h.to_agency:
            out.append(Violation(16, h.place.id, "the agencies do not match the teams"))
        if abs(h.end - passage) > SLACK:
            out.append(
                Violation(
                    16,
                    h.place.id,
                    f"the passage is given as {h.end:%Y-%m-%d %H:%M} UTC, expected "
                    f"{passage:%Y-%m-%d %H:%M} UTC",
                )
            )
    for (place, team), left_over in sorted(expected.items()):
        for passage, _ in left_over:
            out.append(
                Violation(
                    16,
                    place,
                    f"{team} takes over here at {passage:%Y-%m-%d %H:%M} UTC, but no handover is "
                    "listed",
                )
            )
    return out
