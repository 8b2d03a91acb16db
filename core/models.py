"""Database tables shared by every part of Callcoach: people, calls, transcripts, audit trail."""

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

__all__ = [
    "Assignment",
    "AssignmentSource",
    "AuditEvent",
    "CalibrationRater",
    "CalibrationRating",
    "CalibrationSession",
    "Call",
    "Channel",
    "CoachingSession",
    "CallStatus",
    "CriterionScore",
    "Dispute",
    "DisputeStatus",
    "Evaluation",
    "EvaluationSource",
    "KpiTarget",
    "LessonAttempt",
    "LessonExample",
    "LiveSession",
    "LiveStatus",
    "MonitoringNote",
    "NoteKind",
    "LessonTip",
    "ReviewAssignment",
    "ReviewCard",
    "ReviewLog",
    "ReviewTarget",
    "Role",
    "Segment",
    "SignInSession",
    "Speaker",
    "Team",
    "TipStatus",
    "User",
    "UserPublic",
    "WRITTEN_CHANNELS",
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


# Where a conversation with a customer happened: a recorded call, or a written channel.
class Channel(StrEnum):
    CALL = "call"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"


WRITTEN_CHANNELS = (Channel.CHAT, Channel.EMAIL, Channel.SOCIAL)


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
    # The scorecard its written conversations (chat, email, social) are scored against.
    written_scorecard: str = Field(
        default="written", max_length=120, sa_column_kwargs={"server_default": "written"}
    )


# Fields of a user that are safe to show anywhere.
class UserPublic(SQLModel):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=True)
    role: Role = Field(sa_type=sa.String(16))
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = True
    # The person's IANA time zone: learning streaks count their local days.
    time_zone: str = Field(
        default="Europe/London", max_length=64, sa_column_kwargs={"server_default": "Europe/London"}
    )
    # Whether `python -m training remind` emails them a digest of reviews due and overdue work.
    # ("1" reads as true in SQLite and PostgreSQL, and lets SQLite add the column in place.)
    reminders: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})


# A person who signs in; the password is stored only as an argon2 hash.
class User(UserPublic, table=True):
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)


