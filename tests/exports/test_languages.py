"""Briefings in the reader's language: complete catalogs, no English label left, local dates."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from geodata import Geodata
from planner.exports.briefing import render_briefing
from planner.exports.catalogs import extract, problems, read
from planner.exports.i18n import LANGUAGES, LOCALES, UnknownLanguageError, normalise, reader
from planner.exports.labels import REASON
from planner.plan import Plan

TEMPLATES = Path(__file__).resolve().parents[2] / "planner" / "exports" / "templates"
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


@pytest.fixture(scope="module")
def template() -> Catalog:
    return extract()


def _visible(page: str) -> str:
    """The text a reader sees, less the engine's own English details (marked lang="en")."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'<small lang="en">.*?</small>', " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_every_catalog_translates_every_label(template: Catalog) -> None:
    assert len([m for m in template if m.id]) > 100
    found = [p for lang in OTHERS for p in problems(lang, template)]
    assert found == []


def test_the_template_catalog_is_up_to_date(template: Catalog) -> None:
    with (LOCALES / "cdplan.pot").open("rb") as fh:
        pot = read_po(fh)
    assert {m.id for m in pot if m.id} == {m.id for m in template if m.id}


def test_the_catalog_check_finds_a_missing_translation(
    template: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = read("tr")
    broken["Route"].string = ""
    del broken["Handovers"]
    monkeypatch.setattr("planner.exports.catalogs.read", lambda lang: broken)
    found = problems("tr", template)
    assert "tr: not translated: 'Route'" in found
    assert "tr: not in the catalog: 'Handovers'" in found


def test_no_label_in_the_template_escapes_extraction() -> None:
    for path in TEMPLATES.glob("*.html"):
        page = path.read_text(encoding="utf-8")
        page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
        page = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", page, flags=re.S)
        page = re.sub(r"<[^>]+>", " ", page)
        words = re.findall(r"[^\W\d_]{2,}", html.unescape(page))
        assert words == [], f"{path.name}: text outside _(): {words}"


@pytest.mark.parametrize("lang", ["tr", "ka"])
@pytest.mark.parametrize("agency", [None, "TR-TNP-NARC"])
def test_a_briefing_shows_no_english_label(
    lang: str, agency: str | None, template: Catalog, demo_plan: Plan, geo: Geodata
) -> None:
    text = _visible(render_briefing(demo_plan, geo, lang=lang, agency=agency))
    r = reader(lang)
    left = []
    for m in template:
        if not m.id or r.gettext(str(m.id)) == m.id:
            continue
        for part in re.split(r"%\([a-z_]+\)s", str(m.id)):
            piece = part.strip(" :.,()")
            if len(piece) > 2 and re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text):
                left.append(piece)
    assert left == []
    assert r.gettext("Handovers") in text


def test_dates_and_numbers_are_the_readers(demo_plan: Plan, geo: Geodata) -> None:
    tr = _visible(render_briefing(demo_plan, geo, lang="tr"))
    assert "3 Ara 2026" in tr  # the departure, a Turkish month
    assert "1.830 km" in tr  # Turkish thousands separator
    ka = _visible(render_briefing(demo_plan, geo, lang="ka"))
    assert "დეკ" in ka and "1 830 კმ" in ka
    en = _visible(render_briefing(demo_plan, geo))
    assert "Dec 3, 2026" in en and "1,830 km" in en


def test_place_names_stay_as_in_the_geodata_with_the_local_script(
    demo_plan: Plan, geo: Geodata
) -> None:
    for lang in ("en", "tr", "ka", "ru"):
        text = _visible(render_briefing(demo_plan, geo, lang=lang))
        assert "Sofia (София)" in text and "Batumi (ბათუმი)" in text
        assert "Kapikule - Kapitan Andreevo" in text


@pytest.mark.parametrize("lang", OTHERS)
def test_every_language_renders_with_its_page_language(
    lang: str, demo_plan: Plan, geo: Geodata
) -> None:
    page = render_briefing(demo_plan, geo, lang=lang, agency="BG-GDBOP")
    assert f'<html lang="{lang.replace("_", "-")}">' in page
    assert reader(lang).gettext("HANDLING CODE") in page


def test_reasons_are_told_in_the_readers_language(geo: Geodata) -> None:
    from planner.engine import plan
    from planner.io import load_scenario

    root = Path(__file__).resolve().parents[2]
    result = plan(
        load_scenario(root / "planner/examples/infeasible-transnistria-itinerary.yaml"), geo
    )
    codes = {r.code for r in result.reasons}
    assert codes and codes <= set(REASON)
    text = _visible(render_briefing(result, geo, lang="ru"))
    for code in codes:
        assert reader("ru").gettext(REASON[code]) in text


def test_language_codes() -> None:
    assert normalise("sr-Latn") == normalise("sr_latn") == normalise("sr@latin") == "sr_Latn"
    assert normalise("SR") == normalise("sr-Cyrl") == "sr"
    assert normalise("KA") == "ka"
    for bad in ("xx", "en-US-x", "", "../tr"):
        with pytest.raises(UnknownLanguageError):
            normalise(bad)
