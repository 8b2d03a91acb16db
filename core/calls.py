"""Calls and their transcripts, always read through the viewer's access scope."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.config import PROJECT_ROOT
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, CallStatus, Evaluation, EvaluationSource, Role, Segment, User
from core.people import list_agents, require_role

__all__ = [
    "assign_call",
    "calls_scope",
    "calls_with_ids",
    "counted_calls",
    "customer_journey",
    "delete_failed_import",
    "drop_owned_recording",
    "playable_file",
    "recording_file",
    "retry_failed_import",
    "get_call",
    "keep_as_real_call",
    "list_calls",
    "list_segments",
    "register_call",
    "stored_path",
]


def calls_scope(viewer: User) -> ColumnElement[bool]:
    """The SQL condition selecting the calls `viewer` may see.

    Agents see their own calls; leads their team's calls and the unassigned queue; reviewers and
    admins every call; a deactivated user none.
    """
    if not viewer.active:
        return false()
    if viewer.role in (Role.ADMIN, Role.REVIEWER):
        return true()
    if viewer.role == Role.LEAD:
        team_agents = select(User.id).where(User.team_id == viewer.team_id)
        return or_(col(Call.agent_id).in_(team_agents), col(Call.agent_id).is_(None))
    return Call.agent_id == viewer.id


def counted_calls() -> ColumnElement[bool]:
    """The SQL condition on `Call` for calls that count in scores, dashboards, the review queue
    and search: every call but practice calls (`Call.practice`)."""
    return col(Call.practice).is_(False)


@audit_refusals
def list_calls(
    *,
    session: Session,
    viewer: User,
    agent_id: int | None = None,
    status: CallStatus | None = None,
    limit: int = 500,
) -> list[Call]:
    """The calls the viewer may see, newest first, optionally for one agent or status."""
    query = select(Call).where(calls_scope(viewer))
    if agent_id is not None:
        query = query.where(Call.agent_id == agent_id)
    if status is not None:
        query = query.where(Call.status == status)
    query = query.order_by(col(Call.started_at).desc(), col(Call.id).desc()).limit(limit)
    return list(session.exec(query))


@audit_refusals
def get_call(*, session: Session, viewer: User, call_id: int) -> Call:
    """One call, if the viewer may see it.

    Raises:
        NotFound: no call has this id.
        NotAllowed: the call exists but is outside the viewer's scope.
    """
    call = session.exec(select(Call).where(Call.id == call_id, calls_scope(viewer))).first()
    if call is not None:
        return call
    if session.get(Call, call_id) is None:
        raise NotFound(f"There is no call #{call_id}.")
    raise NotAllowed(f"You can't open call #{call_id}: it belongs to someone outside your view.")


@audit_refusals
def calls_with_ids(*, session: Session, viewer: User, call_ids: Iterable[int]) -> list[Call]:
    """The calls among `call_ids` the viewer may see (the rest are left out), e.g. those a
    coaching page links to."""
    wanted = set(call_ids)
    if not wanted:
        return []
    return list(session.exec(select(Call).where(col(Call.id).in_(wanted), calls_scope(viewer))))


@audit_refusals
def customer_journey(*, session: Session, viewer: User, call: Call) -> list[Call]:
    """The same customer's other conversations, in every channel, that the viewer may see, in
    the order they happened (by the hashed customer reference; none when the call has none)."""
    if call.customer_ref is None:
        return []
    query = select(Call).where(
        Call.customer_ref == call.customer_ref, Call.id != call.id, calls_scope(viewer)
    )
    return list(session.exec(query.order_by(col(Call.started_at), col(Call.id))))


@audit_refusals
def list_segments(*, session: Session, viewer: User, call_id: int) -> list[Segment]:
    """The transcript of a call the viewer may see, in time order.

    Raises:
        NotFound: no call has this id.
        NotAllowed: the call is outside the viewer's scope.
    """
    get_call(session=session, viewer=viewer, call_id=call_id)
    query = select(Segment).where(Segment.call_id == call_id).order_by(Segment.start, Segment.id)
    return list(session.exec(query))


def register_call(
    *,
    session: Session,
    recording_path: str,
    sha256: str,
    now: datetime,
    agent_id: int | None = None,
    started_at: datetime | None = None,
    duration: float | None = None,
    channels: int | None = None,
    csat: int | None = None,
    practice: bool = False,
) -> Call:
    """Store a new call, waiting to be transcribed; the caller commits."""
    call = Call(
        recording_path=recording_path,
        sha256=sha256,
        agent_id=agent_id,
        started_at=started_at,
        duration=duration,
        channels=channels,
        csat=csat,
        practice=practice,
        status=CallStatus.PENDING,
        created_at=now,
    )
    session.add(call)
    session.flush()
    return call


@audit_refusals
def assign_call(
    *, session: Session, actor: User, call_id: int, agent_id: int, now: datetime
) -> Call:
    """Give a call (typically from the unassigned queue) to an agent; audited.

    Raises:
        NotAllowed: the actor is not a lead or admin, or the call is outside their scope.
        NotFound: no such call.
        InvalidInput: the agent is not an active agent the actor may assign to.
    """
    require_role(actor, Role.LEAD, Role.ADMIN)
    call = get_call(session=session, viewer=actor, call_id=call_id)
    if agent_id not in {a.id for a in list_agents(session=session, viewer=actor)}:
        raise InvalidInput("Pick an active agent from your team.")
    before = call.agent_id
    call.agent_id = agent_id
    session.add(call)
    record_event(
        session=session,
        actor=actor,
        action="assign",
        entity="call",
        entity_id=call.id,
        now=now,
        before={"agent_id": before},
        after={"agent_id": agent_id},
    )
    session.commit()
    return call


@audit_refusals
def keep_as_real_call(
    *,
    session: Session,
    actor: User,
    call_id: int,
    now: datetime,
    on_kept: Callable[[Session, Evaluation, datetime], object] | None = None,
) -> Call:
    """A lead keeps a practice call as a real call of its agent: from now on it counts in
    scores, dashboards, the review queue and search; `on_kept` (e.g. the lesson auto-assigner)
    is called with its newest auto-QA evaluation in the same transaction. Audited.

    Raises:
        NotAllowed: the actor is not a lead or admin, or the call is outside their scope.
        NotFound: no such call.
        InvalidInput: the call is not a practice call.
    """
    require_role(actor, Role.LEAD, Role.ADMIN)
    call = get_call(session=session, viewer=actor, call_id=call_id)
    if not call.practice:
        raise InvalidInput(f"Call #{call.id} is already a real call.")
    call.practice = False
    session.add(call)
    record_event(
        session=session,
        actor=actor,
        action="keep_as_real",
        entity="call",
        entity_id=call.id,
        now=now,
        before={"practice": True},
        after={"practice": False},
    )
    evaluation = session.exec(
        select(Evaluation)
        .where(Evaluation.call_id == call.id, Evaluation.source == EvaluationSource.AUTO)
        .order_by(col(Evaluation.id).desc())
    ).first()
    if on_kept is not None and evaluation is not None:
        on_kept(session, evaluation, now)
    session.commit()
    return call


def recording_file(call: Call) -> Path:
    """Where a call's recording is on disk (demo calls are stored relative to the project)."""
    return PROJECT_ROOT / call.recording_path


