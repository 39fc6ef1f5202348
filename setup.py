"""Install-time step: compile the briefing's gettext catalogs (.po -> .mo).

Everything else about the package is in pyproject.toml. The ``.po`` files are the catalogs'
source, kept in the repository; the compiled ``.mo`` files are made here, for a wheel into the
build tree and for an editable install (``pip install -e .``) next to their sources.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALES = Path("planner") / "exports" / "locales"


def compile_catalogs(source: Path, target: Path) -> list[Path]:
    """Compile each ``<LL>/LC_MESSAGES/*.po`` under ``source`` to the same place in ``target``."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(mo)
    return written


class BuildWithCatalogs(build_py):
    """``build_py`` that also compiles the catalogs."""

    def run(self) -> None:
        """Build as usual, then compile the catalogs."""
        super().run()
        root = Path(__file__).resolve().parent
        # An editable install runs the sources in place: the compiled catalogs go beside them.
        target = root / LOCALES if self.editable_mode else Path(self.build_lib) / LOCALES
        compile_catalogs(root / LOCALES, target)


setup(cmdclass={"build_py": BuildWithCatalogs})
