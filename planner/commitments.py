"""Teams shared between operations: an adopted plan commits its teams' hours.

When a plan is adopted, each of its teams is committed from the moment it must leave its base
for its first post of a duty (the drive counted at car speed) to the end of that duty plus its
minimum rest. A later plan treats a team committed to another operation as unavailable at those
hours (:func:`without_committed`), and adopting a plan whose teams are committed elsewhere at the
same hours is refused (:func:`conflicts`). Releasing an operation frees its commitments.

The ledger is a JSON file on the command line (``cdplan commit``) and a table of the service.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from pydantic import AwareDatetime, ConfigDict, Field

from geodata import GeodataError
from geodata.layers import Geodata
from geodata.places import resolve
from geodata.projection import distance_km
from planner.constants import DEFAULT_AVAILABILITY_MARGIN_DAYS, TRAVEL_DETOUR, TRAVEL_KMH
from planner.plan import Plan
from planner.scenario import Scenario
from planner.strict import Model


class Commitment(Model):
    """A team's hours promised to one operation."""

    operation: str = Field(description="The operation the team is committed to")
    plan: str = Field(default="", description="The adopted plan (id or folder), for the record")
    team: str = Field(description="The team's id")
    agency: str = Field(description="The team's agency")
    from_: AwareDatetime = Field(alias="from", description="Committed from (leaves base), UTC")
    to: AwareDatetime = Field(description="Committed until (end of duty and rest), UTC")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


class Ledger(Model):
    """Every commitment of adopted plans that are not released."""

    schema_: str = Field(default="cdplan.ledger/1", alias="schema", description="Format version")
    commitments: list[Commitment] = Field(default_factory=list, description="In force")

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, populate_by_name=True)


def _drive(geo: Geodata, scenario: Scenario, team: str, lat: float, lon: float) -> timedelta:
    spec = next(t for t in scenario.teams if t.id == team)
    try:
        base = resolve(geo, spec.base, field="base").place
    except GeodataError:
        return timedelta(0)
    km = distance_km(base.lat, base.lon, lat, lon)
    return timedelta(hours=km * TRAVEL_DETOUR / TRAVEL_KMH)


def commitments_of(
    plan: Plan, scenario: Scenario, geo: Geodata, *, ref: str = ""
) -> list[Commitment]:
    """The commitments an adopted plan makes: each team's duties, drive and rest included.

    A team's assignments are one duty while the gaps between them are shorter than its minimum
    rest; a duty is committed from the earliest the team must leave base (its first window
    start less the drive) to its last window end plus its rest.
    """
    seg = {s.id: s for s in plan.segments}
    teams = {t.id: t for t in scenario.teams}
    out: list[Commitment] = []
    by_team: dict[str, list[tuple[datetime, datetime, str]]] = {}
    for a in plan.assignments:
        by_team.setdefault(a.team, []).append((a.start, a.end, a.segment))
    for team_id, spans in sorted(by_team.items()):
        team = teams.get(team_id)
        if team is None:
            continue
        rest = timedelta(hours=team.min_rest_hours)
        duties: list[list[tuple[datetime, datetime, str]]] = []
        for span in sorted(spans):
            if duties and span[0] - duties[-1][-1][1] < rest:
                duties[-1].append(span)
            else:
                duties.append([span])
        for duty in duties:
            first = seg[duty[0][2]].from_
            leave = duty[0][0] - _drive(geo, scenario, team_id, first.lat, first.lon)
            out.append(
                Commitment.model_validate(
                    {
                        "operation": plan.operation.id,
                        "plan": ref,
                        "team": team_id,
                        "agency": team.agency,
                        "from": leave,
                        "to": max(end for _, end, _ in duty) + rest,
                    }
                )
            )
    return out


def conflicts(
    new: list[Commitment], ledger: list[Commitment]
) -> list[tuple[Commitment, Commitment]]:
    """Each pair (new, existing) of one team committed to two operations at overlapping hours."""
    return [
        (a, b)
        for a in new
        for b in ledger
        if a.team == b.team and a.operation != b.operation and a.from_ < b.to and b.from_ < a.to
    ]


def without_committed(scenario: Scenario, ledger: list[Commitment]) -> Scenario:
    """The scenario with each team unavailable while committed to another operation.

    A team without availability windows is taken as available from a week before departure to
    60 days after, less its commitments; one with windows keeps what is left of them. Before a
    commitment the team must also have had its minimum rest (a commitment already holds the rest
    after it): otherwise the new plan's duty, with its rest, would run into the committed hours.
    """
    busy: dict[str, list[tuple[datetime, datetime]]] = {}
    for c in ledger:
        if c.operation != scenario.operation.id:
            busy.setdefault(c.team, []).append((c.from_, c.to))
    if not busy:
        return scenario
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    start = scenario.operation.departure - timedelta(days=DEFAULT_AVAILABILITY_MARGIN_DAYS)
    horizon = scenario.operation.departure + timedelta(days=60)
    for entry, team in zip(data["teams"], scenario.teams, strict=True):
        if team.id not in busy:
            continue
        windows = [(w.from_, w.to) for w in team.available] or [(start, horizon)]
        rest = timedelta(hours=team.min_rest_hours)
        for b0, b1 in sorted((b0 - rest, b1) for b0, b1 in busy[team.id]):
            windows = [
                piece
                for w0, w1 in windows
                for piece in ((w0, min(w1, b0)), (max(w0, b1), w1))
                if piece[1] > piece[0]
            ]
        # A team with no hours left keeps one empty-handed minute, far outside the operation,
        # so that the scenario stays valid and the team is simply never used.
        entry["available"] = [{"from": a.isoformat(), "to": b.isoformat()} for a, b in windows] or [
            {"from": start.isoformat(), "to": (start + timedelta(minutes=1)).isoformat()}
        ]
    return Scenario.model_validate_json(json.dumps(data))


def describe(conflict: tuple[Commitment, Commitment], *, owner: bool) -> str:
    """A conflict in words; only the owner of the other operation is told which it is."""
    new, old = conflict
    other = f"operation {old.operation}" if owner else "another operation (committed elsewhere)"
    return (
        f"team {new.team} is committed to {other} from {old.from_:%Y-%m-%d %H:%M} to "
        f"{old.to:%Y-%m-%d %H:%M} UTC, and this plan needs it from {new.from_:%Y-%m-%d %H:%M} "
        f"to {new.to:%Y-%m-%d %H:%M} UTC"
    )
