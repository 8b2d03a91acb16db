from datetime import timedelta

from sqlmodel import select

from core.calls import register_call
from core.models import (
    Assignment,
    AssignmentSource,
    AuditEvent,
    LessonAttempt,
    ReviewCard,
    User,
    utcnow,
)
from tests.conftest import NOW
from tests.pages.conftest import texts
from tests.qa.conftest import scored_call
from training.srs import new_card_state


def test_a_leads_home_counts_their_teams_calls(signed_in, session, people):
    for number, key in enumerate(["a1", "a1", "b1"]):
        register_call(
            session=session,
            recording_path=f"c{number}.flac",
            sha256=f"{number:064d}",
            agent_id=people[key].id,
            now=NOW,
        )
    session.commit()
    at = signed_in("lead")
    assert at.metric[0].label == "Calls" and at.metric[0].value == "2"
    assert "you see your team's calls" in texts(at)


def test_home_without_calls_says_so(signed_in):
    at = signed_in("lead")
    assert "No calls yet" in texts(at)


def test_an_agents_home_shows_lessons_reviews_streak_and_scores(signed_in, session, people):
    agent = people["a1"]
    scored_call(session, agent, 1, failed=("closing",))
    session.add(
        Assignment(
            agent_id=agent.id,
            lesson_id="offer-further-help-before-ending",
            source=AssignmentSource.AUTO,
            reason="Closing failed on call #1 (23 Nov)",
            created_at=NOW,
            due_at=NOW + timedelta(days=3650),  # not overdue whenever the test runs
        )
    )
    # A lesson done yesterday and today, with one question due for review.
    today = utcnow()
    for when in (today - timedelta(days=1), today):
        session.add(
            LessonAttempt(
                agent_id=agent.id,
                lesson_id="name-the-feeling",
                started_at=when,
                last_active_at=when,
                completed_at=when,
            )
        )
    session.add(
        ReviewCard(
            agent_id=agent.id,
            lesson_id="name-the-feeling",
            question=0,
            state=new_card_state(now=today),
            due_at=today - timedelta(minutes=5),
            created_at=today,
        )
    )
    session.commit()

    at = signed_in("a1")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Lessons to do": "1", "Reviews due": "1", "Streak": "2 days"}
    page = texts(at)
    assert (
        "Offer further help before ending" in page.replace("offer", "Offer", 1)
        or "further help" in page
    )
    assert "Closing failed on call #1 (23 Nov)" in page
    assert len(at.get("vega_lite_chart")) == 2  # QA score trend and mastery
    assert [b.label for b in at.button if b.label.startswith("Review")] == ["Review 1 now"]

    at.toggle(key="home_reminders").set_value(False).run()
    session.expire_all()
    assert session.get(User, agent.id).reminders is False
    event = session.exec(select(AuditEvent)).one()
    assert event.after == {"reminders": False}


def test_a_leads_home_lists_who_and_what_is_furthest_below_target(signed_in, session, people):
    from analytics.targets import KPI, set_target
    from tests.coaching.conftest import call_on, days_ago

    call_on(session, people["a1"], days_ago(3), failed=["empathy", "closing", "greeting"])
    call_on(session, people["a2"], days_ago(2), failed=["empathy"])
    call_on(session, people["b1"], days_ago(2), failed=["verification"] * 1)  # team B's
    for kpi, value in ((KPI.QA_SCORE, 85.0), (KPI.PASS_RATE, 0.8)):
        set_target(session=session, actor=people["admin"], kpi=kpi, value=value, now=NOW)

    page = texts(signed_in("lead").run())
    assert "A1 Person: 70.0, 15.0 below 85.0 (1 calls)" in page
    assert "A2 Person" not in page  # 90 is on target
    assert "Empathy: 0%, 80 points below 80% (2 calls)" in page
    assert "Verification" not in page  # only team B failed it
    assert "Greeting: 50%, 30 points below 80% (2 calls)" in page


def test_without_targets_the_lead_is_told_who_sets_them(signed_in, session, people):
    from tests.coaching.conftest import call_on, days_ago

    call_on(session, people["a1"], days_ago(3))
    assert "an admin sets them on the KPI targets page" in texts(signed_in("lead").run())
