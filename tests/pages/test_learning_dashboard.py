"""The learning dashboard on the real demo data: the figures it shows are the database's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, select

from analytics.facts import call_facts, default_filter
from analytics.impact import criterion_impact
from analytics.learning import LearningTotals, agent_learning
from core.config import get_settings
from core.db import create_db_engine
from core.models import User, utcnow
from tests.pages.conftest import DEMO_PASSWORD, LENA, chart_values, sign_in, texts
from training.lessons import load_library

pytestmark = pytest.mark.model

PAGE = "pages/learning_dashboard.py"
DIEGO, FARAH = "diego.ramirez@example.com", "farah.haddad@example.com"


def _expected(email: str, **narrowed):
    """What the page should show `email` with the default filters (a lead: their team), or
    narrowed: the agents' learning and the criteria before and after lessons."""
    engine = create_db_engine(get_settings().sqlalchemy_url)
    lessons = load_library(get_settings().lessons_dir).lessons
    with Session(engine) as session:
        people = {u.email: u for u in session.exec(select(User))}
        viewer = people[email]
        filters = default_filter(session=session, viewer=viewer, today=date.today())
        filters = replace(filters, **narrowed)
        agents = agent_learning(
            session=session,
            viewer=viewer,
            filters=filters,
            lesson_skills={lesson.id: lesson.skills for lesson in lessons},
            now=utcnow(),
        )
        calls = call_facts(session=session, viewer=viewer, filters=filters)
    engine.dispose()
    return people, agents, criterion_impact(agents=agents, calls=calls)


def _open(email: str):
    at = sign_in(email, DEMO_PASSWORD).switch_page(PAGE).run(timeout=60)
    assert not at.exception
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _statuses(at) -> dict[tuple[str, str], int]:
    """The lesson-status chart's bars: (agent, status) -> lessons."""
    return {(row["agent"], row["status"]): row["lessons"] for row in chart_values(at, 0)}


def _expected_statuses(agents) -> dict[tuple[str, str], int]:
    counts = {
        (a.agent_name, status): count
        for a in agents
        for status, count in (("completed", a.completed), ("open", a.open), ("overdue", a.overdue))
    }
    return {key: count for key, count in counts.items() if count}


def test_the_lead_sees_her_teams_lessons_streaks_and_before_after_lessons(demo_app):
    people, agents, impacts = _expected(LENA)
    totals = LearningTotals.of(agents)
    by_name = {a.agent_name: a for a in agents}
    # The demo's learning history (demo/learning.py): six agents, some lessons done between
    # their calls, some overdue, Amara learning daily, Farah nothing done.
    assert len(agents) == 6 and 0 < totals.completed < totals.assigned and totals.overdue
    assert by_name["Farah Haddad"].completed == 0 and by_name["Farah Haddad"].overdue
    assert by_name["Amara Okafor"].best_streak >= 4 and by_name["Ben Carter"].best_streak >= 5
    verification = next(i for i in impacts if i.criterion_id == "verification")
    assert verification.before.calls and verification.after.rate > verification.before.rate

    at = _open(LENA)

    assert _metrics(at) == {
        "Lesson completion": f"{totals.completion_rate:.0%}",
        "Overdue lessons": str(totals.overdue),
        "Open lessons": str(totals.open),
        "Longest current streak": f"{totals.best_current_streak} days",
    }
    completion = next(m for m in at.metric if m.label == "Lesson completion")
    assert f"{totals.completed} of {totals.assigned} lessons assigned" in completion.help
    assert _statuses(at) == _expected_statuses(agents)
    streaks = {(row["agent"], row["streak"]): row["days"] for row in chart_values(at, 1)}
    assert streaks[("Amara Okafor", "best")] == by_name["Amara Okafor"].best_streak
    assert streaks[("Farah Haddad", "current")] == 0
    mastery = {(row["agent"], row["skill"]): row["mastery"] for row in chart_values(at, 2)}
    assert {agent for agent, _ in mastery} == {a.agent_name for a in agents if a.mastery}
    page = texts(at)
    for impact in impacts:
        assert f"**{impact.title}**: {impact.summary()}" in page
    sides = {(row["criterion"], row["when"]): row["pass rate"] for row in chart_values(at, 4)}
    assert sides[(verification.title, "before")] == round(verification.before.rate, 3)
    assert sides[(verification.title, "after")] == round(verification.after.rate, 3)
    buttons = at.get("download_button")
    assert len(buttons) == 4 and not any(b.proto.disabled for b in buttons)


def test_the_lead_narrows_the_dashboard_to_one_agent(demo_app):
    people, agents, _ = _expected(LENA)
    farah = people[FARAH]
    (expected,) = [a for a in agents if a.agent_id == farah.id]

    at = _open(LENA)
    at.selectbox(key="learn_dash_agent").set_value(farah.id).run(timeout=60)

    metrics = _metrics(at)
    assert metrics["Lesson completion"] == "0%"
    assert metrics["Overdue lessons"] == str(expected.overdue)
    assert metrics["Current streak"] == "0 days"
    assert _statuses(at) == _expected_statuses([expected])
    assert "No agent in these filters has completed a lesson" in texts(at)


def test_an_agent_sees_only_their_own_learning(demo_app):
    people, agents, impacts = _expected(DIEGO)
    (diego,) = agents
    assert diego.agent_id == people[DIEGO].id and diego.completed and diego.overdue

    at = _open(DIEGO)

    assert _metrics(at) == {
        "Lesson completion": f"{diego.completion_rate:.0%}",
        "Overdue lessons": str(diego.overdue),
        "Open lessons": str(diego.open),
        "Current streak": f"{diego.current_streak} days",
    }
    assert {agent for agent, _ in _statuses(at)} == {"Diego Ramirez"}
    assert not [box for box in at.selectbox if box.label in ("Team", "Agent")]
    page = texts(at)
    for impact in impacts:
        assert f"**{impact.title}**: {impact.summary()}" in page
    assert "(1 agent)" in page and "agents)" not in page
    others = {u.name for u in people.values() if u.email != DIEGO}
    assert not [name for name in others if name in page]
