"""A trainee's plan, as a person writes it from the brief: teams on segment ids.

```yaml
status: planned            # or: infeasible, with reasons: [text]
assignments:               # the team on each segment id of the brief
  - {team: GE-T2, segment: R1-S01}
authorisations: [{country: TUR, request_by: 2026-12-01T02:00:00Z}]   # optional; judged if given
```

Reading it refuses, all at once, every team or segment that the scenario does not have, saying
what the trainee wrote and what exists (a trainee's own ids are not secrets).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError

from planner.fields import Ident, Instant, Iso3
from planner.io import ScenarioError, describe, jsonable
from planner.strict import Model

TRAINEE_DOCS = "docs/trainers.md#the-trainees-plan"
MAX_ASSIGNMENTS = 5000  # 400 teams on a long route; a bound on what is read, not a rule


class Declared(StrEnum):
    """What the trainee says: a plan, or that none exists."""

    planned = "planned"
    infeasible = "infeasible"


class TraineeAssignment(Model):
    """One team watching one segment of the brief."""

    team: Ident = Field(description="A team id of the scenario")
    segment: str = Field(
        pattern=r"^R\d{1,3}-S\d{2,4}$", description="A segment id of the brief, e.g. R1-S04"
    )
    remote: bool = Field(
        default=False,
        description="Watched from a desk by a technical team, where rules.technical_coverage "
        "allows it",
    )


class TraineeAuthorisation(Model):
    """A request the trainee will make, and by when."""

    country: Iso3 = Field(description="The state asked (ISO3)")
    request_by: Instant = Field(description="When the request goes out, ISO 8601")
    kind: Literal["delivery", "observation"] = Field(
        default="delivery", description="delivery (default) or observation"
    )
    observer: Iso3 | None = Field(
        default=None, description="For an observation request: whose teams follow in"
    )


class TraineePlan(Model):
    """A plan written by hand from the brief (see the module doc)."""

    status: Declared = Field(description="planned, or infeasible when no plan exists")
    reasons: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Why no plan exists (with status infeasible), in the trainee's words",
    )
    assignments: list[TraineeAssignment] = Field(
        default_factory=list, max_length=MAX_ASSIGNMENTS, description="Team per segment"
    )
    authorisations: list[TraineeAuthorisation] | None = Field(
        default=None, description="The requests to make; judged only when given"
    )


def parse_trainee(data: Any) -> TraineePlan:
    """Validate a trainee's plan given as parsed YAML or JSON.

    Raises:
        ScenarioError: every error, each naming its field (``assignments[3].segment``).
    """
    try:
        text = json.dumps(data, default=jsonable)
    except TypeError as exc:
        raise ScenarioError([{"loc": "plan", "msg": str(exc), "fix": "use plain values"}]) from exc
    try:
        return TraineePlan.model_validate_json(text)
    except ValidationError as exc:
        errors = describe(exc)
        for e in errors:
            e["loc"] = "plan" if e["loc"] == "scenario" else e["loc"]
            hint = e["fix"].split("; see ")[0] if "; see " in e["fix"] else ""
            e["fix"] = (f"{hint}; " if hint else "") + f"see {TRAINEE_DOCS}"
        raise ScenarioError(errors) from exc


def load_trainee(path: Path) -> TraineePlan:
    """Read a trainee's plan from a YAML or JSON file (see :func:`parse_trainee`)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScenarioError(
            [{"loc": "plan", "msg": "not a readable YAML or JSON file", "fix": "check the file"}]
        ) from exc
    return parse_trainee(data)


def unknown_ids(
    trainee: TraineePlan, teams: list[str], segments: list[str]
) -> list[dict[str, str]]:
    """Every assignment naming a team or segment that does not exist, as ``{loc, msg, fix}``."""
    known_teams, known_segments = set(teams), set(segments)
    out = []
    for i, a in enumerate(trainee.assignments):
        if a.team not in known_teams:
            out.append(
                {
                    "loc": f"assignments[{i}].team",
                    "msg": f"{a.team!r} is not a team of this scenario",
                    "fix": "teams are " + ", ".join(teams),
                }
            )
        if a.segment not in known_segments:
            out.append(
                {
                    "loc": f"assignments[{i}].segment",
                    "msg": f"{a.segment!r} is not a segment of the brief",
                    "fix": "segments are " + _ranges(segments),
                }
            )
    return out


def _ranges(segments: list[str]) -> str:
    """R1-S01..R1-S33, R2-S01..R2-S41: the brief's segments in a line."""
    by_route: dict[str, list[str]] = {}
    for s in segments:
        by_route.setdefault(s.split("-")[0], []).append(s)
    return ", ".join(f"{ids[0]}..{ids[-1]}" for ids in by_route.values())
