"""Rules of the service's code that a review would otherwise have to remember.

- The job state machine is spelt once (``api.db.states.JobState``), plan outcomes are
  ``planner.plan.PlanStatus``: no state or outcome is written as a bare string in ``api/``.
- The error body is built in one place (``api.answers.error_body``).
- Comments and docs say things in their own words: no references to documents that are not in
  this repository.
- Files stay short enough to read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from api.db.states import JobState
from planner.plan import PlanStatus

ROOT = Path(__file__).resolve().parents[2]
API = sorted(p for p in (ROOT / "api").rglob("*.py") if "migrations" not in p.parts)
SERVICE_CLI = [ROOT / "cli" / n for n in ("service.py", "loadcheck.py", "localserver.py")]
OURS = [*API, *SERVICE_CLI, *sorted((ROOT / "tests" / "api").glob("*.py"))]


def strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_job_state_or_plan_outcome_is_spelt_out_in_the_service() -> None:
    spelt = {s.value for s in JobState} | {PlanStatus.optimal.value, PlanStatus.feasible.value}
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in API
        if path.name != "states.py"
        for line, value in strings(path)
        if value in spelt
    ]
    assert not found, "use JobState / PlanStatus:\n" + "\n".join(found)


def test_the_error_body_is_built_in_one_place() -> None:
    builders = []
    for path in API:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "error" for k in node.keys
            ):
                builders.append(str(path.relative_to(ROOT)))
    assert builders == ["api/answers.py"], builders


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_reference_to_documents_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in ("security" + ".md", "SPEC" + " §", "recipes" + ".md", "domain" + ".md"):
        assert needle not in text, f"{path.name} cites {needle}: say it in your own words"


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_stay_under_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


def test_openapi_names_the_job_states_and_plan_outcomes_once(tmp_path: Path) -> None:
    from api.app import create_app
    from api.settings import load_settings

    app = create_app(load_settings(data_dir=tmp_path), supervise=False)
    components = app.openapi()["components"]["schemas"]
    assert components["JobState"]["enum"] == ["queued", "running", "done", "failed", "cancelled"]
    assert components["PlanStatus"]["enum"] == [s.value for s in PlanStatus]
    assert not [name for name in components if "__" in name]  # no two components share a name
