"""Reading scenarios: strict types, unknown fields, errors that name the field and the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.io import ScenarioError, json_schema, load_scenario, parse_scenario
from tests.planner.scenarios import SOFIA_THESSALONIKI, variant


def _errors(data: dict) -> list[dict[str, str]]:  # type: ignore[type-arg]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return info.value.errors


def test_unknown_field_is_an_error() -> None:
    errs = _errors(variant(rules={"max_follow": 4}))
    assert errs[0]["loc"] == "rules.max_follow"
    assert "remove" in errs[0]["fix"]


def test_time_without_offset_is_an_error() -> None:
    errs = _errors(variant(operation={"departure": "2026-12-03T06:00:00"}))
    assert errs[0]["loc"] == "operation.departure"
    assert "offset" in errs[0]["fix"]


def test_false_is_not_a_coordinate_and_nothing_is_echoed() -> None:
    data = variant(route={"origin": {"lat": False, "lon": 23.32}})
    errs = _errors(data)
    assert any(e["loc"].startswith("route.origin") for e in errs)
    assert "23.32" not in json.dumps(errs)


def test_team_agency_must_exist() -> None:
    teams = [{**SOFIA_THESSALONIKI["teams"][0], "agency": "NOPE"}]
    errs = _errors(variant(teams=teams))
    assert "teams[0].agency" in errs[0]["msg"]


def test_yaml_and_json_files(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SOFIA_THESSALONIKI))
    assert load_scenario(path).operation.id == "T-KULATA"
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: [unclosed")
    with pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert info.value.errors[0]["loc"] == "file"


def test_json_schema_is_published() -> None:
    schema = json_schema()
    assert "operation" in schema["properties"]
    assert schema["additionalProperties"] is False
