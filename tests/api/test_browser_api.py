"""The map and the timeline served by the API, in Debian chromium, under the API's CSP: they
run (no console error, no CSP violation) and nothing leaves the page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Solved, fresh_database, seed_plan
from tests.api.live import live_server

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail("Debian chromium is missing on CI: .ci/run installs it", pytrace=False)
    pytest.skip("Debian chromium is not installed", allow_module_level=True)

from playwright.sync_api import Route, sync_playwright  # noqa: E402


def test_served_map_and_timeline_run_under_the_csp(tmp_path: Path, aurora: Solved) -> None:
    url = next(fresh_database("sqlite", tmp_path))
    with live_server(url, tmp_path, solver_slots=1) as server, sync_playwright() as p:
        token = server.add_user("coord", "planner", "GEO-MIA")
        from api.store.users import authenticate

        owner = authenticate(server.db, token)
        assert owner is not None
        pid = seed_plan(server.db, owner, aurora)
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for kind, ready in (
                ("map", "window.cdplanMarker !== undefined"),
                ("timeline", "document.querySelector('.plotly') !== null"),
            ):
                page = browser.new_page()
                page.set_extra_http_headers({"Authorization": f"Bearer {token}"})
                external: list[str] = []
                errors: list[str] = []

                def route(r: Route, external: list[str] = external) -> None:
                    u = r.request.url
                    if u.startswith((server.base_url, "data:", "blob:", "about:")):
                        r.continue_()
                    else:
                        external.append(u)
                        r.abort()

                page.route("**/*", route)
                page.on(
                    "console",
                    lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
                )
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                response: Any = page.goto(f"{server.base_url}/v1/plans/{pid}/{kind}")
                assert response.status == 200
                assert "default-src 'none'" in response.headers["content-security-policy"]
                page.wait_for_timeout(800)
                assert page.evaluate(ready), kind
                assert external == [], kind
                assert errors == [], (kind, errors[:3])
                page.close()
        finally:
            browser.close()
