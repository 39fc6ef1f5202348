"""The map and the timeline in a real browser (Debian chromium), from disk, with every request
that leaves the page aborted and counted: none may happen, and no console error."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail("Debian chromium is missing on CI: .ci/run installs it", pytrace=False)
    pytest.skip(
        "Debian chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

from playwright.sync_api import Page, Route, sync_playwright  # noqa: E402

from geodata import Geodata  # noqa: E402
from planner.exports.map import render_map  # noqa: E402
from planner.plan import Plan  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def _open(browser: Any, path: Path) -> tuple[Page, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    external: list[str] = []
    errors: list[str] = []

    def route(r: Route) -> None:
        url = r.request.url
        local = url.startswith(("data:", "blob:", "about:")) or url.startswith("file:///")
        if local:
            r.continue_()
        else:  # includes file://host/... that a protocol-relative link becomes on disk
            external.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_timeout(800)
    return page, external, errors


def test_map_offline_and_time_slider_moves_the_consignment(
    browser: Any, outputs: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "map.html"
    shutil.copy(outputs / "map.html", copy)
    page, external, errors = _open(browser, copy)
    assert external == []
    assert errors == []
    assert page.locator("#cdplan-banner").inner_text().startswith("H2")
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator("#cdplan-legend").is_visible()
    before = page.evaluate("window.cdplanMarker.getLatLng()")
    page.evaluate(
        "var i = document.getElementById('cdplan-range'); i.value = 600;"
        "i.dispatchEvent(new Event('input'))"
    )
    after = page.evaluate("window.cdplanMarker.getLatLng()")
    assert (before["lat"], before["lng"]) != (after["lat"], after["lng"])
    assert "UTC" in page.locator("#cdplan-time").inner_text()
    page.close()


def test_timeline_offline(browser: Any, outputs: Path) -> None:
    page, external, errors = _open(browser, outputs / "timeline.html")
    assert external == []
    assert errors == []
    assert page.locator(".plotly").count() >= 1
    page.close()


def test_every_html_output_is_offline(browser: Any, outputs: Path) -> None:
    pages = sorted(outputs.rglob("*.html"))
    names = {p.relative_to(outputs).as_posix() for p in pages}
    assert {"briefing.html", "briefing.tr.html", "briefings/BG-GDBOP.html"} <= names
    for path in pages:
        page, external, errors = _open(browser, path)
        assert external == [], path.name
        assert errors == [], path.name
        page.close()


VISIBLE_LABELS = """() => Array.from(document.querySelectorAll('.cdplan-label'))
  .filter(e => e.style.visibility !== 'hidden')
  .map(e => { const r = e.firstChild.getBoundingClientRect();
              return [r.left, r.top, r.right, r.bottom, e.textContent]; })"""


def _overlaps(rects: list[list[Any]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append((a[4], b[4]))
    return out


def test_two_teams_at_once_show_each_agency_and_labels_never_overlap(
    browser: Any, double_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_map(double_plan, geo), encoding="utf-8")
    page, external, errors = _open(browser, path)
    assert external == [] and errors == []
    assert "two or more teams" in page.locator("#cdplan-several").inner_text()
    # A stretch watched by two agencies is drawn as stripes: a dashed line in a slot of its own.
    stripes = page.evaluate(
        """() => { let n = 0; document.querySelectorAll('.folium-map').forEach(() => {});
        for (const k in window) { const v = window[k];
          if (v && v._layers && v.setView) { v.eachLayer(l => {
            if (l.options && String(l.options.dashArray || '').startsWith('0 ')) { n++; } }); } }
        return n; }"""
    )
    assert stripes > 0
    names = {h.place.name for h in double_plan.handovers}
    for zoom in (None, 5, 9):
        if zoom is not None:
            page.evaluate(
                f"""() => {{ for (const k in window) {{ const v = window[k];
                if (v && v._layers && v.setView) {{ v.setZoom({zoom}, {{animate: false}}); }} }}
                window.cdplanDeclutter(); }}"""
            )
            page.wait_for_timeout(300)
        rects = page.evaluate(VISIBLE_LABELS)
        assert rects, zoom
        assert _overlaps(rects) == [], zoom
    page.evaluate("() => window.cdplanDeclutter()")
    assert names & {r[4] for r in page.evaluate(VISIBLE_LABELS)}
    page.close()


def test_a_place_name_is_shown_as_text_never_run(
    browser: Any, demo_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    evil = '<img src=x onerror="window.pwned=1">Kapikule'
    h = demo_plan.handovers[-1]
    plan = demo_plan.model_copy(
        update={
            "handovers": [
                *demo_plan.handovers[:-1],
                h.model_copy(update={"place": h.place.model_copy(update={"name": evil})}),
            ]
        }
    )
    path = tmp_path / "map.html"
    path.write_text(render_map(plan, geo), encoding="utf-8")
    page, external, errors = _open(browser, path)
    assert external == [] and errors == []
    assert page.evaluate("() => window.pwned") is None
    assert page.locator(".cdplan-label img").count() == 0
    assert evil in page.evaluate(
        "() => Array.from(document.querySelectorAll('.cdplan-label')).map(e => e.textContent)"
    )
    page.close()


def test_compare_page_is_offline_with_two_layers_and_two_timelines(
    browser: Any, demo_plan: Plan, double_plan: Plan, geo: Geodata, tmp_path: Path
) -> None:
    from planner.exports.compare import render_compare

    path = tmp_path / "compare.html"
    path.write_text(render_compare(demo_plan, double_plan, geo, ("one", "two")), "utf-8")
    page, external, errors = _open(browser, path)
    assert external == [] and errors == []
    overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert {"A: one", "B: two"} <= {o.strip() for o in overlays}
    assert page.locator("#cdplan-timeline-a .plot-container").count() == 1
    assert page.locator("#cdplan-timeline-b .plot-container").count() == 1
    assert "Handovers" in page.locator("#cdplan-kpis").inner_text()
    page.close()


def test_trainer_pages_offline_and_the_replay_switches_versions(
    browser: Any, tmp_path: Path, geo: Any
) -> None:
    from planner.exercises.brief import build_brief
    from planner.exercises.judge import as_trainee, judge
    from planner.exercises.packs import load_packs
    from planner.exercises.run import run_injects
    from planner.exports.debrief import render_debrief
    from planner.exports.replay import render_replay
    from planner.exports.trainee_brief import render_trainee_brief
    from planner.io import load_scenario

    pack = next(p for p in load_packs() if p.meta.id == "moldova-transnistria")
    sc = load_scenario(pack.path / "scenario.yaml")
    run = run_injects(sc, pack.injects(), geo)
    pages = {
        "replay.html": render_replay(run, geo),
        "brief.html": render_trainee_brief(build_brief(sc, geo)),
        "debrief.html": render_debrief(judge(sc, as_trainee(run.plans[0]), geo), geo),
    }
    for name, text in pages.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        page, external, errors = _open(browser, tmp_path / name)
        assert external == [], name
        assert errors == [], name
        if name == "replay.html":
            assert page.evaluate("window.cdplanVersion") == 1
            page.evaluate(
                "var i = document.getElementById('cdplan-range'); i.value = 999;"
                "i.dispatchEvent(new Event('input'))"
            )
            assert page.evaluate("window.cdplanVersion") == len(run.plans)
        page.close()
