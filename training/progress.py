"""Doing a lesson: one screen at a time, resumable, the quiz answered with instant feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.errors import InvalidInput, NotAllowed
from core.models import Assignment, LessonAttempt, ReviewCard, Role, User
from core.people import require_role
from training.lessons import Lesson
from training.srs import new_card_state, review

__all__ = [
    "IDLE_CAP_SECONDS",
    "AnswerFeedback",
    "answer_question",
    "complete_lesson",
    "current_attempt",
    "feedback_for",
    "lesson_screens",
    "move_to",
    "start_lesson",
]

# Time between two taps counts as time spent up to this much; longer is a break, not study.
IDLE_CAP_SECONDS = 120.0


def lesson_screens(lesson: Lesson) -> int:
    """Screens of a lesson in the player: its prose sections, then one per quiz question."""
    return len(lesson.sections) + len(lesson.quiz)


# What the agent sees right after answering a quiz question.
@dataclass(frozen=True)
class AnswerFeedback:
    correct: bool
    chosen: int
    right: int  # index of the correct option
    explanation: str  # the chosen option's "why"


def feedback_for(lesson: Lesson, question: int, option: int) -> AnswerFeedback:
    """Whether `option` answers quiz question `question` of `lesson` right, and why.

    Raises:
        InvalidInput: no such question or option.
    """
    if not 0 <= question < len(lesson.quiz):
        raise InvalidInput(f"This lesson has no question {question + 1}.")
    options = lesson.quiz[question].options
    if not 0 <= option < len(options):
        raise InvalidInput(f"Question {question + 1} has no option {option + 1}.")
    right = next(i for i, o in enumerate(options) if o.correct)
    return AnswerFeedback(
        correct=option == right, chosen=option, right=right, explanation=options[option].why
    )


@audit_refusals
def current_attempt(*, session: Session, agent: User, lesson_id: str) -> LessonAttempt | None:
    """The agent's unfinished attempt at a lesson, to resume, if any."""
    query = (
        select(LessonAttempt)
        .where(
            LessonAttempt.agent_id == agent.id,
            LessonAttempt.lesson_id == lesson_id,
            col(LessonAttempt.completed_at).is_(None),
        )
        .order_by(col(LessonAttempt.id).desc())
    )
    return session.exec(query).first()


@audit_refusals
def start_lesson(*, session: Session, agent: User, lesson: Lesson, now: datetime) -> LessonAttempt:
    """Resume the agent's unfinished attempt at `lesson`, or start one; marks the lesson's open
    assignments as started.

    Raises:
        NotAllowed: the user is not an active agent.
    """
    require_role(agent, Role.AGENT)
    attempt = current_attempt(session=session, agent=agent, lesson_id=lesson.id)
    if attempt is None:
        attempt = LessonAttempt(
            agent_id=agent.id, lesson_id=lesson.id, started_at=now, last_active_at=now
        )
        session.add(attempt)
    for assignment in session.exec(
        select(Assignment).where(
            Assignment.agent_id == agent.id,
            Assignment.lesson_id == lesson.id,
            col(Assignment.completed_at).is_(None),
            col(Assignment.started_at).is_(None),
        )
    ):
        assignment.started_at = now
        session.add(assignment)
    session.commit()
    return attempt


def _own(attempt: LessonAttempt, agent: User) -> None:
    if attempt.agent_id != agent.id:
        raise NotAllowed("This is someone else's lesson.")
    if attempt.completed_at is not None:
        raise InvalidInput("This lesson is already completed.")


def _touch(attempt: LessonAttempt, now: datetime) -> None:
    gap = (now - attempt.last_active_at).total_seconds()
    attempt.seconds_spent += min(max(gap, 0.0), IDLE_CAP_SECONDS)
    attempt.last_active_at = now


@audit_refusals
def move_to(
    *,
    session: Session,
    agent: User,
    attempt: LessonAttempt,
    lesson: Lesson,
    step: int,
    now: datetime,
) -> LessonAttempt:
    """Go to another screen of the lesson (remembered, so the agent resumes there).

    Raises:
        NotAllowed: someone else's attempt. InvalidInput: completed, or no such screen.
    """
    _own(attempt, agent)
    if not 0 <= step < lesson_screens(lesson):
        raise InvalidInput(f"This lesson has no screen {step + 1}.")
    attempt.step = step
    _touch(attempt, now)
    session.add(attempt)
    session.commit()
    return attempt


@audit_refusals
def answer_question(
    *,
    session: Session,
    agent: User,
    attempt: LessonAttempt,
    lesson: Lesson,
    question: int,
    option: int,
    now: datetime,
) -> AnswerFeedback:
    """Record the agent's first answer to a quiz question and say whether it was right and why.
    Answering again shows the feedback of the first answer: the quiz counts first tries.

    Raises:
        NotAllowed: someone else's attempt. InvalidInput: completed, or no such question or
            option.
    """
    _own(attempt, agent)
    feedback_for(lesson, question, option)  # checks the question and option exist
    answers = dict(attempt.answers)
    chosen = answers.setdefault(str(question), option)
    attempt.answers = answers
    _touch(attempt, now)
    session.add(attempt)
    session.commit()
    return feedback_for(lesson, question, chosen)


@audit_refusals
def complete_lesson(
    *,
    session: Session,
    agent: User,
    attempt: LessonAttempt,
    lesson: Lesson,
    now: datetime,
    desired_retention: float,
) -> LessonAttempt:
    """Finish a lesson once every quiz question is answered: record the quiz score, turn each
    question into a review card (the quiz answer is its first review, so a wrong answer comes
    back within minutes) and complete the lesson's open assignments.

    Raises:
        NotAllowed: someone else's attempt. InvalidInput: completed already, or a question is
            unanswered.
    """
    _own(attempt, agent)
    if missing := [i + 1 for i in range(len(lesson.quiz)) if str(i) not in attempt.answers]:
        raise InvalidInput(f"Answer every question first (missing: {missing}).")
    correct = [
        lesson.quiz[i].options[attempt.answers[str(i)]].correct for i in range(len(lesson.quiz))
    ]
    _touch(attempt, now)
    attempt.completed_at = now
    attempt.quiz_correct, attempt.quiz_total = sum(correct), len(correct)
    session.add(attempt)
    existing = {
        card.question: card
        for card in session.exec(
            select(ReviewCard).where(
                ReviewCard.agent_id == agent.id, ReviewCard.lesson_id == lesson.id
            )
        )
    }
    for number, right in enumerate(correct):
        card = existing.get(number) or ReviewCard(
            agent_id=agent.id,
            lesson_id=lesson.id,
            question=number,
            state=new_card_state(now=now),
            due_at=now,
            created_at=now,
        )
        if number not in existing:  # a repeated lesson keeps its cards' schedules
            outcome = review(
                state=card.state,
                correct=right,
                feel=None,
                now=now,
                desired_retention=desired_retention,
            )
            card.state, card.due_at, card.last_reviewed_at = outcome.state, outcome.due, now
        session.add(card)
    for assignment in session.exec(
        select(Assignment).where(
            Assignment.agent_id == agent.id,
            Assignment.lesson_id == lesson.id,
            col(Assignment.completed_at).is_(None),
        )
    ):
        assignment.completed_at = now
        session.add(assignment)
    session.commit()
    return attempt
