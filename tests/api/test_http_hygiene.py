"""HTTP details that leak or lock: cache and sniffing headers on every authenticated answer,
HEAD, trailing slashes, requests in flight, requests that never finished (the access log is
checked on a live server in test_connections)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import select
from starlette.types import Message

import api.store.plans
from api.db.tables import AuditRow
from api.limits import CLIENT_CLOSED, BodyLimit
from tests.api.conftest import (
    AGENCIES,
    Solved,
    World,
    fresh_database,
    make_world,
    scenario_body,
    seed_plan,
    test_settings,
)

OWN, OTHER = AGENCIES


def rows_for(world: World, request_id: str) -> list[AuditRow]:
    with world.db.read() as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.request_id == request_id)))


def test_every_authenticated_answer_is_no_store_and_nosniff(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    c = world.client
    calls = [
        ("planner", "GET", "/v1/plans", None),
        ("planner", "GET", f"/v1/plans/{pid}", None),
        ("planner", "GET", f"/v1/plans/{pid}/versions", None),
        ("planner", "GET", f"/v1/plans/{pid}/grants", None),
        ("planner", "GET", f"/v1/plans/{pid}/access", None),
        ("planner", "GET", f"/v1/plans/{pid}/map", None),
        ("planner", "GET", "/v1/geodata/countries", None),
        ("planner", "POST", "/v1/scenarios/validate", scenario_body()),
        ("auditor", "GET", "/v1/audit", None),
        ("auditor", "GET", "/v1/audit/verify", None),
        ("admin", "GET", "/v1/admin/users", None),
        ("admin", "GET", "/v1/admin/queue", None),
        ("admin", "POST", "/v1/admin/users", {"name": "n1", "role": "planner", "agency": OWN}),
        ("planner", "GET", "/v1/admin/users", None),  # refused
        ("planner", "GET", "/v1/nowhere", None),  # not found
    ]
    for role, method, url, body in calls:
        r = c.request(method, url, json=body, headers=world.headers(role))
        assert r.status_code < 500, (url, r.text)
        assert r.headers.get("cache-control") == "no-store", (method, url)
        assert r.headers.get("x-content-type-options") == "nosniff", (method, url)


def test_head_is_answered_like_get_without_a_body(world: World, aurora: Solved) -> None:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    h = world.headers("planner")
    for url in (f"/v1/plans/{pid}", f"/v1/plans/{pid}/map", "/v1/plans", "/v1/geodata/ports"):
        get = world.client.get(url, headers=h)
        head = world.client.head(url, headers=h)
        assert head.status_code == get.status_code == 200, url
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        [row] = rows_for(world, head.headers["x-request-id"])
        assert (row.method, row.status_code, row.action) == (
            "HEAD",
            200,
            rows_for(world, get.headers["x-request-id"])[0].action,
        )
    # The public paths too.
    health = world.client.head("/healthz")
    assert health.status_code == 200 and health.content == b""
    # HEAD is refused exactly when GET is.
    assert world.client.head("/v1/audit", headers=h).status_code == 403
    # And a 405 names it among the methods a path takes.
    r = world.client.put(f"/v1/plans/{pid}", headers=h)
    assert r.status_code == 405 and r.headers["allow"] == "DELETE, GET, HEAD"


def test_a_trailing_slash_is_404_and_never_reflects_the_host(world: World) -> None:
    h = {**world.headers("planner"), "host": "evil.example"}
    for url in ("/v1/plans/", "/v1/geodata/countries/", "/v1/admin/users/"):
        r = world.client.get(url, headers=h, follow_redirects=False)
        assert r.status_code == 404, url
        assert "location" not in r.headers and "evil.example" not in r.text


@pytest.fixture
def one_at_a_time(tmp_path: Path) -> Iterator[World]:
    url = next(fresh_database("sqlite", tmp_path))
    yield from make_world(test_settings(tmp_path, url, max_requests_in_flight=1), supervise=False)


def test_requests_over_the_in_flight_cap_get_503_audited(
    one_at_a_time: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = one_at_a_time
    entered, release = threading.Event(), threading.Event()
    real = api.store.plans.list_plans

    def slow(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(api.store.plans, "list_plans", slow)
    first: list[Any] = []
    headers = world.headers("planner")
    t = threading.Thread(
        target=lambda: first.append(world.client.get("/v1/plans", headers=headers))
    )
    t.start()
    assert entered.wait(10)
    busy = world.client.get("/v1/geodata/ports", headers=world.headers("coordinator"))
    release.set()
    t.join(10)
    assert first[0].status_code == 200
    assert busy.status_code == 503 and busy.json()["error"]["code"] == "server_busy"
    assert int(busy.headers["retry-after"]) >= 1
    [row] = rows_for(world, busy.headers["x-request-id"])
    assert (row.status_code, row.outcome, row.client) == (503, "error", "testclient")


def test_a_client_gone_mid_body_is_audited() -> None:
    """At the ASGI level: half a body, then the client disconnects. The app never runs; the
    attempt is still handed to the auditor."""
    audited: list[int] = []

    async def on_reject(scope: Any, status: int) -> dict[str, str]:
        audited.append(status)
        return {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app ran")

    messages: list[Message] = [
        {"type": "http.request", "body": b'{"sch', "more_body": True},
        {"type": "http.disconnect"},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        raise AssertionError("nobody to answer")

    scope = {"type": "http", "method": "POST", "path": "/v1/plans", "headers": []}
    anyio.run(BodyLimit(app, 1024, on_reject=on_reject), scope, receive, send)
    assert audited == [CLIENT_CLOSED]
