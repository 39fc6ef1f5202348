"""The bundled exercise packs: hand-written exercises with learning goals and an answer key.

A pack is a folder of ``planner/exercises/packs/``: ``pack.yaml`` (its :class:`PackMeta`),
``scenario.yaml``, ``injects.yaml``, ``trainer-notes.md`` and ``answer/`` (``plan.json``, the
engine's plan, and ``trainee.yaml``, the same in the trainee's format). The tests plan every
pack again and check that its answer still holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from planner.exercises.generate import Difficulty
from planner.strict import Model

PACKS = Path(__file__).resolve().parent / "packs"


class PackMeta(Model):
    """What ``cdplan exercise list`` shows of a pack."""

    id: str = Field(pattern=r"^[a-z0-9-]{1,64}$", description="The pack's folder name")
    title: str = Field(max_length=200, description="One line")
    difficulty: Difficulty = Field(description="easy, medium or hard")
    route: str = Field(max_length=200, description="The route, in words")
    skills: list[str] = Field(description="The skills it trains")
    learning_goals: list[str] = Field(description="What a trainee should be able to do after it")


@dataclass(frozen=True)
class Pack:
    """A pack: its folder and what ``pack.yaml`` says."""

    path: Path
    meta: PackMeta

    def injects(self) -> Any:
        """The injects file's data (planner.exercises.run.parse_injects reads it)."""
        return yaml.safe_load((self.path / "injects.yaml").read_text(encoding="utf-8"))


def load_packs(root: Path = PACKS) -> list[Pack]:
    """Every pack under ``root``, by id."""
    out = []
    for meta_file in sorted(root.glob("*/pack.yaml")):
        data = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        meta = PackMeta.model_validate_json(json.dumps(data))
        out.append(Pack(path=meta_file.parent, meta=meta))
    return out
