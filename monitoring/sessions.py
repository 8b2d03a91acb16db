"""Live sessions: a monitored call's record while it happens, and the normal call it becomes.

A live session holds the committed (redacted) text and the live flags so far, so every lead who
opens the monitor sees the same call. When the call ends its recording is imported like any
other call (transcribed offline at full quality, scored, lessons assigned) and the notes taken
during it are attached to that call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.errors import NotAllowed, NotFound
from core.models import LiveSession, LiveStatus, Role, User
from core.people import require_role
from monitoring.flags import LiveFlag
from monitoring.notes import attach_notes_to_call, can_coach
from monitoring.streaming import CommittedSegment
from qa.ingest import CallMetadata, FileOutcome

__all__ = [
    "PRACTICE_SOURCES",
    "ImportRecording",
    "end_live_session",
    "finish_live_session",
    "get_live_session",
    "list_live_sessions",
    "mark_interrupted",
    "record_live_progress",
    "start_live_session",
]

# Live calls that are not customers' calls: a demo recording played as if live, and a lead's
# microphone. Their calls are stored as practice calls (Call.practice).
PRACTICE_SOURCES = frozenset({"simulator", "microphone"})

# Imports one recording as a call: (path, metadata) -> what happened (see qa.ingest.ingest).
ImportRecording = Callable[[Path, CallMetadata], FileOutcome]


def _scope(viewer: User) -> ColumnElement[bool]:
    if not viewer.active or viewer.role == Role.AGENT:
        return false()
    if viewer.role == Role.LEAD:
        team = select(User.id).where(User.team_id == viewer.team_id)
        return col(LiveSession.agent_id).in_(team)
    return true()


@audit_refusals
def start_live_session(
    *,
    session: Session,
    actor: User,
    agent_id: int,
    source: str,
    now: datetime,
    source_name: str | None = None,
) -> LiveSession:
    """Open a live session for `agent_id`'s call; audited.

    Raises:
        NotAllowed: the actor may not monitor this agent.
        NotFound: no such agent.
    """
    require_role(actor, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    agent = session.get(User, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent #{agent_id}.")
    if not can_coach(actor, agent):
        raise NotAllowed(f"You can't monitor {agent.name}: they are not in your team.")
    live = LiveSession(
        agent_id=agent_id,
        started_by_id=actor.id,
        source=source,
        source_name=source_name,
        started_at=now,
    )
    session.add(live)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="start",
        entity="live_session",
        entity_id=live.id,
        now=now,
        after={"agent_id": agent_id, "source": source, "source_name": source_name},
    )
    session.commit()
    return live


@audit_refusals
def list_live_sessions(
    *, session: Session, viewer: User, status: LiveStatus | None = None, limit: int = 50
) -> list[LiveSession]:
    """The live sessions the viewer may monitor, newest first."""
    query = select(LiveSession).where(_scope(viewer))
    if status is not None:
        query = query.where(LiveSession.status == status)
    query = query.order_by(col(LiveSession.started_at).desc(), col(LiveSession.id).desc())
    return list(session.exec(query.limit(limit)))


@audit_refusals
def get_live_session(*, session: Session, viewer: User, live_id: int) -> LiveSession:
    """One live session, if the viewer may monitor it.

    Raises:
        NotFound: no such live session.
        NotAllowed: it is another team's call, or the viewer is an agent.
    """
    live = session.exec(
        select(LiveSession).where(LiveSession.id == live_id, _scope(viewer))
    ).first()
    if live is not None:
        return live
    if session.get(LiveSession, live_id) is None:
        raise NotFound(f"There is no live call #{live_id}.")
    raise NotAllowed(f"You can't monitor live call #{live_id}: it is outside your team.")


def record_live_progress(
    *,
    session: Session,
    live_id: int,
    call_seconds: float,
    segments: list[CommittedSegment] = (),
    flags: list[LiveFlag] = (),
) -> None:
    """Append newly committed segments and raised flags and move the call clock on; commits."""
    live = session.get(LiveSession, live_id)
    if live is None:
        raise NotFound(f"There is no live call #{live_id}.")
    if segments:
        live.segments = [*live.segments, *(s.to_dict() for s in segments)]
    if flags:
        live.flags = [*live.flags, *(f.to_dict() for f in flags)]
    live.call_seconds = round(call_seconds, 1)
    session.add(live)
    session.commit()


def end_live_session(
    *, session: Session, live_id: int, now: datetime, recording: Path | None, error: str | None
) -> LiveSession:
    """The call has ended: processing its recording next, or failed with `error`; commits."""
    live = session.get(LiveSession, live_id)
    if live is None:
        raise NotFound(f"There is no live call #{live_id}.")
    live.ended_at = now
    live.recording_path = str(recording) if recording else None
    live.status = LiveStatus.FAILED if error else LiveStatus.PROCESSING
    live.error = error[:2000] if error else None
    session.add(live)
    session.commit()
    return live


def finish_live_session(
    *, engine: Engine, live_id: int, import_recording: ImportRecording
) -> LiveSession:
    """Import the ended call's recording as a normal call and attach the notes taken live.

    A recording that fails to import leaves the session failed with the importer's message;
    the notes stay on the live session.
    """
    with Session(engine, expire_on_commit=False) as session:
        live = session.get(LiveSession, live_id)
        if live is None:
            raise NotFound(f"There is no live call #{live_id}.")
        agent = session.get(User, live.agent_id)
        metadata = CallMetadata(
            agent_email=agent.email if agent else None,
            started_at=live.started_at,
            practice=live.source in PRACTICE_SOURCES,
        )
        recording = Path(live.recording_path or "")
    outcome = import_recording(recording, metadata)
    with Session(engine, expire_on_commit=False) as session:
        live = session.get(LiveSession, live_id)
        if outcome.status == "failed" or outcome.call_id is None:
            live.status, live.error = LiveStatus.FAILED, (outcome.error or "import failed")[:2000]
        else:
            live.call_id = outcome.call_id
            live.status = LiveStatus.DONE
            attach_notes_to_call(session=session, live_session_id=live_id, call_id=outcome.call_id)
        session.add(live)
        session.commit()
        return live


def mark_interrupted(*, session: Session, live_id: int, now: datetime) -> LiveSession:
    """A session left live or processing by an app that stopped: failed, saying so; commits."""
    live = session.get(LiveSession, live_id)
    if live is None:
        raise NotFound(f"There is no live call #{live_id}.")
    if live.status in (LiveStatus.LIVE, LiveStatus.PROCESSING):
        live.status = LiveStatus.FAILED
        live.ended_at = live.ended_at or now
        live.error = "The app stopped while this call was being monitored or processed."
        session.add(live)
        session.commit()
    return live
