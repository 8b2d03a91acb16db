import shutil
from datetime import timedelta

import pytest

from coaching import (
    TrendPeriod,
    agent_workspace,
    criterion_trend,
    recommend_for_agent,
)
from core.errors import NotAllowed, NotFound
from core.models import Assignment, AssignmentSource, NoteKind
from monitoring.notes import add_note
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW
from training.matcher import LessonRecommendation


def _workspace(session, viewer, agent):
    return agent_workspace(
        session=session, viewer=viewer, agent_id=agent.id, now=NOW, lesson_skills={}
    )


def test_weak_spots_are_ranked_by_how_often_and_how_recently_they_failed(session, people):
    a1, lead = people["a1"], people["lead"]
    call_on(session, a1, days_ago(74), failed=["greeting"])  # over 60 days back: history
    for age in (42, 41, 40):
        call_on(session, a1, days_ago(age), failed=["empathy"])
    first_hold = call_on(session, a1, days_ago(7), failed=["hold_etiquette"], at=33)
    call_on(session, a1, days_ago(2), failed=["closing"])
    last_hold = call_on(session, a1, days_ago(0), failed=["hold_etiquette"], at=41)

    spots = _workspace(session, lead, a1).weak_spots

    # Weights: hold 1 + 0.5**(7/14) = 1.71; closing 0.5**(2/14) = 0.91; empathy, three
    # failures six weeks back, 0.5**(40/14) + 0.5**(41/14) + 0.5**(42/14) = 0.39.
    assert [s.criterion_id for s in spots] == ["hold_etiquette", "closing", "empathy"]
    assert [round(s.weight, 2) for s in spots] == [1.71, 0.91, 0.39]
    hold, _, empathy = spots
    assert hold.title == "Hold etiquette"
    assert (hold.failures, hold.scored, hold.last_failed_at) == (2, 6, NOW)
    assert [(m.call_id, m.at_seconds) for m in hold.moments] == [
        (last_hold.id, 41),
        (first_hold.id, 33),
    ]
    assert (empathy.failures, empathy.scored) == (3, 6)


def test_the_trend_counts_passes_and_failures_per_week_leaving_out_not_applicable(session, people):
    a1 = people["a1"]
    call_on(session, a1, days_ago(7), na=["empathy"])  # Monday 16 Nov
    call_on(session, a1, days_ago(5), failed=["empathy"])  # Wednesday 18 Nov
    call_on(session, a1, days_ago(0))  # Monday 23 Nov
    workspace = _workspace(session, people["lead"], a1)

    empathy = [p for p in criterion_trend(workspace.calls) if p.criterion_id == "empathy"]
    assert [(p.period, p.passed, p.failed) for p in empathy] == [("16 Nov", 0, 1), ("23 Nov", 1, 0)]
    assert [p.pass_rate for p in empathy] == [0.0, 1.0]
    greeting = [p for p in criterion_trend(workspace.calls) if p.criterion_id == "greeting"]
    assert [(p.passed, p.failed) for p in greeting] == [(2, 0), (1, 0)]

    per_call = criterion_trend(workspace.calls, by=TrendPeriod.CALL, criteria=workspace.criteria)
    assert [p.period for p in per_call if p.criterion_id == "empathy"] == [
        "#2 · 18 Nov",
        "#3 · 23 Nov",
    ]
    assert {p.title for p in per_call if p.criterion_id == "empathy"} == {"Empathy"}


@pytest.mark.parametrize("key", ["lead_b", "a1", "a2", "reviewer"])
def test_only_the_agents_own_lead_and_admins_open_the_workspace(session, people, key):
    with pytest.raises(NotAllowed):
        _workspace(session, people[key], people["a1"])


def test_an_admin_opens_any_agents_workspace_and_a_missing_agent_is_not_found(session, people):
    assert _workspace(session, people["admin"], people["b1"]).agent.name == "B1 Person"
    with pytest.raises(NotFound, match="There is no agent #999."):
        agent_workspace(
            session=session, viewer=people["admin"], agent_id=999, now=NOW, lesson_skills={}
        )
    with pytest.raises(NotFound):  # a lead is no agent
        _workspace(session, people["admin"], people["lead"])


