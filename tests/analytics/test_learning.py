from datetime import date, timedelta

from analytics.facts import DashboardFilter
from analytics.learning import LearningTotals, agent_learning
from core.models import Assignment, AssignmentSource
from tests.conftest import NOW
from tests.training.test_progress import LESSON, RETENTION, RIGHT
from training.progress import answer_question, complete_lesson, start_lesson
from training.reviews import answer_card, due_cards

SKILLS = {LESSON.id: LESSON.skills}
OCTOBER = DashboardFilter(start=date(2026, 10, 1), end=date(2026, 10, 31))


def _assign(session, agent, *, made, due_in=7, done=None, criterion=None, lesson="x"):
    assignment = Assignment(
        agent_id=agent.id,
        lesson_id=lesson,
        source=AssignmentSource.AUTO if criterion else AssignmentSource.LEAD,
        reason="test",
        criterion_id=criterion,
        created_at=made,
        due_at=made + timedelta(days=due_in),
        completed_at=done,
    )
    session.add(assignment)
    session.commit()
    return assignment


def _do_lesson(session, agent, when):
    attempt = start_lesson(session=session, agent=agent, lesson=LESSON, now=when)
    for number, right in enumerate(RIGHT):
        answer_question(
            session=session,
            agent=agent,
            attempt=attempt,
            lesson=LESSON,
            question=number,
            option=right,
            now=when + timedelta(minutes=1 + number),
        )
    complete_lesson(
        session=session,
        agent=agent,
        attempt=attempt,
        lesson=LESSON,
        now=when + timedelta(minutes=10),
        desired_retention=RETENTION,
    )


def test_each_agent_counts_the_lessons_assigned_in_the_dates_done_overdue_and_open(session, people):
    a1, a2, b1 = people["a1"], people["a2"], people["b1"]
    oct_5 = NOW.replace(month=10, day=5)
    _assign(session, a1, made=oct_5, done=oct_5 + timedelta(days=2))  # done
    _assign(session, a1, made=oct_5, lesson="y")  # due 12 Oct: overdue now
    _assign(session, a1, made=NOW.replace(month=10, day=31), due_in=60, lesson="z")  # open
    _assign(session, a1, made=NOW.replace(month=9, day=30), lesson="w")  # before the dates
    _assign(session, b1, made=oct_5)  # another team

    rows = agent_learning(
        session=session, viewer=people["lead"], filters=OCTOBER, lesson_skills=SKILLS, now=NOW
    )

    assert [r.agent_name for r in rows] == [a1.name, a2.name]
    mine, theirs = rows
    assert (mine.assigned, mine.completed, mine.overdue, mine.open) == (3, 1, 1, 1)
    assert mine.completion_rate == 1 / 3
    assert (theirs.assigned, theirs.completion_rate) == (0, None)
    totals = LearningTotals.of(rows)
    assert (totals.agents, totals.assigned, totals.completed, totals.overdue) == (2, 3, 1, 1)
    assert totals.completion_rate == 1 / 3
    assert mine.row() == {
        "agent": a1.name,
        "assigned": 3,
        "completed": 1,
        "open": 1,
        "overdue": 1,
        "completion rate": 0.333,
        "current streak": 0,
        "best streak": 0,
    }


def test_streaks_and_mastery_come_from_the_agents_lessons_and_reviews(session, people):
    a1 = people["a1"]
    _assign(session, a1, made=NOW - timedelta(days=5), lesson=LESSON.id, criterion="empathy")
    _do_lesson(session, a1, NOW - timedelta(days=3))
    # The cards come back 10 minutes after the lesson, then two days after that review: the
    # day in between has nothing to do, which ends the first streak.
    for day in (2, 0):
        when = NOW - timedelta(days=day)
        for card in due_cards(session=session, agent=a1, now=when):
            answer_card(
                session=session,
                agent=a1,
                card_id=card.id,
                correct=True,
                feel=None,
                now=when,
                desired_retention=RETENTION,
            )

    (row,) = agent_learning(
        session=session,
        viewer=a1,
        filters=DashboardFilter(),
        lesson_skills=SKILLS,
        now=NOW,
    )

    assert (row.assigned, row.completed, row.completion_rate) == (1, 1, 1.0)
    assert (row.current_streak, row.best_streak) == (1, 2)
    assert set(row.mastery) == set(LESSON.skills)
    assert all(0.8 < p <= 1 for p in row.mastery.values())
    done_at = NOW - timedelta(days=3) + timedelta(minutes=10)
    assert row.lessons_done_for == {"empathy": done_at}
    assert row.mastery_rows()[0] == {
        "agent": a1.name,
        "skill": sorted(LESSON.skills)[0],
        "mastery": round(row.mastery[sorted(LESSON.skills)[0]], 3),
    }


def test_the_first_lesson_done_for_a_criterion_counts_and_hand_assigned_ones_do_not(
    session, people
):
    a1 = people["a1"]
    first, later = NOW - timedelta(days=20), NOW - timedelta(days=2)
    _assign(session, a1, made=first, done=first, criterion="verification")
    _assign(session, a1, made=later, done=later, criterion="verification", lesson="y")
    _assign(session, a1, made=later, criterion="empathy", lesson="z")  # not done
    _assign(session, a1, made=later, done=later, lesson="w")  # by hand: no criterion

    (row,) = agent_learning(
        session=session,
        viewer=people["admin"],
        filters=DashboardFilter(agent_id=a1.id, start=date(2026, 11, 20)),
        lesson_skills=SKILLS,
        now=NOW,
    )

    # Outside the dates for the counts, but still the line between before and after.
    assert row.lessons_done_for == {"verification": first}
    assert (row.assigned, row.completed) == (3, 2)


def test_an_agent_sees_only_their_own_learning_whatever_the_filter(session, people):
    a1, a2 = people["a1"], people["a2"]
    _assign(session, a2, made=NOW - timedelta(days=1))

    for filters in (DashboardFilter(agent_id=a2.id), DashboardFilter(team_id=a1.team_id)):
        rows = agent_learning(
            session=session, viewer=a1, filters=filters, lesson_skills=SKILLS, now=NOW
        )
        assert [(r.agent_id, r.assigned) for r in rows] == [(a1.id, 0)]
