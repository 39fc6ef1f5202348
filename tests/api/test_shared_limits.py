"""Rate limits are counted in the database: two servers on one PostgreSQL enforce one limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import fresh_database
from tests.api.live import LiveServer


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    yield from fresh_database("postgresql", tmp_path)


def test_two_servers_on_one_database_enforce_one_limit(pg_url: str, tmp_path: Path) -> None:
    limits = {"requests_per_minute": 4, "failed_auth_per_minute": 3}
    servers = [LiveServer(pg_url, tmp_path / name, **limits) for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        a, b = servers
        token = a.add_user("planner-shared")
        with a.client(token) as on_a, b.client(token) as on_b:
            assert [on_a.get("/v1/plans").status_code for _ in range(2)] == [200, 200]
            assert [on_b.get("/v1/plans").status_code for _ in range(2)] == [200, 200]
            for http in (on_a, on_b):
                refused = http.get("/v1/plans")
                assert refused.status_code == 429, refused.text
                assert 1 <= int(refused.headers["retry-after"]) <= 60
        bad = {"Authorization": "Bearer cdp_not_a_token"}
        with a.client("x") as on_a, b.client("x") as on_b:
            assert on_a.get("/v1/plans", headers=bad).status_code == 401
            assert on_b.get("/v1/plans", headers=bad).status_code == 401
            assert on_a.get("/v1/plans", headers=bad).status_code == 401
            assert on_b.get("/v1/plans", headers=bad).status_code == 429
    finally:
        for server in servers:
            server.close()
