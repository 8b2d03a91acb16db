import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent
from qa.calibration import (
    calibration_report,
    close_calibration,
    compare_ratings,
    create_calibration,
    list_calibrations,
    submit_calibration,
)
from qa.evaluations import ReviewDecision
from qa.scoring import Result
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA, scored_call


def _decisions(**overrides):
    return [ReviewDecision(c, Result(overrides.get(c, "pass"))) for c in DEFAULT_CRITERIA]


@pytest.fixture
def calibration(session, people):
    call = scored_call(session, people["a1"], 1, failed=("empathy",))
    return create_calibration(
        session=session,
        organiser=people["lead"],
        call_id=call.id,
        reviewer_ids=[people["reviewer"].id, people["lead"].id, people["admin"].id],
        now=NOW,
    )


def _submit(session, people, key, calibration, **overrides):
    return submit_calibration(
        session=session,
        reviewer=people[key],
        calibration_id=calibration.id,
        decisions=_decisions(**overrides),
        now=NOW,
    )


def test_results_stay_hidden_until_the_last_reviewer_submits(session, people, calibration):
    _submit(session, people, "reviewer", calibration, empathy="fail")
    with pytest.raises(InvalidInput, match="hidden"):
        calibration_report(
            session=session, viewer=people["reviewer"], calibration_id=calibration.id
        )
    _submit(session, people, "lead", calibration, empathy="na")
    assert calibration.closed_at is None
    _submit(session, people, "admin", calibration, empathy="fail", dead_air="fail")
    assert calibration.closed_at == NOW

    report = calibration_report(
        session=session, viewer=people["reviewer"], calibration_id=calibration.id
    )
    rows = {r.criterion_id: r for r in report.criteria}
    assert rows["empathy"].results == {
        "Reviewer Person": "fail",
        "Lead Person": "na",
        "Admin Person": "fail",
    }
    assert rows["empathy"].auto == "fail" and rows["empathy"].consensus == "fail"
    assert rows["empathy"].reviewer_agreement == pytest.approx(1 / 3)
    assert rows["empathy"].auto_agreement == pytest.approx(2 / 3)
    assert rows["greeting"].reviewer_agreement == 1.0
    assert report.fleiss_kappa is not None and report.fleiss_kappa < 1.0
    assert len(report.pair_kappas) == 3 and len(report.auto_kappas) == 3
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.entity == "calibration")
    ).all()
    assert actions.count("calibration_submit") == 3


def test_a_reviewer_scores_once_and_only_when_invited(session, people, calibration):
    _submit(session, people, "reviewer", calibration)
    with pytest.raises(InvalidInput, match="already submitted"):
        _submit(session, people, "reviewer", calibration)
    for outsider in ("lead_b", "a1"):
        with pytest.raises(NotAllowed):
            _submit(session, people, outsider, calibration)
    with pytest.raises(InvalidInput, match="missing: greeting"):
        submit_calibration(
            session=session,
            reviewer=people["lead"],
            calibration_id=calibration.id,
            decisions=_decisions()[1:],
            now=NOW,
        )


def test_the_lead_can_close_early_and_reveal_what_was_submitted(session, people, calibration):
    _submit(session, people, "reviewer", calibration, empathy="fail")
    with pytest.raises(NotAllowed):
        close_calibration(
            session=session, organiser=people["lead_b"], calibration_id=calibration.id, now=NOW
        )
    close_calibration(
        session=session, organiser=people["lead"], calibration_id=calibration.id, now=NOW
    )
    report = calibration_report(
        session=session, viewer=people["lead"], calibration_id=calibration.id
    )
    assert report.reviewers == ("Reviewer Person",) and report.fleiss_kappa is None
    with pytest.raises(InvalidInput, match="closed"):
        _submit(session, people, "admin", calibration)


def test_sessions_are_listed_for_organisers_and_invited_reviewers_only(
    session, people, calibration
):
    assert [
        i.calibration.id for i in list_calibrations(session=session, viewer=people["reviewer"])
    ] == [calibration.id]
    assert list_calibrations(session=session, viewer=people["lead_b"]) == []
    with pytest.raises(NotAllowed):
        list_calibrations(session=session, viewer=people["a1"])


def test_a_calibration_needs_two_reviewers_who_can_see_the_call(session, people):
    call = scored_call(session, people["a1"], 1)
    with pytest.raises(InvalidInput, match="at least two"):
        create_calibration(
            session=session,
            organiser=people["lead"],
            call_id=call.id,
            reviewer_ids=[people["reviewer"].id, people["reviewer"].id],
            now=NOW,
        )
    with pytest.raises(InvalidInput, match="cannot see call"):
        create_calibration(
            session=session,
            organiser=people["lead"],
            call_id=call.id,
            reviewer_ids=[people["reviewer"].id, people["lead_b"].id],
            now=NOW,
        )
    with pytest.raises(InvalidInput, match="cannot review"):
        create_calibration(
            session=session,
            organiser=people["lead"],
            call_id=call.id,
            reviewer_ids=[people["reviewer"].id, people["a2"].id],
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        create_calibration(
            session=session,
            organiser=people["reviewer"],
            call_id=call.id,
            reviewer_ids=[people["reviewer"].id, people["lead"].id],
            now=NOW,
        )


def test_compare_ratings_without_disagreement_gives_perfect_kappa():
    ratings = {"A": {"x": "pass", "y": "fail"}, "B": {"x": "pass", "y": "fail"}}
    report = compare_ratings(ratings, {"x": "pass", "y": "pass"}, ["x", "y"])
    assert report.fleiss_kappa == 1.0
    assert report.pair_kappas == (("A", "B", 1.0, 1.0),)
    assert [a for _, a, _ in report.auto_kappas] == [0.5, 0.5]
    assert [r.consensus for r in report.criteria] == ["pass", "fail"]
