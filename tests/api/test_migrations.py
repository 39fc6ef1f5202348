"""Alembic migrations on SQLite and PostgreSQL: each one upgrades a database holding data from
the revision before it, and downgrades again."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from api.db.engine import normalise_url
from api.db.migrate import alembic_config

NOW = "2026-12-01 10:00:00"


def columns(url: str, table: str) -> set[str]:
    engine = create_engine(normalise_url(url))
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def sql(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as c:
            result = c.execute(text(statement))
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_0002_adds_the_replan_context_and_fails_event_versions_left_waiting(db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0001")
    assert "replan_json" not in columns(db_url, "versions")
    sql(
        db_url,
        "INSERT INTO users (id, name, role, agency, token_sha256, active, created_at) "
        f"VALUES ('u1', 'ana', 'planner', 'GEO-MIA', 'h1', TRUE, '{NOW}')",
    )
    sql(
        db_url,
        "INSERT INTO plans (id, agency, created_by, handling_code, exercise, operation_id, "
        "created_at, latest_version) "
        f"VALUES ('p1', 'GEO-MIA', 'u1', 'H2', FALSE, 'OP', '{NOW}', 3)",
    )
    for number, status, event in ((1, "done", "NULL"), (2, "done", "'{}'"), (3, "queued", "'{}'")):
        sql(
            db_url,
            "INSERT INTO versions (plan_id, number, status, attempt, deadline_seconds, "
            "cancel_requested, scenario_json, event_json, created_by, created_at) VALUES "
            f"('p1', {number}, '{status}', 0, 100.0, FALSE, '{{}}', {event}, 'u1', '{NOW}')",
        )

    command.upgrade(cfg, "0002")
    assert "replan_json" in columns(db_url, "versions")
    rows = sql(
        db_url,
        "SELECT number, status, error_code, replan_json, finished_at IS NOT NULL "
        "FROM versions ORDER BY number",
    )
    assert rows == [
        (1, "done", None, None, False),
        (2, "done", None, None, False),
        # Queued before the upgrade with only the event: it cannot be planned the new way.
        (3, "failed", "event_not_replanned", None, True),
    ]

    command.downgrade(cfg, "0001")
    assert "replan_json" not in columns(db_url, "versions")
    assert len(sql(db_url, "SELECT number FROM versions")) == 3
    command.upgrade(cfg, "head")


def test_the_tables_are_what_the_migrations_make(db_url: str) -> None:
    """The models and the migrations agree: autogenerate finds nothing to add or drop."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from api.db.tables import Base

    command.upgrade(alembic_config(db_url), "head")
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    finally:
        engine.dispose()
    # Only differences that matter: a table, column or index added or removed.
    kinds = {"add_table", "remove_table", "add_column", "remove_column", "add_index"}
    found = [d for d in diff if isinstance(d, tuple) and d[0] in kinds]
    assert not found, found


def test_0007_adds_tasks_to_a_database_with_plans(db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0006")
    sql(
        db_url,
        "INSERT INTO users (id, name, role, agency, token_sha256, active, pending, created_at) "
        f"VALUES ('u1', 'ana', 'trainer', 'GEO-MIA', 'h1', TRUE, FALSE, '{NOW}')",
    )
    sql(
        db_url,
        "INSERT INTO plans (id, agency, created_by, handling_code, exercise, operation_id, "
        f"created_at, latest_version) VALUES ('p1', 'GEO-MIA', 'u1', 'H2', TRUE, 'OP', '{NOW}', 1)",
    )
    command.upgrade(cfg, "0007")
    assert {"id", "plan_id", "kind", "number", "agency", "attempt", "input_json"} <= columns(
        db_url, "tasks"
    )
    sql(
        db_url,
        "INSERT INTO tasks (id, plan_id, kind, number, version, agency, exercise, status, "
        "attempt, deadline_seconds, cancel_requested, input_json, stored_bytes, created_by, "
        "created_at) VALUES ('t1', 'p1', 'judgement', 1, 1, 'GEO-MIA', TRUE, 'queued', 0, 60.0, "
        f"FALSE, '{{}}', 2, 'u1', '{NOW}')",
    )
    command.downgrade(cfg, "0006")
    assert sql(db_url, "SELECT id FROM plans") == [("p1",)]
    command.upgrade(cfg, "head")


def test_0008_adds_commitments(db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0007")
    sql(
        db_url,
        "INSERT INTO users (id, name, role, agency, token_sha256, active, pending, created_at) "
        f"VALUES ('u1', 'ana', 'planner', 'GEO-MIA', 'h1', TRUE, FALSE, '{NOW}')",
    )
    sql(
        db_url,
        "INSERT INTO plans (id, agency, created_by, handling_code, exercise, operation_id, "
        "created_at, latest_version) "
        f"VALUES ('p1', 'GEO-MIA', 'u1', 'H2', FALSE, 'OP', '{NOW}', 1)",
    )
    command.upgrade(cfg, "0008")
    sql(
        db_url,
        "INSERT INTO commitments (id, plan_id, version, operation, plan_agency, exercise, team, "
        "agency, committed_from, committed_to, created_by, created_at) VALUES ('c1', 'p1', 1, "
        f"'OP', 'GEO-MIA', FALSE, 'T1', 'GE-MIA', '{NOW}', '{NOW}', 'u1', '{NOW}')",
    )
    assert sql(db_url, "SELECT team FROM commitments") == [("T1",)]
    command.downgrade(cfg, "0007")
    assert "commitments" not in inspect(create_engine(normalise_url(db_url))).get_table_names()
    command.upgrade(cfg, "head")