class FakeRecommender:
    """Records the searches and skipped lessons; returns the given recommendations."""

    def __init__(self, *found: LessonRecommendation) -> None:
        self.found, self.spots, self.skip = list(found), [], set()

    def __call__(self, spots, skip):
        self.spots, self.skip = list(spots), set(skip)
        return self.found


def _rec(lesson_id: str, source: str) -> LessonRecommendation:
    return LessonRecommendation(
        lesson_id, lesson_id.replace("-", " "), 0.7, "matched on: x", source
    )


def test_recommendations_search_the_top_weak_spots_and_the_leads_notes(session, people):
    a1, lead = people["a1"], people["lead"]
    call = call_on(session, a1, days_ago(1), failed=["hold_etiquette", "empathy"])
    pushed = "Pushed the fixed tariff after she asked to cancel"

    def note(text, kind, criterion_id=None, minutes=0):
        return add_note(
            session=session,
            author=lead,
            agent_id=a1.id,
            call_id=call.id,
            at_seconds=60,
            text=text,
            kind=kind,
            criterion_id=criterion_id,
            now=NOW + timedelta(minutes=minutes),
        )

    tagged = note(pushed, NoteKind.NEEDS_WORK, "empathy", minutes=1)
    note(pushed.upper(), NoteKind.NEEDS_WORK, minutes=2)  # the same search: made once
    note("Lovely warm greeting", NoteKind.PRAISE, "greeting")  # praise needs no lesson
    note("Customer was on a train", NoteKind.NOTE)  # an untagged observation
    for lesson_id, done in (("ask-permission-before-hold", None), ("name-the-feeling", NOW)):
        session.add(
            Assignment(
                agent_id=a1.id,
                lesson_id=lesson_id,
                source=AssignmentSource.LEAD,
                reason="x",
                created_at=NOW,
                due_at=NOW + timedelta(days=7),
                completed_at=done,
            )
        )
    session.commit()
    recommend = FakeRecommender(
        _rec("take-no-for-an-answer", f"note:{tagged.id}"),
        _rec("check-back-during-hold", "criterion:hold_etiquette"),
    )

    found = recommend_for_agent(_workspace(session, lead, a1), recommend=recommend)

    assert [s.source for s in recommend.spots] == [
        "criterion:empathy",
        "criterion:hold_etiquette",
        f"note:{tagged.id + 1}",  # the newest of the two identical notes
    ]
    assert recommend.spots[2].text == pushed.upper()
    assert recommend.spots[0].skills == ("empathy", "de_escalation")
    assert recommend.skip == {"ask-permission-before-hold"}  # open; the completed one may return
    assert [(r.match.lesson_id, r.criterion_id, r.note_id) for r in found] == [
        ("take-no-for-an-answer", "empathy", tagged.id),
        ("check-back-during-hold", "hold_etiquette", None),
    ]
    assert [r.why for r in found] == ["Note: x", "Weak spot: Hold etiquette"]
    # What the agent reads on the assignment names the topic, never the lead's private note.
    assert [r.assignment_reason for r in found] == ["Coaching: Empathy", "Coaching: Hold etiquette"]


@pytest.mark.model
def test_a_leads_note_finds_the_lesson_it_is_about(
    session, people, tmp_path, embedder, built_lesson_index
):
    from pathlib import Path

    from training.lesson_index import LessonIndex
    from training.lessons import load_library
    from training.matcher import recommend_lessons

    a1, lead = people["a1"], people["lead"]
    call = call_on(session, a1, days_ago(1))  # passed everything: only the note is searched
    add_note(
        session=session,
        author=lead,
        agent_id=a1.id,
        call_id=call.id,
        at_seconds=62,
        text="Went silent for 15 seconds without telling the customer why",
        kind=NoteKind.NEEDS_WORK,
        now=NOW,
    )
    folder = tmp_path / "index"
    shutil.copytree(built_lesson_index, folder)
    lessons = load_library(Path(__file__).resolve().parents[2] / "training" / "lessons").lessons
    index = LessonIndex.open(folder, lessons, embedder=embedder)

    found = recommend_for_agent(
        _workspace(session, lead, a1),
        recommend=lambda spots, skip: recommend_lessons(
            spots, index=index, recently_completed=skip
        ),
    )

    assert found[0].match.lesson_id == "avoid-dead-air-by-narrating"
    assert found[0].assignment_reason == "Coaching: from your lead"
