"""The upkeep of the briefing's catalogs: what the sources mark, and what each catalog lacks.

The briefing's labels are marked in its template (``_("...")``) and in
:mod:`planner.exports.labels` (``label("...")``). :func:`extract` collects them into a template
catalog; :func:`update` merges it into every language's ``.po`` file (new labels arrive empty,
to be translated); :func:`problems` lists what a catalog lacks. ``scripts/catalogs.py`` runs
them for maintainers; the tests fail on any problem.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from planner.exports.i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALES, catalog_path

HERE = Path(__file__).resolve().parent
# Where the briefing's labels are marked, and how each file is read.
METHODS = [("templates/**.html", "jinja2"), ("labels.py", "python"), ("briefing.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "label": None}
PROJECT = "cdplan"
REVIEW_NOTE = (
    "Written for cdplan without a native speaker's review: native speakers should review "
    "these translations before operational use."
)
TRANSLATOR = "cdplan maintainers (no native speaker's review yet)"
# A fixed date in the headers, so that updating catalogs changes them only where labels change.
HEADER_DATE = datetime(2026, 1, 1)


def extract() -> Catalog:
    """Every label the briefing marks, as a template catalog (no translations)."""
    catalog = Catalog(
        project=PROJECT,
        domain=DOMAIN,
        creation_date=HEADER_DATE,
        revision_date=HEADER_DATE,
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        HERE, method_map=METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(
            message,
            locations=[(f"planner/exports/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def read(lang: str) -> Catalog:
    """The ``.po`` catalog of ``lang`` as written in the repository."""
    with catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=LANGUAGES[lang][0], domain=DOMAIN)


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What the catalog of ``lang`` lacks against the sources: each problem in words.

    A label the sources mark that the catalog has no translation for (missing, empty or fuzzy),
    a label the sources no longer mark, a translation whose ``%(name)s`` placeholders differ
    from its label's, and a header without the call for a native speaker's review.
    """
    template = template or extract()
    catalog = read(lang)
    out: list[str] = []
    for m in template:
        if not m.id:
            continue
        found = catalog.get(m.id)
        if found is None:
            out.append(f"{lang}: not in the catalog: {m.id!r}")
        elif not found.string or found.fuzzy:
            out.append(f"{lang}: not translated: {m.id!r}")
        elif _placeholders(str(m.id)) != _placeholders(str(found.string)):
            out.append(f"{lang}: placeholders differ: {m.id!r} -> {found.string!r}")
    marked = {m.id for m in template}
    out += [f"{lang}: no longer marked: {m.id!r}" for m in catalog if m.id and m.id not in marked]
    header = " ".join((catalog.header_comment or "").replace("#", " ").split())
    if REVIEW_NOTE not in header:
        out.append(f"{lang}: the header does not ask native speakers to review")
    return out


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)s", text))


def update(template: Catalog | None = None) -> list[Path]:
    """Write the template catalog and merge it into every language's ``.po`` file.

    Returns:
        The files written: ``cdplan.pot`` and each language's catalog.
    """
    template = template or extract()
    written = [LOCALES / f"{DOMAIN}.pot"]
    with written[0].open("wb") as fh:
        write_po(fh, template, width=100, include_lineno=False)
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = catalog_path(lang)
        if path.is_file():
            catalog = read(lang)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
        else:
            catalog = Catalog(
                locale=LANGUAGES[lang][0],
                domain=DOMAIN,
                project=PROJECT,
                creation_date=HEADER_DATE,
                revision_date=HEADER_DATE,
                fuzzy=False,
            )
            for m in template:
                if m.id:
                    catalog.add(m.id, locations=m.locations)
        catalog.header_comment = (
            f"# {LANGUAGES[lang][1]} labels of the cdplan briefing.\n# {REVIEW_NOTE}"
        )
        catalog.last_translator = TRANSLATOR
        catalog.revision_date = HEADER_DATE
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, include_lineno=False)
        written.append(path)
    return written
