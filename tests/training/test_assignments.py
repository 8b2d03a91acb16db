from datetime import timedelta

import pytest
from sqlmodel import select

from core.config import PROJECT_ROOT
from core.errors import InvalidInput, NotAllowed
from core.models import Assignment, AssignmentSource, AuditEvent, Channel, Evaluation, LessonAttempt
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW
from tests.qa.conftest import scored_call
from training.assignments import (
    AssignmentState,
    CriterionFocus,
    assign_from_evaluation,
    assign_lesson,
    assignment_moment,
    assignment_state,
    list_assignments,
    open_assignment_count,
)
from training.lessons import load_library
from training.matcher import LessonRecommendation

CRITERIA = {
    "closing": CriterionFocus("Closing", "Offer more help, close politely", ("closing",)),
    "empathy": CriterionFocus("Empathy", "Acknowledge feelings", ("empathy",)),
    "recording_disclosure": CriterionFocus("Recording disclosure", "Say it", ("compliance",)),
}
LESSON_FOR = {
    "closing": "offer-further-help-before-ending",
    "empathy": "name-the-feeling",
    "recording_disclosure": "mention-call-recording",
}
LESSONS = set(LESSON_FOR.values())


class FakeRecommender:
    """One lesson per failed criterion, as the matcher would pick; records what it skipped."""

    def __init__(self):
        self.skipped = []

    def __call__(self, spots, skip):
        self.skipped.append(set(skip))
        picks = [(spot.source, LESSON_FOR[spot.source.split(":")[1]]) for spot in spots]
        return [
            LessonRecommendation(lesson, lesson, 0.9, f"matched on: {src}", src)
            for src, lesson in picks
            if lesson not in skip
        ]


def _evaluation(session, call):
    from core.models import Evaluation

    return session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).one()


def _assign(session, call, recommend=None, now=NOW):
    made = assign_from_evaluation(
        session=session,
        evaluation=_evaluation(session, call),
        criteria=CRITERIA,
        recommend=recommend or FakeRecommender(),
        now=now,
        repeat_after_days=14,
    )
    session.commit()
    return made


def test_failed_criteria_become_assignments_once(session, people):
    call = scored_call(session, people["a1"], 1, failed=("closing", "empathy"))
    made = _assign(session, call)
    assert sorted(a.lesson_id for a in made) == sorted(
        [LESSON_FOR["closing"], LESSON_FOR["empathy"]]
    )
    first = next(a for a in made if a.criterion_id == "closing")
    assert first.reason == "Closing failed on call #1 (23 Nov)"
    assert first.source == AssignmentSource.AUTO and first.due_at == NOW + timedelta(days=7)

    again = scored_call(session, people["a1"], 2, failed=("closing",))
    assert _assign(session, again) == []  # the closing lesson is still open
    assert _assign(session, call) == []  # the same evaluation twice: nothing new
    assert open_assignment_count(session=session, agent=people["a1"]) == 2


def test_a_written_conversations_weak_spot_says_so_and_so_does_the_reason(session, people):
    call = scored_call(session, people["a1"], 1, failed=("closing",))
    call.channel = Channel.CHAT
    session.add(call)
    session.commit()
    recommend = FakeRecommender()
    seen = []
    (made,) = _assign(
        session, call, recommend=lambda spots, skip: seen.extend(spots) or recommend(spots, skip)
    )
    assert made.reason == "Closing failed on chat #1 (23 Nov)"
    (spot,) = seen
    assert spot.text.startswith("In a written chat conversation with a customer: Closing")


def test_a_passing_or_unassigned_call_gets_no_assignment(session, people):
    assert _assign(session, scored_call(session, people["a1"], 1)) == []


def test_a_lesson_completed_recently_is_not_assigned_again(session, people):
    session.add(
        LessonAttempt(
            agent_id=people["a1"].id,
            lesson_id=LESSON_FOR["closing"],
            started_at=NOW - timedelta(days=3),
            last_active_at=NOW - timedelta(days=3),
            completed_at=NOW - timedelta(days=3),
        )
    )
    session.commit()
    recommend = FakeRecommender()
    made = _assign(session, scored_call(session, people["a1"], 1, failed=("closing",)), recommend)
    assert made == [] and recommend.skipped == [{LESSON_FOR["closing"]}]


