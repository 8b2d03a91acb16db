"""QA figures: the dashboard's scores, pass rates, speech metrics and shortfalls from calls."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from analytics.facts import CallFacts, DashboardFilter, call_date_range, call_facts
from analytics.quality import (
    TEAM,
    agents_below_target,
    criteria_below_target,
    mean_csat,
    pass_rates,
    speech_profiles,
    weekly_scores,
    weekly_scores_by_channel,
)
from analytics.targets import KPI, Targets
from core.models import Channel, CriterionScore, Evaluation, EvaluationSource
from tests.coaching.conftest import call_on, days_ago


def _facts(
    agent: str, when: datetime, score: float, *, csat=None, metrics=None, channel="call", **results
):
    return CallFacts(
        call_id=hash((agent, when)) % 10_000,
        agent_id=1 if agent == "Ann" else 2,
        agent_name=agent,
        team_id=1,
        when=when,
        scorecard="default",
        score=score,
        auto_fail=False,
        reviewed=False,
        results=results,
        csat=csat,
        metrics=metrics,
        channel=Channel(channel),
    )


MON = datetime(2026, 11, 2, 9, tzinfo=UTC)
SUN = datetime(2026, 11, 8, 23, tzinfo=UTC)
NEXT_MON = datetime(2026, 11, 9, 8, tzinfo=UTC)


def test_weekly_scores_group_calls_by_iso_week_monday_to_sunday():
    calls = [_facts("Ann", MON, 80), _facts("Bo", SUN, 60), _facts("Ann", NEXT_MON, 90)]
    weeks = weekly_scores(calls)
    assert [(w.week, w.calls, w.mean_score) for w in weeks] == [
        (date(2026, 11, 2), 2, 70.0),
        (date(2026, 11, 9), 1, 90.0),
    ]


def test_weekly_scores_by_channel_keep_each_channel_apart():
    calls = [
        _facts("Ann", MON, 80),
        _facts("Bo", SUN, 40, channel="chat"),
        _facts("Ann", SUN, 60, channel="chat"),
        _facts("Ann", NEXT_MON, 90, channel="email"),
    ]
    weeks = weekly_scores_by_channel(calls)
    assert [(w.week, w.channel, w.calls, w.mean_score) for w in weeks] == [
        (date(2026, 11, 2), Channel.CALL, 1, 80.0),
        (date(2026, 11, 2), Channel.CHAT, 2, 50.0),
        (date(2026, 11, 9), Channel.EMAIL, 1, 90.0),
    ]
    assert weeks[1].row() == {
        "week": "2026-11-02",
        "channel": "chat",
        "calls": 2,
        "mean score": 50.0,
    }


def test_pass_rates_per_agent_and_team_leave_not_applicable_out():
    calls = [
        _facts("Ann", MON, 80, empathy="fail", hold_etiquette="na"),
        _facts("Ann", SUN, 80, empathy="pass", hold_etiquette="na"),
        _facts("Bo", SUN, 80, empathy="pass"),
    ]
    rates = {(r.criterion_id, r.agent): (r.passed, r.failed) for r in pass_rates(calls)}
    assert rates == {
        ("empathy", "Ann"): (1, 1),
        ("empathy", "Bo"): (1, 0),
        ("empathy", TEAM): (2, 1),
    }
    assert all(r.agent != TEAM for r in pass_rates(calls, with_team=False))


def test_speech_profiles_average_each_agent_and_the_team():
    ann = {
        "talk_to_listen_ratio": 2.0,
        "agent_talk_seconds": 60,
        "customer_talk_seconds": 30,
        "silence_seconds": 10.0,
        "agent_overtalk_count": 2,
    }
    bo = {
        "talk_to_listen_ratio": 1.0,
        "agent_talk_seconds": 30,
        "customer_talk_seconds": 30,
        "silence_seconds": 0.0,
        "agent_overtalk_count": None,
    }  # a mono call: no overtalk
    calls = [_facts("Ann", MON, 80, metrics=ann), _facts("Bo", MON, 80, metrics=bo)]
    ann_row, bo_row, team = speech_profiles(calls)
    assert (ann_row.agent, ann_row.talk_to_listen, ann_row.agent_talk_share) == ("Ann", 2.0, 2 / 3)
    assert bo_row.overtalk_per_call is None
    assert (team.agent, team.talk_to_listen, team.silence_seconds) == (TEAM, 1.5, 5.0)
    assert team.overtalk_per_call == 2.0  # only the call where overtalk can be seen counts


def test_mean_csat_ignores_calls_without_one():
    calls = [_facts("Ann", MON, 80, csat=5), _facts("Ann", SUN, 80), _facts("Bo", SUN, 80, csat=2)]
    assert mean_csat(calls) == 3.5
    assert mean_csat([_facts("Ann", MON, 80)]) is None


def test_the_furthest_below_target_come_first_and_on_target_are_left_out():
    calls = [
        _facts("Ann", MON, 60, empathy="fail", greeting="pass"),
        _facts("Bo", MON, 80, empathy="fail", greeting="fail"),
        _facts("Cy", MON, 95, empathy="pass", greeting="pass"),
    ]
    targets = Targets({KPI.QA_SCORE: 85, KPI.PASS_RATE: 0.5}, {"empathy": 0.9})
    assert [(s.name, s.shortfall) for s in agents_below_target(calls, targets)] == [
        ("Ann", 25),
        ("Bo", 5),
    ]
    short = criteria_below_target(calls, targets)
    # empathy passes 1 of 3 against its own 90%; greeting 2 of 3 meets the 50% for all
    assert [(s.name, round(s.figure, 3), s.target) for s in short] == [("empathy", 0.333, 0.9)]
    assert agents_below_target(calls, Targets({}, {})) == []


def test_call_facts_take_the_human_result_and_honour_the_filters(session: Session, people):
    a1, a2, lead = people["a1"], people["a2"], people["lead"]
    reviewed = call_on(session, a1, days_ago(10), failed=["empathy"])
    call_on(session, a1, days_ago(3), failed=["greeting"])
    call_on(session, a2, days_ago(1))
    call_on(session, people["b1"], days_ago(1))  # team B: not the lead's
    human = Evaluation(
        call_id=reviewed.id,
        source=EvaluationSource.HUMAN,
        reviewer_id=lead.id,
        scorecard="default",
        scorecard_version="1+test",
        score=100.0,
        auto_fail=False,
        needs_review=False,
        created_at=days_ago(9),
    )
    session.add(human)
    session.flush()
    session.add(
        CriterionScore(
            evaluation_id=human.id, criterion_id="empathy", result="pass", confidence=1.0
        )
    )
    session.commit()

    everything = call_facts(session=session, viewer=lead, filters=DashboardFilter())
    assert [f.agent_name for f in everything] == ["A1 Person", "A1 Person", "A2 Person"]
    first = everything[0]
    assert (first.reviewed, first.score, first.results) == (True, 100.0, {"empathy": "pass"})

    recent = DashboardFilter(start=days_ago(5).date(), end=days_ago(2).date())
    assert [
        f.results["greeting"] for f in call_facts(session=session, viewer=lead, filters=recent)
    ] == ["fail"]
    one_agent = DashboardFilter(agent_id=a2.id)
    assert len(call_facts(session=session, viewer=lead, filters=one_agent)) == 1
    chats = DashboardFilter(channel=Channel.CHAT)
    assert call_facts(session=session, viewer=lead, filters=chats) == []
    written = call_on(session, a2, days_ago(2))
    written.channel = Channel.CHAT
    session.add(written)
    session.commit()
    (chat,) = call_facts(session=session, viewer=lead, filters=chats)
    assert (chat.call_id, chat.channel) == (written.id, Channel.CHAT)
    other_card = DashboardFilter(scorecard="sales")
    assert call_facts(session=session, viewer=lead, filters=other_card) == []
    assert call_date_range(session=session, viewer=lead) == (
        days_ago(10).date(),
        days_ago(1).date(),
    )


@pytest.mark.parametrize("key", ["lead_b", "b1"])
def test_another_team_never_enters_the_figures(session: Session, people, key):
    call_on(session, people["a1"], days_ago(1))
    assert call_facts(session=session, viewer=people[key], filters=DashboardFilter()) == []
