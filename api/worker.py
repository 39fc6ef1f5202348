"""One solve in its own process: ``python -m api.worker PLAN_ID NUMBER ATTEMPT [TASK_ID]``.

The supervisor starts it with an address-space limit and a parent-death signal, and kills it
past its deadline. It reads its job, plans, renders every output, and writes them all in one
transaction fenced by its attempt number. The exit code tells the supervisor what happened.

Planning is a function of the stored input (the solver is seeded): an error while planning would
happen again on every attempt, so it fails the job at once, with its reason, instead of being
retried. An output that cannot be rendered never costs the plan: the plan is kept, with the
other outputs, and the failed one is named. Only a crash (a signal, the process gone) is retried.
A task (a judgement, a robustness study: ``api.task_worker``) runs the same way.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
import time

from api import procs
from api.store import jobs, tasks
from api.store.database import Database
from geodata.layers import Geodata
from planner.plan import Plan

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_MEMORY = 3
EXIT_STALE = 4
# The job failed and says why; another attempt would fail the same way.
EXIT_FAILED = 5

log = logging.getLogger("cdplan.worker")


def run(db: Database, claim: jobs.Claim, delay_seconds: float = 0.0) -> int:
    """Plan the claimed version and store the plan with its outputs.

    A version made by an event is planned from what was decided when the event was reported
    (its scenario and context) and the plan it was reported on; the event is not applied again.

    Returns:
        The exit code for the supervisor.
    """
    from geodata import load

    if claim.task is not None:
        return _run_task(db, claim, delay_seconds)
    job = jobs.load(db, claim)
    if delay_seconds:
        time.sleep(delay_seconds)  # fault injection only: a window in which to kill us
    geo = load()
    try:
        result = _plan(job, geo, db, claim.plan_id)
    except UnplannableError as exc:
        jobs.fail(db, claim, exc.code, exc.message)
        return EXIT_FAILED
    except Exception as exc:
        return _failed(db, claim, exc, "planning")
    # Trainers' plans are exercise data: every output says so, whatever the scenario claims.
    result.operation.exercise = job.exercise
    artifacts, errors = _render(result, geo)
    ok = jobs.complete(
        db,
        claim,
        plan_json=result.to_json(),
        plan_status=result.status,
        artifacts=artifacts,
        output_errors=errors,
    )
    return EXIT_OK if ok else EXIT_STALE


def _failed(db: Database, claim: jobs.Claim, exc: Exception, doing: str) -> int:
    """Fail the job for an error of the computation itself (not of the process)."""
    if out_of_memory(exc):
        raise exc
    # The type only: an exception's message may carry the scenario's text, and logs must not.
    log.error("%s: %s failed (%s)", claim.label, doing, type(exc).__name__)
    jobs.fail(
        db,
        claim,
        f"{doing}_failed",
        f"{doing} this input failed ({type(exc).__name__}); it would fail the same way "
        "again, so it was not retried",
    )
    return EXIT_FAILED


def _run_task(db: Database, claim: jobs.Claim, delay_seconds: float) -> int:
    """Do the claimed task and store its result and pages."""
    # Here, like the planner's imports: the solver's libraries are mapped under the memory limit,
    # where a failure to map them is reported as such (see ``main``).
    from api import task_worker
    from geodata import load

    task = tasks.load(db, claim)
    if delay_seconds:
        time.sleep(delay_seconds)  # fault injection only, as for versions
    try:
        result, pages = task_worker.perform(task, load())
    except task_worker.TaskInputError as exc:
        jobs.fail(db, claim, exc.code, exc.message)
        return EXIT_FAILED
    except Exception as exc:
        return _failed(db, claim, exc, task.kind.value)
    ok = tasks.complete(db, claim, result_json=result, pages=pages)
    return EXIT_OK if ok else EXIT_STALE


class UnplannableError(Exception):
    """The job cannot be planned, for a reason the owner can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _plan(job: jobs.JobInput, geo: Geodata, db: Database, plan_id: str) -> Plan:
    """The version's plan, around the teams committed to other operations (read now, when it is
    planned: an adoption after the submission counts)."""
    from api.commitments import planned_around
    from planner.engine import plan as make_plan
    from planner.io import ScenarioError, parse_scenario
    from planner.replan.version import ReplanContext, Replanning, plan_version

    try:
        scenario = parse_scenario(json.loads(job.scenario_json))
    except ScenarioError as exc:
        raise UnplannableError("bad_input", str(exc)) from exc
    scenario = planned_around(db, plan_id, scenario)
    if job.replan_json is None:
        return make_plan(scenario, geo)
    if job.base_plan_json is None:
        raise UnplannableError("no_base_plan", "the version this event refers to has no plan")
    replanning = Replanning(scenario, ReplanContext.model_validate_json(job.replan_json))
    return plan_version(replanning, Plan.model_validate_json(job.base_plan_json), geo)


def _render(plan: Plan, geo: Geodata) -> tuple[dict[str, tuple[str, bytes]], dict[str, str]]:
    """Every output that renders, and for each one that does not, why."""
    from planner.exports.write import OUTPUTS

    artifacts: dict[str, tuple[str, bytes]] = {}
    errors: dict[str, str] = {}
    for name, (media_type, render) in OUTPUTS.items():
        try:
            artifacts[name] = (media_type, render(plan, geo).encode("utf-8"))
        except Exception as exc:
            if out_of_memory(exc):
                raise
            log.error("output %s not rendered (%s)", name, type(exc).__name__)
            errors[name] = f"could not be rendered ({type(exc).__name__})"
    return artifacts, errors


def main(argv: list[str]) -> int:
    """A worker started from scratch (``python -m api.worker``), when no warm one is used."""
    logging.basicConfig(level=logging.WARNING, format="worker %(levelname)s %(message)s")
    procs.set_name(procs.SOLVE_NAME)
    plan_id, number, attempt = argv[0], int(argv[1]), int(argv[2])
    url = os.environ["CDPLAN_DATABASE_URL"]
    delay = float(os.environ.get("CDPLAN_FAULT_DELAY_SECONDS") or 0)
    claim = jobs.Claim(plan_id, number, attempt, 0.0, argv[3] if len(argv) > 3 else None)
    return serve(url, claim, delay)


def serve(url: str, claim: jobs.Claim, delay_seconds: float = 0.0) -> int:
    """Do one claimed job on the database at ``url``; the exit code for the supervisor."""
    db = Database(url, busy_seconds=30.0, migrate=False)
    try:
        return run(db, claim, delay_seconds)
    except Exception as exc:
        if out_of_memory(exc):
            return EXIT_MEMORY
        raise
    finally:
        db.dispose()


def out_of_memory(exc: BaseException | None) -> bool:
    """Did the address-space limit cause this? Besides MemoryError, the dynamic loader fails to
    map a library (numpy, OR-Tools) with an ImportError when the limit is below its size."""
    for _ in range(8):  # the exception, then what caused it
        if exc is None:
            return False
        if isinstance(exc, MemoryError):
            return True
        if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
            return True
        text = str(exc).lower()
        if isinstance(exc, ImportError) and (
            "failed to map segment" in text or "cannot allocate memory" in text
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
