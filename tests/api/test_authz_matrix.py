"""Who may do what: every route x every role x plans of the caller's agency, of another agency,
and of another agency granted to the caller's, in both namespaces (operational, exercise).

The tests prove that each combination gets exactly the expected status; that a plan the caller
may not see answers the same 404, byte for byte, as a plan that does not exist; that every route
checks the role itself besides the gate, so a route missing from the policy is refused to every
role; and that missing, malformed, unknown and deactivated tokens get 401.

The expected policy is written out here on purpose, not derived from ``api.security.POLICY``: a
change of policy must show up as a failing test and a deliberate edit of this table.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select, update

from api.db.audit import AuditEntry
from api.db.states import TaskKind
from api.db.tables import AuditRow, User
from api.deps import CtxDep, get_ctx
from api.security import OWNER_ONLY, POLICY, PUBLIC_PATHS, Role, allowed
from api.store import sharing, tasks
from api.store.quotas import Limits
from api.store.users import add_user
from geodata import Geodata
from tests.api.conftest import (
    AGENCIES,
    DATABASES,
    Solved,
    World,
    fresh_database,
    make_world,
    scenario_body,
    seed_plan,
    test_settings,
)

OWN, OTHER = AGENCIES
THIRD = "THIRD-AG"  # holds a grant on the caller's own plans, so DELETE .../grants/THIRD works
P, C, T, A, U = "planner", "coordinator", "trainer", "admin", "auditor"
ROLES = (P, C, T, A, U)
READERS = frozenset({P, C, T})
CHANGERS = frozenset({P, T})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # who may call it at all (else 403 before any lookup)
    ok: int  # the answer to an allowed caller who may see the plan
    plan: bool = False  # takes a plan id
    owner_only: bool = False  # a granted reader gets 403


# (method, path) -> the expected policy. 409 where the route's precondition fails on a done plan.
EXPECTED: dict[tuple[str, str], Rule] = {
    ("POST", "/v1/plans"): Rule(CHANGERS, 202),
    ("GET", "/v1/plans"): Rule(READERS, 200),
    ("GET", "/v1/plans/{plan_id}"): Rule(READERS, 200, plan=True),
    ("DELETE", "/v1/plans/{plan_id}"): Rule(CHANGERS, 409, plan=True, owner_only=True),
    ("GET", "/v1/plans/{plan_id}/versions"): Rule(READERS, 200, plan=True),
    ("GET", "/v1/plans/{plan_id}/map"): Rule(READERS, 200, plan=True),
    ("GET", "/v1/plans/{plan_id}/timeline"): Rule(READERS, 200, plan=True),
    ("GET", "/v1/plans/{plan_id}/briefing"): Rule(READERS, 200, plan=True),
    # The matrix's plans have one version: comparing needs two (409), and only the owner may.
    ("GET", "/v1/plans/{plan_id}/compare"): Rule(READERS, 409, plan=True, owner_only=True),
    ("GET", "/v1/plans/{plan_id}/geojson"): Rule(READERS, 200, plan=True),
    ("GET", "/v1/plans/{plan_id}/kml"): Rule(READERS, 200, plan=True),
    ("POST", "/v1/plans/{plan_id}/events"): Rule(CHANGERS, 202, plan=True, owner_only=True),
    ("GET", "/v1/plans/{plan_id}/grants"): Rule(CHANGERS, 200, plan=True, owner_only=True),
    ("POST", "/v1/plans/{plan_id}/grants"): Rule(CHANGERS, 201, plan=True, owner_only=True),
    ("DELETE", "/v1/plans/{plan_id}/grants/{agency}"): Rule(
        CHANGERS, 200, plan=True, owner_only=True
    ),
    ("GET", "/v1/plans/{plan_id}/access"): Rule(CHANGERS, 200, plan=True, owner_only=True),
    ("POST", "/v1/plans/{plan_id}/robustness"): Rule(CHANGERS, 202, plan=True, owner_only=True),
    ("GET", "/v1/plans/{plan_id}/robustness/{number}"): Rule(READERS, 200, plan=True),
    # The seeded study is still queued: its map is not made yet.
    ("GET", "/v1/plans/{plan_id}/robustness/{number}/map"): Rule(READERS, 409, plan=True),
    ("POST", "/v1/plans/{plan_id}/adopt"): Rule(CHANGERS, 200, plan=True, owner_only=True),
    # A fresh plan is not adopted: there is nothing to release.
    ("POST", "/v1/plans/{plan_id}/release"): Rule(CHANGERS, 409, plan=True, owner_only=True),
    ("POST", "/v1/exercises/{plan_id}/judge"): Rule(frozenset({T}), 202, plan=True),
    ("GET", "/v1/exercises/{plan_id}/judgements/{number}"): Rule(frozenset({T}), 200, plan=True),
    ("GET", "/v1/exercises/{plan_id}/judgements/{number}/debrief"): Rule(
        frozenset({T}), 409, plan=True
    ),
    ("POST", "/v1/scenarios/validate"): Rule(READERS, 200),
    ("GET", "/v1/geodata/{layer}"): Rule(frozenset({P, C, T, A}), 200),
    ("GET", "/v1/admin/users"): Rule(frozenset({A}), 200),
    ("POST", "/v1/admin/users"): Rule(frozenset({A}), 201),
    ("POST", "/v1/admin/users/{name}/disable"): Rule(frozenset({A}), 200),
    ("POST", "/v1/admin/users/{name}/rotate"): Rule(frozenset({A}), 201),
    ("GET", "/v1/agency/users"): Rule(frozenset({P}), 200),
    ("POST", "/v1/agency/users/{name}/activate"): Rule(frozenset({P}), 200),
    ("POST", "/v1/agency/users/{name}/disable"): Rule(frozenset({P}), 200),
    ("GET", "/v1/admin/queue"): Rule(frozenset({A}), 200),
    ("GET", "/v1/audit"): Rule(frozenset({U}), 200),
    ("GET", "/v1/audit/verify"): Rule(frozenset({U}), 200),
}
SKIPPED = {"/healthz", "/openapi.json"}


@dataclass(frozen=True)
class Obj:
    """A plan as seen from the caller's agency (OWN)."""

    owner: str
    exercise: bool
    granted: bool  # granted to OWN

    def visible_to(self, role: str) -> bool:
        return self.exercise == (role == T) and (self.owner == OWN or self.granted)


