"""Database tables shared by every part of Callcoach: people, calls, transcripts, audit trail."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

__all__ = [
    "AuditEvent",
    "Call",
    "CallStatus",
    "CriterionScore",
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
