"""Build the answer keys of the bundled exercise packs (planner/exercises/packs/).

Each pack folder holds what a trainer wrote by hand: ``pack.yaml`` (title, difficulty, route,
skills, learning goals), ``scenario.yaml``, ``injects.yaml`` and ``trainer-notes.md``. This script
plans each scenario and writes the answer key the tests re-prove: ``answer/plan.json`` (the
engine's plan, timings left out) and ``answer/trainee.yaml`` (the same plan in the trainee's
format). It also plays the injects and prints what each changed, for the trainer notes.

Run: ``python scripts/build_packs.py`` (after changing a pack or the engine).
"""

from __future__ import annotations

import sys

from cli.exercise import reproducible
from cli.files import dump_yaml
from geodata import load
from planner.engine import plan
from planner.exercises.judge import as_trainee
from planner.exercises.packs import load_packs
from planner.exercises.run import run_injects
from planner.exports.write import write_atomic
from planner.io import load_scenario


def main() -> int:
    geo = load()
    for pack in load_packs():
        scenario = load_scenario(pack.path / "scenario.yaml")
        answer = plan(scenario, geo)
        (pack.path / "answer").mkdir(exist_ok=True)
        write_atomic(pack.path / "answer" / "plan.json", reproducible(answer).to_json())
        trainee = as_trainee(answer).model_dump(mode="json", exclude_defaults=True)
        write_atomic(pack.path / "answer" / "trainee.yaml", dump_yaml(trainee))
        print(f"== {pack.meta.id}: {answer.status.value}, objective {answer.solver.objective}")
        for r in answer.reasons + answer.warnings:
            print(f"   [{r.code}] {r.subject}: {r.message}")
        run = run_injects(scenario, pack.injects(), geo)
        for line in run.lines():
            print("   " + line)
        for version in run.plans[1:]:
            for change in version.changes:
                print("      - " + change)
    return 0


if __name__ == "__main__":
    sys.exit(main())
