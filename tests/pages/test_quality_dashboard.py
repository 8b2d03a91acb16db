"""The QA dashboard on the real demo data: the figures it shows are the calls' own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, select

from analytics.facts import call_facts, default_filter
from analytics.quality import TEAM, mean_score, pass_rates, speech_profile, weekly_scores
from analytics.reviewing import agreement_over_time, calibration_history
from analytics.targets import KPI, KPIS, load_targets
from core.config import get_settings
from core.db import create_db_engine
from core.models import User
from tests.pages.conftest import DEMO_PASSWORD, LENA, chart_values, sign_in, texts

pytestmark = pytest.mark.model


def _expected(email: str, scorecard: str | None = "default"):
    engine = create_db_engine(get_settings().sqlalchemy_url)
    with Session(engine) as session:
        viewer = session.exec(select(User).where(User.email == email)).one()
        filters = default_filter(
            session=session, viewer=viewer, today=date.today(), scorecard=scorecard
        )
        calls = call_facts(session=session, viewer=viewer, filters=filters)
        extra = {}
        if viewer.role != "agent":
            extra["agreement"] = agreement_over_time(
                session=session, viewer=viewer, filters=filters
            )
            extra["calibrations"] = calibration_history(
                session=session, viewer=viewer, filters=filters
            )
        targets = load_targets(session=session)
    engine.dispose()
    return calls, targets, extra


def test_the_lead_sees_the_demo_teams_real_figures_against_target(demo_app):
    calls, targets, extra = _expected(LENA)
    assert len(calls) == 16

    at = sign_in(LENA, DEMO_PASSWORD).switch_page("pages/quality_dashboard.py").run(timeout=60)
    assert not at.exception
    page = texts(at)
    score = mean_score(calls)
    metrics = {m.label: m for m in at.metric}
    assert metrics["QA score"].value == KPIS[KPI.QA_SCORE].show(score)
    assert f"Mean over 16 scored calls. {targets.check(KPI.QA_SCORE, score).reading}." in (
        metrics["QA score"].help
    )
    assert "No KPI targets set" not in page
    assert "Figures of the default scorecard: voice calls only." in page

    weeks = {row["week"]: row for row in chart_values(at, 0)}
    assert {w.week.isoformat(): round(w.mean_score, 1) for w in weekly_scores(calls)} == {
        week: row["score"] for week, row in weeks.items()
    }
    assert len(weeks) >= 6  # the demo calls span seven weeks of October and November

    by_channel = chart_values(at, 1)  # the demo has calls, chats, emails and social posts
    assert {row["channel"] for row in by_channel} == {"Voice", "Chat", "Email", "Social"}
    voice = {row["week"]: row["score"] for row in by_channel if row["channel"] == "Voice"}
    assert voice == {week: row["score"] for week, row in weeks.items()}

    cells = {(row["criterion"], row["agent"]): row["rate"] for row in chart_values(at, 2)}
    team_empathy = next(
        r for r in pass_rates(calls) if r.criterion_id == "empathy" and r.agent == TEAM
    )
    assert cells[("Empathy", TEAM)] == round(team_empathy.rate, 3)
    assert 0 < team_empathy.rate < 1  # the demo has rude and dismissive calls

    agreement = chart_values(at, 3)
    assert sum(row["calls"] for row in agreement if row["criterion"] == "Empathy") == 6
    assert {p.criterion_id for p in extra["agreement"]} >= {"empathy", "greeting"}

    (calibration,) = extra["calibrations"]  # the finished demo session (the other is open)
    assert f"Session #{calibration.calibration_id}" in page and "Empathy" in page

    team_speech = speech_profile(TEAM, calls)
    talk = metrics["Talk-to-listen"]
    assert talk.value == KPIS[KPI.TALK_TO_LISTEN].show(team_speech.talk_to_listen)
    downloads = at.get("download_button")
    # one CSV per table: weeks, weeks by channel, pass rates, agreement, calibration, speech
    assert len(downloads) == 6


def test_the_lead_narrows_the_dashboard_to_chat_on_the_written_scorecard(demo_app):
    at = sign_in(LENA, DEMO_PASSWORD).switch_page("pages/quality_dashboard.py").run(timeout=60)
    at.selectbox(key="qa_dash_channel").select("chat").run(timeout=60)
    assert not at.exception
    assert at.selectbox(key="qa_dash_scorecard").options == ["written"]
    engine = create_db_engine(get_settings().sqlalchemy_url)
    with Session(engine) as session:
        lena = session.exec(select(User).where(User.email == LENA)).one()
        filters = default_filter(
            session=session, viewer=lena, today=date.today(), scorecard="written"
        )
        chats = call_facts(session=session, viewer=lena, filters=replace(filters, channel="chat"))
    engine.dispose()
    assert chats and {c.channel for c in chats} == {"chat"}
    metrics = {m.label: m for m in at.metric}
    assert metrics["QA score"].value == KPIS[KPI.QA_SCORE].show(mean_score(chats))
    assert f"Mean over {len(chats)} scored conversations." in metrics["QA score"].help
    assert "QA score by week and channel" not in texts(at)  # one channel picked
    assert "Talk-to-listen" not in metrics  # no speech in writing
    assert [t.label for t in at.tabs] == ["Scores", "Auto-QA vs reviewers", "Calibration"]


def test_an_agent_sees_only_their_own_calls(demo_app):
    calls, _targets, _extra = _expected("chloe.nguyen@example.com")
    assert {c.agent_name for c in calls} == {"Chloe Nguyen"} and len(calls) == 3

    at = sign_in("chloe.nguyen@example.com", DEMO_PASSWORD)
    at = at.switch_page("pages/quality_dashboard.py").run(timeout=60)
    assert not at.exception
    assert "qa_dash_agent" not in [box.key for box in at.selectbox]  # no picking others
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["QA score"] == KPIS[KPI.QA_SCORE].show(mean_score(calls))
    assert {row["channel"] for row in chart_values(at, 1)} > {"Voice"}  # her chats and emails
    agents = {row["agent"] for row in chart_values(at, 2)}
    assert agents == {"Chloe Nguyen"}
    assert [t.label for t in at.tabs] == ["Scores", "Speech"]


def test_lenas_home_lists_the_demo_agents_and_criteria_furthest_below_target(demo_app):
    from analytics.quality import agents_below_target, criteria_below_target

    # Home reads every scorecard (calls and written conversations); the demo spans less than
    # the 90 days shown.
    calls, targets, _extra = _expected(LENA, scorecard=None)
    assert {c.scorecard for c in calls} == {"default", "written"}
    agents = agents_below_target(calls, targets)
    criteria = criteria_below_target(calls, targets)
    assert agents and criteria  # the demo has agents and criteria short of target

    page = texts(sign_in(LENA, DEMO_PASSWORD))
    worst = agents[0]
    assert f"{worst.name}: {worst.figure:.1f}, {worst.shortfall:.1f} below 85.0" in page
    spec = KPIS[KPI.PASS_RATE]
    assert f"{spec.show(criteria[0].figure)}, {spec.show_gap(criteria[0].shortfall)} below" in page