def stored_path(path: Path) -> str:
    """How a file's path is stored on a call: relative to the project when inside it (the demo
    set), so a moved checkout still finds it; absolute otherwise."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def drop_owned_recording(original: Path, owned_dirs: tuple[Path, ...]) -> bool:
    """Delete an original recording the app stored itself (an upload, a live recording) once
    its redacted copy exists; a file imported from the operator's own folder is theirs and
    stays. Returns whether it was deleted."""
    resolved = original.resolve()
    if any(resolved.is_relative_to(folder.resolve()) for folder in owned_dirs):
        resolved.unlink(missing_ok=True)
        return True
    return False


def playable_file(call: Call) -> Path:
    """The audio everyone plays: the redacted copy (redacted stretches toned), or the recording
    while no copy has been made yet."""
    return PROJECT_ROOT / (call.audio_path or call.recording_path)


def _failed_import(session: Session, actor: User, call_id: int) -> Call:
    require_role(actor, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    call = get_call(session=session, viewer=actor, call_id=call_id)
    if call.status != CallStatus.FAILED:
        raise InvalidInput(f"Call #{call.id} is not a failed import (it is {call.status}).")
    return call


@audit_refusals
def retry_failed_import(*, session: Session, actor: User, call_id: int, now: datetime) -> Path:
    """Record that `actor` imports a failed call's recording again; audited. The caller then
    imports the returned file, which takes the call over by its content.

    Raises:
        NotAllowed: the actor is not a reviewer, lead or admin, or the call is outside their
            scope.
        NotFound: no such call.
        InvalidInput: the call is not a failed import, or its recording is gone.
    """
    call = _failed_import(session, actor, call_id)
    path = recording_file(call)
    if not path.is_file():
        raise InvalidInput(
            f"The recording of call #{call.id} is no longer on the server, so it cannot be "
            "imported again; delete the call and upload the recording anew."
        )
    record_event(
        session=session,
        actor=actor,
        action="call.retry_import",
        entity="call",
        entity_id=call.id,
        now=now,
        before={"error": call.error},
    )
    session.commit()
    return path


@audit_refusals
def delete_failed_import(*, session: Session, actor: User, call_id: int, now: datetime) -> None:
    """Remove a failed import from the calls; audited with the file's name and why it failed.
    The recording file is left where it is.

    Raises:
        NotAllowed: the actor is not a reviewer, lead or admin, or the call is outside their
            scope.
        NotFound: no such call.
        InvalidInput: the call is not a failed import (imported calls are never deleted here).
    """
    call = _failed_import(session, actor, call_id)
    record_event(
        session=session,
        actor=actor,
        action="call.delete_failed_import",
        entity="call",
        entity_id=call.id,
        now=now,
        before={"file": call.original_name or call.recording_path, "error": call.error},
    )
    session.delete(call)
    session.commit()
