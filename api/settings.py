"""Service settings, read from the environment once per app (never at import time).

Every limit the service enforces is here, with its unit, so that an operator can see and change
them in one place and a test can build an app with tight ones.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def default_data_dir() -> Path:
    return Path(os.environ.get("CDPLAN_DATA_DIR") or Path.home() / ".local/share/cdplan")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Field(description="Where the SQLite file and worker scratch live")
    database_url: str = Field(description="SQLAlchemy URL; default: SQLite under data_dir")
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body, bytes (else 413)"
    )
    solver_slots: int = Field(
        default=2, ge=1, le=16, description="Solves run at once, one worker process each"
    )
    grace_seconds: float = Field(
        default=10.0, ge=0, description="Past the scenario's time limit before a worker is killed"
    )
    setup_seconds: float = Field(
        default=60.0, ge=0, description="Allowance for loading geodata and building the model"
    )
    warm_workers: bool = Field(
        default=True,
        description="Fork each worker from a warm process that has the solver's libraries and "
        "the geodata loaded (false: start each from scratch, seconds slower)",
    )
    worker_memory_mb: int = Field(
        default=4096, ge=256, description="Address-space limit of one worker process, MiB"
    )
    lease_seconds: float = Field(
        default=15.0, gt=0, description="A running job whose lease is not renewed is re-queued"
    )
    poll_seconds: float = Field(default=0.5, gt=0, description="Supervisor poll interval")
    max_attempts: int = Field(
        default=3, ge=1, description="Worker crashes tolerated before a job fails"
    )
    max_queued_per_agency: int = Field(
        default=50, ge=1, description="Operational jobs waiting per agency before 503"
    )
    max_queued_exercise_per_agency: int = Field(
        default=20, ge=1, description="Exercise jobs waiting per agency before 503 (own queue)"
    )
    exercise_solver_slots: int = Field(
        default=1,
        ge=1,
        description="Solves of exercise jobs at once; operational jobs waiting always go first",
    )
    quota_plans: int = Field(default=1_000, ge=1, description="Plans per agency and namespace")
    quota_versions: int = Field(
        default=20_000, ge=1, description="Plan versions per agency and namespace"
    )
    quota_bytes: int = Field(
        default=2_000_000_000, ge=1, description="Bytes stored per agency and namespace"
    )
    retention_days: float = Field(
        default=0,
        ge=0,
        description="Remove the outputs of old versions this long after their operation ended "
        "(0: keep everything); the latest version of a plan is always kept",
    )
    submissions_per_minute: int = Field(
        default=10, ge=1, description="Plan and event submissions per user per minute"
    )
    requests_per_minute: int = Field(
        default=600, ge=1, description="Authenticated requests per user per minute"
    )
    failed_auth_per_minute: int = Field(
        default=20, ge=1, description="Rejected tokens per client address per minute"
    )
    token_days: float = Field(
        default=90.0, gt=0, description="Days a token works after it is issued or rotated"
    )
    cancel_wait_seconds: float = Field(
        default=30.0, ge=0, description="How long DELETE waits for a worker to stop"
    )
    db_busy_seconds: float = Field(
        default=5.0, gt=0, description="Wait for a locked database before 503"
    )
    http_idle_seconds: float = Field(
        default=5.0, gt=0, description="A connection that sends no request for this long is closed"
    )
    http_header_seconds: float = Field(
        default=5.0, gt=0, description="Time for a request head to arrive, from its first byte"
    )
    http_body_seconds: float = Field(
        default=10.0, gt=0, description="Time for a request body to arrive, from its head (408)"
    )
    http_connections_per_client: int = Field(
        default=32, ge=1, description="Connections one client address may hold"
    )
    http_connections: int = Field(default=512, ge=1, description="Connections the server holds")
    max_requests_in_flight: int = Field(
        default=64, ge=1, description="Requests answered at once; more get 503 (audited)"
    )
    robustness_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How long a robustness study may run (plus set-up and grace) before its "
        "worker is killed",
    )
    fault_delay_seconds: float = Field(
        default=0.0,
        ge=0,
        description="Fault injection only: a worker sleeps this long before it solves",
    )

    def job_deadline(self, time_limit_seconds: float) -> float:
        """When the supervisor kills a worker: the solver's time limit, the set-up allowance and
        the grace period, seconds."""
        return time_limit_seconds + self.setup_seconds + self.grace_seconds


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / 'cdplan.db'}"


def load_settings(**overrides: object) -> Settings:
    """Settings from CDPLAN_* environment variables, then explicit overrides."""
    data_dir = Path(str(overrides.pop("data_dir", None) or default_data_dir()))
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": os.environ.get("CDPLAN_DATABASE_URL") or sqlite_url(data_dir),
    }
    for name in Settings.model_fields:
        env = os.environ.get(f"CDPLAN_{name.upper()}")
        if env is not None and name not in ("data_dir", "database_url"):
            values[name] = env
    values.update(overrides)
    return Settings.model_validate(values)
