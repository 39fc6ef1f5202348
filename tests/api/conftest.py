"""Fixtures for the HTTP API: a real database (SQLite file, and PostgreSQL on 127.0.0.1), one
user per role and agency, and plans already solved (so most tests need no solver).

PostgreSQL tests skip when no server answers, except when CDPLAN_REQUIRE_POSTGRES=1 (set by
.ci/run), where a missing server is a failure.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.app import create_app
from api.db.audit import AuditEntry
from api.security import Principal, Role
from api.settings import Settings, load_settings
from api.store import jobs, plans
from api.store.database import Database
from api.store.quotas import Limits
from api.store.users import add_user
from geodata import Geodata
from planner.engine import plan as make_plan
from planner.exports.write import OUTPUTS, render_all
from planner.io import parse_scenario

ROOT = Path(__file__).resolve().parents[2]
AURORA = ROOT / "planner/examples/aurora-batumi-sofia.yaml"
PG_URL = os.environ.get("CDPLAN_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CDPLAN_REQUIRE_POSTGRES") == "1"
AGENCIES = ("GEO-MIA", "BGR-GDBOP")
DATABASES = ("sqlite", "postgresql")


def scenario_body(path: Path = AURORA, **solver: Any) -> dict[str, Any]:
    """A bundled scenario as the JSON a client would send."""
    data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
    if solver:
        data["solver"] = {**data.get("solver", {}), **solver}
    return data


def _pg_admin() -> Any:
    return create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


def _pg_up() -> bool:
    try:
        with _pg_admin().connect() as c:
            c.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the given kind, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'cdplan.db'}"
        return
    if not _pg_up():
        if REQUIRE_PG:
            pytest.fail(f"CDPLAN_REQUIRE_POSTGRES=1 but {PG_URL} does not answer")
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    name = f"cdplan_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(request.param, tmp_path)


def test_settings(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "database_url": url,
        "poll_seconds": 0.1,
        "lease_seconds": 3.0,
        "cancel_wait_seconds": 20.0,
    }
    values.update(overrides)
    return load_settings(**values)


test_settings.__test__ = False  # type: ignore[attr-defined]


@dataclass
class World:
    """An app on a real database with one user per (role, agency)."""

    app: FastAPI
    client: TestClient
    db: Database
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    principals: dict[tuple[str, str], Principal] = field(default_factory=dict)

    def headers(self, role: str, agency: str = AGENCIES[0]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(role, agency)]}"}


def make_world(settings: Settings, *, supervise: bool) -> Iterator[World]:
    app = create_app(settings, supervise=supervise)
    db: Database = app.state.services.db
    world = World(app=app, client=TestClient(app), db=db)
    for role in Role:
        for agency in AGENCIES:
            new = add_user(db, f"{role.value}-{agency}", role.value, agency)
            world.tokens[(role.value, agency)] = new.token
            world.principals[(role.value, agency)] = new.principal
    with world.client:
        yield world


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    """No supervisor: jobs stay queued unless a test finishes them (see seed_plan)."""
    yield from make_world(test_settings(tmp_path, db_url), supervise=False)


@dataclass(frozen=True)
class Solved:
    scenario_json: str
    plan_json: str
    plan_status: str
    artifacts: dict[str, tuple[str, bytes]]


@pytest.fixture(scope="session")
def aurora(geo: Geodata) -> Solved:
    """Operation Aurora planned once per session, with every output rendered."""
    scenario = parse_scenario(scenario_body())
    result = make_plan(scenario, geo)
    artifacts = {
        name: (OUTPUTS[name][0], text.encode("utf-8"))
        for name, text in render_all(result, geo).items()
    }
    return Solved(
        scenario.model_dump_json(by_alias=True, exclude_none=True),
        result.to_json(),
        result.status,
        artifacts,
    )


def seed_plan(db: Database, owner: Principal, solved: Solved | None = None) -> str:
    """A plan submitted by ``owner``; with ``solved``, its job is finished with that result."""
    scenario_json = solved.scenario_json if solved else json.dumps(scenario_body())
    entry = AuditEntry(
        request_id=str(uuid.uuid4()), action="plans.submit", method="POST", path="/v1/plans"
    )
    new = plans.NewPlan(scenario_json, "OP-AURORA", "H2", deadline_seconds=120.0)
    sub = plans.submit(db, owner, new, entry=entry, limits=Limits(max_queued=10_000))
    if solved is not None:
        claim = jobs.claim_next(db, 60.0, 3, plan_id=sub.plan.id)
        assert claim is not None and claim.plan_id == sub.plan.id
        assert jobs.complete(
            db,
            claim,
            plan_json=solved.plan_json,
            plan_status=solved.plan_status,
            artifacts=solved.artifacts,
        )
    return sub.plan.id


def drain(db: Database, plan_id: str | None = None) -> list[int]:
    """Run every waiting job (of one plan, or all) here, with the worker's own code; the exit
    codes, in order. For tests that need real results without a supervisor."""
    from api import worker

    codes = []
    while (claim := jobs.claim_next(db, 60.0, 3, plan_id=plan_id, exercise_slots=100)) is not None:
        codes.append(worker.run(db, claim))
    return codes
