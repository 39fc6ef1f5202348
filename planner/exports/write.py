"""Writing every output of a plan into a folder, each file atomically."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from geodata.layers import Geodata
from planner.exports.briefing import render_briefing, render_content
from planner.exports.features import dumps, plan_geojson, plan_kml
from planner.exports.i18n import DEFAULT
from planner.exports.map import render_map
from planner.exports.offline import OfflineAssetError
from planner.exports.pdf import PdfUnavailableError, render_pdf
from planner.exports.scope import SAFE_ID, agencies, for_agency, named, nothing_for, whole
from planner.exports.timeline import render_timeline
from planner.plan import Plan, PlanStatus

log = logging.getLogger(__name__)
EXTRACTS = "briefings"
HTML = "text/html; charset=utf-8"
PDF = "application/pdf"


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file so that a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


# name -> (media type, renderer). The API serves the same renderings the CLI writes.
OUTPUTS: dict[str, tuple[str, Callable[[Plan, Geodata], str]]] = {
    "plan.json": ("application/json", lambda plan, _geo: plan.to_json()),
    "briefing.html": ("text/html; charset=utf-8", render_briefing),
    "plan.geojson": ("application/geo+json", lambda plan, _geo: dumps(plan_geojson(plan))),
    "plan.kml": ("application/vnd.google-earth.kml+xml", lambda plan, _geo: plan_kml(plan)),
    "timeline.html": ("text/html; charset=utf-8", lambda plan, _geo: render_timeline(plan)),
    "map.html": ("text/html; charset=utf-8", render_map),
}


def render_all(plan: Plan, geo: Geodata) -> dict[str, str]:
    """Every output as text; one that cannot be made offline is left out, with a log line.

    An invalid scenario gets ``plan.json`` alone, with its reasons: a map or a briefing of a
    scenario that cannot be planned would look like an operation order.
    """
    rendered: dict[str, str] = {}
    names = ["plan.json"] if plan.status is PlanStatus.invalid else list(OUTPUTS)
    for name in names:
        render = OUTPUTS[name][1]
        try:
            rendered[name] = render(plan, geo)
        except OfflineAssetError as exc:
            # Never hand out a map that would reach out to the network; say why instead.
            log.error("%s not rendered: %s", name, exc)
    return rendered


def briefing_name(lang: str = DEFAULT, agency: str | None = None, suffix: str = ".html") -> str:
    """The file of a briefing, relative to the plan's folder.

    ``briefing.html``, ``briefing.<LL>.html``, ``briefings/<AGENCY-ID>.html`` and
    ``briefings/<AGENCY-ID>.<LL>.html``; ``suffix`` ``.pdf`` for their PDFs.
    """
    stem = "briefing" if agency is None else f"{EXTRACTS}/{agency}"
    return f"{stem}{'' if lang == DEFAULT else '.' + lang}{suffix}"


def render_briefings(
    plan: Plan, geo: Geodata, *, langs: Sequence[str] = (), pdf: bool = False
) -> dict[str, str | bytes]:
    """Every briefing besides ``briefing.html``: PDFs, other languages, agencies' extracts.

    For the whole plan and each agency on it (its need-to-know extract), in English and in each
    of ``langs``, an HTML page, and with ``pdf`` its PDF. A PDF that cannot be made here
    (Pango missing) is left out, with a log line. An invalid scenario gets none.
    """
    if plan.status is PlanStatus.invalid:
        return {}
    out: dict[str, str | bytes] = {}
    # Agency ids become file names: one the scenario could not have given is skipped.
    scopes: list[str | None] = [None, *(a for a in agencies(plan) if SAFE_ID.match(a))]
    for lang in dict.fromkeys([DEFAULT, *langs]):
        for agency in scopes:
            page = render_briefing(plan, geo, lang=lang, agency=agency)
            if lang != DEFAULT or agency is not None:
                out[briefing_name(lang, agency)] = page
            if not pdf:
                continue
            try:
                out[briefing_name(lang, agency, ".pdf")] = render_pdf(page)
            except PdfUnavailableError as exc:
                log.error("%s not rendered: %s", briefing_name(lang, agency, ".pdf"), exc)
    return out


def briefing_document(
    plan: Plan,
    geo: Geodata,
    *,
    lang: str = DEFAULT,
    agency: str | None = None,
    pdf: bool = False,
) -> tuple[str, bytes]:
    """One briefing as a service hands it out: (media type, content).

    ``agency``: that agency's need-to-know extract (its id in any case); an agency with no team
    on the plan gets an extract with nothing in it, never another agency's part.

    Raises:
        UnknownLanguageError: ``lang`` has no catalog.
        PdfUnavailableError: a PDF was asked for and Pango is missing.
    """
    if agency is None:
        content = whole(plan, geo)
    else:
        own = named(plan, agency)
        content = for_agency(plan, geo, own) if own else nothing_for(plan, agency)
    page = render_content(content, geo, lang)
    return (PDF, render_pdf(page)) if pdf else (HTML, page.encode("utf-8"))


def _stale(directory: Path) -> set[str]:
    """Briefing files of an earlier run (named as :func:`briefing_name` names them)."""
    found = {p.name for p in directory.glob("briefing.*.html")}
    found |= {p.name for p in directory.glob("briefing*.pdf")}
    found |= {f"{EXTRACTS}/{p.name}" for p in directory.glob(f"{EXTRACTS}/*.html")}
    found |= {f"{EXTRACTS}/{p.name}" for p in directory.glob(f"{EXTRACTS}/*.pdf")}
    return found


def write_all(
    plan: Plan,
    geo: Geodata,
    directory: Path,
    *,
    langs: Sequence[str] = (),
    pdf: bool = False,
) -> dict[str, Path]:
    """plan.json, map.html, timeline.html, briefing.html, plan.geojson, plan.kml, and briefings.

    Besides, :func:`render_briefings`: agencies' extracts under ``briefings/``, a briefing per
    language in ``langs``, and with ``pdf`` a PDF of each. Outputs of an earlier run that this
    plan does not have are removed, so that a folder never mixes a new plan.json with an old map
    or an old agency's extract.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    files: dict[str, str | bytes] = dict(render_all(plan, geo))
    files.update(render_briefings(plan, geo, langs=langs, pdf=pdf))
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content)
        written[name] = path
    for name in (set(OUTPUTS) | _stale(directory)) - set(written):
        (directory / name).unlink(missing_ok=True)
    extracts = directory / EXTRACTS
    if extracts.is_dir() and not any(extracts.iterdir()):
        extracts.rmdir()
    return written
