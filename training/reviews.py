"""Reviews due, answering them, and what they say: mastery per skill and days of learning."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlmodel import Session, col, func, select

from core.access import audit_refusals
from core.errors import NotAllowed, NotFound
from core.models import LessonAttempt, ReviewCard, ReviewLog, Role, User
from core.people import require_role
from training.srs import Feel, ReviewOutcome, mastery, recall_probability, review

__all__ = [
    "answer_card",
    "due_cards",
    "due_count",
    "learning_activity",
    "next_due",
    "skill_mastery",
]


@audit_refusals
def due_cards(*, session: Session, agent: User, now: datetime, limit: int = 50) -> list[ReviewCard]:
    """The agent's review cards due at `now`, most overdue first."""
    query = (
        select(ReviewCard)
        .where(ReviewCard.agent_id == agent.id, col(ReviewCard.due_at) <= now)
        .order_by(col(ReviewCard.due_at), col(ReviewCard.id))
    )
    return list(session.exec(query.limit(limit)))


@audit_refusals
def due_count(*, session: Session, agent: User, now: datetime) -> int:
    """How many of the agent's review cards are due at `now` (all of them, not one page)."""
    query = select(func.count()).where(
        ReviewCard.agent_id == agent.id, col(ReviewCard.due_at) <= now
    )
    return session.exec(query).one()


@audit_refusals
def next_due(*, session: Session, agent: User, now: datetime) -> datetime | None:
    """When the agent's next review card falls due after `now` (aware UTC); None when none is."""
    query = select(func.min(ReviewCard.due_at)).where(
        ReviewCard.agent_id == agent.id, col(ReviewCard.due_at) > now
    )
    upcoming = session.exec(query).one()
    # SQLite hands back naive datetimes; they were stored as UTC.
    return upcoming if upcoming is None or upcoming.tzinfo else upcoming.replace(tzinfo=UTC)


@audit_refusals
def answer_card(
    *,
    session: Session,
    agent: User,
    card_id: int,
    correct: bool,
    feel: Feel | None,
    now: datetime,
    desired_retention: float,
) -> ReviewOutcome:
    """Record the agent's answer to one of their cards and schedule it with FSRS.

    Raises:
        NotAllowed: not an active agent, or someone else's card.
        NotFound: no such card.
    """
    require_role(agent, Role.AGENT)
    card = session.get(ReviewCard, card_id)
    if card is None:
        raise NotFound(f"There is no review card #{card_id}.")
    if card.agent_id != agent.id:
        raise NotAllowed("This review card is someone else's.")
    outcome = review(
        state=card.state, correct=correct, feel=feel, now=now, desired_retention=desired_retention
    )
    card.state, card.due_at, card.last_reviewed_at = outcome.state, outcome.due, now
    session.add(card)
    session.add(
        ReviewLog(
            card_id=card.id,
            agent_id=agent.id,
            reviewed_at=now,
            correct=correct,
            feel=str(feel) if feel else None,
            rating=outcome.rating,
        )
    )
    session.commit()
    return outcome


@audit_refusals
def skill_mastery(
    *,
    session: Session,
    agent: User,
    lesson_skills: Mapping[str, Sequence[str]],
    now: datetime,
) -> dict[str, float]:
    """Per skill, the mean recall probability of the agent's cards from lessons teaching it
    (skills with no cards yet are left out).

    Args:
        lesson_skills: lesson id -> the skills it teaches.
    """
    probabilities: dict[str, list[float]] = defaultdict(list)
    for card in session.exec(select(ReviewCard).where(ReviewCard.agent_id == agent.id)):
        p = recall_probability(state=card.state, now=now)
        for skill in lesson_skills.get(card.lesson_id, ()):
            probabilities[skill].append(p)
    return {skill: mastery(ps) or 0.0 for skill, ps in probabilities.items()}


@audit_refusals
def learning_activity(*, session: Session, agent: User) -> list[datetime]:
    """When the agent learned: every review answered and every lesson completed.

    Opening a lesson, or stepping through part of it, is not learning done: it never keeps a
    streak alive.
    """
    reviews = session.exec(select(ReviewLog.reviewed_at).where(ReviewLog.agent_id == agent.id))
    completed = session.exec(
        select(LessonAttempt.completed_at).where(
            LessonAttempt.agent_id == agent.id, col(LessonAttempt.completed_at).is_not(None)
        )
    )
    return [*reviews, *completed]
