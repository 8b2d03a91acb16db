"""Auto-QA against reviewers over time, and closed calibration sessions, for the dashboards."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from analytics.facts import DashboardFilter
from analytics.reviewing import Period, agreement_over_time, calibration_history
from qa.calibration import create_calibration, submit_calibration
from qa.evaluations import ReviewDecision
from qa.review import submit_review
from qa.scorecard import load_scorecard
from qa.scoring import Result
from tests.coaching.conftest import call_on, days_ago
from tests.qa.conftest import DEFAULT_CRITERIA

SCORECARD = load_scorecard("default")


def _decisions(**results: str) -> list[ReviewDecision]:
    return [ReviewDecision(c, Result(results.get(c, "pass"))) for c in DEFAULT_CRITERIA]


def test_agreement_is_counted_per_criterion_and_month_of_review(session: Session, people):
    lead = people["lead"]
    october = call_on(session, people["a1"], days_ago(50), failed=["empathy"])
    november = call_on(session, people["a2"], days_ago(5), failed=["empathy"])
    call_on(session, people["a2"], days_ago(4), failed=["empathy"])  # never reviewed
    # October: the reviewer agrees empathy failed. November: overturns it to a pass.
    for call, when, empathy in ((october, days_ago(49), "fail"), (november, days_ago(4), "pass")):
        submit_review(
            session=session,
            reviewer=lead,
            call_id=call.id,
            decisions=_decisions(empathy=empathy),
            scorecard=SCORECARD,
            now=when,
        )
    points = agreement_over_time(session=session, viewer=lead, filters=DashboardFilter())
    empathy = [(p.period, p.calls, p.agreed) for p in points if p.criterion_id == "empathy"]
    assert empathy == [(date(2026, 10, 1), 1, 1), (date(2026, 11, 1), 1, 0)]
    assert {p.criterion_id for p in points} == set(DEFAULT_CRITERIA)

    weekly = agreement_over_time(
        session=session, viewer=lead, filters=DashboardFilter(), period=Period.WEEK
    )
    assert {p.period.weekday() for p in weekly} == {0}  # weeks start on Monday
    only_a1 = DashboardFilter(agent_id=people["a1"].id)
    assert {
        p.period for p in agreement_over_time(session=session, viewer=lead, filters=only_a1)
    } == {date(2026, 10, 1)}
    assert (
        agreement_over_time(session=session, viewer=people["lead_b"], filters=DashboardFilter())
        == []
    )


def test_a_closed_calibration_shows_where_reviewers_split(session: Session, people):
    lead, reviewer = people["lead"], people["reviewer"]
    call = call_on(session, people["a1"], days_ago(3), failed=["empathy"])
    calibration = create_calibration(
        session=session,
        organiser=lead,
        call_id=call.id,
        reviewer_ids=[reviewer.id, lead.id],
        now=days_ago(2),
    )
    assert (
        calibration_history(session=session, viewer=lead, filters=DashboardFilter()) == []
    )  # still blind
    submit_calibration(
        session=session,
        reviewer=reviewer,
        calibration_id=calibration.id,
        decisions=_decisions(empathy="fail"),
        now=days_ago(2),
    )
    submit_calibration(
        session=session,
        reviewer=lead,
        calibration_id=calibration.id,
        decisions=_decisions(empathy="pass", closing="fail"),
        now=days_ago(1),
    )
    (outcome,) = calibration_history(session=session, viewer=lead, filters=DashboardFilter())
    assert set(outcome.reviewers) == {"Reviewer Person", "Lead Person"}
    assert outcome.disagreements == ("empathy", "closing")
    assert outcome.reviewer_agreement == (len(DEFAULT_CRITERIA) - 2) / len(DEFAULT_CRITERIA)
    # Auto-QA failed empathy: the reviewer agreed on all ten, the lead on eight.
    assert outcome.auto_agreement == (10 + 8) / 20
    assert (
        calibration_history(session=session, viewer=people["lead_b"], filters=DashboardFilter())
        == []
    )
