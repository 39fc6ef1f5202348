"""``cdplan robustness`` as a user runs it against a cluster by address: the JSON fields, the
files written, the map's layer, the same figures for the same seed, the target search."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from cli.main import app
from planner import examples
from tests.planner.scenarios import variant

runner = CliRunner()
AURORA = str(examples.path_of("aurora-batumi-sofia"))
FIELDS = {"samples", "holds", "handovers", "weakest", "replanned_ok", "seconds", "workers"}
FIELDS |= {"scheduler"}


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


def _run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["robustness", *args, "--json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, object] = json.loads(result.stdout)
    return doc


def test_json_has_the_contract_fields_and_the_files_are_written(
    address: str, tmp_path: Path
) -> None:
    doc = _run(AURORA, "--samples", "60", "--scheduler", address, "-o", str(tmp_path))
    assert set(doc) >= FIELDS
    assert doc["samples"] == 60 and doc["workers"] == 2 and doc["scheduler"] == address
    handovers = doc["handovers"]
    assert isinstance(handovers, list) and {"place", "kind", "holds"} <= set(handovers[0])
    weakest = doc["weakest"]
    assert isinstance(weakest, list) and {"segment", "why", "share"} <= set(weakest[0])
    assert json.loads((tmp_path / "robustness.json").read_text())["holds"] == doc["holds"]
    page = (tmp_path / "map.html").read_text()
    assert "Handovers: how often they hold" in page and "of sampled worlds" in page
    assert (tmp_path / "plan.json").exists() and (tmp_path / "briefing.html").exists()


def test_the_same_seed_gives_the_same_figures(address: str) -> None:
    keep = {"seconds", "scheduler", "workers"}
    a = _run(AURORA, "--samples", "80", "--seed", "4", "--scheduler", address)
    b = _run(AURORA, "--samples", "80", "--seed", "4", "--scheduler", address)
    assert {k: v for k, v in a.items() if k not in keep} == {
        k: v for k, v in b.items() if k not in keep
    }


def test_target_writes_the_plan_of_the_margin_it_chose(address: str, tmp_path: Path) -> None:
    scenario = tmp_path / "kulata.json"
    scenario.write_text(json.dumps(variant()))
    out = tmp_path / "out"
    doc = _run(
        str(scenario), "--samples", "40", "--target", "0.5", "--scheduler", address, "-o", str(out)
    )
    target = doc["target"]
    assert isinstance(target, dict) and target["met"]
    tried = [t["uncertainty"] for t in target["tried"]]
    assert tried[0] == 0.0 and target["uncertainty"] in tried
    written = json.loads((out / "plan.json").read_text())
    assert doc["uncertainty"] == target["uncertainty"]
    assert written["status"] in ("optimal", "feasible")


def test_a_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = runner.invoke(app, ["robustness", str(bad), "--samples", "5"])
    assert result.exit_code == 2


def test_an_operation_of_several_movements_is_studied_whole(address: str, tmp_path: Path) -> None:
    tandem = str(examples.path_of("tandem-edirne-plovdiv-sofia"))
    args = ["--samples", "30", "--replan", "--target", "0.5", "--scheduler", address]
    doc = _run(tandem, *args, "-o", str(tmp_path))
    handovers = doc["handovers"]
    assert isinstance(handovers, list)
    assert {"movement": "M1>M3", "kind": "transfer"}.items() <= handovers[-1].items()
    target = doc["target"]
    assert isinstance(target, dict) and target["met"]
    # Events are refused on several movements: no re-plan figure, and a note that says so.
    notes = doc["notes"]
    assert doc["replanned_ok"] is None and isinstance(notes, list) and "--replan" in notes[0]
    assert json.loads((tmp_path / "plan.json").read_text())["movements"]
    assert "of sampled worlds" in (tmp_path / "map.html").read_text()
    shown = runner.invoke(app, ["robustness", tandem, "--samples", "20", "--scheduler", address])
    assert shown.exit_code == 0 and "M1>M3" in shown.output and "transfer" in shown.output
