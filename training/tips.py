"""Tips from the floor: agents add a tip or phrase to a lesson, a lead approves it for all."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import LessonTip, Role, TipStatus, User
from core.people import require_role

__all__ = ["MAX_TIP_CHARS", "add_tip", "approved_tips", "decide_tip", "pending_tips"]

MAX_TIP_CHARS = 500


@audit_refusals
def add_tip(
    *,
    session: Session,
    agent: User,
    lesson_id: str,
    text: str,
    known_lessons: Collection[str],
    now: datetime,
) -> LessonTip:
    """An agent suggests a tip for a lesson; it waits for a lead's approval.

    Raises:
        NotAllowed: not an active agent.
        InvalidInput: unknown lesson, or the tip is empty or too long.
    """
    require_role(agent, Role.AGENT)
    if lesson_id not in known_lessons:
        raise InvalidInput(f"There is no lesson {lesson_id!r}.")
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("Write your tip first.")
    if len(text) > MAX_TIP_CHARS:
        raise InvalidInput(f"Keep a tip under {MAX_TIP_CHARS} characters.")
    tip = LessonTip(lesson_id=lesson_id, author_id=agent.id, text=text, created_at=now)
    session.add(tip)
    session.commit()
    return tip


def approved_tips(*, session: Session, lesson_id: str) -> list[tuple[LessonTip, str]]:
    """A lesson's approved tips with their authors' names, oldest first."""
    query = (
        select(LessonTip, User.name)
        .join(User, col(User.id) == col(LessonTip.author_id))
        .where(LessonTip.lesson_id == lesson_id, LessonTip.status == TipStatus.APPROVED)
        .order_by(col(LessonTip.id))
    )
    return list(session.exec(query))


@audit_refusals
def pending_tips(*, session: Session, viewer: User) -> list[tuple[LessonTip, str]]:
    """Tips waiting for approval: a lead's team's agents', every one for an admin.

    Raises:
        NotAllowed: not a lead or admin.
    """
    require_role(viewer, Role.LEAD, Role.ADMIN)
    query = (
        select(LessonTip, User.name)
        .join(User, col(User.id) == col(LessonTip.author_id))
        .where(LessonTip.status == TipStatus.PENDING)
        .order_by(col(LessonTip.id))
    )
    if viewer.role == Role.LEAD:
        query = query.where(User.team_id == viewer.team_id)
    return list(session.exec(query))


@audit_refusals
def decide_tip(
    *, session: Session, lead: User, tip_id: int, approve: bool, now: datetime
) -> LessonTip:
    """Approve a tip (it shows in the lesson with its author's name) or turn it down. Audited.

    Raises:
        NotAllowed: not a lead or admin, or the author is in another team.
        NotFound: no such tip.
        InvalidInput: already decided.
    """
    require_role(lead, Role.LEAD, Role.ADMIN)
    tip = session.get(LessonTip, tip_id)
    if tip is None:
        raise NotFound(f"There is no tip #{tip_id}.")
    author = session.get(User, tip.author_id)
    if lead.role == Role.LEAD and author.team_id != lead.team_id:
        raise NotAllowed("This tip is from an agent outside your team.")
    if tip.status != TipStatus.PENDING:
        raise InvalidInput(f"This tip was already {tip.status}.")
    tip.status = TipStatus.APPROVED if approve else TipStatus.REJECTED
    tip.reviewed_by_id, tip.reviewed_at = lead.id, now
    session.add(tip)
    record_event(
        session=session,
        actor=lead,
        action=f"tip_{tip.status}",
        entity="lesson_tip",
        entity_id=tip.id,
        now=now,
        after={"lesson": tip.lesson_id, "text": tip.text},
    )
    session.commit()
    return tip
