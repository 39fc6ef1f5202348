"""A head exported off the host proves the chain was not rewritten from some row onwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

import api.db.audit
from api.db.engine import normalise_url
from api.db.tables import AuditRow
from cli.main import app as cli
from tests.api.conftest import World


@pytest.fixture
def superuser(world: World) -> Iterator[Engine]:
    engine = create_engine(normalise_url(world.db.url))
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER audit_no_update")
        else:
            c.exec_driver_sql("ALTER TABLE audit DISABLE TRIGGER audit_no_change")
    yield engine
    engine.dispose()


def cdplan(world: World, *args: str) -> tuple[int, str]:
    out = CliRunner().invoke(cli, list(args), env={"CDPLAN_DATABASE_URL": world.db.url})
    return out.exit_code, out.output


def test_verify_against_an_exported_head(world: World, superuser: Engine) -> None:
    for _ in range(5):
        world.client.get("/v1/plans", headers=world.headers("planner"))
    code, out = cdplan(world, "audit", "head")
    assert code == 0
    exported = out.strip().splitlines()[-1]
    assert len(exported) == 64
    # More rows since: the exported head is still in the chain.
    world.client.get("/v1/plans", headers=world.headers("planner"))
    assert cdplan(world, "audit", "verify", "--head", exported)[0] == 0
    r = world.client.get(f"/v1/audit/verify?head={exported}", headers=world.headers("auditor"))
    assert r.status_code == 200 and r.json()["ok"] is True

    # Rewrite the chain from row 3 on, every hash recomputed: it verifies by itself...
    with world.db.read() as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))
    prev = rows[2].prev_hash
    update = text(
        "UPDATE audit SET outcome = :outcome, prev_hash = :prev, hash = :hash WHERE seq = :seq"
    )
    with superuser.begin() as c:
        for row in rows[2:]:
            values = api.db.audit._values(row)
            values["prev_hash"] = prev
            if row.seq == 3:
                values["outcome"] = "denied"
            digest = api.db.audit._digest(prev, {k: values[k] for k in api.db.audit.FIELDS})
            c.execute(
                update, {"outcome": values["outcome"], "prev": prev, "hash": digest, "seq": row.seq}
            )
            prev = digest
    code, out = cdplan(world, "audit", "verify")
    assert code == 0, out
    # ... but not against the head kept elsewhere.
    code, out = cdplan(world, "audit", "verify", "--head", exported)
    assert code == 1 and "rewritten" in out
    r = world.client.get(f"/v1/audit/verify?head={exported}", headers=world.headers("auditor"))
    assert r.json()["ok"] is False
    bad = world.client.get("/v1/audit/verify?head=xyz", headers=world.headers("auditor"))
    assert bad.status_code == 422
