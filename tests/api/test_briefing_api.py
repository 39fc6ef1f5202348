"""The briefing over HTTP in every scope, language and format, and two versions side by side.

The owner agency reads the whole plan and any agency's extract; an agency the plan is shared
with reads its own extract and nothing more, whatever it asks for.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from pypdf import PdfReader

from api.db.audit import AuditEntry
from api.security import Principal
from api.store import jobs, sharing, versions
from api.store.database import Database
from api.store.quotas import Limits
from api.store.users import add_user
from geodata import Geodata
from planner.plan import Plan
from tests.api.conftest import AGENCIES, Solved, World, seed_plan

OWN, OTHER = AGENCIES
# An agency with teams in Aurora, spelt as an account spells agencies (upper case).
BULGARIA = "BG-GDBOP"


def _ids(text: str, plan: Plan, agency: str) -> set[str]:
    """The team ids of other agencies that appear in ``text`` as whole ids."""
    return {
        t.id
        for t in plan.teams
        if t.agency != agency and re.search(rf"(?<![\w-]){re.escape(t.id)}(?![\w-])", text)
    }


@pytest.fixture
def shared(world: World, aurora: Solved) -> tuple[str, dict[str, str]]:
    pid = seed_plan(world.db, world.principals[("planner", OWN)], aurora)
    owner = world.principals[("planner", OWN)]
    sharing.grant(world.db, owner, pid, BULGARIA)
    sharing.grant(world.db, owner, pid, OTHER)
    reader = add_user(world.db, f"bg-{uuid.uuid4().hex[:8]}", "coordinator", "bg-gdbop")
    return pid, {"Authorization": f"Bearer {reader.token}"}


def test_the_owner_reads_everything_in_any_language_and_format(
    world: World, aurora: Solved, shared: tuple[str, dict[str, str]]
) -> None:
    pid, _ = shared
    plan = Plan.model_validate_json(aurora.plan_json)
    h = world.headers("coordinator")
    whole = world.client.get(f"/v1/plans/{pid}/briefing", headers=h)
    assert whole.status_code == 200 and all(a.team in whole.text for a in plan.assignments)
    tr = world.client.get(f"/v1/plans/{pid}/briefing?lang=tr", headers=h)
    assert tr.status_code == 200 and "KULLANIM KODU H2" in tr.text and 'lang="tr"' in tr.text
    assert "'sha256-" not in tr.headers["content-security-policy"]  # no script at all
    bg = world.client.get(f"/v1/plans/{pid}/briefing?agency=bg-gdbop", headers=h)
    assert bg.status_code == 200 and "BG-T1" in bg.text
    assert _ids(bg.text, plan, BULGARIA) == set()
    pdf = world.client.get(f"/v1/plans/{pid}/briefing?format=pdf&lang=sr-Latn", headers=h)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-handling-code"] == "H2"
    assert "attachment" in pdf.headers["content-disposition"]
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    for n, page in enumerate(pages, 1):
        text = " ".join((page.extract_text() or "").split())
        assert text.count("KOD ZA RUKOVANJE H2") >= 2 and f"strana {n} od {len(pages)}" in text
    bad = world.client.get(f"/v1/plans/{pid}/briefing?lang=xx", headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_language"
    assert world.client.get(f"/v1/plans/{pid}/briefing?format=doc", headers=h).status_code == 422


def test_a_shared_plan_shows_each_agency_its_own_part_only(
    world: World, aurora: Solved, shared: tuple[str, dict[str, str]]
) -> None:
    pid, bg = shared
    plan = Plan.model_validate_json(aurora.plan_json)
    mine = world.client.get(f"/v1/plans/{pid}/briefing", headers=bg)
    assert mine.status_code == 200
    assert "BG-T1" in mine.text and _ids(mine.text, plan, BULGARIA) == set()
    assert "Need-to-know extract for BG-GDBOP" in mine.text
    pdf = world.client.get(f"/v1/plans/{pid}/briefing?format=pdf&lang=bg", headers=bg)
    assert pdf.status_code == 200
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "КОД ЗА ОБРАБОТКА" in text and _ids(text, plan, BULGARIA) == set()
    for query in ("agency=GE-MIA-CCPD", "agency=TR-TNP-NARC&lang=tr&format=pdf"):
        r = world.client.get(f"/v1/plans/{pid}/briefing?{query}", headers=bg)
        assert r.status_code == 403 and r.json()["error"]["code"] == "own_extract_only", query
    assert (
        world.client.get(f"/v1/plans/{pid}/briefing?agency=bg-gdbop", headers=bg).status_code == 200
    )
    # An agency with no team on the plan reads an extract with nothing in it.
    other = world.client.get(f"/v1/plans/{pid}/briefing", headers=world.headers("planner", OTHER))
    assert other.status_code == 200 and _ids(other.text, plan, OTHER) == set()
    assert "Team tasks" in other.text and "Key figures" not in other.text
    # Comparing versions is the owner's: two whole plans.
    r = world.client.get(f"/v1/plans/{pid}/compare", headers=bg)
    assert r.status_code == 403 and r.json()["error"]["code"] == "owner_only"


def _second_version(db: Database, owner: Principal, plan_id: str, solved: Solved) -> None:
    entry = AuditEntry(request_id=str(uuid.uuid4()), action="plans.event", method="POST", path="/")
    new = versions.NewVersion(1, "{}", solved.scenario_json, "{}", 100.0)
    versions.add_event_version(db, owner, plan_id, new, entry, Limits(max_queued=100))
    claim = jobs.claim_next(db, 60.0, 3, plan_id=plan_id)
    assert claim is not None and claim.number == 2
    assert jobs.complete(
        db,
        claim,
        plan_json=solved.plan_json,
        plan_status=solved.plan_status,
        artifacts=solved.artifacts,
    )


def test_two_versions_side_by_side(world: World, aurora: Solved, geo: Geodata) -> None:
    owner = world.principals[("planner", OWN)]
    pid = seed_plan(world.db, owner, aurora)
    h = world.headers("coordinator")
    one = world.client.get(f"/v1/plans/{pid}/compare", headers=h)
    assert one.status_code == 409 and one.json()["error"]["code"] == "two_versions_needed"
    _second_version(world.db, owner, pid, aurora)
    r = world.client.get(f"/v1/plans/{pid}/compare?a=1&b=2", headers=h)
    assert r.status_code == 200 and r.headers["x-plan-version"] == "1,2"
    assert "A: version 1" in r.text and "B: version 2" in r.text
    assert r.headers["x-handling-code"] == "H2"
    scripts = r.headers["content-security-policy"].split("script-src ")[1].split(";")[0].split()
    assert scripts and all(s.startswith("'sha256-") for s in scripts)
    assert world.client.get(f"/v1/plans/{pid}/compare", headers=h).text == r.text
    for query in ("a=2&b=2", "a=3&b=2"):
        assert world.client.get(f"/v1/plans/{pid}/compare?{query}", headers=h).status_code == 409
