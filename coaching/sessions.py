"""Coaching sessions: an agenda from weak spots and notes, commitments, and the follow-up."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from coaching.workspace import AgentWorkspace, coached_agent, criteria_of, scored_calls
from core.access import audit_refusals
from core.audit import record_event
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, CoachingSession, MonitoringNote, NoteKind, Role, User

__all__ = [
    "CALLS_BEFORE",
    "AgendaItem",
    "AgendaKind",
    "CoachingSessionItem",
    "CriterionChange",
    "FollowUp",
    "PassRate",
    "create_coaching_session",
    "draft_agenda",
    "follow_up",
    "get_coaching_session",
    "list_coaching_sessions",
    "update_commitments",
]

CALLS_BEFORE = 10  # "before" a session: the agent's last 10 scored calls, about two weeks' work
MAX_AGENDA_ITEMS = 20
MAX_ITEM_CHARS = 500
MAX_COMMITMENTS = 10
MAX_COMMITMENT_CHARS = 300
MAX_SUMMARY_CHARS = 4000


class AgendaKind(StrEnum):
    WEAK_SPOT = "weak_spot"  # a criterion the agent keeps failing
    NEEDS_WORK = "needs_work"  # from a note, by its kind
    NOTE = "note"
    PRAISE = "praise"
    TOPIC = "topic"  # added by the lead


# One thing to talk about, pointing at the call moment it is about when there is one.
@dataclass(frozen=True)
class AgendaItem:
    text: str
    kind: AgendaKind = AgendaKind.TOPIC
    criterion_id: str | None = None
    call_id: int | None = None
    at_seconds: float | None = None
    note_id: int | None = None
    # A note the lead has not shared: drafted, but off the agenda unless the lead keeps it (the
    # agent sees the saved agenda). Not stored.
    private: bool = False

    @property
    def key(self) -> str:
        """Stable while the agenda is edited: the note or criterion it came from, else the
        text."""
        if self.note_id is not None:
            return f"note-{self.note_id}"
        if self.kind == AgendaKind.WEAK_SPOT and self.criterion_id:
            return f"criterion-{self.criterion_id}"
        return f"topic-{zlib.crc32(self.text.encode()):08x}"

    def to_dict(self) -> dict[str, Any]:
        """As stored in `CoachingSession.agenda`."""
        return {
            "text": self.text,
            "kind": str(self.kind),
            "criterion_id": self.criterion_id,
            "call_id": self.call_id,
            "at_seconds": self.at_seconds,
            "note_id": self.note_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AgendaItem:
        """Read a stored item; a kind this version does not know reads as a topic."""
        try:
            kind = AgendaKind(data.get("kind"))
        except ValueError:
            kind = AgendaKind.TOPIC
        at = data.get("at_seconds")
        return cls(
            text=str(data.get("text", "")),
            kind=kind,
            criterion_id=data.get("criterion_id") or None,
            call_id=data.get("call_id"),
            at_seconds=None if at is None else float(at),
            note_id=data.get("note_id"),
        )


# A coaching session with the names a reader needs.
@dataclass(frozen=True)
class CoachingSessionItem:
    coaching: CoachingSession
    agent_name: str
    lead_name: str

    @property
    def agenda(self) -> list[AgendaItem]:
        return [AgendaItem.from_dict(item) for item in self.coaching.agenda]


# How often a criterion passed on a set of calls (not-applicable results left out).
@dataclass(frozen=True)
class PassRate:
    passed: int = 0
    failed: int = 0

    @property
    def calls(self) -> int:
        """Calls on which the criterion was judged."""
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        return self.passed / self.calls if self.calls else None


# A coached criterion's pass rate on the agent's calls before and after the session.
@dataclass(frozen=True)
class CriterionChange:
    criterion_id: str
    title: str
    before: PassRate
    after: PassRate


# Whether coaching helped: the coached criteria before vs after the session.
@dataclass(frozen=True)
class FollowUp:
    coaching: CoachingSession
    changes: list[CriterionChange]
    calls_before: int  # scored calls counted as "before" (at most CALLS_BEFORE)
    calls_after: int  # scored calls since the session
    due: bool  # the follow-up date has come


def _sessions_scope(viewer: User) -> ColumnElement[bool]:
    if not viewer.active:
        return false()
    if viewer.role == Role.ADMIN:
        return true()
    if viewer.role == Role.LEAD:
        team = select(User.id).where(User.team_id == viewer.team_id)
        return col(CoachingSession.agent_id).in_(team)
    if viewer.role == Role.AGENT:
        return CoachingSession.agent_id == viewer.id
    return false()  # reviewers score calls; coaching is between a lead and an agent


def draft_agenda(
    workspace: AgentWorkspace,
    *,
    earlier: Sequence[CoachingSession] = (),
    weak_spots: int = 3,
    notes: int = 8,
) -> list[AgendaItem]:
    """A first agenda for the lead to edit: the top `weak_spots` weak spots, each pointing at
    its latest failure, then the newest `notes` monitoring notes not on an `earlier` session's
    agenda (needs-work and plain notes first, praise last), each pointing at its call moment."""
    items = []
    for spot in workspace.weak_spots[:weak_spots]:
        latest = spot.moments[0]
        items.append(
            AgendaItem(
                text=f"{spot.title}: failed on {spot.failures} of {spot.scored} calls, "
                f"last on {spot.last_failed_at:%d %b}",
                kind=AgendaKind.WEAK_SPOT,
                criterion_id=spot.criterion_id,
                call_id=latest.call_id,
                at_seconds=latest.at_seconds,
            )
        )
    discussed = {
        item.get("note_id") for coaching in earlier for item in coaching.agenda if item
    } - {None}
    fresh = sorted(
        (note for note in workspace.notes if note.id not in discussed),
        key=lambda note: (note.created_at, note.id),
        reverse=True,
    )[:notes]
    fresh.sort(key=lambda note: note.kind == NoteKind.PRAISE)  # stable: newest first in each
    for note in fresh:
        items.append(
            AgendaItem(
                text=note.text,
                kind=AgendaKind(str(note.kind)),
                criterion_id=note.criterion_id,
                call_id=note.call_id,
                at_seconds=note.at_seconds if note.call_id is not None else None,
                note_id=note.id,
                private=not note.shared,
            )
        )
    return items


def _clean_agenda(agenda: Sequence[AgendaItem]) -> list[AgendaItem]:
    items = []
    for item in agenda:
        text = " ".join(item.text.split())
        if not text:
            continue
        if len(text) > MAX_ITEM_CHARS:
            raise InvalidInput(f"An agenda item can be at most {MAX_ITEM_CHARS} characters.")
        items.append(
            AgendaItem(
                text, item.kind, item.criterion_id, item.call_id, item.at_seconds, item.note_id
            )
        )
    if not items:
        raise InvalidInput("Put at least one item on the agenda.")
    if len(items) > MAX_AGENDA_ITEMS:
        raise InvalidInput(f"Keep the agenda to {MAX_AGENDA_ITEMS} items or fewer.")
    return items


def _clean_commitments(commitments: Sequence[str]) -> list[str]:
    lines = [" ".join(line.split()) for line in commitments]
    lines = [line for line in lines if line]
    if len(lines) > MAX_COMMITMENTS:
        raise InvalidInput(f"Keep it to {MAX_COMMITMENTS} commitments or fewer.")
    if any(len(line) > MAX_COMMITMENT_CHARS for line in lines):
        raise InvalidInput(f"A commitment can be at most {MAX_COMMITMENT_CHARS} characters.")
    return lines


def _clean_summary(summary: str | None) -> str | None:
    text = (summary or "").strip()
    if len(text) > MAX_SUMMARY_CHARS:
        raise InvalidInput(f"Keep the summary under {MAX_SUMMARY_CHARS} characters.")
    return text or None


def _check_links(session: Session, agent: User, items: Sequence[AgendaItem]) -> None:
    """Every call and note an item points at must be this agent's."""
    call_ids = {item.call_id for item in items} - {None}
    if call_ids:
        theirs = set(
            session.exec(
                select(Call.id).where(col(Call.id).in_(call_ids), Call.agent_id == agent.id)
            )
        )
        if stray := sorted(call_ids - theirs):
            raise InvalidInput(f"Call #{stray[0]} is not one of {agent.name}'s calls.")
    note_ids = {item.note_id for item in items} - {None}
    if note_ids:
        query = select(MonitoringNote.id).where(
            col(MonitoringNote.id).in_(note_ids), MonitoringNote.agent_id == agent.id
        )
        if stray := sorted(note_ids - set(session.exec(query))):
            raise InvalidInput(f"Note #{stray[0]} is not about {agent.name}.")


