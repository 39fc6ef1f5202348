"""Accounts: tokens expire, accounts can be disabled and tokens rotated (command line and API),
an administrator cannot read an agency's plans by making itself an account there, and agency
ids are one agency whatever their case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from api.db.clock import utcnow
from api.db.tables import User
from cli.main import app as cli
from tests.api.conftest import AGENCIES, Solved, World, seed_plan

OWN, OTHER = AGENCIES


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def run(world: World, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env={"CDPLAN_DATABASE_URL": world.db.url})


def test_an_expired_token_is_refused(world: World) -> None:
    h = world.headers("planner")
    assert world.client.get("/v1/plans", headers=h).status_code == 200
    with world.db.begin() as s:
        s.execute(
            update(User)
            .where(User.id == world.principals[("planner", OWN)].id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    r = world.client.get("/v1/plans", headers=h)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_tokens_expire_after_cdplan_token_days(world: World, monkeypatch: Any) -> None:
    monkeypatch.setenv("CDPLAN_TOKEN_DAYS", "2")
    out = run(world, "users", "add", "dora", "--role", "coordinator", "--agency", OWN)
    assert out.exit_code == 0, out.output
    listed = run(world, "users", "list")
    [line] = [ln for ln in listed.output.splitlines() if ln.startswith("dora ")]
    in_two_days = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%d")
    assert in_two_days in line and "active" in line and line.rstrip().endswith("host")


def test_cli_disable_rotate_and_list(world: World) -> None:
    out = run(world, "users", "add", "eve", "--role", "planner", "--agency", OWN)
    first = out.output.strip().splitlines()[-1]
    assert world.client.get("/v1/plans", headers=bearer(first)).status_code == 200
    rotated = run(world, "users", "rotate", "eve")
    assert rotated.exit_code == 0, rotated.output
    second = rotated.output.strip().splitlines()[-1]
    assert second != first and second.startswith("cdp_")
    assert world.client.get("/v1/plans", headers=bearer(first)).status_code == 401
    assert world.client.get("/v1/plans", headers=bearer(second)).status_code == 200
    assert run(world, "users", "disable", "eve").exit_code == 0
    assert world.client.get("/v1/plans", headers=bearer(second)).status_code == 401
    listed = run(world, "users", "list").output
    assert any(ln.startswith("eve ") and "disabled" in ln for ln in listed.splitlines())
    assert "cdp_" not in listed
    missing = run(world, "users", "disable", "nobody")
    assert missing.exit_code == 2 and "no such user" in missing.output


def test_an_admin_cannot_read_another_agencys_plans_by_making_an_account(
    world: World, aurora: Solved
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    colleague = made_planner(world)
    admin = world.headers("admin", OTHER)
    made = world.client.post(
        "/v1/admin/users", json={"name": "mole", "role": "planner", "agency": OWN}, headers=admin
    )
    assert made.status_code == 201, made.text
    assert made.headers["cache-control"] == "no-store"
    assert made.json()["state"] == "pending" and made.json()["created_by"] == f"admin-{OTHER}"
    mole = bearer(made.json()["token"])
    assert world.client.get(f"/v1/plans/{pid}", headers=mole).status_code == 401
    # Rotating a real planner's token through the API does not hand the admin a working token.
    rotated = world.client.post("/v1/admin/users/planner-GEO-MIA/rotate", headers=admin)
    assert rotated.status_code == 201 and rotated.json()["state"] == "pending"
    assert world.client.get("/v1/plans", headers=bearer(rotated.json()["token"])).status_code == 401
    # The agency's planners see who made which account of theirs, and vouch or refuse.
    r = world.client.get("/v1/agency/users", headers=colleague)
    assert r.status_code == 200, r.text
    listed = r.json()["items"]
    assert {u["name"]: (u["state"], u["created_by"]) for u in listed}["mole"] == (
        "pending",
        f"admin-{OTHER}",
    )
    assert all(u["agency"] == OWN for u in listed)
    assert world.client.post("/v1/agency/users/mole/disable", headers=colleague).status_code == 200
    refused = world.client.post("/v1/agency/users/mole/activate", headers=colleague)
    assert refused.status_code == 409
    assert world.client.get(f"/v1/plans/{pid}", headers=mole).status_code == 401
    # A planner of another agency cannot touch this agency's accounts.
    stranger = world.headers("planner", OTHER)
    assert (
        world.client.post("/v1/agency/users/planner-GEO-MIA/activate", headers=stranger).status_code
        == 404
    )
    # Activated by its own agency, the rotated account works again.
    assert (
        world.client.post(
            "/v1/agency/users/planner-GEO-MIA/activate", headers=world.headers("coordinator", OWN)
        ).status_code
        == 403
    )
    again = world.client.post("/v1/agency/users/planner-GEO-MIA/activate", headers=colleague)
    assert again.status_code == 200 and again.json()["state"] == "active"
    assert (
        world.client.get(f"/v1/plans/{pid}", headers=bearer(rotated.json()["token"])).status_code
        == 200
    )


def made_planner(world: World) -> dict[str, str]:
    """A second planner of the agency, made on the host (trusted)."""
    out = CliRunner().invoke(
        cli,
        ["users", "add", "second-planner", "--role", "planner", "--agency", OWN],
        env={"CDPLAN_DATABASE_URL": world.db.url},
    )
    return bearer(out.output.strip().splitlines()[-1])


def test_admin_api_disables_and_roles_across_agencies_activate_on_the_host(world: World) -> None:
    admin = world.headers("admin")
    made = world.client.post(
        "/v1/admin/users", json={"name": "aud2", "role": "auditor", "agency": OWN}, headers=admin
    )
    token = bearer(made.json()["token"])
    r = world.client.post("/v1/agency/users/aud2/activate", headers=world.headers("planner"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "activate_on_host"
    assert run(world, "users", "activate", "aud2").exit_code == 0
    assert world.client.get("/v1/audit/verify", headers=token).status_code == 200
    off = world.client.post("/v1/admin/users/aud2/disable", headers=admin)
    assert off.status_code == 200 and off.json()["state"] == "disabled"
    assert world.client.get("/v1/audit/verify", headers=token).status_code == 401


@pytest.mark.parametrize("spelling", ["geo-mia", "Geo-Mia", "GEO-MIA"])
def test_agency_ids_are_one_agency_whatever_their_case(
    world: World, aurora: Solved, spelling: str
) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    h = world.headers("planner")
    r = world.client.post(f"/v1/plans/{pid}/grants", json={"agency": spelling}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "grant_to_owner"
    g = world.client.post(f"/v1/plans/{pid}/grants", json={"agency": "bgr-gdbop"}, headers=h)
    assert g.status_code == 201 and [i["agency"] for i in g.json()["items"]] == [OTHER]
    assert (
        world.client.get(
            f"/v1/plans/{pid}", headers=world.headers("coordinator", OTHER)
        ).status_code
        == 200
    )
    gone = world.client.delete(f"/v1/plans/{pid}/grants/Bgr-Gdbop", headers=h)
    assert gone.status_code == 200 and gone.json()["items"] == []
    made = run(
        world,
        "users",
        "add",
        f"low-{spelling}",
        "--role",
        "coordinator",
        "--agency",
        spelling.lower(),
    )
    assert f"agency {OWN}" in made.output
