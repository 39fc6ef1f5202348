"""schemathesis against the live API on 127.0.0.1, with one planner per agency as peers.

Every check runs (`--checks all`): responses match the OpenAPI schema, auth is never ignored, a
schema-violating request is never accepted, and (ST402) no agency reads another's objects in the
stateful phase. A scenario can match the JSON schema and still break a rule the schema cannot
express (a team's agency must be one of the scenario's agencies): that is a 422 naming the field,
so 422 counts as an acceptable answer to schema-valid data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.api.conftest import fresh_database
from tests.api.live import live_server

CONFIG = """\
[auth.wfc]
path = "auth.json"
user = "geo-planner"
peers = ["geo-planner", "bgr-planner"]

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_schemathesis_all_checks_with_agency_peers(tmp_path: Path) -> None:
    url = next(fresh_database("sqlite", tmp_path))
    with live_server(
        url,
        tmp_path,
        solver_slots=1,
        failed_auth_per_minute=1_000_000,
        requests_per_minute=1_000_000,
        submissions_per_minute=1_000_000,
    ) as server:
        peers = {"geo-planner": "GEO-MIA", "bgr-planner": "BGR-GDBOP"}
        auth = [
            {
                "name": name,
                "fixedHeaders": [
                    {
                        "name": "Authorization",
                        "value": f"Bearer {server.add_user(name, 'planner', agency)}",
                    }
                ],
            }
            for name, agency in peers.items()
        ]
        (tmp_path / "auth.json").write_text(json.dumps({"auth": auth}))
        (tmp_path / "schemathesis.toml").write_text(CONFIG)
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.base_url}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                os.environ.get("CDPLAN_SCHEMATHESIS_EXAMPLES", "15"),
                "--seed",
                "1",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        report = run.stdout + run.stderr
        assert run.returncode == 0, report[-6000:]
        assert "ST402" not in report
        summary = re.search(r"(\d+) generated, (\d+) passed", report)
        assert summary is not None and int(summary.group(1)) > 500, report[-3000:]
