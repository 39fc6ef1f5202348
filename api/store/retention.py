"""Retention: the outputs of old versions of finished operations are removed after a while.

A plan's operation is finished when its latest version is done (or failed, or cancelled) and the
latest done version's plan ends more than ``days`` ago. Then every earlier version loses its
rendered outputs (the bulk of what it stores); its scenario, event and plan stay, as the record
of what was planned, and asking for its outputs answers 410. The latest done version keeps all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from api.db.clock import utcnow
from api.db.states import TERMINAL, JobState
from api.db.tables import Artifact, PlanDoc, Version
from api.store.database import Database


def purge(db: Database, days: float, now: datetime | None = None) -> int:
    """Remove the outputs of old versions of operations that ended ``days`` ago or more.

    Returns:
        How many versions lost their outputs.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    purged = 0
    with db.begin() as s:
        newest_done = (
            select(Version.plan_id, func.max(Version.number).label("number"))
            .where(Version.status == JobState.done)
            .group_by(Version.plan_id)
            .subquery()
        )
        ended = s.execute(
            select(newest_done.c.plan_id, newest_done.c.number)
            .join(
                Version,
                (Version.plan_id == newest_done.c.plan_id)
                & (Version.number == newest_done.c.number),
            )
            .join(PlanDoc, PlanDoc.id == Version.plan_id)
            .where(Version.ends_at < cutoff)
        ).all()
        for plan_id, keep in ended:
            doc = s.get(PlanDoc, plan_id)
            latest = s.get(Version, (plan_id, doc.latest_version)) if doc else None
            if latest is None or latest.status not in TERMINAL:
                continue  # a version is being made: the operation goes on
            old = s.scalars(
                select(Version).where(
                    Version.plan_id == plan_id, Version.number < keep, Version.purged_at.is_(None)
                )
            ).all()
            for v in old:
                s.execute(
                    delete(Artifact).where(Artifact.plan_id == plan_id, Artifact.number == v.number)
                )
                v.purged_at = now
                texts = (v.scenario_json, v.event_json, v.replan_json, v.plan_json)
                v.stored_bytes = sum(len(t or "") for t in texts)
                purged += 1
    return purged