def test_a_concurrent_duplicate_is_absorbed_by_the_unique_index(session, people, monkeypatch):
    import training.assignments as assignments

    call = scored_call(session, people["a1"], 1, failed=("closing",))
    session.add(
        Assignment(
            agent_id=people["a1"].id,
            lesson_id=LESSON_FOR["closing"],
            source=AssignmentSource.LEAD,
            reason="by hand",
            created_at=NOW,
            due_at=NOW + timedelta(days=2),
        )
    )
    session.commit()
    monkeypatch.setattr(assignments, "_open", lambda *_: None)  # as if the other writer raced us
    assert _assign(session, call) == []
    assert len(session.exec(select(Assignment)).all()) == 1


def test_states_follow_the_dates():
    a = Assignment(
        agent_id=1,
        lesson_id="x",
        source="lead",
        reason="",
        created_at=NOW,
        due_at=NOW + timedelta(days=1),
    )
    assert assignment_state(a, now=NOW) == AssignmentState.ASSIGNED
    a.started_at = NOW
    assert assignment_state(a, now=NOW) == AssignmentState.IN_PROGRESS
    assert assignment_state(a, now=NOW + timedelta(days=2)) == AssignmentState.OVERDUE
    a.completed_at = NOW + timedelta(days=3)
    assert assignment_state(a, now=NOW + timedelta(days=4)) == AssignmentState.COMPLETED


def test_a_lead_assigns_by_hand_within_their_team_and_it_is_audited(session, people):
    due = NOW + timedelta(days=5)
    kwargs = {
        "session": session,
        "lesson_id": "name-the-feeling",
        "due_at": due,
        "known_lessons": LESSONS,
        "now": NOW,
    }
    made = assign_lesson(lead=people["lead"], agent_id=people["a1"].id, **kwargs)
    assert made.source == AssignmentSource.LEAD and made.reason == "Assigned by Lead Person"
    with pytest.raises(InvalidInput, match="already has this lesson open"):
        assign_lesson(lead=people["lead"], agent_id=people["a1"].id, **kwargs)
    with pytest.raises(NotAllowed, match="not in your team"):
        assign_lesson(lead=people["lead"], agent_id=people["b1"].id, **kwargs)
    with pytest.raises(NotAllowed):
        assign_lesson(lead=people["a2"], agent_id=people["a1"].id, **kwargs)
    with pytest.raises(InvalidInput, match="no lesson"):
        assign_lesson(
            lead=people["lead"], agent_id=people["a2"].id, **{**kwargs, "lesson_id": "nope"}
        )
    with pytest.raises(InvalidInput, match="future"):
        assign_lesson(lead=people["lead"], agent_id=people["a2"].id, **{**kwargs, "due_at": NOW})
    # The assignment, and the two refused attempts (another team's agent, an agent assigning).
    assert session.exec(select(AuditEvent.action)).all() == [
        "assign",
        "access.refused",
        "access.refused",
    ]

    mine = list_assignments(session=session, viewer=people["a1"], now=NOW)
    assert [i.assignment.id for i in mine] == [made.id]
    assert list_assignments(session=session, viewer=people["a2"], now=NOW) == []
    assert list_assignments(session=session, viewer=people["lead_b"], now=NOW) == []
    assert len(list_assignments(session=session, viewer=people["lead"], now=NOW)) == 1


def test_an_assigned_lesson_knows_the_call_moment_that_caused_it(session, people):
    lesson = load_library(PROJECT_ROOT / "training" / "lessons").lessons[0]
    agent = people["a1"]
    call = call_on(session, agent, days_ago(2), failed=["hold_etiquette"], at=42.0)
    evaluation = session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).one()
    assert assignment_moment(session=session, agent=agent, lesson=lesson) is None
    session.add(
        Assignment(
            agent_id=agent.id,
            lesson_id=lesson.id,
            source=AssignmentSource.AUTO,
            reason="Hold etiquette failed on your call",
            evaluation_id=evaluation.id,
            criterion_id="hold_etiquette",
            created_at=NOW,
            due_at=NOW + timedelta(days=7),
        )
    )
    session.commit()
    moment = assignment_moment(session=session, agent=agent, lesson=lesson)
    assert (moment.call_id, moment.start, moment.end) == (call.id, 42.0, 45.0)
    assert moment.criterion_id == "hold_etiquette"
    # Another agent with the same lesson gets nothing of a1's call.
    assert assignment_moment(session=session, agent=people["a2"], lesson=lesson) is None
