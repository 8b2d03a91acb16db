"""Database tables shared by every part of Callcoach: people, calls, transcripts, audit trail."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

__all__ = [
    "AuditEvent",
    "CalibrationRater",
    "CalibrationRating",
    "CalibrationSession",
    "Call",
    "CallStatus",
    "CriterionScore",
    "Dispute",
    "DisputeStatus",
    "Evaluation",
    "EvaluationSource",
    "Role",
    "Segment",
    "SignInSession",
    "Speaker",
    "Team",
    "User",
    "UserPublic",
    "utcnow",
]


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (SQLModel stores and returns datetimes in UTC)."""
    return datetime.now(UTC)


class Role(StrEnum):
    AGENT = "agent"
    REVIEWER = "reviewer"
    LEAD = "lead"
    ADMIN = "admin"


class CallStatus(StrEnum):
    PENDING = "pending"  # registered, not transcribed yet
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Speaker(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


# A team of agents with one or more leads.
class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, sa_column_kwargs={"unique": True})
    # The QA scorecard (a `qa/scorecards` name) the team's calls are scored against on import.
    scorecard: str = Field(
        default="default", max_length=120, sa_column_kwargs={"server_default": "default"}
    )


# Fields of a user that are safe to show anywhere.
class UserPublic(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=True)
    role: Role = Field(sa_type=sa.String(16))
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = True


# A person who signs in; the password is stored only as an argon2 hash.
class User(UserPublic, table=True):
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


# One recorded call; `sha256` of the audio content makes imports idempotent.
class Call(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    recording_path: str = Field(max_length=1024)
    original_name: str | None = Field(default=None, max_length=255)
    sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    agent_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    started_at: datetime | None = None
    duration: float | None = Field(default=None, description="Seconds of audio.")
    channels: int | None = None
    status: CallStatus = Field(default=CallStatus.PENDING, sa_type=sa.String(16), index=True)
    error: str | None = Field(default=None, max_length=2000)
    csat: int | None = Field(default=None, ge=1, le=5)
    created_at: datetime = Field(default_factory=utcnow)
    language: str | None = Field(default=None, max_length=8)
    transcribed_at: datetime | None = None
    # Speech metrics (qa.metrics.CallMetrics.to_dict()); None until transcribed.
    metrics: dict | None = Field(default=None, sa_type=sa.JSON)

    agent: User | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})


# One stretch of speech in a call's transcript, attributed to a speaker.
class Segment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    start: float
    end: float
    speaker: Speaker = Field(sa_type=sa.String(16))
    text: str  # PII-redacted
    # [{"start", "end", "word", "probability"}], redacted like `text`.
    words: list | None = Field(default=None, sa_type=sa.JSON)
    # Only kept when the admin setting STORE_UNREDACTED_TRANSCRIPTS is on.
    text_unredacted: str | None = None


# Who changed what and when; `before`/`after` hold JSON snapshots of the changed fields.
class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: int | None = None
    before: dict | None = Field(default=None, sa_type=sa.JSON)
    after: dict | None = Field(default=None, sa_type=sa.JSON)


# A signed-in browser: the cookie holds the token, the database only its SHA-256.
class SignInSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


class EvaluationSource(StrEnum):
    AUTO = "auto"  # the auto-QA scorer
    HUMAN = "human"  # a reviewer's confirmation or override; the call's official score


# One scoring of a call against one scorecard version, by the auto-QA or by a reviewer.
class Evaluation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    source: EvaluationSource = Field(sa_type=sa.String(8))
    reviewer_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    scorecard: str = Field(max_length=120)
    scorecard_version: str = Field(max_length=80)
    score: float
    auto_fail: bool
    needs_review: bool
    created_at: datetime


# One criterion's result inside an evaluation, with the transcript evidence that decided it.
class CriterionScore(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", index=True, ondelete="CASCADE")
    criterion_id: str = Field(max_length=64)
    result: str = Field(max_length=4)  # pass | fail | na
    confidence: float
    # [{"start", "end", "speaker", "text"}]
    evidence: list = Field(default_factory=list, sa_type=sa.JSON)
    reason: str | None = None
    comment: str | None = None  # a reviewer's note on an override


class DisputeStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # the criterion's result was changed and the call rescored
    REJECTED = "rejected"


# An agent's challenge of one criterion of their call's official evaluation, and its outcome.
class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    evaluation_id: int = Field(foreign_key="evaluation.id", ondelete="CASCADE")
    criterion_id: str = Field(max_length=64)
    agent_id: int = Field(foreign_key="user.id", index=True)
    reason: str = Field(max_length=2000)
    status: DisputeStatus = Field(default=DisputeStatus.OPEN, sa_type=sa.String(16), index=True)
    created_at: datetime
    resolved_by_id: int | None = Field(default=None, foreign_key="user.id")
    resolved_at: datetime | None = None
    reply: str | None = Field(default=None, max_length=2000)
    # The result the criterion got when the dispute was accepted.
    new_result: str | None = Field(default=None, max_length=4)


# A lead's calibration exercise: several reviewers score the same call blind, then compare.
class CalibrationSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    # The auto-QA evaluation the reviewers' results are compared with.
    auto_evaluation_id: int = Field(foreign_key="evaluation.id", ondelete="CASCADE")
    created_by_id: int = Field(foreign_key="user.id", index=True)
    scorecard: str = Field(max_length=120)
    scorecard_version: str = Field(max_length=80)
    created_at: datetime
    # Results are revealed once closed: by the lead, or when the last reviewer submits.
    closed_at: datetime | None = None


# A reviewer asked to score a calibration call; `submitted_at` is set once they have.
class CalibrationRater(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("calibration_id", "reviewer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    calibration_id: int = Field(foreign_key="calibrationsession.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    submitted_at: datetime | None = None


# One reviewer's result for one criterion of a calibration call.
class CalibrationRating(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    rater_id: int = Field(foreign_key="calibrationrater.id", index=True, ondelete="CASCADE")
    criterion_id: str = Field(max_length=64)
    result: str = Field(max_length=4)  # pass | fail | na
    comment: str | None = None
