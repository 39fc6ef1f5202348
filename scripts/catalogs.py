"""Update the briefing's translation catalogs after its labels change.

1. extract every label the briefing marks (its template and ``planner/exports/labels.py``) into
   ``planner/exports/locales/cdplan.pot``;
2. merge it into each language's ``cdplan.po``: new labels arrive with an empty translation,
   labels no longer marked are dropped, translations already written are kept;
3. list what each catalog still lacks (exit 1 if anything), as the tests do.

Then write the missing translations into the ``.po`` files. The compiled ``.mo`` files are made
when the package is installed (``setup.py``); until then the briefing reads the ``.po`` files.

Re-run with ``.venv/bin/python scripts/catalogs.py``.
"""

from __future__ import annotations

import sys

from planner.exports.catalogs import extract, problems, update
from planner.exports.i18n import DEFAULT, LANGUAGES


def main() -> int:
    template = extract()
    for path in update(template):
        print(path)
    lacking = [p for lang in LANGUAGES if lang != DEFAULT for p in problems(lang, template)]
    for p in lacking:
        print(p)
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())
