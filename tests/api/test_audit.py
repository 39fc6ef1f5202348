"""The audit log: one row per request (allowed, refused or failed), hash-chained, append-only,
readable by auditors only, and the service fails closed when it cannot write it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

import api.db.audit
import api.store.plans
from api.db.engine import normalise_url
from api.db.tables import AuditRow, PlanDoc
from cli.main import app as cli
from tests.api.conftest import AGENCIES, Solved, World, scenario_body, seed_plan

OWN, OTHER = AGENCIES
CONTENT = (  # every column but seq: what "swapping two rows" exchanges
    "at",
    "request_id",
    "user_id",
    "user_name",
    "agency",
    "role",
    "action",
    "method",
    "path",
    "object_id",
    "object_agency",
    "handling_code",
    "outcome",
    "status_code",
    "client",
    "prev_hash",
    "hash",
)


def rows_after(world: World, seq: int) -> list[AuditRow]:
    with world.db.begin() as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.seq > seq).order_by(AuditRow.seq)))


def last_seq(world: World) -> int:
    with world.db.begin() as s:
        return int(s.scalar(select(func.max(AuditRow.seq))) or 0)


def verify(world: World) -> dict[str, Any]:
    r = world.client.get("/v1/audit/verify", headers=world.headers("auditor"))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# --- (a) coverage: one row per request, with what happened -----------------------------------


def test_every_request_leaves_exactly_one_row_with_its_request_id(
    world: World, aurora: Solved
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    start = last_seq(world)
    c = world.client
    planner, other = world.headers("planner"), world.headers("planner", OTHER)
    # (response, action, outcome, role/None when unauthenticated, object_id expected)
    done: list[tuple[Any, str, str, str | None, str | None]] = []

    def did(r: Any, action: str, outcome: str, role: str | None, obj: str | None) -> None:
        done.append((r, action, outcome, role, obj))

    did(c.get("/v1/plans", headers=planner), "plans.list", "allowed", "planner", None)
    did(c.get(f"/v1/plans/{pid}", headers=planner), "plans.read", "allowed", "planner", pid)
    did(c.get(f"/v1/plans/{pid}/map", headers=planner), "plans.output", "allowed", "planner", pid)
    # A refused request on a plan's path records the id it asked for (for the owner's report).
    did(c.get(f"/v1/plans/{pid}"), "plans.read", "denied", None, pid)
    bad = {"Authorization": "Bearer cdp_nope"}
    did(c.get(f"/v1/plans/{pid}", headers=bad), "plans.read", "denied", None, pid)
    coord = world.headers("coordinator")
    did(c.delete(f"/v1/plans/{pid}", headers=coord), "plans.cancel", "denied", "coordinator", pid)
    did(c.get(f"/v1/plans/{pid}", headers=other), "plans.read", "denied", "planner", pid)
    did(c.get("/v1/plans?limit=0", headers=planner), "plans.list", "rejected", "planner", None)
    new = c.post("/v1/plans", json=scenario_body(), headers=planner)
    did(new, "plans.submit", "allowed", "planner", new.json()["id"])
    broken = {**scenario_body(), "teams": []}
    did(
        c.post("/v1/plans", json=broken, headers=planner),
        "plans.submit",
        "rejected",
        "planner",
        None,
    )
    g = c.post(f"/v1/plans/{pid}/grants", json={"agency": OTHER}, headers=planner)
    did(g, "plans.grants.write", "allowed", "planner", pid)
    did(c.delete(f"/v1/plans/{pid}", headers=other), "plans.cancel", "denied", "planner", pid)
    did(c.get("/v1/nowhere", headers=planner), "unknown", "denied", "planner", None)

    expected_status = [200, 200, 200, 401, 401, 403, 404, 422, 202, 422, 201, 403, 404]
    assert [r.status_code for r, *_ in done] == expected_status
    rows = rows_after(world, start)
    assert len(rows) == len(done)
    by_id = {row.request_id: row for row in rows}
    assert len(by_id) == len(done), "a request id appears twice"
    for r, action, outcome, role, obj in done:
        rid = r.headers.get("x-request-id")
        assert rid and uuid.UUID(rid).version == 4
        row = by_id[rid]
        where = f"{r.request.method} {r.request.url.path} -> {r.status_code}"
        assert (row.status_code, row.outcome, row.action) == (r.status_code, outcome, action), where
        assert row.method == r.request.method and row.path == r.request.url.path, where
        assert row.at is not None and row.client, where
        if role is None:
            assert row.user_id is None and row.agency is None and row.role is None, where
        else:
            assert row.role == role and row.user_id and row.user_name and row.agency, where
        assert row.object_id == obj, where
    # The owner's plan, read by the owner: the row carries its agency and handling code; seen
    # by another agency: only the id it asked for (nothing about the plan itself).
    read_own, read_other = (
        by_id[done[1][0].headers["x-request-id"]],
        by_id[done[6][0].headers["x-request-id"]],
    )
    assert (read_own.object_agency, read_own.handling_code) == (OWN, "H2")
    assert (read_other.object_agency, read_other.handling_code) == (None, None)


def test_a_crash_is_audited_and_answered_with_its_request_id(
    world: World, monkeypatch: Any
) -> None:
    """An unhandled error is an attempt too: one row, outcome error, and the request id
    the 500 body points to."""

    def crash(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(api.store.plans, "list_plans", crash)
    client = TestClient(world.app, raise_server_exceptions=False)
    start = last_seq(world)
    r = client.get("/v1/plans", headers=world.headers("planner"))
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
    rows = rows_after(world, start)
    assert [(x.request_id, x.status_code, x.outcome, x.action) for x in rows] == [
        (r.headers["x-request-id"], 500, "error", "plans.list")
    ]
    assert "a bug" not in r.text


# --- (b) auditors verify and read; both are audited; nobody else may -------------------------


def test_auditor_verifies_and_reads_and_both_are_audited(world: World) -> None:
    world.client.get("/v1/plans", headers=world.headers("planner"))
    with world.db.begin() as s:
        count = s.scalar(select(func.count()).select_from(AuditRow))
        head = s.scalar(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1))
    r = world.client.get("/v1/audit/verify", headers=world.headers("auditor"))
    assert r.status_code == 200
    assert r.json() == {
        "ok": True,
        "rows": count,
        "first_bad_seq": None,
        "problem": None,
        "head": head,
    }
    page = world.client.get("/v1/audit?limit=100", headers=world.headers("auditor"))
    assert page.status_code == 200
    items = page.json()["items"]
    assert [i["action"] for i in items][-1] == "audit.verify"  # the verify call, seen here
    rows = {row.request_id: row for row in rows_after(world, 0)}
    for resp, action in ((r, "audit.verify"), (page, "audit.read")):
        row = rows[resp.headers["x-request-id"]]
        assert (row.action, row.outcome, row.role, row.status_code) == (
            action,
            "allowed",
            "auditor",
            200,
        )


def test_only_auditors_reach_the_audit_log(world: World) -> None:
    for path in ("/v1/audit", "/v1/audit/verify"):
        for role in ("planner", "coordinator", "trainer", "admin"):
            for agency in AGENCIES:
                r = world.client.get(path, headers=world.headers(role, agency))
                assert r.status_code == 403, (path, role, r.text)
                assert "hash" not in r.text
        assert world.client.get(path, headers=world.headers("auditor", OTHER)).status_code == 200


# --- (c) tampering by someone with database superuser access ----------------------------------


@pytest.fixture
def superuser(world: World) -> Iterator[Engine]:
    """A connection that bypasses the append-only triggers, as an attacker with DBA rights."""
    engine = create_engine(normalise_url(world.db.url))
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_no_update")
            c.exec_driver_sql("DROP TRIGGER audit_no_delete")
        else:
            c.exec_driver_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    yield engine
    engine.dispose()


def some_rows(world: World, n: int = 6) -> None:
    for _ in range(n):
        assert world.client.get("/v1/plans", headers=world.headers("planner")).status_code == 200
    assert verify(world)["ok"] is True


def test_an_edited_row_is_named(world: World, superuser: Engine) -> None:
    some_rows(world)
    with superuser.begin() as c:
        c.execute(text("UPDATE audit SET user_name = 'someone-else' WHERE seq = 3"))
    v = verify(world)
    assert (v["ok"], v["first_bad_seq"], v["problem"]) == (False, 3, "the row was changed")


def test_a_rehashed_row_breaks_the_next_link_and_a_rewritten_chain_the_head(
    world: World, superuser: Engine
) -> None:
    """Re-hashing the changed row breaks the link of the row after it; re-hashing every row
    after it passes the walk, and only the head exported off-host shows it."""
    some_rows(world)
    with world.db.begin() as s:  # checked in the database here: a request would add rows
        exported_head = api.db.audit.verify(s).head
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))
    changed = []
    prev = rows[2].prev_hash
    for row in rows[2:]:
        values = api.db.audit._values(row)
        values["prev_hash"] = prev
        if row.seq == 3:
            values["status_code"], values["outcome"] = 403, "denied"
        new = api.db.audit._digest(prev, {k: values[k] for k in api.db.audit.FIELDS})
        changed.append({**values, "hash": new})
        prev = new
    update = text(
        "UPDATE audit SET status_code = :status_code, outcome = :outcome, "
        "prev_hash = :prev_hash, hash = :hash WHERE seq = :seq"
    )
    with superuser.begin() as c:
        c.execute(update, changed[0])
    with world.db.begin() as s:
        v = api.db.audit.verify(s)
    assert (v.ok, v.first_bad_seq, v.problem) == (
        False,
        4,
        "the link to the previous row is broken",
    )
    with superuser.begin() as c:
        for values in changed[1:]:
            c.execute(update, values)
    with world.db.begin() as s:
        v = api.db.audit.verify(s)
    assert v.ok is True and v.rows == len(rows) and v.head != exported_head


def test_a_deleted_row_is_named(world: World, superuser: Engine) -> None:
    some_rows(world)
    with superuser.begin() as c:
        c.execute(text("DELETE FROM audit WHERE seq = 4"))
    v = verify(world)
    assert (v["ok"], v["first_bad_seq"], v["problem"]) == (False, 4, "a row is missing")


def test_two_swapped_rows_are_detected(world: World, superuser: Engine) -> None:
    some_rows(world)
    cols = ", ".join(CONTENT)
    with superuser.begin() as c:
        a, b = (
            dict(c.execute(text(f"SELECT {cols} FROM audit WHERE seq = {n}")).mappings().one())
            for n in (3, 5)
        )
        sets = ", ".join(f"{k} = :{k}" for k in CONTENT)
        c.execute(text(f"UPDATE audit SET {sets} WHERE seq = 3"), b)
        c.execute(text(f"UPDATE audit SET {sets} WHERE seq = 5"), a)
    v = verify(world)
    assert (v["ok"], v["first_bad_seq"]) == (False, 3)


# --- (d) append-only through any normal connection --------------------------------------------


APPEND_ONLY = (
    "UPDATE audit SET outcome = 'allowed' WHERE seq = 1",
    "UPDATE audit SET hash = hash",
    "DELETE FROM audit WHERE seq = 1",
    "DELETE FROM audit",
)


def test_update_and_delete_are_refused_by_the_database(world: World) -> None:
    some_rows(world, 2)
    before = last_seq(world)
    # Through the app's own pool, and through a fresh engine of the service's URL.
    engine = create_engine(normalise_url(world.db.url))
    try:
        extra = ("TRUNCATE audit",) if world.db.dialect == "postgresql" else ()
        for statement in (*APPEND_ONLY, *extra):
            with pytest.raises(DBAPIError, match="append-only"), world.db.begin() as s:
                s.execute(text(statement))
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
                c.execute(text(statement))
    finally:
        engine.dispose()
    assert last_seq(world) == before
    assert verify(world)["ok"] is True


# --- (e) the command line -------------------------------------------------------------------


def test_cli_verify_exit_codes(world: World, superuser: Engine) -> None:
    some_rows(world, 4)
    runner = CliRunner()
    env = {"CDPLAN_DATABASE_URL": world.db.url}
    ok = runner.invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with superuser.begin() as c:
        c.execute(text("UPDATE audit SET path = '/v1/elsewhere' WHERE seq = 2"))
    bad = runner.invoke(cli, ["audit", "verify"], env=env)
    assert bad.exit_code == 1, bad.output
    assert "row 2" in bad.output


# --- (f) fail closed ------------------------------------------------------------------------


def test_no_audit_row_no_answer(world: World, aurora: Solved, monkeypatch: Any) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    with world.db.begin() as s:
        plans_before = s.scalar(select(func.count()).select_from(PlanDoc))
    before = last_seq(world)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("audit disk full")

    monkeypatch.setattr(api.db.audit, "append", broken)
    h = world.headers("planner")
    # The submit route's own transaction fails too (500 inside): the client still sees 503.
    client = TestClient(world.app, raise_server_exceptions=False)
    for method, url, body in (
        ("GET", f"/v1/plans/{pid}", None),
        ("GET", f"/v1/plans/{pid}/map", None),
        ("GET", f"/v1/plans/{pid}/geojson", None),
        ("POST", "/v1/plans", scenario_body()),
    ):
        r = client.request(method, url, json=body, headers=h)
        assert r.status_code == 503, (url, r.status_code)
        assert r.json()["error"]["code"] == "audit_unavailable"
        assert int(r.headers["retry-after"]) >= 1
        assert "OP-AURORA" not in r.text and "Aurora" not in r.text and pid not in r.text
    # Refusals are not exempt: without a row, not even the 401 or 403 goes out.
    assert client.get(f"/v1/plans/{pid}").status_code == 503
    assert client.get("/v1/audit", headers=h).status_code == 503
    monkeypatch.undo()
    assert last_seq(world) == before
    with world.db.begin() as s:
        assert s.scalar(select(func.count()).select_from(PlanDoc)) == plans_before
    assert verify(world)["ok"] is True