OBJECTS = {
    "own_op": Obj(OWN, False, False),
    "other_op": Obj(OTHER, False, False),
    "granted_op": Obj(OTHER, False, True),
    "own_ex": Obj(OWN, True, False),
    "other_ex": Obj(OTHER, True, False),
    "granted_ex": Obj(OTHER, True, True),
}


def expected_status(rule: Rule, role: str, obj: Obj | None) -> int:
    if role not in rule.roles:
        return 403
    if obj is None:
        return rule.ok
    if not obj.visible_to(role):
        return 404
    if rule.owner_only and obj.owner != OWN:
        return 403
    return rule.ok


def api_routes(world: World) -> list[APIRoute]:
    out = []
    for ctx in iter_route_contexts(world.app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and route.path not in SKIPPED:
            out.append(route)
    return out


# The account each account route acts on (of the caller's agency, made for the matrix).
TARGETS = {"disable": "matrix-disable", "rotate": "matrix-rotate", "activate": "matrix-pending"}


def body_for(method: str, path: str) -> dict[str, Any] | None:
    if method != "POST" or "{name}" in path or path.endswith(("/adopt", "/release")):
        return None
    if path in ("/v1/plans", "/v1/scenarios/validate"):
        return scenario_body()
    if path.endswith("/events"):
        # Aurora leaves Batumi 2026-12-03 02:00 UTC: two hours later it is on the road.
        return {"kind": "delay", "at": "2026-12-03T04:00:00Z", "minutes": 30}
    if path.endswith("/grants"):
        return {"agency": OTHER}
    if path.endswith("/robustness"):
        return {"samples": 5, "seed": 1}
    if path.endswith("/judge"):
        return {"status": "infeasible", "reasons": ["no team at the border"]}
    if path == "/v1/admin/users":
        return {"name": f"u-{uuid.uuid4().hex[:12]}", "role": "coordinator", "agency": OWN}
    raise AssertionError(f"no body for {method} {path}")


def call(world: World, method: str, path: str, role: str | None, plan_id: str = "") -> Any:
    name = TARGETS.get(path.rsplit("/", 1)[-1], "")
    url = path.format(plan_id=plan_id, agency=THIRD, layer="countries", name=name, number=1)
    headers = world.headers(role, OWN) if role else {}
    return world.client.request(method, url, json=body_for(method, path), headers=headers)


# --- a world shared by the module (per database), with plans seeded once -----------------------


@pytest.fixture(scope="module", params=DATABASES)
def mworld(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, geo: Geodata
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"matrix-{request.param}")
    for url in fresh_database(request.param, tmp):
        settings = test_settings(
            tmp,
            url,
            requests_per_minute=100_000,
            submissions_per_minute=100_000,
            failed_auth_per_minute=100_000,
            # Seeded plans, studies and judgements wait in the queues, never run.
            max_queued_per_agency=100_000,
            max_queued_exercise_per_agency=100_000,
        )
        for world in make_world(settings, supervise=False):
            world.app.state.services._geo = geo  # the session's geodata: no second load
            for target in TARGETS.values():
                add_user(world.db, target, "coordinator", OWN)
            yield world


def add_task(world: World, role: str, agency: str, pid: str, kind: TaskKind) -> None:
    """Task 1 of this kind on the plan, asked for by ``agency`` (left queued)."""
    entry = AuditEntry(request_id=str(uuid.uuid4()), action="seed", method="POST", path="/")
    new = tasks.NewTask(kind, 1, '{"samples": 1, "seed": 0, "replan": false}', 60.0)
    limits = Limits(max_queued=10_000)
    tasks.add(world.db, world.principals[(role, agency)], pid, new, entry=entry, limits=limits)


def seed(world: World, aurora: Solved, obj: Obj) -> str:
    role = T if obj.exercise else P
    pid = seed_plan(world.db, world.principals[(role, obj.owner)], aurora)
    granter = world.principals[(P, obj.owner)]
    if obj.granted:
        sharing.grant(world.db, granter, pid, OWN)
    if obj.owner == OWN:
        sharing.grant(world.db, granter, pid, THIRD)
    # A study by the owner; on an exercise, a judgement by the caller's agency where it sees the
    # plan (judgements are the asking agency's), else by the owner.
    add_task(world, role, obj.owner, pid, TaskKind.robustness)
    if obj.exercise:
        asker = OWN if obj.owner == OWN or obj.granted else obj.owner
        add_task(world, T, asker, pid, TaskKind.judgement)
    return pid


@pytest.fixture(scope="module")
def shared(mworld: World, aurora: Solved) -> dict[str, str]:
    return {name: seed(mworld, aurora, obj) for name, obj in OBJECTS.items()}


def test_every_route_has_an_expectation_and_a_policy(mworld: World) -> None:
    routes = api_routes(mworld)
    found = {(m, r.path) for r in routes for m in r.methods}
    assert found == set(EXPECTED), "a route was added or removed: extend EXPECTED deliberately"
    for r in routes:
        # Deny by default: a route whose name is not in POLICY would be denied to everyone.
        assert r.name in POLICY, r.path
    assert set(PUBLIC_PATHS) == SKIPPED
    schema = mworld.client.get("/openapi.json").json()
    for r in routes:
        for m in r.methods:
            assert m.lower() in schema["paths"].get(r.path, {}), f"{m} {r.path} not in OpenAPI"


def test_every_route_runs_the_role_check(mworld: World) -> None:
    """Besides the gate, every route depends on get_ctx, which checks the role against the route
    that really runs; only the public paths go without."""

    def calls(dependant: Any) -> Iterator[Any]:
        for dep in dependant.dependencies:
            yield dep.call
            yield from calls(dep)

    for r in api_routes(mworld):
        assert get_ctx in set(calls(r.dependant)), f"{r.path} has no role check"


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED))
def test_matrix(
    mworld: World, shared: dict[str, str], aurora: Solved, method: str, path: str
) -> None:
    rule = EXPECTED[(method, path)]
    if method != "GET" and rule.plan:
        # A route that changes a plan gets fresh own plans: the cells stay independent. They
        # need the plan, not its rendered outputs (5 MB): leave those out, it is faster.
        light = Solved(aurora.scenario_json, aurora.plan_json, aurora.plan_status, {})
        ids = dict(shared)
        ids["own_op"] = seed(mworld, light, OBJECTS["own_op"])
        ids["own_ex"] = seed(mworld, light, OBJECTS["own_ex"])
    else:
        ids = shared
    wrong: list[str] = []

    def check(label: str, r: Any, want: int) -> None:
        if r.status_code != want:
            wrong.append(f"{label}: {r.status_code} (want {want}) {r.text[:200]}")

    anon = call(mworld, method, path, None, ids["own_op"])
    check("no token", anon, 401)
    assert anon.headers.get("www-authenticate") == "Bearer"
    # The gate named the request by this route's action (not "unknown", not a sibling's).
    action = {(m, r.path): r.name for r in api_routes(mworld) for m in r.methods}[(method, path)]
    with mworld.db.begin() as s:
        row = s.scalar(select(AuditRow).where(AuditRow.request_id == anon.headers["x-request-id"]))
    assert row is not None and row.action == action

    for role in ROLES:
        if not rule.plan:
            check(role, call(mworld, method, path, role), expected_status(rule, role, None))
            continue
        allowed_role = role in rule.roles
        missing = call(mworld, method, path, role, str(uuid.uuid4()))
        check(f"{role} random id", missing, 404 if allowed_role else 403)
        if (method, path) == ("GET", "/v1/plans/{plan_id}"):
            garbage = call(mworld, method, path, role, "not-a-uuid")
            check(f"{role} malformed id", garbage, 404 if allowed_role else 403)
            assert garbage.content == missing.content, f"{role}: malformed id answered apart"
        # A refused role is refused whatever the id: a sample of ids is enough (time budget).
        names = list(OBJECTS) if allowed_role else ["own_op", "other_op", "own_ex"]
        for name in names:
            want = expected_status(rule, role, OBJECTS[name])
            r = call(mworld, method, path, role, ids[name])
            check(f"{role} x {name}", r, want)
            if want == 404:
                # Not allowed to see it == does not exist, byte for byte.
                assert r.content == missing.content, f"{role} x {name}: 404 body differs"
            elif want == 403 and not allowed_role:
                # Refused before any lookup: the same answer for every id.
                assert r.content == missing.content, f"{role} x {name}: 403 body differs"
                assert r.json()["error"]["code"] == "forbidden"
            elif want == 403:
                assert r.json()["error"]["code"] == "owner_only", f"{role} x {name}"
    assert not wrong, f"{method} {path}:\n" + "\n".join(wrong)


