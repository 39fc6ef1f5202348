"""Small real scenarios on the bundled geodata, as dicts the tests can vary."""

from __future__ import annotations

import copy
from typing import Any

from planner.io import parse_scenario
from planner.scenario import Scenario

SOFIA_THESSALONIKI: dict[str, Any] = {
    "schema": "cdplan.scenario/1",
    "operation": {
        "id": "T-KULATA",
        "name": "Test Kulata",
        "consignment": {"kind": "heroin", "delivery": "live"},
        "departure": "2026-12-03T06:00:00+02:00",
        "planned_at": "2026-11-28T09:00:00+00:00",
    },
    "route": {"origin": "BGR-sofia", "destination": "GRC-thessaloniki", "alternatives": 1},
    "movement": {"uncertainty": 0.1},
    "agencies": [
        {"id": "BG-GDBOP", "country": "BGR", "name": "GDBOP", "kind": "police"},
        {"id": "GR-HP", "country": "GRC", "name": "Hellenic Police", "kind": "police"},
    ],
    "teams": [
        {"id": "BG-T1", "agency": "BG-GDBOP", "base": "BGR-sofia", "capabilities": ["road"]},
        {"id": "BG-T2", "agency": "BG-GDBOP", "base": "BGR-blagoevgrad", "capabilities": ["road"]},
        {"id": "GR-T1", "agency": "GR-HP", "base": "GRC-serres", "capabilities": ["road"]},
        {"id": "GR-T2", "agency": "GR-HP", "base": "GRC-thessaloniki", "capabilities": ["road"]},
    ],
    "legal": [
        {
            "country": "BGR",
            "authorised": True,
            "deliveries": ["live", "partial", "substituted"],
            "lead_time_hours": 72,
        },
        {
            "country": "GRC",
            "authorised": True,
            "deliveries": ["live", "partial", "substituted"],
            "lead_time_hours": 48,
        },
    ],
    "rules": {"handover_overlap_minutes": 30, "max_follow_hours": 4, "min_teams": 1},
    "solver": {"time_limit_seconds": 20, "workers": 1, "seed": 0},
}


def variant(**changes: Any) -> dict[str, Any]:
    """A deep copy with top-level sections replaced or updated."""
    data = copy.deepcopy(SOFIA_THESSALONIKI)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        else:
            data[key] = value
    return data


def scenario(data: dict[str, Any] | None = None) -> Scenario:
    return parse_scenario(data or SOFIA_THESSALONIKI)
