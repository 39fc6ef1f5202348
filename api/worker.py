"""One solve in its own process: ``python -m api.worker PLAN_ID NUMBER ATTEMPT``.

The supervisor starts it with an address-space limit and a parent-death signal, and kills it
past its deadline. It reads its job, plans, renders every output, and writes them all in one
transaction fenced by its attempt number. The exit code tells the supervisor what happened.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import sys
import time

from api.store import jobs
from api.store.database import Database

EXIT_OK = 0
EXIT_CRASH = 1
EXIT_MEMORY = 3
EXIT_STALE = 4
EXIT_BAD_INPUT = 5

log = logging.getLogger("cdplan.worker")


def run(db: Database, claim: jobs.Claim, delay_seconds: float = 0.0) -> int:
    """Plan the claimed version and store the plan with its outputs.

    A version made by an event is planned from what was decided when the event was reported
    (its scenario and context) and the plan it was reported on; the event is not applied again.

    Returns:
        The exit code for the supervisor.
    """
    from geodata import load
    from planner.engine import plan as make_plan
    from planner.exports.write import OUTPUTS, render_all
    from planner.io import ScenarioError, parse_scenario
    from planner.plan import Plan
    from planner.replan.version import ReplanContext, Replanning, plan_version

    job = jobs.load(db, claim)
    if delay_seconds:
        time.sleep(delay_seconds)  # fault injection only: a window in which to kill us
    geo = load()
    try:
        scenario = parse_scenario(json.loads(job.scenario_json))
    except ScenarioError as exc:
        jobs.fail(db, claim, "bad_input", str(exc))
        return EXIT_BAD_INPUT
    if job.replan_json is None:
        result = make_plan(scenario, geo)
    else:
        if job.base_plan_json is None:
            jobs.fail(db, claim, "no_base_plan", "the version this event refers to has no plan")
            return EXIT_BAD_INPUT
        replanning = Replanning(scenario, ReplanContext.model_validate_json(job.replan_json))
        result = plan_version(replanning, Plan.model_validate_json(job.base_plan_json), geo)
    # Trainers' plans are exercise data: every output says so, whatever the scenario claims.
    result.operation.exercise = job.exercise
    artifacts = {
        name: (OUTPUTS[name][0], text.encode("utf-8"))
        for name, text in render_all(result, geo).items()
    }
    ok = jobs.complete(
        db, claim, plan_json=result.to_json(), plan_status=result.status, artifacts=artifacts
    )
    return EXIT_OK if ok else EXIT_STALE


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="worker %(levelname)s %(message)s")
    plan_id, number, attempt = argv[0], int(argv[1]), int(argv[2])
    url = os.environ["CDPLAN_DATABASE_URL"]
    delay = float(os.environ.get("CDPLAN_FAULT_DELAY_SECONDS") or 0)
    db = Database(url, busy_seconds=30.0, migrate=False)
    claim = jobs.Claim(plan_id, number, attempt, 0.0)
    try:
        return run(db, claim, delay)
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
