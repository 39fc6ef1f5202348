"""Bundled scenarios, built from the research brief (domain.md §2.4); agencies and teams are
illustrative.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = "aurora-batumi-sofia"


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


def path_of(name: str) -> Path:
    return HERE / f"{name}.yaml"
