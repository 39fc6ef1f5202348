"""The job state machine of a plan version, in one place.

queued -> running -> done | failed | cancelled; a running job whose worker died goes back to
queued (its attempt count kept). Stored as the enum's string value.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    """Where a version's job is: waiting, solving, or finished one of three ways."""

    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the job will never run again."""
        return self in TERMINAL


TERMINAL = frozenset({JobState.done, JobState.failed, JobState.cancelled})


class TaskKind(StrEnum):
    """What a task does with a plan version (a task is a job that makes no new version)."""

    judgement = "judgement"  # a trainee's plan judged against the exercise plan's scenario
    robustness = "robustness"  # how often the plan holds on sampled worlds
