"""cdplan plan --lang --pdf: the briefing files a user finds, and bad language codes."""

from __future__ import annotations

from pathlib import Path

import yaml
from pypdf import PdfReader
from typer.testing import CliRunner

from cli.main import app
from tests.planner.scenarios import variant

runner = CliRunner()


def test_plan_writes_extracts_languages_and_pdfs(tmp_path: Path) -> None:
    path = tmp_path / "sofia.yaml"
    path.write_text(yaml.safe_dump(variant()), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["plan", str(path), "-o", str(out), "--lang", "el,sr-Latn", "--pdf"]
    )
    assert result.exit_code == 0, result.output
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for stem in ("briefing", "briefings/BG-GDBOP", "briefings/GR-HP"):
        for lang in ("", ".el", ".sr_Latn"):
            assert f"{stem}{lang}.html" in names
            assert f"{stem}{lang}.pdf" in names
    greek = PdfReader(out / "briefing.el.pdf").pages[0].extract_text() or ""
    assert "ΚΩΔΙΚΟΣ ΧΕΙΡΙΣΜΟΥ" in greek
    latin = (out / "briefings" / "GR-HP.sr_Latn.html").read_text(encoding="utf-8")
    assert "KOD ZA RUKOVANJE" in latin and 'lang="sr-Latn"' in latin


def test_an_unknown_language_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "sofia.yaml"
    path.write_text(yaml.safe_dump(variant()), encoding="utf-8")
    result = runner.invoke(app, ["plan", str(path), "-o", str(tmp_path / "o"), "--lang", "tr,xx"])
    assert result.exit_code == 2
    assert "xx" in result.output and "sr_Latn" in result.output
    assert not (tmp_path / "o").exists()
