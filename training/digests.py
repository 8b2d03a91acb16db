"""What each agent's reminder says: reviews due and overdue assignments, read from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo

from sqlmodel import Session, col, func, select

from core.errors import InvalidInput
from core.models import Assignment, ReviewCard, Role, User
from core.time_zones import time_zone
from training.reminders import Digest, OverdueAssignment

__all__ = ["build_digests"]


def build_digests(
    *, session: Session, now: datetime, app_url: str, lesson_titles: Mapping[str, str]
) -> list[Digest]:
    """One digest per active agent who has reminders on, in email order.

    Agents with nothing due are included, with `reviews_due` 0 and no overdue work, so the caller
    can count them; `compose_digest` returns None for them and they get no email. Inactive
    users, users who are not agents and agents who turned reminders off get no digest.

    Args:
        session: An open database session.
        now: The moment the reminders are for (aware): review cards due at or before it count,
            and open assignments whose due date is before it are overdue.
        app_url: The address of Callcoach the emails link to.
        lesson_titles: Lesson id -> title; an assignment of a lesson not in it (deleted or
            broken file) is listed by its lesson id.

    Returns:
        The digests; each overdue list is oldest first, dated in the agent's own time zone.

    Raises:
        ValueError: `now` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{now.isoformat()} has no time zone; pass an aware datetime")
    agents = session.exec(
        select(User)
        .where(User.role == Role.AGENT, col(User.active).is_(True), col(User.reminders).is_(True))
        .order_by(col(User.email))
    ).all()
    if not agents:
        return []
    agent_ids = [agent.id for agent in agents]

    reviews_due: dict[int, int] = dict(
        session.exec(
            select(ReviewCard.agent_id, func.count())
            .where(col(ReviewCard.agent_id).in_(agent_ids), ReviewCard.due_at <= now)
            .group_by(ReviewCard.agent_id)
        ).all()
    )
    overdue: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in session.exec(
        select(Assignment)
        .where(
            col(Assignment.agent_id).in_(agent_ids),
            col(Assignment.completed_at).is_(None),
            Assignment.due_at < now,
        )
        .order_by(col(Assignment.due_at), col(Assignment.id))
    ):
        overdue[assignment.agent_id].append(assignment)

    digests = []
    for agent in agents:
        zone = _zone(agent.time_zone)
        digests.append(
            Digest(
                email=agent.email,
                name=agent.name,
                reviews_due=reviews_due.get(agent.id, 0),
                overdue=tuple(
                    OverdueAssignment(
                        title=lesson_titles.get(item.lesson_id, item.lesson_id),
                        due=item.due_at.astimezone(zone).date(),
                    )
                    for item in overdue[agent.id]
                ),
                app_url=app_url,
            )
        )
    return digests


def _zone(name: str) -> tzinfo:
    # A time zone the database holds but this machine does not know must not stop the whole
    # team's reminders; the due dates are then UTC dates, at most a day off.
    try:
        return time_zone(name)
    except InvalidInput:
        return UTC