def _coached_criteria(items: Sequence[AgendaItem]) -> list[str]:
    return list(
        dict.fromkeys(
            item.criterion_id
            for item in items
            if item.criterion_id and item.kind != AgendaKind.PRAISE
        )
    )


def _snapshot(coaching: CoachingSession) -> dict[str, Any]:
    return {
        "agent": coaching.agent_id,
        "held_at": coaching.held_at.isoformat(),
        "criteria": list(coaching.criteria),
        "agenda_items": len(coaching.agenda),
        "commitments": list(coaching.commitments),
        "follow_up_on": coaching.follow_up_on.isoformat(),
        "summary": coaching.summary,
    }


@audit_refusals
def create_coaching_session(
    *,
    session: Session,
    lead: User,
    agent_id: int,
    held_at: datetime,
    agenda: Sequence[AgendaItem],
    commitments: Sequence[str],
    follow_up_on: date,
    now: datetime,
    summary: str | None = None,
) -> CoachingSession:
    """Record a coaching session a lead held with an agent. The coached criteria are those of
    the agenda's items (praise aside); blank items and commitments are dropped. Audited.

    Raises:
        NotAllowed: the lead is not a lead or admin, or the agent is in another team.
        NotFound: no such agent.
        InvalidInput: an empty or over-long agenda, too many or too long commitments, a session
            in the future, a follow-up date not after the session, or an item pointing at
            another agent's call or note.
    """
    agent = coached_agent(session=session, viewer=lead, agent_id=agent_id)
    items = _clean_agenda(agenda)
    if held_at > now:
        raise InvalidInput("Record a session once it has been held: pick today or an earlier day.")
    if follow_up_on <= held_at.date():
        raise InvalidInput("Pick a follow-up date after the session.")
    _check_links(session, agent, items)
    coaching = CoachingSession(
        agent_id=agent.id,
        lead_id=lead.id,
        held_at=held_at,
        agenda=[item.to_dict() for item in items],
        criteria=_coached_criteria(items),
        commitments=_clean_commitments(commitments),
        follow_up_on=follow_up_on,
        summary=_clean_summary(summary),
        created_at=now,
    )
    session.add(coaching)
    session.flush()
    record_event(
        session=session,
        actor=lead,
        action="create",
        entity="coaching_session",
        entity_id=coaching.id,
        now=now,
        after=_snapshot(coaching),
    )
    session.commit()
    return coaching


