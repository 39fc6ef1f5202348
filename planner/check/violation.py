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


# Each rule's short name, for reports read by people (numbers as in docs/rules.md).
RULE_NAMES: dict[int, str] = {
    0: "plan",
    1: "coverage",
    2: "jurisdiction",
    3: "capability",
    4: "one_place_at_a_time",
    5: "availability_duty_rest",
    6: "handovers",
    7: "follow_limit",
    8: "lawful_route",
    9: "cooperating_authority",
    10: "driver_hours",
    11: "opening_hours",
    12: "sailings",
    13: "local_time",
    14: "technical_coverage",
    15: "requests",
    16: "handover_table",
}
