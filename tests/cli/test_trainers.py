"""The trainer's commands as a trainer runs them: a generated exercise, byte for byte the same
for the same seed; a brief; a judged hand-written plan with its debrief; events from the command
line; a run of injects with its replay; and exercise marking on every output."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cli.main import app
from planner.examples import path_of
from planner.exercises.packs import load_packs

runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_the_same_seed_gives_the_same_exercise_byte_for_byte(tmp_path: Path) -> None:
    _run("exercise", "new", "--seed", "5", "--difficulty", "easy", "-o", str(tmp_path / "a"))
    _run("exercise", "new", "--seed", "5", "--difficulty", "easy", "-o", str(tmp_path / "b"))
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert set(a) >= {
        "scenario.yaml",
        "injects.yaml",
        "trainer-notes.md",
        "answer/plan.json",
        "answer/trainee.yaml",
        "answer/fixed.yaml",
        "brief/brief.json",
        "brief/brief.html",
    }
    assert a == b
    scenario = yaml.safe_load(a["scenario.yaml"])
    assert scenario["operation"]["exercise"] is True
    assert "EXERCISE" in a["brief/brief.html"].decode()


def test_judge_a_hand_written_plan_and_its_debrief(tmp_path: Path) -> None:
    pack = next(p for p in load_packs() if p.meta.id == "istanbul-transit")
    _run("exercise", "brief", str(pack.path / "scenario.yaml"), "-o", str(tmp_path / "brief"))
    brief = json.loads((tmp_path / "brief" / "brief.json").read_text())
    route = brief["routes"][0]
    # A trainee's plan from the brief alone: one Istanbul team on everything in Turkey, the
    # Svilengrad team in Bulgaria.
    assignments = [
        {"team": "TR-T1" if s["countries"] == ["TUR"] else "BG-T1", "segment": s["id"]}
        for s in route["segments"]
    ]
    trainee = tmp_path / "trainee.yaml"
    trainee.write_text(yaml.safe_dump({"status": "planned", "assignments": assignments}))
    out = _run(
        "judge", str(pack.path / "scenario.yaml"), str(trainee), "--json", "-o", str(tmp_path / "d")
    )
    j = json.loads(out)
    assert set(j) >= {
        "score",
        "feasible",
        "violations",
        "objective",
        "optimum",
        "gap",
        "engine_status",
    }
    # One team following across all of Turkey breaks the follow limit.
    assert not j["feasible"] and any(v["rule"] == "follow_limit" for v in j["violations"])
    page = (tmp_path / "d" / "debrief.html").read_text()
    assert "EXERCISE" in page and "follow" in page


def test_judge_refuses_unreadable_input_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "t.yaml"
    bad.write_text("status: planned\nassignments: [{team: NOPE, segment: R1-S01}]\n")
    result = runner.invoke(app, ["judge", str(path_of("istanbul-transit")), str(bad)])
    assert result.exit_code == 2
    pack = next(p for p in load_packs() if p.meta.id == "istanbul-transit")
    result = runner.invoke(app, ["judge", str(pack.path / "scenario.yaml"), str(bad)])
    assert result.exit_code == 2
    assert "NOPE" in result.output and "TR-T1" in result.output


def test_event_from_the_command_line(tmp_path: Path) -> None:
    _run("plan", str(path_of("aurora-batumi-sofia")), "-o", str(tmp_path / "v1"), "--quiet")
    assert (tmp_path / "v1" / "scenario.json").exists()
    event = tmp_path / "event.yaml"
    event.write_text("kind: delay\nat: 2026-12-03T14:00:00Z\nminutes: 90\n")
    out = _run("event", str(tmp_path / "v1"), str(event), "-o", str(tmp_path / "v2"))
    assert "delayed 90 min" in out
    v2 = json.loads((tmp_path / "v2" / "plan.json").read_text())
    assert v2["status"] == "optimal" and v2["history"] and v2["changes"]
    # A second event on the new version: the folder carries its scenario.
    event.write_text("kind: team_lost\nat: 2026-12-03T20:00:00Z\nteam: TR-T4\n")
    _run("event", str(tmp_path / "v2"), str(event), "-o", str(tmp_path / "v3"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: team_lost\nat: 2026-12-03T20:00:00Z\nteam: NOBODY\n")
    result = runner.invoke(
        app, ["event", str(tmp_path / "v2"), str(bad), "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "event.team" in result.output


def test_exercise_run_writes_a_version_per_inject_and_a_replay(tmp_path: Path) -> None:
    pack = next(p for p in load_packs() if p.meta.id == "moldova-transnistria")
    out = _run("exercise", "run", str(pack.path), "-o", str(tmp_path / "run"))
    assert "v3" in out
    summary = json.loads((tmp_path / "run" / "run.json").read_text())
    assert [v["version"] for v in summary["versions"]] == [1, 2, 3]
    assert summary["versions"][1]["inject"]["kind"] == "border_closed"
    for v in ("v1", "v2", "v3"):
        assert (tmp_path / "run" / v / "map.html").exists()
    replay = (tmp_path / "run" / "replay.html").read_text()
    assert "cdplan-range" in replay and "v3: team_lost" in replay
    assert "EXERCISE" in replay


def test_exercise_list_json() -> None:
    packs = json.loads(_run("exercise", "list", "--json"))
    assert len(packs) >= 8
    assert {"id", "title", "difficulty", "route", "skills", "learning_goals"} <= set(packs[0])


def test_every_output_of_an_exercise_says_exercise(tmp_path: Path) -> None:
    data = yaml.safe_load(path_of("moldova-chisinau-odesa").read_text())
    data["operation"]["exercise"] = True
    scenario = tmp_path / "s.yaml"
    scenario.write_text(yaml.safe_dump(data))
    _run("plan", str(scenario), "-o", str(tmp_path / "out"), "--quiet")
    for name in (
        "plan.json",
        "map.html",
        "timeline.html",
        "briefing.html",
        "plan.geojson",
        "plan.kml",
    ):
        text = (tmp_path / "out" / name).read_text()
        assert "EXERCISE" in text or '"exercise": true' in text, name
    assert json.loads((tmp_path / "out" / "plan.json").read_text())["operation"]["exercise"]
