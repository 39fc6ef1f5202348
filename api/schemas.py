"""What the HTTP API returns (and the bodies it takes besides scenarios and events)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.db.states import JobState
from planner.commitments import Commitment
from planner.exercises.judge import Judgement
from planner.plan import Plan, PlanStatus
from planner.robust.report import Robustness

HandlingCode = Literal["H0", "H1", "H2", "H3"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class FieldError(Out):
    loc: str = Field(description="The field, dotted (e.g. teams.3.base)")
    msg: str = Field(description="The rule it breaks")
    fix: str = Field(description="What to change")


class ErrorDetail(Out):
    code: str = Field(description="Machine-readable rule name")
    message: str = Field(description="What went wrong, without echoing submitted values")
    field: str = Field(default="", description="The field or header concerned, if any")
    errors: list[FieldError] = Field(default_factory=list, description="Each invalid field")


class ErrorOut(Out):
    error: ErrorDetail


class Links(Out):
    self: str = Field(description="This plan")
    map: str = Field(description="Offline map (text/html)")
    timeline: str = Field(description="Timeline (text/html)")
    briefing: str = Field(description="Briefing (text/html)")
    geojson: str = Field(description="GeoJSON FeatureCollection")
    kml: str = Field(description="KML")
    events: str = Field(description="POST events here for a new version")
    versions: str = Field(description="Every version")


def links(plan_id: str) -> Links:
    base = f"/v1/plans/{plan_id}"
    return Links(
        self=base,
        map=f"{base}/map",
        timeline=f"{base}/timeline",
        briefing=f"{base}/briefing",
        geojson=f"{base}/geojson",
        kml=f"{base}/kml",
        events=f"{base}/events",
        versions=f"{base}/versions",
    )


class JobError(Out):
    code: str = Field(description="time_limit, resource_limit, cancelled, worker_crashed, ...")
    message: str = Field(description="Why the job did not produce a plan")


class Accepted(Out):
    id: str = Field(description="Plan id (UUIDv4)")
    version: int = Field(description="Version being computed (1 for a new plan)")
    status: JobState = Field(description="Job status")
    handling_code: HandlingCode = Field(description="Handling code of the plan (H0 to H3)")
    links: Links


class PlanDocument(Out):
    """A plan's job status and, once a version is done, its plan."""

    id: str = Field(description="Plan id (UUIDv4)")
    version: int = Field(description="Latest version number")
    status: JobState = Field(description="Status of the latest version's job")
    handling_code: HandlingCode = Field(description="Handling code (H0 to H3)")
    agency: str = Field(description="Owner agency")
    exercise: bool = Field(description="Exercise data (trainers), kept apart from operations")
    operation: str = Field(description="Operation id from the scenario")
    created_at: datetime = Field(description="Submitted, UTC")
    error: JobError | None = Field(default=None, description="Why the latest job failed")
    plan_version: int | None = Field(
        default=None, description="Version of the plan below (the latest one done)"
    )
    plan: Plan | None = Field(default=None, description="The plan, once a version is done")
    links: Links


class PlanSummary(Out):
    id: str
    version: int
    handling_code: HandlingCode
    agency: str
    operation: str
    created_at: datetime
    owner: bool = Field(description="Whether your agency owns it (else it was granted)")


class PlanList(Out):
    items: list[PlanSummary]
    limit: int
    offset: int


class VersionOut(Out):
    number: int
    status: JobState
    plan_status: PlanStatus | None = Field(description="What the solve found, once done")
    attempts: int = Field(description="Worker attempts so far")
    event: dict[str, object] | None = Field(description="The event that made it (none for v1)")
    failed_outputs: dict[str, str] = Field(
        default_factory=dict, description="Outputs of a done version that could not be made, why"
    )
    created_at: datetime
    finished_at: datetime | None
    error: JobError | None


class VersionList(Out):
    id: str
    handling_code: HandlingCode
    items: list[VersionOut]


class GrantIn(In):
    agency: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Agency to let read")


class GrantOut(Out):
    agency: str
    created_at: datetime


class GrantList(Out):
    id: str
    handling_code: HandlingCode
    items: list[GrantOut]


class AccessRow(Out):
    at: datetime
    user: str | None
    agency: str | None
    action: str
    outcome: str


class AccessReport(Out):
    id: str
    handling_code: HandlingCode
    items: list[AccessRow]


class Validation(Out):
    valid: bool = Field(description="Whether the scenario passes every check")
    errors: list[FieldError] = Field(description="Each problem with its field")
    operation: str | None = Field(default=None, description="Operation id, when valid")
    handling_code: HandlingCode | None = None


