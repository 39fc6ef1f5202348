"""Reporting an event on a plan: what ``POST /v1/plans/{id}/events`` does, in one call.

The event's consequences are decided once, here, when it is reported: the scenario for the rest
of the operation and where the new version starts (``planner.replan.events.prepare``). Both are
stored with the new version; its worker only plans them and never applies the event again.
"""

from __future__ import annotations

import json

from api.db.audit import AuditEntry
from api.security import Principal
from api.settings import Settings
from api.store import versions
from api.store.database import Database
from api.store.quotas import Limits
from geodata.layers import Geodata
from planner.io import parse_scenario
from planner.plan import Plan
from planner.replan.events import prepare
from planner.replan.kinds import Event


def report_event(
    db: Database,
    principal: Principal,
    plan_id: str,
    event: Event,
    data: object,
    *,
    geo: Geodata,
    settings: Settings,
    entry: AuditEntry,
    limits: Limits,
) -> versions.VersionInfo:
    """Queue the version an event makes, with its audit row.

    Args:
        db: the store's database.
        principal: who reports it (of the owner agency; checked by the caller).
        plan_id: the plan.
        event: the validated event.
        data: the event as submitted (JSON data), kept with the version.
        geo: the geodata.
        settings: for the new job's deadline.
        entry: the request's audit entry, written with the new version.
        limits: the queue and quotas of the plan's agency and namespace.

    Returns:
        The new, queued version.

    Raises:
        ConflictError: the latest version has no plan to change yet, or a newer one appeared.
        BusyError, InsufficientStorageError: the queue is full or a quota is used up.
        ScenarioError: the event does not fit this plan (each error names its field).
    """
    base = versions.event_base(db, plan_id)
    scenario = parse_scenario(json.loads(base.scenario_json))
    previous = Plan.model_validate_json(base.plan_json)
    replanning = prepare(scenario, previous, event, geo)
    new = versions.NewVersion(
        base=base.number,
        event_json=json.dumps(data, sort_keys=True),
        scenario_json=replanning.scenario.model_dump_json(by_alias=True, exclude_none=True),
        replan_json=replanning.context.model_dump_json(),
        deadline_seconds=settings.job_deadline(replanning.scenario.solver.time_limit_seconds),
    )
    return versions.add_event_version(db, principal, plan_id, new, entry, limits)
