"""The PDF briefing, read back page by page: the frame on every page, whole rows, fonts."""

from __future__ import annotations

import io
import os
import re

import pytest
from pypdf import PdfReader

from geodata import Geodata
from planner.exports.briefing import render_briefing
from planner.exports.pdf import font_gaps, render_pdf
from planner.plan import Plan


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space (a wrapped cell) as one space."""
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def demo_pdf(demo_plan: Plan, geo: Geodata) -> bytes:
    return render_pdf(render_briefing(demo_plan, geo))


def test_every_page_carries_the_handling_code_top_and_bottom_and_page_n_of_m(
    demo_pdf: bytes,
) -> None:
    pages = _pages(demo_pdf)
    assert len(pages) >= 3  # the Aurora briefing runs over several pages
    for n, text in enumerate(pages, 1):
        assert text.count("HANDLING CODE H2") >= 2, n  # the top and the bottom of the page
        assert f"page {n} of {len(pages)}" in text
        assert "Operation Aurora (OP-AURORA)" in text
        assert "EXERCISE" not in text


def test_an_exercise_says_so_across_every_page(demo_plan: Plan, geo: Geodata) -> None:
    exercise = demo_plan.model_copy(
        update={"operation": demo_plan.operation.model_copy(update={"exercise": True})}
    )
    pages = _pages(render_pdf(render_briefing(exercise, geo)))
    for text in pages:
        # the page frame at the top and the bottom, and the word across the page
        assert text.count("EXERCISE") >= 3
        assert "EXERCISE · HANDLING CODE H2" in text


def test_table_rows_stay_whole_and_headers_repeat(demo_pdf: bytes, demo_plan: Plan) -> None:
    pages = _pages(demo_pdf)
    first = next(i for i, t in enumerate(pages) if "Team tasks, in time order" in t)
    last = next(i for i, t in enumerate(pages) if "Contingencies: where to interdict" in t)
    assert last > first  # the table runs over a page break: the test means something
    for i in range(first, last + 1):
        assert "Ready from – needed until" in pages[i], f"page {i + 1} lacks the table header"
    # Each task row shows its team's segment and its UTC times: both on one page.
    for a in demo_plan.assignments:
        hours = f"{a.expected_start:%H:%M}"
        on = [i for i, t in enumerate(pages) if a.team in t and hours in t]
        assert on, (a.team, a.segment)


def test_the_pdf_is_the_same_bytes_for_the_same_plan_dated_by_the_plan(
    demo_pdf: bytes, demo_plan: Plan, geo: Geodata
) -> None:
    again = render_pdf(render_briefing(demo_plan, geo))
    assert again == demo_pdf
    meta = PdfReader(io.BytesIO(demo_pdf)).metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith(f"D:{demo_plan.operation.planned_at:%Y%m%d%H%M}")


def test_a_plan_name_cannot_break_out_of_the_page_style(demo_plan: Plan, geo: Geodata) -> None:
    name = 'Op "X"; } </style><script>alert(1)</script> \\ ქართული'
    evil = demo_plan.model_copy(
        update={"operation": demo_plan.operation.model_copy(update={"name": name})}
    )
    page = render_briefing(evil, geo)
    assert "<script>" not in page
    style = page[page.index("<style>") : page.index("</style>")]
    assert "</" not in style[2:] and '"X"' not in style
    assert name in "".join(_pages(render_pdf(page)))


FONT_SAMPLE = {
    "Cyrillic": "Операция",
    "Greek": "Επιχείρηση",
    "Georgian": "ოპერაცია",
    "Armenian": "Գործողություն",
}


def test_fonts_cover_every_script_of_the_region(demo_plan: Plan, geo: Geodata) -> None:
    gaps = font_gaps()
    if gaps and not os.environ.get("CI"):
        pytest.skip("fonts missing here: " + "; ".join(gaps))
    assert gaps == []
    name = " ".join(FONT_SAMPLE.values())
    sample = demo_plan.model_copy(
        update={"operation": demo_plan.operation.model_copy(update={"name": name})}
    )
    pdf = render_pdf(render_briefing(sample, geo))
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text() or "")
    for script, word in FONT_SAMPLE.items():
        assert word in text, script
    fonts = {
        str(f["/BaseFont"])
        for p in reader.pages
        for f in (p["/Resources"].get("/Font") or {}).values()
    }
    for family in ("Noto-Sans", "Noto-Sans-Georgian", "Noto-Sans-Armenian"):
        assert any(re.search(f"\\+{family}(-Bold)?$", f) for f in fonts), (family, fonts)