# One conversation with a customer: a recorded call, or a written one (chat, email, social)
# whose messages are its segments. `sha256` of the audio, or of the messages, makes imports
# idempotent.
class Call(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    channel: Channel = Field(
        default=Channel.CALL,
        sa_type=sa.String(8),
        index=True,
        sa_column_kwargs={"server_default": "call"},
    )
    # The recording; "" for a written conversation.
    recording_path: str = Field(max_length=1024)
    # The recording with every redacted stretch toned (qa.redacted_audio): what everyone plays.
    # None before it is made (an import in progress, or a call stored by an earlier release
    # until `python -m qa redact --rescan`).
    audio_path: str | None = Field(default=None, max_length=1024)
    original_name: str | None = Field(default=None, max_length=255)
    sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    agent_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    started_at: datetime | None = None
    duration: float | None = Field(default=None, description="Seconds of audio.")
    channels: int | None = None
    status: CallStatus = Field(default=CallStatus.PENDING, sa_type=sa.String(16), index=True)
    # What telling the voices of a mono recording apart found worth saying ("one voice found").
    speaker_note: str | None = Field(default=None, max_length=200)
    error: str | None = Field(default=None, max_length=2000)
    csat: int | None = Field(default=None, ge=1, le=5)
    # The customer, as a hash of the reference the channel gave (email, handle, account): a
    # customer's conversations in every channel share it, and the reference itself is not kept.
    customer_ref: str | None = Field(default=None, max_length=64, index=True)
    # A practice or demo call (a simulated or microphone live call): scored and kept for the
    # people who took it, but never counted in scores, dashboards, lesson assignments, the
    # review queue or search, unless a lead keeps it as a real call.
    practice: bool = Field(default=False, index=True, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow)
    language: str | None = Field(default=None, max_length=8)
    transcribed_at: datetime | None = None
    # Speech metrics (qa.metrics.CallMetrics.to_dict()); None until transcribed.
    metrics: dict | None = Field(default=None, sa_type=sa.JSON)
    # The import run working on the call ("host:pid") and when it took it (qa.ingest): a call
    # is transcribed by one run at a time, and a run that died leaves it to the next.
    claimed_by: str | None = Field(default=None, max_length=128)
    claimed_at: datetime | None = None

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
    # Speech that could not be transcribed (every decoding was a loop): `text` is empty, the
    # call page marks the stretch, and scoring reads nothing into it.
    unclear: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    # "channel": the speaker is the recording's channel; "inferred": told apart by voice on a
    # mono recording (qa.diarize), with `confidence` 0-1 (None before this was recorded).
    speaker_source: str = Field(
        default="channel", max_length=8, sa_column_kwargs={"server_default": "channel"}
    )
    confidence: float | None = None


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


# A sign-in that failed, by the email typed (known account or not), for the per-account limit
# on attempts (core.auth); rows older than the limit's window are deleted as attempts come in.
class FailedSignIn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    at: datetime


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


# A call a lead gave one reviewer: it heads that reviewer's queue until someone reviews it.
class ReviewAssignment(SQLModel, table=True):
    call_id: int = Field(primary_key=True, foreign_key="call.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    assigned_by_id: int = Field(foreign_key="user.id")
    assigned_at: datetime


# How many reviews a lead expects of one reviewer each week (Monday to Sunday, their time).
class ReviewTarget(SQLModel, table=True):
    reviewer_id: int = Field(primary_key=True, foreign_key="user.id")
    weekly: int = Field(ge=0)
    set_by_id: int = Field(foreign_key="user.id")
    set_at: datetime


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


class AssignmentSource(StrEnum):
    AUTO = "auto"  # from the failed criteria of an evaluation, via the weak-spot matcher
    LEAD = "lead"  # assigned by hand


# A lesson an agent is asked to do by a due date, and why. State: completed once
# `completed_at` is set, else overdue past `due_at`, else in progress once started, else
# assigned. One open assignment per agent and lesson (a partial unique index).
class Assignment(SQLModel, table=True):
    __table_args__ = (
        sa.Index(
            "uq_assignment_open",
            "agent_id",
            "lesson_id",
            unique=True,
            sqlite_where=sa.text("completed_at IS NULL"),
            postgresql_where=sa.text("completed_at IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    lesson_id: str = Field(max_length=120)
    source: AssignmentSource = Field(sa_type=sa.String(8))
    assigned_by_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str = Field(max_length=300)
    # The evaluation whose failed criterion led to it (automatic assignments).
    evaluation_id: int | None = Field(
        default=None, foreign_key="evaluation.id", index=True, ondelete="SET NULL"
    )
    criterion_id: str | None = Field(default=None, max_length=64)
    created_at: datetime
    due_at: datetime
    started_at: datetime | None = None
    completed_at: datetime | None = None


# One go at a lesson: where the agent is (to resume), time spent and the quiz result.
class LessonAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    lesson_id: str = Field(max_length=120, index=True)
    step: int = 0  # the screen to resume at: the lesson's sections, then one per question
    # Quiz question index (as text, JSON keys) -> chosen option index.
    answers: dict = Field(default_factory=dict, sa_type=sa.JSON)
    started_at: datetime
    last_active_at: datetime
    seconds_spent: float = 0.0
    completed_at: datetime | None = None
    quiz_correct: int | None = None
    quiz_total: int | None = None


# A quiz question an agent has met, scheduled for review with FSRS (`training.srs`).
class ReviewCard(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("agent_id", "lesson_id", "question"),)
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    lesson_id: str = Field(max_length=120)
    question: int  # index in the lesson's quiz
    state: dict = Field(sa_type=sa.JSON)  # the FSRS card, as training.srs stores it
    due_at: datetime = Field(index=True)
    created_at: datetime
    last_reviewed_at: datetime | None = None


# One answer to a review card: what the agent answered and the FSRS rating it became.
class ReviewLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="reviewcard.id", index=True, ondelete="CASCADE")
    agent_id: int = Field(foreign_key="user.id", index=True)
    reviewed_at: datetime
    correct: bool
    feel: str | None = Field(default=None, max_length=8)  # easy | hard, the agent's tap
    rating: str = Field(max_length=8)


class TipStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# A tip or example phrase an agent adds to a lesson; shown in the lesson once a lead approves.
class LessonTip(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    lesson_id: str = Field(max_length=120, index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    text: str = Field(max_length=500)
    status: TipStatus = Field(default=TipStatus.PENDING, sa_type=sa.String(16), index=True)
    created_at: datetime
    reviewed_by_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: datetime | None = None


class LiveStatus(StrEnum):
    LIVE = "live"  # audio is streaming in
    PROCESSING = "processing"  # ended; being transcribed at full quality and scored
    DONE = "done"  # became a normal call (`call_id`)
    FAILED = "failed"  # `error` says why


# A call monitored while it happens: the text committed so far (redacted, never rewritten),
# the live flags raised, and, once it ends, the normal call it became.
class LiveSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    started_by_id: int = Field(foreign_key="user.id")
    source: str = Field(max_length=16)  # simulator | microphone | a telephony adapter's name
    source_name: str | None = Field(default=None, max_length=255)  # e.g. the simulated file
    status: LiveStatus = Field(default=LiveStatus.LIVE, sa_type=sa.String(16), index=True)
    started_at: datetime
    ended_at: datetime | None = None
    call_seconds: float = 0.0  # call time heard so far
    # Committed segments as `TranscriptSegment.to_dict()` (redacted), in commit order.
    segments: list = Field(default_factory=list, sa_type=sa.JSON)
    # Live flags as `monitoring.flags.LiveFlag.to_dict()`, in the order they fired.
    flags: list = Field(default_factory=list, sa_type=sa.JSON)
    recording_path: str | None = Field(default=None, max_length=1024)
    call_id: int | None = Field(default=None, foreign_key="call.id", ondelete="SET NULL")
    error: str | None = Field(default=None, max_length=2000)


class NoteKind(StrEnum):
    PRAISE = "praise"
    NEEDS_WORK = "needs_work"
    NOTE = "note"  # neither: an observation


# A lead's or reviewer's note on a moment of an agent's call, stamped with the call time it was
# typed at (live) or the playback time (replay); private to leads unless shared with the agent.
class MonitoringNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    call_id: int | None = Field(default=None, foreign_key="call.id", index=True, ondelete="CASCADE")
    live_session_id: int | None = Field(
        default=None, foreign_key="livesession.id", index=True, ondelete="SET NULL"
    )
    at_seconds: float
    end_seconds: float | None = None  # a marked moment (an example clip) ends here
    text: str = Field(max_length=2000)
    kind: NoteKind = Field(default=NoteKind.NOTE, sa_type=sa.String(16))
    criterion_id: str | None = Field(default=None, max_length=64)
    skill: str | None = Field(default=None, max_length=64)
    shared: bool = False
    created_at: datetime


# A moment of a real call attached to a lesson as an example: its redacted transcript lines and
# a clip of its audio with the redacted stretches bleeped.
class LessonExample(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    lesson_id: str = Field(max_length=120, index=True)
    call_id: int = Field(foreign_key="call.id", index=True, ondelete="CASCADE")
    note_id: int | None = Field(default=None, foreign_key="monitoringnote.id", ondelete="SET NULL")
    start: float
    end: float
    title: str = Field(max_length=200)
    segments: list = Field(default_factory=list, sa_type=sa.JSON)  # redacted lines of the clip
    audio_path: str = Field(max_length=1024)  # relative to the data folder
    added_by_id: int = Field(foreign_key="user.id")
    created_at: datetime


# A coaching conversation between a lead and an agent: the agenda (weak spots and notes, each
# pointing at a call moment), what the agent committed to, and when to look again. The coached
# criteria's pass rate before and after `held_at` shows whether it helped.
class CoachingSession(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="user.id", index=True)
    lead_id: int = Field(foreign_key="user.id")
    held_at: datetime
    # Items as `coaching.sessions.AgendaItem.to_dict()`.
    agenda: list = Field(default_factory=list, sa_type=sa.JSON)
    criteria: list = Field(default_factory=list, sa_type=sa.JSON)  # coached criterion ids
    commitments: list = Field(default_factory=list, sa_type=sa.JSON)  # what the agent agreed
    follow_up_on: date
    summary: str | None = Field(default=None, max_length=4000)
    created_at: datetime


# The figure an admin wants a KPI to reach (`analytics.targets` names the KPIs and which way
# is better); a pass-rate target may name one criterion, overriding the all-criteria one.
class KpiTarget(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("kpi", "criterion_id"),)
    id: int | None = Field(default=None, primary_key=True)
    kpi: str = Field(max_length=32)
    criterion_id: str | None = Field(default=None, max_length=64)
    value: float
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime
