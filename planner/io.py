"""Reading scenarios (YAML or JSON) and turning validation errors into plain messages."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from planner.field_help import DOCS, limit_message
from planner.scenario import Scenario, mirror_first_movement

MAX_SCENARIO_BYTES = 2_000_000


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``errors`` lists each problem with its field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['loc']}: {e['msg']}" for e in errors))


def jsonable(value: Any) -> Any:
    """``json.dumps`` default for what YAML reads besides JSON types: dates and times."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot read a value of type {type(value).__name__}")


_HINTS = {
    "extra_forbidden": "remove this field (unknown fields are not allowed)",
    "missing": "add this field",
    "datetime_parsing": "write an ISO 8601 time with an offset, e.g. 2026-12-03T06:00:00+04:00",
    "timezone_aware": "add a UTC offset, e.g. +02:00",
    "string_pattern_mismatch": "use only the allowed characters",
    "literal_error": "use one of the allowed values",
    "enum": "use one of the allowed values",
}


def _fix(loc: str, error_type: str) -> str:
    """What to do: a specific hint, else the section of the scenario documentation."""
    hint = _HINTS.get(error_type)
    section = loc.split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]
    section = section if loc and loc != "scenario" else "the-scenario"
    where = f"{DOCS}#{section}"
    return f"{hint}; see {where}" if hint else f"see {where}"


def describe(exc: ValidationError) -> list[dict[str, str]]:
    """Each error as {loc, msg, fix}, never echoing the submitted value."""
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        parts = [str(p) for p in err["loc"] if not str(p).startswith(("function-", "str"))]
        loc = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts).lstrip(".")
        loc = loc.replace(".Coordinates", "").replace("schema_", "schema")
        field = next((p for p in reversed(parts) if not p.isdigit()), "")
        msg = limit_message(field, err["type"], dict(err.get("ctx") or {})) or err["msg"]
        out.append(
            {
                "loc": loc or "scenario",
                "msg": msg.removeprefix("Value error, "),
                "fix": _fix(loc, err["type"]),
            }
        )
    return out


def parse_scenario(data: Any) -> Scenario:
    """Validate already-parsed YAML/JSON data (strict: JSON types, ISO times)."""
    try:
        text = json.dumps(mirror_first_movement(data), default=jsonable)
    except TypeError as exc:
        raise ScenarioError(
            [{"loc": "scenario", "msg": str(exc), "fix": "use plain values"}]
        ) from exc
    try:
        return Scenario.model_validate_json(text)
    except ValidationError as exc:
        raise ScenarioError(describe(exc)) from exc


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file, YAML or JSON, of at most ``MAX_SCENARIO_BYTES``.

    Raises:
        ScenarioError: the file cannot be read, is too large, is not YAML or JSON, or is not a
            valid scenario; each error names its field and how to fix it.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [{"loc": "file", "msg": f"cannot read {path}: {exc.strerror}", "fix": "check the path"}]
        ) from exc
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            [
                {
                    "loc": "file",
                    "msg": f"larger than {MAX_SCENARIO_BYTES} bytes",
                    "fix": "split the scenario",
                }
            ]
        )
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ScenarioError(
            [{"loc": "file", "msg": f"not valid YAML or JSON: {exc}", "fix": "check the syntax"}]
        ) from exc
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                {
                    "loc": "scenario",
                    "msg": "expected a mapping at the top",
                    "fix": "start with 'schema: cdplan.scenario/1'",
                }
            ]
        )
    return parse_scenario(data)


def json_schema() -> dict[str, Any]:
    """The scenario's JSON Schema (what ``cdplan schema`` prints), with field aliases."""
    return Scenario.model_json_schema(by_alias=True)
