"""Playing an exercise: its injects in time order, one plan version each.

Version 1 is the plan of the scenario. When it has no plan (the faults leave none) and the
exercise has a corrected scenario, the injects play on that one instead, and the run says so.
Each inject is an event (planner.replan.kinds); one that does not fit the version in force (it
falls after the arrival, or names a team already lost) is skipped with its reason, and the run
goes on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from geodata.layers import Geodata
from planner.engine import plan
from planner.io import ScenarioError
from planner.plan import Plan
from planner.replan.events import replan
from planner.replan.kinds import Event, parse_event
from planner.scenario import Scenario

MAX_INJECTS = 50


@dataclass
class RunResult:
    """The versions of a run, the inject that made each (None for the first), and notes."""

    scenarios: list[Scenario] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    injects: list[Event | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The run as data: one entry per version, and the notes."""
        return {
            "versions": [
                {
                    "version": i,
                    "inject": None if e is None else e.model_dump(mode="json", by_alias=True),
                    "status": p.status.value,
                    "objective": p.solver.objective,
                    "arrival": p.segments[-1].nominal_end.isoformat() if p.segments else None,
                    "changes": p.changes,
                    "reasons": [r.message for r in p.reasons],
                }
                for i, (p, e) in enumerate(zip(self.plans, self.injects, strict=True), 1)
            ],
            "notes": self.notes,
        }

    def summary_json(self) -> str:
        """:meth:`summary` as indented JSON."""
        return json.dumps(self.summary(), indent=1, ensure_ascii=False)

    def lines(self) -> list[str]:
        """One line per version, for the command line."""
        out = []
        for v in self.summary()["versions"]:
            what = (
                "the plan"
                if v["inject"] is None
                else f"{v['inject']['kind']} at {v['inject']['at']}"
            )
            out.append(f"v{v['version']}: {what}: {v['status']}, objective {v['objective']}")
        return out + [f"note: {n}" for n in self.notes]


def parse_injects(data: Any) -> list[Event]:
    """The injects of an ``injects.yaml``: a list of events, or ``{injects: [...]}``, in time order.

    Raises:
        ScenarioError: every bad inject, each error naming ``injects[i].field``.
    """
    items = data.get("injects") if isinstance(data, dict) else data
    if not isinstance(items, list) or len(items) > MAX_INJECTS:
        raise ScenarioError(
            [
                {
                    "loc": "injects",
                    "msg": f"not a list of at most {MAX_INJECTS} events",
                    "fix": "write injects: [{kind: delay, at: ..., minutes: 60}, ...]",
                }
            ]
        )
    events: list[Event] = []
    errors: list[dict[str, str]] = []
    for i, item in enumerate(items):
        try:
            events.append(parse_event(item))
        except ScenarioError as exc:
            errors += [
                {**e, "loc": e["loc"].replace("event", f"injects[{i}]", 1)} for e in exc.errors
            ]
    if errors:
        raise ScenarioError(errors)
    return sorted(events, key=lambda e: e.at.astimezone(UTC))


def run_injects(
    scenario: Scenario, injects: Any, geo: Geodata, *, fallback: Scenario | None = None
) -> RunResult:
    """Plan the scenario and play the injects on it (see the module doc).

    Raises:
        ScenarioError: the injects cannot be read.
    """
    events = parse_injects(injects)
    result = RunResult()
    first = plan(scenario, geo)
    if not first.status.has_plan and fallback is not None:
        result.notes.append(
            f"the scenario has no plan ({first.status.value}): the injects play on the corrected "
            "scenario (answer/fixed.yaml)"
        )
        scenario, first = fallback, plan(fallback, geo)
    result.scenarios.append(scenario)
    result.plans.append(first)
    result.injects.append(None)
    for i, event in enumerate(events):
        current = result.plans[-1]
        if not current.status.has_plan:
            result.notes.append(f"inject {i + 1} ({event.kind}) not played: no plan to play it on")
            continue
        try:
            scenario, version = replan(result.scenarios[-1], current, event, geo)
        except ScenarioError as exc:
            why = "; ".join(e["msg"] for e in exc.errors)
            result.notes.append(f"inject {i + 1} ({event.kind}) skipped: {why}")
            continue
        result.scenarios.append(scenario)
        result.plans.append(version)
        result.injects.append(event)
    return result
