"""The briefing, GeoJSON and KML: contents a coordinator relies on."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from geodata import Geodata
from planner.exports.map import render_map
from planner.exports.offline import LOCAL, OfflineAssetError, make_offline
from planner.exports.timeline import render_timeline
from planner.exports.write import render_all
from planner.plan import Plan


def test_briefing_names_every_team_and_handover_place(outputs: Path, demo_plan: Plan) -> None:
    page = (outputs / "briefing.html").read_text()
    text = html.unescape(page)
    for a in demo_plan.assignments:
        assert a.team in text
    for h in demo_plan.handovers:
        assert h.place.name in text
        # the window in the place's local time: 09:03 - 09:33 (UTC+3) at Kapikule
        local = h.start_local[11:16] + " – " + h.end_local[11:16]
        assert local in text, local
    for auth in demo_plan.authorisations:
        assert auth.authority in text
    # The screen's banners at the top and the bottom; the printed page frame is in the style.
    assert page.count('<div class="code">HANDLING CODE H2') == 2
    assert "Contingencies" in text
    assert "Sofia (София)" in text  # the local-script name from the geodata


def test_geojson_holds_route_segments_and_handovers(outputs: Path, demo_plan: Plan) -> None:
    doc = json.loads((outputs / "plan.geojson").read_text())
    kinds = [f["properties"]["kind"] for f in doc["features"]]
    assert kinds.count("route") == 1
    assert kinds.count("segment") == len(demo_plan.segments)
    assert kinds.count("handover") == len(demo_plan.handovers)
    route = next(f for f in doc["features"] if f["properties"]["kind"] == "route")
    assert route["geometry"]["type"] == "LineString" and len(route["geometry"]["coordinates"]) > 10
    seg = next(f for f in doc["features"] if f["properties"]["kind"] == "segment")
    assert seg["properties"]["teams"] and seg["properties"]["agencies"]
    assert all(f["properties"]["handling_code"] == "H2" for f in doc["features"])


def test_kml_parses_with_route_and_timed_handovers(outputs: Path, demo_plan: Plan) -> None:
    root = ET.fromstring((outputs / "plan.kml").read_text())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = root.findall(".//k:Placemark", ns)
    points = [p for p in placemarks if p.find(".//k:Point", ns) is not None]
    assert len(points) == len(demo_plan.handovers)
    assert all(p.find(".//k:TimeSpan/k:begin", ns) is not None for p in points)
    lines = root.findall(".//k:LineString", ns)
    assert len(lines) == 1 + len(demo_plan.segments)


def test_pages_carry_no_remote_reference(outputs: Path) -> None:
    for name in ("map.html", "timeline.html", "briefing.html"):
        page = (outputs / name).read_text()
        tags = re.findall(r"<(?:script|link|img)[^>]+(?:src|href)=[\"']([^\"']+)", page)
        assert not [t for t in tags if "//" in t], name


def test_offline_rewrite_fails_closed() -> None:
    with pytest.raises(OfflineAssetError, match="no local copy"):
        make_offline('<script src="https://cdn.example.org/x.js"></script>')
    with pytest.raises(OfflineAssetError, match="remote reference"):
        make_offline('<img src="//tiles.example.org/1/2/3.png">')
    page = make_offline(f'<script src="{next(iter(LOCAL))}"></script>')
    assert "<script>" in page and "http" not in page[:40]


def test_timeline_is_deterministic(demo_plan: Plan) -> None:
    assert render_timeline(demo_plan) == render_timeline(demo_plan)


def test_map_is_deterministic_and_shows_the_handling_code(demo_plan: Plan, geo: Geodata) -> None:
    a = render_map(demo_plan, geo)
    b = render_map(demo_plan, geo)
    assert a == b
    assert "H2 &middot; Operation Aurora" in a


def test_exercise_plans_say_so_on_every_output(demo_plan: Plan, geo: Geodata) -> None:
    exercise = demo_plan.model_copy(
        update={"operation": demo_plan.operation.model_copy(update={"exercise": True})}
    )
    out = render_all(exercise, geo)
    for name in ("map.html", "timeline.html", "briefing.html", "plan.kml"):
        assert "EXERCISE" in out[name], name
    assert json.loads(out["plan.geojson"])["features"][0]["properties"]["exercise"] is True
    assert "EXERCISE" not in render_all(demo_plan, geo)["map.html"]


def test_an_infeasible_plan_still_renders_every_output(geo: Geodata) -> None:
    from planner.engine import plan
    from planner.io import load_scenario

    root = Path(__file__).resolve().parents[2]
    result = plan(
        load_scenario(root / "planner/examples/infeasible-transnistria-itinerary.yaml"), geo
    )
    assert result.status == "infeasible"
    assert set(render_all(result, geo)) == {
        "plan.json",
        "map.html",
        "timeline.html",
        "briefing.html",
        "plan.geojson",
        "plan.kml",
    }


def test_the_same_plan_gives_the_same_bytes_in_every_output(
    demo_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    from planner.exports.write import write_all

    first = write_all(demo_plan, geo, tmp_path / "one", langs=["ka"], pdf=True)
    second = write_all(demo_plan, geo, tmp_path / "two", langs=["ka"], pdf=True)
    assert set(first) == set(second)
    assert {"briefing.pdf", "briefing.ka.pdf", "briefings/BG-GDBOP.ka.pdf"} <= set(first)
    differ = [n for n in first if first[n].read_bytes() != second[n].read_bytes()]
    assert differ == []


def test_a_new_run_removes_the_briefings_an_earlier_one_left(
    demo_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    from planner.exports.write import write_all

    write_all(demo_plan, geo, tmp_path, langs=["tr"])
    assert (tmp_path / "briefing.tr.html").exists()
    assert (tmp_path / "briefings" / "BG-GDBOP.tr.html").exists()
    written = write_all(demo_plan, geo, tmp_path)
    left = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert left == set(written)
