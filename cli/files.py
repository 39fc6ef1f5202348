"""Reading and writing the files of the command line: YAML in, plan folders out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from geodata.layers import Geodata
from planner.exports.write import write_all, write_atomic
from planner.io import ScenarioError
from planner.plan import Plan, PlanStatus
from planner.scenario import Scenario

# A plan folder keeps the scenario it answers, so that an event can be applied to it later.
SCENARIO_FILE = "scenario.json"


def dump_yaml(data: Any) -> str:
    """YAML as people write it: keys in the order given, Unicode as is."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def read_yaml(path: Path) -> Any:
    """A YAML or JSON file's data.

    Raises:
        ScenarioError: the file cannot be read or parsed; the error names the file, not its text.
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(
            [{"loc": path.name, "msg": "not a readable YAML or JSON file", "fix": "check the file"}]
        ) from exc


def write_plan_dir(
    plan: Plan,
    scenario: Scenario,
    geo: Geodata,
    directory: Path,
    *,
    langs: Sequence[str] = (),
    pdf: bool = False,
) -> dict[str, Path]:
    """Every output of a plan, and the scenario it answers (``scenario.json``, for events).

    ``langs`` and ``pdf``: the briefings in more languages, and as PDF (see ``write_all``).
    """
    written = write_all(plan, geo, directory, langs=langs, pdf=pdf)
    path = directory / SCENARIO_FILE
    if plan.status is PlanStatus.invalid:
        # An invalid scenario leaves plan.json alone, with its reasons: nothing to go on from.
        path.unlink(missing_ok=True)
        return written
    write_atomic(path, scenario.model_dump_json(indent=1, by_alias=True, exclude_none=True))
    written[SCENARIO_FILE] = path
    return written