class Health(Out):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]


class UserIn(In):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Unique user name")
    role: Literal["planner", "coordinator", "trainer", "admin", "auditor"] = Field(
        description="What the account may do"
    )
    agency: str = Field(
        pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="The agency (case-insensitive)"
    )


class UserOut(Out):
    id: str = Field(description="Account id (UUIDv4)")
    name: str = Field(description="User name")
    role: str = Field(description="planner, coordinator, trainer, admin or auditor")
    agency: str = Field(description="Agency id (upper case)")
    state: Literal["active", "pending", "disabled", "expired"] = Field(
        description="pending: waits for a planner of its agency (or the host) to activate it"
    )
    expires_at: datetime | None = Field(description="When its token stops working, UTC")
    created_at: datetime = Field(description="Created, UTC")
    created_by: str | None = Field(
        description="The administrator who created it; null: the host's command line"
    )


class NewUserOut(UserOut):
    token: str = Field(description="Shown once; only its hash is stored")


class UserList(Out):
    items: list[UserOut]
    limit: int
    offset: int


class Queue(Out):
    counts: dict[str, int] = Field(description="Versions by job status")
    running_here: int = Field(description="Workers this server is running")


class AuditOut(Out):
    seq: int
    at: datetime
    request_id: str
    user_id: str | None
    user_name: str | None
    agency: str | None
    role: str | None
    action: str
    method: str
    path: str
    object_id: str | None
    object_agency: str | None
    handling_code: str | None
    outcome: str
    status_code: int
    client: str | None
    prev_hash: str
    hash: str


class AuditPage(Out):
    items: list[AuditOut]
    limit: int
    after: int


class AuditVerdict(Out):
    ok: bool
    rows: int
    first_bad_seq: int | None
    problem: str | None
    head: str = Field(description="Hash of the last good row; export it off-host")


class TaskLinks(Out):
    self: str = Field(description="This judgement or study: its status and, once done, result")
    page: str = Field(description="Its page once done: the debrief (judgement), the map (study)")
    plan: str = Field(description="The plan it is about")


class TaskAccepted(Out):
    """A judgement or a robustness study, queued."""

    id: str = Field(description="The plan's id (UUIDv4)")
    number: int = Field(description="This judgement's or study's number on the plan (from 1)")
    version: int = Field(description="The plan version it is about (the latest done one)")
    status: JobState = Field(description="Job status")
    handling_code: HandlingCode = Field(description="Handling code of the plan (H0 to H3)")
    links: TaskLinks


class TaskDocument(Out):
    id: str = Field(description="The plan's id (UUIDv4)")
    number: int = Field(description="Number on the plan (from 1)")
    version: int = Field(description="The plan version it is about")
    status: JobState = Field(description="Job status")
    handling_code: HandlingCode = Field(description="Handling code of the plan (H0 to H3)")
    created_at: datetime = Field(description="Asked for, UTC")
    finished_at: datetime | None = Field(description="Finished, UTC")
    error: JobError | None = Field(default=None, description="Why it did not finish")
    links: TaskLinks


class JudgementDocument(TaskDocument):
    """A trainee's plan judged against an exercise plan (once done)."""

    judgement: Judgement | None = Field(
        default=None, description="The verdict, as `cdplan judge --json` prints it, once done"
    )


class RobustnessIn(In):
    samples: int = Field(ge=1, le=100_000, description="How many worlds to draw")
    seed: int = Field(default=0, ge=0, le=2**32 - 1, description="Same seed, same figures")
    replan: bool = Field(
        default=False, description="Re-plan each failed sample from where it failed"
    )


class RobustnessDocument(TaskDocument):
    """How often the plan holds on sampled worlds (once done)."""

    robustness: Robustness | None = Field(
        default=None,
        description="The figures, as `cdplan robustness --json` prints them, once done",
    )


class AdoptedOut(Out):
    """An adopted plan: its teams' hours are commitments from now on."""

    id: str = Field(description="Plan id (UUIDv4)")
    version: int = Field(description="The version adopted (the latest done one)")
    handling_code: HandlingCode = Field(description="Handling code (H0 to H3)")
    commitments: list[Commitment] = Field(
        description="Each team's duty, from leaving base to the end of its rest (UTC)"
    )
    replaced: list[str] = Field(
        description="Plans of the same operation whose commitments this adoption replaced"
    )


class ReleasedOut(Out):
    id: str = Field(description="Plan id (UUIDv4)")
    handling_code: HandlingCode = Field(description="Handling code (H0 to H3)")
    released: int = Field(description="How many commitments were freed")
