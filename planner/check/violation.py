"""A breach of a rule, as the checker reports it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One breach of a rule by a plan: the rule's number, what it is about, and what is wrong."""

    rule: int  # rule number in docs/rules.md (0: the plan's own consistency)
    subject: str
    message: str

    def __str__(self) -> str:
        return f"rule {self.rule}: {self.subject}: {self.message}"
