"""Which job runs next: fair across agencies, operational work before exercises.

A job whose lease ran out (its supervisor died) is taken back first: it had already started.
Then, among the agencies with jobs waiting, the one with the fewest jobs running goes first, then
the one served least recently, then the one whose job has waited longest; so one agency's burst
takes turns with everyone else instead of queueing ahead of them. Operational jobs always go
before exercise jobs, and exercise jobs run at most ``exercise_slots`` at a time, so exercises
never hold every solver while a real operation waits.

Tasks (judgements, robustness studies: ``api.store.tasks``) run when no version waits: a new plan
version is what an operation runs on, a task only informs. They keep the same rules otherwise:
a lapsed one first, operational before exercise, exercise ones within ``exercise_slots`` (which
count running exercise versions and tasks alike), the agency with the fewest running first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from api.db.clock import as_utc
from api.db.states import JobState
from api.db.tables import PlanDoc, Task, Version

_NEVER = datetime.min.replace(tzinfo=UTC)


def _locked(
    query: Select[Any], s: Session, of: type[Version] | type[Task] = Version
) -> Select[Any]:
    # Two servers on PostgreSQL never take the same row; SQLite serialises writers anyway.
    if s.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=of)
    return query


def _exercises_running(s: Session) -> int:
    """Exercise jobs running now: versions and tasks of exercise plans."""
    versions = s.scalar(
        select(func.count())
        .select_from(Version)
        .join(PlanDoc, PlanDoc.id == Version.plan_id)
        .where(Version.status == JobState.running, PlanDoc.exercise.is_(True))
    )
    tasks = s.scalar(
        select(func.count())
        .select_from(Task)
        .where(Task.status == JobState.running, Task.exercise.is_(True))
    )
    return int(versions or 0) + int(tasks or 0)


def next_task(
    s: Session, now: datetime, *, exercise_slots: int, plan_id: str | None = None
) -> Task | None:
    """The task whose job should run next, locked for the caller's transaction, or None."""
    order = (Task.created_at, Task.id)
    lapsed = select(Task).where(Task.status == JobState.running, Task.lease_expires_at < now)
    queued = select(Task).where(Task.status == JobState.queued)
    if plan_id is not None:
        lapsed, queued = (
            lapsed.where(Task.plan_id == plan_id),
            queued.where(Task.plan_id == plan_id),
        )
    found: Task | None = s.scalar(_locked(lapsed.order_by(*order).limit(1), s, Task))
    if found is not None:
        return found
    if _exercises_running(s) >= exercise_slots:
        queued = queued.where(Task.exercise.is_(False))
    running = (
        select(Task.agency, func.count().label("n"))
        .where(Task.status == JobState.running)
        .group_by(Task.agency)
        .subquery()
    )
    fair = (
        queued.outerjoin(running, running.c.agency == Task.agency)
        .order_by(Task.exercise, func.coalesce(running.c.n, 0), *order)
        .limit(1)
    )
    task: Task | None = s.scalar(_locked(fair, s, Task))
    return task


def next_job(
    s: Session, now: datetime, *, exercise_slots: int, plan_id: str | None = None
) -> Version | None:
    """The version whose job should run next, locked for the caller's transaction, or None."""
    order = (Version.created_at, Version.plan_id, Version.number)
    lapsed = select(Version).where(
        Version.status == JobState.running, Version.lease_expires_at < now
    )
    queued = select(Version).where(Version.status == JobState.queued)
    if plan_id is not None:
        lapsed, queued = (
            lapsed.where(Version.plan_id == plan_id),
            queued.where(Version.plan_id == plan_id),
        )
    v: Version | None = s.scalar(_locked(lapsed.order_by(*order).limit(1), s))
    if v is not None or plan_id is not None:
        return v if v is not None else s.scalar(_locked(queued.order_by(*order).limit(1), s))
    for agency, exercise in _turns(s, exercise_slots):
        v = s.scalar(
            _locked(
                queued.join(PlanDoc, PlanDoc.id == Version.plan_id)
                .where(PlanDoc.agency == agency, PlanDoc.exercise == exercise)
                .order_by(*order)
                .limit(1),
                s,
            )
        )
        if v is not None:
            return v
    return None


def _turns(s: Session, exercise_slots: int) -> list[tuple[str, bool]]:
    """(agency, exercise) groups with jobs waiting, in the order they get the next solver."""
    joined = select(PlanDoc.agency).join(Version, Version.plan_id == PlanDoc.id)
    waiting = s.execute(
        select(PlanDoc.agency, PlanDoc.exercise, func.min(Version.created_at))
        .join(Version, Version.plan_id == PlanDoc.id)
        .where(Version.status == JobState.queued)
        .group_by(PlanDoc.agency, PlanDoc.exercise)
    ).all()
    if not waiting:
        return []
    running: dict[str, int] = dict(
        s.execute(
            joined.add_columns(func.count())
            .where(Version.status == JobState.running)
            .group_by(PlanDoc.agency)
        ).all()
    )
    exercises_running = _exercises_running(s)
    agencies = sorted({row[0] for row in waiting})
    served: dict[str, datetime | None] = dict(
        s.execute(
            joined.add_columns(func.max(Version.started_at))
            .where(PlanDoc.agency.in_(agencies))
            .group_by(PlanDoc.agency)
        ).all()
    )

    def turn(row: tuple[str, bool, datetime]) -> tuple[bool, int, datetime, datetime]:
        agency, exercise, oldest = row
        last = served.get(agency)
        return (
            exercise,
            int(running.get(agency, 0)),
            _NEVER if last is None else as_utc(last),
            as_utc(oldest),
        )

    eligible = [
        (str(r[0]), bool(r[1]), r[2])
        for r in waiting
        if not r[1] or exercises_running < exercise_slots
    ]
    return [(agency, exercise) for agency, exercise, _ in sorted(eligible, key=turn)]