def _items_query(viewer: User):
    agent, lead = aliased(User), aliased(User)
    return (
        select(CoachingSession, agent.name, lead.name)
        .join(agent, col(agent.id) == col(CoachingSession.agent_id))
        .join(lead, col(lead.id) == col(CoachingSession.lead_id))
        .where(_sessions_scope(viewer))
    )


@audit_refusals
def list_coaching_sessions(
    *, session: Session, viewer: User, agent_id: int | None = None
) -> list[CoachingSessionItem]:
    """The coaching sessions `viewer` may read, newest first: an agent their own, a lead their
    team's, an admin all (reviewers none)."""
    query = _items_query(viewer)
    if agent_id is not None:
        query = query.where(CoachingSession.agent_id == agent_id)
    query = query.order_by(col(CoachingSession.held_at).desc(), col(CoachingSession.id).desc())
    return [CoachingSessionItem(*row) for row in session.exec(query)]


@audit_refusals
def get_coaching_session(
    *, session: Session, viewer: User, coaching_id: int
) -> CoachingSessionItem:
    """One coaching session, if the viewer may read it.

    Raises:
        NotFound: no such session.
        NotAllowed: the session is about an agent outside the viewer's view.
    """
    row = session.exec(_items_query(viewer).where(CoachingSession.id == coaching_id)).first()
    if row is not None:
        return CoachingSessionItem(*row)
    if session.get(CoachingSession, coaching_id) is None:
        raise NotFound(f"There is no coaching session #{coaching_id}.")
    raise NotAllowed(f"You can't open coaching session #{coaching_id}.")


