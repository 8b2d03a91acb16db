from datetime import timedelta

import pytest
from sqlmodel import select

from core.config import PROJECT_ROOT
from core.errors import InvalidInput, NotAllowed
from core.models import Assignment, AssignmentSource, ReviewCard
from tests.conftest import NOW
from training.lessons import load_library
from training.progress import (
    answer_question,
    complete_lesson,
    current_attempt,
    lesson_screens,
    move_to,
    start_lesson,
)
from training.reviews import answer_card, due_cards, learning_activity, skill_mastery
from training.srs import Feel

LESSON = next(
    lesson
    for lesson in load_library(PROJECT_ROOT / "training" / "lessons").lessons
    if lesson.id == "acknowledge-before-fixing"
)
RIGHT = [next(i for i, o in enumerate(q.options) if o.correct) for q in LESSON.quiz]
RETENTION = 0.9


def _at(minutes):
    return NOW + timedelta(minutes=minutes)


def _do_lesson(session, agent, *, wrong=()):
    attempt = start_lesson(session=session, agent=agent, lesson=LESSON, now=NOW)
    for step in range(1, lesson_screens(LESSON)):
        move_to(
            session=session, agent=agent, attempt=attempt, lesson=LESSON, step=step, now=_at(step)
        )
    for number, right in enumerate(RIGHT):
        option = (right + 1) % len(LESSON.quiz[number].options) if number in wrong else right
        answer_question(
            session=session,
            agent=agent,
            attempt=attempt,
            lesson=LESSON,
            question=number,
            option=option,
            now=_at(10 + number),
        )
    return complete_lesson(
        session=session,
        agent=agent,
        attempt=attempt,
        lesson=LESSON,
        now=_at(15),
        desired_retention=RETENTION,
    )


def test_a_lesson_resumes_where_the_agent_left_it(session, people):
    agent = people["a1"]
    attempt = start_lesson(session=session, agent=agent, lesson=LESSON, now=NOW)
    move_to(session=session, agent=agent, attempt=attempt, lesson=LESSON, step=3, now=_at(2))
    again = start_lesson(session=session, agent=agent, lesson=LESSON, now=_at(60))
    assert again.id == attempt.id and again.step == 3
    assert again.seconds_spent == 120  # two minutes between the taps
    with pytest.raises(InvalidInput, match="no screen"):
        move_to(session=session, agent=agent, attempt=attempt, lesson=LESSON, step=99, now=_at(3))
    with pytest.raises(NotAllowed):
        move_to(
            session=session, agent=people["a2"], attempt=attempt, lesson=LESSON, step=1, now=_at(3)
        )


def test_only_a_finished_lesson_counts_as_learning_done(session, people):
    agent = people["a1"]
    attempt = start_lesson(session=session, agent=agent, lesson=LESSON, now=NOW)
    move_to(session=session, agent=agent, attempt=attempt, lesson=LESSON, step=2, now=_at(2))
    assert learning_activity(session=session, agent=agent) == []  # opened, not done
    _do_lesson(session, agent)
    assert learning_activity(session=session, agent=agent) == [_at(15)]


def test_a_long_break_does_not_count_as_time_spent(session, people):
    attempt = start_lesson(session=session, agent=people["a1"], lesson=LESSON, now=NOW)
    move_to(
        session=session, agent=people["a1"], attempt=attempt, lesson=LESSON, step=1, now=_at(600)
    )
    assert attempt.seconds_spent == 120  # capped: the agent walked away


def test_the_first_answer_counts_and_feedback_explains_it(session, people):
    agent = people["a1"]
    attempt = start_lesson(session=session, agent=agent, lesson=LESSON, now=NOW)
    wrong = (RIGHT[0] + 1) % len(LESSON.quiz[0].options)
    feedback = answer_question(
        session=session,
        agent=agent,
        attempt=attempt,
        lesson=LESSON,
        question=0,
        option=wrong,
        now=_at(1),
    )
    assert not feedback.correct and feedback.right == RIGHT[0]
    assert feedback.explanation == LESSON.quiz[0].options[wrong].why
    retry = answer_question(
        session=session,
        agent=agent,
        attempt=attempt,
        lesson=LESSON,
        question=0,
        option=RIGHT[0],
        now=_at(2),
    )
    assert not retry.correct and retry.chosen == wrong
    with pytest.raises(InvalidInput, match="Answer every question"):
        complete_lesson(
            session=session,
            agent=agent,
            attempt=attempt,
            lesson=LESSON,
            now=_at(3),
            desired_retention=RETENTION,
        )


def test_completing_records_the_score_makes_cards_and_closes_the_assignment(session, people):
    agent = people["a1"]
    session.add(
        Assignment(
            agent_id=agent.id,
            lesson_id=LESSON.id,
            source=AssignmentSource.AUTO,
            reason="x",
            created_at=NOW,
            due_at=NOW + timedelta(days=7),
        )
    )
    session.commit()
    attempt = _do_lesson(session, agent, wrong={1})
    assert (attempt.quiz_correct, attempt.quiz_total) == (len(RIGHT) - 1, len(RIGHT))
    assert session.exec(select(Assignment)).one().completed_at == _at(15)
    assert current_attempt(session=session, agent=agent, lesson_id=LESSON.id) is None

    cards = {c.question: c for c in session.exec(select(ReviewCard))}
    assert len(cards) == len(RIGHT)
    # A wrong answer comes back within the learning steps; a right one later the same day.
    assert cards[1].due_at - _at(15) <= timedelta(minutes=10)
    assert cards[0].due_at - _at(15) >= timedelta(minutes=10)
    assert [c.question for c in due_cards(session=session, agent=agent, now=_at(30))] == [1, 0, 2]
    assert due_cards(session=session, agent=people["a2"], now=_at(30)) == []


def test_reviews_reschedule_with_fsrs_and_feed_mastery_and_activity(session, people):
    agent = people["a1"]
    _do_lesson(session, agent)
    card = due_cards(session=session, agent=agent, now=_at(60))[0]
    easy = answer_card(
        session=session,
        agent=agent,
        card_id=card.id,
        correct=True,
        feel=Feel.EASY,
        now=_at(60),
        desired_retention=RETENTION,
    )
    assert easy.rating == "easy" and easy.interval >= timedelta(days=1)
    assert card.id not in [c.id for c in due_cards(session=session, agent=agent, now=_at(61))]
    with pytest.raises(NotAllowed):
        answer_card(
            session=session,
            agent=people["a2"],
            card_id=card.id,
            correct=True,
            feel=None,
            now=_at(62),
            desired_retention=RETENTION,
        )
    mastery = skill_mastery(
        session=session, agent=agent, lesson_skills={LESSON.id: LESSON.skills}, now=_at(24 * 60)
    )
    assert set(mastery) == set(LESSON.skills)
    assert 0 < mastery["empathy"] <= 1
    later = skill_mastery(
        session=session,
        agent=agent,
        lesson_skills={LESSON.id: LESSON.skills},
        now=_at(60 * 24 * 60),
    )
    assert later["empathy"] < mastery["empathy"]  # forgetting without reviews
    assert _at(60) in learning_activity(session=session, agent=agent)