def test_lists_show_only_the_plans_of_the_callers_namespace(
    mworld: World, shared: dict[str, str]
) -> None:
    ids = {pid: name for name, pid in shared.items()}
    for role in (P, C, T):
        r = mworld.client.get("/v1/plans?limit=100", headers=mworld.headers(role, OWN))
        assert r.status_code == 200
        seen = {ids[i["id"]] for i in r.json()["items"] if i["id"] in ids}
        want = {name for name, obj in OBJECTS.items() if obj.visible_to(role)}
        assert seen == want, role


def test_security_module_agrees_with_this_table(mworld: World) -> None:
    """The same table seen from api.security: a policy edit there without one here fails."""
    for r in api_routes(mworld):
        for m in r.methods:
            rule = EXPECTED[(m, r.path)]
            assert {role.value for role in POLICY[r.name]} == rule.roles, f"{m} {r.path}"
            assert (r.name in OWNER_ONLY) == rule.owner_only, f"{m} {r.path}"
    assert not any(allowed("made.up.action", role) for role in Role)


# --- authentication and deny by default ---------------------------------------------------------


def test_missing_malformed_unknown_and_deactivated_tokens_get_401(world: World) -> None:
    url = "/v1/plans"
    valid = world.tokens[(P, OWN)]
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": f"Basic {valid}"},
        {"Authorization": valid},
        {"Authorization": f"Bearer cdp_{uuid.uuid4().hex}{uuid.uuid4().hex}"},
        {"Authorization": f"Bearer {valid}x"},
        {"Authorization": f"Bearer {'a' * 5000}"},
    ):
        r = world.client.get(url, headers=headers)
        assert r.status_code == 401, headers
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"]["code"] == "unauthenticated"
    assert world.client.get(url, headers={"Authorization": f"bearer {valid}"}).status_code == 200
    with world.db.begin() as s:
        s.execute(update(User).where(User.id == world.principals[(P, OWN)].id).values(active=False))
    r = world.client.get(url, headers=world.headers(P, OWN))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert world.client.get(url, headers=world.headers(C, OWN)).status_code == 200


def test_a_route_without_a_policy_is_denied_to_every_role(tmp_path: Path) -> None:
    """Deny by default: a route whose action is not in POLICY runs for nobody, even one added
    after the app was built (the gate does not know it; the check in get_ctx still does)."""
    reached: list[str] = []

    def unlisted(ctx: CtxDep) -> dict[str, str]:
        reached.append(ctx.principal.role.value)
        return {"secret": "data"}

    for url in fresh_database("sqlite", tmp_path):
        for world in make_world(test_settings(tmp_path, url), supervise=False):
            world.app.router.add_api_route("/v1/unlisted", unlisted, name="unlisted.action")
            for role in ROLES:
                r = world.client.get("/v1/unlisted", headers=world.headers(role))
                assert r.status_code == 403, (role, r.text)
                assert "secret" not in r.text
            assert reached == []
            r = world.client.get("/v1/no-such-route", headers=world.headers(P))
            assert r.status_code == 404