@audit_refusals
def update_commitments(
    *,
    session: Session,
    lead: User,
    coaching_id: int,
    commitments: Sequence[str],
    now: datetime,
    follow_up_on: date | None = None,
    summary: str | None = None,
) -> CoachingSession:
    """Change what the agent committed to (and, if given, the follow-up date and summary),
    e.g. at the follow-up. Audited.

    Raises:
        NotAllowed: not a lead or admin, or the agent is in another team.
        NotFound: no such session.
        InvalidInput: as `create_coaching_session`.
    """
    item = get_coaching_session(session=session, viewer=lead, coaching_id=coaching_id)
    coaching = item.coaching
    coached_agent(session=session, viewer=lead, agent_id=coaching.agent_id)
    before = _snapshot(coaching)
    coaching.commitments = _clean_commitments(commitments)
    if follow_up_on is not None:
        if follow_up_on <= coaching.held_at.date():
            raise InvalidInput("Pick a follow-up date after the session.")
        coaching.follow_up_on = follow_up_on
    if summary is not None:
        coaching.summary = _clean_summary(summary)
    after = _snapshot(coaching)
    if after != before:
        session.add(coaching)
        record_event(
            session=session,
            actor=lead,
            action="update",
            entity="coaching_session",
            entity_id=coaching.id,
            now=now,
            before=before,
            after=after,
        )
        session.commit()
    return coaching


def _rates(results: Collection[str]) -> PassRate:
    return PassRate(
        passed=sum(r == "pass" for r in results), failed=sum(r == "fail" for r in results)
    )


@audit_refusals
def follow_up(
    *,
    session: Session,
    viewer: User,
    coaching_id: int,
    now: datetime,
    calls_before: int = CALLS_BEFORE,
) -> FollowUp:
    """The coached criteria's pass rate on the agent's calls before and after the session.

    "Before" is the agent's last `calls_before` scored calls that started before the session
    was held (a fixed number of calls, so a quiet month and a busy week weigh alike); "after"
    is every scored call since, up to now. A criterion not applicable on a call does not count
    for that call. Scores are the calls' official evaluations as they are now, so a dispute
    accepted later shows.

    Raises:
        NotFound, NotAllowed: as `get_coaching_session`.
    """
    coaching = get_coaching_session(
        session=session, viewer=viewer, coaching_id=coaching_id
    ).coaching
    calls = scored_calls(session=session, viewer=viewer, agent_id=coaching.agent_id)
    before = [c for c in calls if c.when < coaching.held_at][-calls_before:] if calls_before else []
    after = [c for c in calls if c.when >= coaching.held_at]
    criteria = criteria_of(dict.fromkeys(c.evaluation.scorecard for c in reversed(calls)))
    changes = []
    for criterion_id in coaching.criteria:
        focus = criteria.get(criterion_id)
        changes.append(
            CriterionChange(
                criterion_id=criterion_id,
                title=focus.title if focus else criterion_id.replace("_", " "),
                before=_rates(
                    [c.results[criterion_id].result for c in before if criterion_id in c.results]
                ),
                after=_rates(
                    [c.results[criterion_id].result for c in after if criterion_id in c.results]
                ),
            )
        )
    return FollowUp(
        coaching=coaching,
        changes=changes,
        calls_before=len(before),
        calls_after=len(after),
        due=now.date() >= coaching.follow_up_on,
    )
