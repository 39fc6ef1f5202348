"""The command line as a user runs it: exit codes, JSON fields, exported layers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_route_json_has_the_spec_fields() -> None:
    result = runner.invoke(app, ["route", "MDA-chisinau", "UKR-odesa", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"countries", "crossings", "length_km", "hours", "geometry"}
    assert doc["countries"] == ["MDA", "UKR"]
    assert doc["crossings"][0]["id"] == "MDA-UKR-palanca"
    assert set(doc["crossings"][0]) == {"id", "name", "lat", "lon", "country"}
    assert doc["geometry"]["type"] == "LineString"


def test_route_with_coordinates_via_and_avoid() -> None:
    result = runner.invoke(
        app,
        [
            "route",
            "41.6168,41.6367",
            "42.6977,23.3219",
            "--via",
            "TUR-istanbul",
            "--avoid-country",
            "grc",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert "GRC" not in doc["countries"] and doc["countries"][0] == "GEO"


def test_bad_input_exits_2_and_names_the_field() -> None:
    result = runner.invoke(app, ["route", "nowhere", "BGR-sofia"])
    assert result.exit_code == 2
    assert "origin" in result.output
    result = runner.invoke(app, ["route", "BGR-sofia", "TUR-istanbul", "--modes", "road,plane"])
    assert result.exit_code == 2
    assert "--modes" in result.output


def test_geodata_export_writes_the_spec_layers(tmp_path: Path) -> None:
    result = runner.invoke(app, ["geodata", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = {
        "countries": {"iso3", "name", "bsec"},
        "crossings": {"id", "name", "countries", "modes", "status"},
        "ports": {"id", "name", "country"},
        "network": {"id", "from", "to", "mode", "km", "minutes"},
        "restricted": {"name", "state", "cooperating_authority", "since", "source"},
    }
    for layer, fields in expected.items():
        doc = json.loads((tmp_path / f"{layer}.geojson").read_text())
        assert doc["type"] == "FeatureCollection"
        assert doc["features"], layer
        for feature in doc["features"]:
            assert fields <= set(feature["properties"]), layer
            lon, lat = _first_coordinate(feature["geometry"]["coordinates"])
            assert 10 < lon < 64 and 29 < lat < 58  # lon/lat order, EPSG:4326
    statuses = {
        f["properties"]["status"]
        for f in json.loads((tmp_path / "crossings.geojson").read_text())["features"]
    }
    assert statuses == {"open", "closed", "non_plannable"}


def _first_coordinate(coords: list) -> tuple[float, float]:  # type: ignore[type-arg]
    while isinstance(coords[0], list):
        coords = coords[0]
    return float(coords[0]), float(coords[1])


def test_demo_writes_layers_routes_and_map(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "overview.png").stat().st_size > 50_000
    routes = json.loads((tmp_path / "routes.json").read_text())
    assert routes["Chisinau to Odesa"]["countries"] == ["MDA", "UKR"]
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["status"] == "optimal"
    assert plan["operation"]["handling_code"] == "H2"
    assert (tmp_path / "geodata" / "network.geojson").exists()


def test_plan_check_and_schema_commands(tmp_path: Path) -> None:
    from planner.examples import DEFAULT, path_of

    result = runner.invoke(app, ["check", str(path_of(DEFAULT))])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["plan", str(path_of(DEFAULT)), "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "plan.json").read_text())
    assert doc["schema"] == "cdplan.plan/1" and doc["status"] == "optimal"
    assert not list(tmp_path.glob(".*.tmp"))
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout)["title"] == "Scenario"


def test_check_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: cdplan.scenario/1\noperation: {id: 'bad id!'}\n")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert "operation.id" in result.output


def test_an_invalid_scenario_exits_2_and_writes_only_the_plan(tmp_path: Path) -> None:
    import yaml

    from tests.planner.scenarios import variant

    data = variant(route={"origin": "Sofia", "destination": "GRC-thessaloniki"})
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    (out).mkdir()
    (out / "map.html").write_text("an old map")  # from an earlier run: must not stay
    result = runner.invoke(app, ["plan", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in out.iterdir()) == ["plan.json"]
    doc = json.loads((out / "plan.json").read_text())
    assert doc["status"] == "invalid" and doc["reasons"][0]["subject"] == "route.origin"
    # cdplan check says the same before planning, with the closest ids.
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "BGR-sofia" in result.output


def test_places_search_finds_a_port_in_any_spelling() -> None:
    for text in ("Constanța", "Constanta", "Constantsa"):
        result = runner.invoke(app, ["places", "search", text, "--json", "--kind", "port"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)[0]["id"] == "ROU-constanta"
    result = runner.invoke(app, ["places", "search", "samsun", "--json"])
    ids = [m["id"] for m in json.loads(result.stdout)]
    assert {"TUR-samsun", "TUR-samsun-city"} <= set(ids[:2])
    assert set(json.loads(result.stdout)[0]) == {"id", "kind", "name", "country", "lat", "lon"}
