"""Adopting a plan: what ``POST /v1/plans/{id}/adopt`` does, and the ledger a worker plans around.

Adopting turns the latest done version's assignments into commitments (each team's duties, with
its drive from base and its rest: ``planner.commitments.commitments_of``); a worker planning a
later plan makes the teams committed to other operations unavailable at those hours
(``planner.commitments.without_committed``). Which commitments count, for whom, is decided in
``api.store.commitments``.
"""

from __future__ import annotations

import json

from api.db.audit import AuditEntry
from api.security import Principal
from api.store import commitments, versions
from api.store.database import Database
from geodata.layers import Geodata
from planner.commitments import commitments_of, without_committed
from planner.io import parse_scenario
from planner.plan import Plan
from planner.scenario import Scenario


def adopt(
    db: Database, principal: Principal, plan_id: str, *, geo: Geodata, entry: AuditEntry
) -> tuple[versions.VersionInfo, commitments.Adopted]:
    """Commit the teams of the plan's latest done version.

    Returns:
        The version adopted and what it committed.

    Raises:
        ConflictError: no version has a plan yet, or a team is committed elsewhere then.
    """
    v = versions.latest_plan(db, plan_id)
    assert v.plan_json is not None
    plan = Plan.model_validate_json(v.plan_json)
    new = commitments_of(plan, parse_scenario(json.loads(v.scenario_json)), geo, ref=plan_id)
    return v, commitments.adopt(db, principal, plan_id, v.number, new, entry=entry)


def planned_around(db: Database, plan_id: str, scenario: Scenario) -> Scenario:
    """The scenario with its teams unavailable while committed to other operations the plan's
    agency may see (the same team: the same id in the same agency)."""
    teams = {(t.id, t.agency) for t in scenario.teams}
    book = [c for c in commitments.ledger(db, plan_id) if (c.team, c.agency) in teams]
    return without_committed(scenario, book) if book else scenario
