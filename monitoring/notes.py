"""Monitoring notes: a lead's or reviewer's timestamped notes on an agent's calls, live or replayed.

Notes are private to the people who coach (leads, reviewers, admins) until one is shared with the
agent; an agent only ever reads the shared notes about their own calls.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, LiveSession, MonitoringNote, NoteKind, Role, Team, User
from core.people import require_role
from core.skills import load_catalogue
from qa.scorecard import ScorecardError, load_scorecard

__all__ = [
    "MAX_NOTE_CHARS",
    "add_note",
    "attach_notes_to_call",
    "can_coach",
    "list_notes",
    "note_topics",
    "set_note_shared",
]

MAX_NOTE_CHARS = 2000


def can_coach(viewer: User, agent: User) -> bool:
    """Whether `viewer` may monitor and take notes on `agent`: admins and reviewers anyone,
    leads the agents of their own team."""
    if not viewer.active or agent.role != Role.AGENT:
        return False
    if viewer.role in (Role.ADMIN, Role.REVIEWER):
        return True
    return (
        viewer.role == Role.LEAD and viewer.team_id is not None and viewer.team_id == agent.team_id
    )


def _notes_scope(viewer: User) -> ColumnElement[bool]:
    if not viewer.active:
        return false()
    if viewer.role in (Role.ADMIN, Role.REVIEWER):
        return true()
    if viewer.role == Role.LEAD:
        team = select(User.id).where(User.team_id == viewer.team_id)
        return col(MonitoringNote.agent_id).in_(team)
    return (MonitoringNote.agent_id == viewer.id) & (col(MonitoringNote.shared).is_(True))


def _coached_agent(session: Session, viewer: User, agent_id: int) -> User:
    agent = session.get(User, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent #{agent_id}.")
    if not can_coach(viewer, agent):
        raise NotAllowed(f"You can't take notes on {agent.name}: they are not in your team.")
    return agent


@audit_refusals
def add_note(
    *,
    session: Session,
    author: User,
    agent_id: int,
    at_seconds: float,
    text: str,
    now: datetime,
    kind: NoteKind = NoteKind.NOTE,
    criterion_id: str | None = None,
    skill: str | None = None,
    call_id: int | None = None,
    live_session_id: int | None = None,
    end_seconds: float | None = None,
    shared: bool = False,
) -> MonitoringNote:
    """Store and commit a note stamped `at_seconds` into the call.

    Raises:
        NotAllowed: the author does not coach this agent.
        NotFound: no such agent, call or live session.
        InvalidInput: empty or over-long text, a negative time, an end before the start, or a
            call or live session that is not this agent's.
    """
    require_role(author, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    _coached_agent(session, author, agent_id)
    text = text.strip()
    if not text:
        raise InvalidInput("Write the note before saving it.")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"A note can be at most {MAX_NOTE_CHARS} characters.")
    if at_seconds < 0:
        raise InvalidInput("A note's time cannot be before the call started.")
    if end_seconds is not None and end_seconds <= at_seconds:
        raise InvalidInput("A marked moment must end after it starts.")
    if call_id is not None:
        call = session.get(Call, call_id)
        if call is None:
            raise NotFound(f"There is no call #{call_id}.")
        if call.agent_id != agent_id:
            raise InvalidInput(f"Call #{call_id} is not this agent's call.")
        if call.duration is not None and at_seconds > call.duration + 1:
            raise InvalidInput(f"Call #{call_id} is only {call.duration:.0f} s long.")
    if live_session_id is not None:
        live = session.get(LiveSession, live_session_id)
        if live is None:
            raise NotFound(f"There is no live call #{live_session_id}.")
        if live.agent_id != agent_id:
            raise InvalidInput(f"Live call #{live_session_id} is not this agent's call.")
        call_id = call_id or live.call_id
    note = MonitoringNote(
        agent_id=agent_id,
        author_id=author.id,
        call_id=call_id,
        live_session_id=live_session_id,
        at_seconds=round(at_seconds, 1),
        end_seconds=None if end_seconds is None else round(end_seconds, 1),
        text=text,
        kind=kind,
        criterion_id=criterion_id or None,
        skill=skill or None,
        shared=shared,
        created_at=now,
    )
    session.add(note)
    session.commit()
    return note


@audit_refusals
def list_notes(
    *,
    session: Session,
    viewer: User,
    agent_id: int | None = None,
    call_id: int | None = None,
    live_session_id: int | None = None,
) -> list[MonitoringNote]:
    """The notes `viewer` may read, in call order (newest call first when across calls).

    Agents read only the shared notes on their own calls.
    """
    query = select(MonitoringNote).where(_notes_scope(viewer))
    if agent_id is not None:
        query = query.where(MonitoringNote.agent_id == agent_id)
    if call_id is not None:
        query = query.where(MonitoringNote.call_id == call_id)
    if live_session_id is not None:
        query = query.where(MonitoringNote.live_session_id == live_session_id)
    query = query.order_by(
        col(MonitoringNote.call_id).desc(), MonitoringNote.at_seconds, MonitoringNote.id
    )
    return list(session.exec(query))


@audit_refusals
def set_note_shared(*, session: Session, actor: User, note_id: int, shared: bool) -> MonitoringNote:
    """Share a note with its agent, or take it back.

    Raises:
        NotFound: no such note.
        NotAllowed: the actor is an agent, or the note is one they may not read.
    """
    require_role(actor, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    note = session.exec(
        select(MonitoringNote).where(MonitoringNote.id == note_id, _notes_scope(actor))
    ).first()
    if note is None:
        if session.get(MonitoringNote, note_id) is None:
            raise NotFound(f"There is no note #{note_id}.")
        raise NotAllowed(f"You can't change note #{note_id}: it is outside your view.")
    note.shared = shared
    session.add(note)
    session.commit()
    return note


def attach_notes_to_call(*, session: Session, live_session_id: int, call_id: int) -> int:
    """Point the notes taken during a live call at the call it became; returns how many.

    The caller commits.
    """
    notes = session.exec(
        select(MonitoringNote).where(MonitoringNote.live_session_id == live_session_id)
    ).all()
    for note in notes:
        note.call_id = call_id
        session.add(note)
    return len(notes)


def note_topics(*, session: Session, agent_id: int) -> tuple[dict[str, str], dict[str, str]]:
    """What a note on this agent can be tagged with: the criteria of their team's scorecard and
    the catalogue's skills, each as id -> title."""
    name = session.exec(
        select(Team.scorecard)
        .join(User, col(User.team_id) == col(Team.id))
        .where(User.id == agent_id)
    ).first()
    try:
        scorecard = load_scorecard(name or "default")
    except ScorecardError:
        scorecard = load_scorecard("default")
    criteria = {c.id: c.title for c in scorecard.criteria}
    return criteria, {skill.id: skill.title for skill in load_catalogue()}
