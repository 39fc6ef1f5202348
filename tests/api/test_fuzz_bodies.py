"""Every route that takes a body, sent deep nesting, unpaired surrogates and dates at the ends of
time anywhere in an otherwise valid body (hypothesis): never a 5xx, a 4xx names a field, and
nothing injected comes back."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("fuzz")
    url = next(fresh_database("sqlite", tmp))
    settings_ = test_settings(
        tmp,
        url,
        requests_per_minute=1_000_000,
        submissions_per_minute=1_000_000,
        max_queued_per_agency=100_000,
    )
    yield from make_world(settings_, supervise=False)


@pytest.fixture(scope="module")
def bodies(fuzz_world: World, aurora: Solved) -> dict[str, tuple[str, dict[str, Any]]]:
    """For each (method, path) that takes a body: the role that may call it and a valid body."""
    pid = seed_plan(fuzz_world.db, fuzz_world.principals[("planner", OWN)], aurora)
    exercise = seed_plan(fuzz_world.db, fuzz_world.principals[("trainer", OWN)], aurora)
    engine_answer = json.loads(aurora.plan_json)
    trainee = {
        "status": "planned",
        "assignments": [
            {"team": a["team"], "segment": a["segment"]} for a in engine_answer["assignments"]
        ],
        "authorisations": [
            {"country": a["country"], "request_by": a["request_by"]}
            for a in engine_answer["authorisations"]
        ],
    }
    out = {
        "/v1/plans": ("planner", scenario_body()),
        "/v1/scenarios/validate": ("planner", scenario_body()),
        f"/v1/plans/{pid}/events": (
            "planner",
            {"kind": "delay", "at": "2026-12-03T04:00:00Z", "minutes": 30, "note": "late"},
        ),
        f"/v1/plans/{pid}/grants": ("planner", {"agency": OTHER}),
        f"/v1/plans/{pid}/robustness": ("planner", {"samples": 10, "seed": 3, "replan": False}),
        f"/v1/exercises/{exercise}/judge": ("trainer", trainee),
        "/v1/admin/users": ("admin", {"name": "fuzz", "role": "planner", "agency": OWN}),
    }
    schema = fuzz_world.client.get("/openapi.json").json()
    with_body = {
        path for path, ops in schema["paths"].items() for op in ops.values() if "requestBody" in op
    }
    found = {p.replace(pid, "{plan_id}").replace(exercise, "{plan_id}") for p in out}
    assert found == with_body, "a new route takes a body"
    return out


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, (*path, i))
    else:
        yield path, node


def put(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    body = json.loads(json.dumps(body))
    if not path:
        return value
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


def extreme_time(moment: datetime, minutes: int) -> str:
    return moment.replace(tzinfo=timezone(timedelta(minutes=minutes))).isoformat()


surrogate = st.builds(
    lambda a, s, b: a + s + b,
    st.text(max_size=5),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.text(max_size=5),
)
ends_of_time = st.builds(
    extreme_time,
    st.one_of(
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 3)),
        st.datetimes(min_value=datetime(9999, 12, 29), max_value=datetime(9999, 12, 31, 23)),
    ),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)


@settings(
    max_examples=int(os.environ.get("CDPLAN_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_body_gives_a_server_error(
    fuzz_world: World, bodies: dict[str, tuple[str, dict[str, Any]]], data: st.DataObject
) -> None:
    url = data.draw(st.sampled_from(sorted(bodies)), label="route")
    role, base = bodies[url]
    places = [p for p, _ in leaves(base)] + [p[:-1] for p, _ in leaves(base) if p]
    where = data.draw(st.sampled_from(places), label="where")
    kind = data.draw(st.sampled_from(["deep", "surrogate", "time"]), label="kind")
    if kind == "deep":
        depth = data.draw(st.integers(min_value=33, max_value=100_000), label="depth")
        raw = json.dumps(put(base, where, "@@")).replace('"@@"', "[" * depth + "]" * depth)
    else:
        value = data.draw(surrogate if kind == "surrogate" else ends_of_time, label="value")
        raw = json.dumps(put(base, where, value))
    headers = {**fuzz_world.headers(role), "content-type": "application/json"}
    r = fuzz_world.client.post(url, content=raw.encode(), headers=headers)
    assert r.status_code < 500, (url, where, kind, r.text[:300])
    if r.status_code >= 400:
        error = r.json()["error"]
        assert error["field"], (url, where, kind, error)
    if kind == "surrogate":  # never sent back, in any spelling
        assert not re.search(r"\\ud[89a-f][0-9a-f]{2}", r.text.lower()), r.text[:300]
