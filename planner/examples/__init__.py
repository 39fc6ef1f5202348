"""Bundled scenarios: real trafficking routes of the region, with illustrative agencies and teams.

Each YAML file's header says which route it follows and what it shows; they are the examples of
the README and the cases of the tests and of ``cdplan bench``.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = "aurora-batumi-sofia"


def names() -> list[str]:
    """The bundled scenarios' names (file stems), sorted."""
    return sorted(p.stem for p in HERE.glob("*.yaml"))


def path_of(name: str) -> Path:
    """The file of bundled scenario ``name`` (it may not exist: see :func:`names`)."""
    return HERE / f"{name}.yaml"
