"""No client can exhaust the service or make it echo what was sent: every limit holds exactly.

The tests prove the body cap (413 before authentication, counted as the bytes stream in, and
audited), the scenario caps (at the cap accepted, one past it a 422 naming the field), the
per-user and per-client rate limits (429 with Retry-After), bounded pages, errors that never
repeat submitted coordinates or names, and strict JSON (malformed bodies, wrong content types,
unknown fields and lax types refused).

Most of these do not depend on the database: they run on SQLite only (``lite``), except where the
limit is counted in the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import select
from starlette.types import Message

from api.db.tables import AuditRow
from api.limits import BodyLimit
from planner.scenario import MAX_AGENCIES, MAX_TEAMS
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
CAP = 1_048_576  # the default max_body_bytes
JSON = {"content-type": "application/json"}


@pytest.fixture
def make_lite(tmp_path: Path) -> Iterator[Callable[..., World]]:
    """Worlds on SQLite with the given settings (closed at the end of the test)."""
    gens: list[Iterator[World]] = []

    def make(**overrides: Any) -> World:
        sub = tmp_path / f"w{len(gens)}"
        sub.mkdir()
        urls = fresh_database("sqlite", sub)
        url = next(urls)
        gen = make_world(test_settings(sub, url, **overrides), supervise=False)
        gens.append(gen)
        return next(gen)

    yield make
    for gen in gens:
        gen.close()


@pytest.fixture
def lite(make_lite: Callable[..., World]) -> World:
    return make_lite()


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        yield b" " * n
        sent += n


def assert_too_large(r: Any, limit: int = CAP) -> None:
    assert r.status_code == 413, r.text[:200]
    err = r.json()["error"]
    assert err["code"] == "body_too_large" and err["field"] == "body"
    assert str(limit) in err["message"]


# --- (a) body cap -------------------------------------------------------------------------


def test_a_chunked_2mb_body_gets_413_before_auth(lite: World) -> None:
    for headers in ({**JSON, **lite.headers("planner")}, JSON):  # with and without a token
        r = lite.client.post("/v1/plans", content=chunks(2_000_000), headers=headers)
        assert "content-length" not in r.request.headers
        assert r.request.headers["transfer-encoding"] == "chunked"
        assert_too_large(r)


def test_a_413_is_audited_with_who_sent_it(lite: World) -> None:
    r = lite.client.post(
        "/v1/plans", content=chunks(2_000_000), headers={**JSON, **lite.headers("planner")}
    )
    assert_too_large(r)
    with lite.db.begin() as s:
        row = s.scalar(select(AuditRow).where(AuditRow.request_id == r.headers["x-request-id"]))
        assert row is not None
        assert (row.status_code, row.outcome, row.action) == (413, "rejected", "plans.submit")
        assert row.role == "planner"


def test_a_declared_length_over_the_cap_gets_413(lite: World) -> None:
    r = lite.client.post(
        "/v1/plans", content=b" " * (2 * CAP), headers={**JSON, **lite.headers("planner")}
    )
    assert r.request.headers["content-length"] == str(2 * CAP)
    assert_too_large(r)


def test_the_cap_is_exact(lite: World) -> None:
    h = {**JSON, **lite.headers("planner")}
    # A JSON string padded to exactly the cap is read (and refused as a scenario); one byte more
    # is not read at all.
    at_cap = json.dumps({"pad": ""}).encode()
    at_cap = json.dumps({"pad": " " * (CAP - len(at_cap))}).encode()
    assert len(at_cap) == CAP
    assert lite.client.post("/v1/plans", content=at_cap, headers=h).status_code == 422
    assert_too_large(lite.client.post("/v1/plans", content=at_cap + b" ", headers=h))
    assert_too_large(lite.client.post("/v1/plans", content=chunks(CAP + 1), headers=h))


def test_the_cap_counts_streamed_bytes_and_never_calls_the_app() -> None:
    """At the ASGI level: 3 chunks of 600 bytes, no Content-Length, cap 1024."""
    called: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        called.append(True)

    parts = [b"x" * 600] * 3
    sent: list[Message] = []
    received: list[int] = []

    async def receive() -> Message:
        received.append(1)
        body = parts[len(received) - 1]
        return {"type": "http.request", "body": body, "more_body": len(received) < len(parts)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/plans", "headers": []}
    anyio.run(BodyLimit(app, 1024), scope, receive, send)
    assert called == [] and len(received) == 2  # stopped as soon as the count passed the cap
    assert sent[0]["status"] == 413


# --- (b) scenario caps --------------------------------------------------------------------


def many_teams(n: int) -> dict[str, Any]:
    body = scenario_body()
    agency = body["agencies"][0]["id"]
    body["teams"] = [
        {"id": f"t{i}", "agency": agency, "base": "GEO-batumi-city", "capabilities": ["road"]}
        for i in range(n)
    ]
    return body


def many_agencies(n: int) -> dict[str, Any]:
    body = scenario_body()
    given = body["agencies"]
    extra = [{**given[0], "id": f"a{i}", "name": f"a{i}"} for i in range(n - len(given))]
    body["agencies"] = given + extra
    return body


CAPS = [("teams", MAX_TEAMS, many_teams), ("agencies", MAX_AGENCIES, many_agencies)]


@pytest.mark.parametrize(("field", "cap", "build"), CAPS)
def test_scenario_caps_at_cap_and_cap_plus_one(
    lite: World, field: str, cap: int, build: Callable[[int], dict[str, Any]]
) -> None:
    h = lite.headers("planner")
    over = build(cap + 1)
    assert len(json.dumps(over)) < CAP  # refused for its content, not its size
    r = lite.client.post("/v1/plans", json=over, headers=h)
    assert r.status_code == 422, r.text[:300]
    errors = r.json()["error"]["errors"]
    assert any(e["loc"] == field and str(cap) in e["msg"] for e in errors), errors
    v = lite.client.post("/v1/scenarios/validate", json=over, headers=h)
    assert v.status_code == 422 and any(e["loc"] == field for e in v.json()["error"]["errors"])
    at_cap = lite.client.post("/v1/plans", json=build(cap), headers=h)
    assert at_cap.status_code == 202, at_cap.text[:300]


# --- (c) per-user rate limits -------------------------------------------------------------


def retry_after(r: Any) -> int:
    assert r.status_code == 429, r.text
    value = r.headers["retry-after"]
    assert value.isdigit() and 1 <= int(value) <= 60
    return int(value)


def test_submissions_per_user_per_minute(make_lite: Callable[..., World]) -> None:
    w = make_lite(submissions_per_minute=3)
    h = w.headers("planner", OWN)
    for _ in range(3):
        assert w.client.post("/v1/plans", json=scenario_body(), headers=h).status_code == 202
    refused = w.client.post("/v1/plans", json=scenario_body(), headers=h)
    retry_after(refused)
    assert refused.json()["error"]["code"] == "rate_limited"
    # Per principal, not per address: another agency's planner (same client) is not held up.
    other = w.client.post("/v1/plans", json=scenario_body(), headers=w.headers("planner", OTHER))
    assert other.status_code == 202
    # Reading is not a submission: the same user still reads.
    assert w.client.get("/v1/plans", headers=h).status_code == 200


def test_requests_per_user_per_minute(make_lite: Callable[..., World]) -> None:
    w = make_lite(requests_per_minute=3)
    h = w.headers("coordinator", OWN)
    for _ in range(3):
        assert w.client.get("/v1/plans", headers=h).status_code == 200
    retry_after(w.client.get("/v1/plans", headers=h))
    retry_after(w.client.get("/v1/geodata/countries", headers=h))
    assert w.client.get("/v1/plans", headers=w.headers("coordinator", OTHER)).status_code == 200


def test_rejected_tokens_per_client(make_lite: Callable[..., World]) -> None:
    w = make_lite(failed_auth_per_minute=3)
    bad = {"Authorization": "Bearer cdp_wrong"}
    for _ in range(3):
        assert w.client.get("/v1/plans", headers=bad).status_code == 401
    refused = w.client.get("/v1/plans", headers=bad)
    retry_after(refused)


# --- (d) bounded pages --------------------------------------------------------------------


def test_page_sizes_are_bounded(lite: World, aurora: Solved) -> None:
    pid = seed_plan(lite.db, lite.principals[("planner", OWN)], aurora)
    for role, url in (
        ("planner", "/v1/plans"),
        ("planner", f"/v1/plans/{pid}/access"),
        ("admin", "/v1/admin/users"),
        ("auditor", "/v1/audit"),
    ):
        h = lite.headers(role)
        r = lite.client.get(f"{url}?limit=1000000", headers=h)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"]["field"] == "query.limit"
        assert lite.client.get(f"{url}?limit=100", headers=h).status_code == 200, url
        assert lite.client.get(f"{url}?limit=101", headers=h).status_code == 422, url


# --- (e) errors never echo what was sent --------------------------------------------------

LAT, LON, NAME = 91.123456, "12.345678x", "Z" * 100_000


def echo_bait() -> dict[str, Any]:
    body = scenario_body()
    body["route"]["origin"] = {"lat": LAT, "lon": 41.987654, "name": "Secret Harbour"}
    body["route"]["destination"] = {"lat": 42.6977, "lon": LON}
    body["operation"]["name"] = NAME
    body["teams"][0]["base"] = {"lat": -95.5551, "lon": 23.4441}
    return body


def assert_no_echo(r: Any) -> None:
    assert 400 <= r.status_code < 500, r.status_code
    for needle in ("91.123456", "12.345678", "41.987654", "Secret Harbour", "95.5551", "Z" * 50):
        assert needle not in r.text, needle


def test_errors_never_echo_coordinates_or_names(lite: World, aurora: Solved) -> None:
    h = lite.headers("planner")
    for url in ("/v1/plans", "/v1/scenarios/validate"):
        r = lite.client.post(url, json=echo_bait(), headers=h)
        assert_no_echo(r)
        assert {e["loc"] for e in r.json()["error"]["errors"]} >= {
            "operation.name",
            "route.origin.lat",
            "route.destination.lon",
        }
    pid = seed_plan(lite.db, lite.principals[("planner", OWN)], aurora)
    event = {
        "kind": "deviation",
        "at": "2026-12-03T04:00:00Z",
        "position": {"lat": LAT, "lon": 41.987654, "name": "Secret Harbour"},
        "note": NAME,
    }
    r = lite.client.post(f"/v1/plans/{pid}/events", json=event, headers=h)
    assert r.status_code == 422
    assert_no_echo(r)
    # FastAPI-validated bodies too (grants, users): the handler lists fields, not values.
    r = lite.client.post(f"/v1/plans/{pid}/grants", json={"agency": "Secret Harbour"}, headers=h)
    assert_no_echo(r)
    r = lite.client.post(
        "/v1/admin/users",
        json={"name": "x", "role": "planner", "agency": "a", "lat": "91.123456"},
        headers=lite.headers("admin"),
    )
    assert_no_echo(r)
    assert r.json()["error"]["field"] == "body.*"


# --- (f) malformed JSON, content type, unknown fields, strict types ------------------------


def test_malformed_json_is_422_json_invalid(lite: World) -> None:
    h = {**JSON, **lite.headers("planner")}
    for raw in (b"{not json", b'{"schema": "cdplan.scenario/1",', b"\xff\xfe", b""):
        for url in ("/v1/plans", "/v1/scenarios/validate"):
            r = lite.client.post(url, content=raw, headers=h)
            assert r.status_code == 422, (url, raw, r.text)
            assert r.headers["content-type"].startswith("application/json")
            assert r.json()["error"]["code"] == "json_invalid"


def test_wrong_content_type_is_415(lite: World) -> None:
    h = lite.headers("planner")
    raw = json.dumps(scenario_body())
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        r = lite.client.post("/v1/plans", content=raw, headers={**h, "content-type": ctype})
        assert r.status_code == 415, ctype
        assert r.json()["error"]["field"] == "Content-Type"
    r = lite.client.post("/v1/plans", content=raw, headers=h)  # no content type at all
    assert r.status_code == 415


@pytest.mark.parametrize(
    ("path", "value", "loc"),
    [
        # An unknown key is the client's text: its position is named, not the key.
        (("operation", "handled_by"), "us", "operation.*"),
        (("route", "origin", "alt"), 120.0, "route.origin.*"),
        (("route", "origin", "lat"), False, "route.origin.lat"),
        (("route", "origin", "lat"), "41.6", "route.origin.lat"),
        (("solver", "seed"), "5", "solver.seed"),
        (("solver", "time_limit_seconds"), True, "solver.time_limit_seconds"),
    ],
    ids=["unknown-field", "unknown-nested", "false-lat", "string-lat", "string-int", "true-float"],
)
def test_unknown_fields_and_lax_types_are_422_naming_the_field(
    lite: World, path: tuple[str, ...], value: Any, loc: str
) -> None:
    body = scenario_body()
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    r = lite.client.post("/v1/plans", json=body, headers=lite.headers("planner"))
    assert r.status_code == 422, r.text[:300]
    assert loc in {e["loc"] for e in r.json()["error"]["errors"]}, r.text[:500]
