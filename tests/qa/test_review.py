import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent, Evaluation, EvaluationSource
from qa.evaluations import latest_evaluation
from qa.review import ReviewDecision, in_random_sample, review_queue, submit_review
from qa.scorecard import load_scorecard
from qa.scoring import Result
from tests.conftest import NOW
from tests.qa.conftest import scored_call

SCORECARD = load_scorecard("default")
CRITERIA = [c.id for c in SCORECARD.criteria]


@pytest.fixture
def scored(session, people):
    return {
        "failed": scored_call(
            session, people["a1"], 1, auto_fail=True, failed=("recording_disclosure",)
        ),
        "unsure": scored_call(session, people["a2"], 2, needs_review=True),
        "fine": scored_call(session, people["a1"], 3),
        "other_team": scored_call(session, people["b1"], 4, auto_fail=True),
    }


def test_the_queue_holds_auto_failed_and_low_confidence_calls_with_the_reason(
    session, people, scored
):
    queue = review_queue(session=session, viewer=people["reviewer"], random_share=0.0)
    reasons = {item.call.id: item.reasons for item in queue}
    assert reasons == {
        scored["failed"].id: ("auto-failed",),
        scored["unsure"].id: ("low confidence",),
        scored["other_team"].id: ("auto-failed",),
    }


def test_a_random_share_of_the_rest_is_added_and_stays_stable(session, people, scored):
    everything = review_queue(session=session, viewer=people["reviewer"], random_share=1.0)
    assert scored["fine"].id in {item.call.id for item in everything}
    picks = [in_random_sample(call_id, 0.2) for call_id in range(1, 2001)]
    assert 0.15 < sum(picks) / len(picks) < 0.25
    assert picks == [in_random_sample(call_id, 0.2) for call_id in range(1, 2001)]


def test_a_lead_queues_only_their_team_and_agents_have_no_queue(session, people, scored):
    lead_queue = review_queue(session=session, viewer=people["lead"], random_share=0.0)
    assert scored["other_team"].id not in {item.call.id for item in lead_queue}
    by_agent = review_queue(
        session=session, viewer=people["lead"], random_share=0.0, agent_id=people["a2"].id
    )
    assert [item.call.id for item in by_agent] == [scored["unsure"].id]
    with pytest.raises(NotAllowed):
        review_queue(session=session, viewer=people["a1"], random_share=1.0)


def test_a_review_overrides_criteria_becomes_official_and_is_audited(session, people, scored):
    call = scored["failed"]
    decisions = [ReviewDecision(c, Result.PASS) for c in CRITERIA]
    decisions[CRITERIA.index("empathy")] = ReviewDecision("empathy", Result.NA, "no emotion")
    decisions[CRITERIA.index("recording_disclosure")] = ReviewDecision(
        "recording_disclosure", Result.PASS, "said at 0:40, ASR garbled it"
    )
    human = submit_review(
        session=session,
        reviewer=people["reviewer"],
        call_id=call.id,
        decisions=decisions,
        scorecard=SCORECARD,
        now=NOW,
    )
    assert (human.score, human.auto_fail) == (100.0, False)
    official = latest_evaluation(session=session, viewer=people["a1"], call_id=call.id)
    assert official.id == human.id and official.source == EvaluationSource.HUMAN
    assert len(session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).all()) == 2
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "review")).one()
    assert event.before == {"score": 0.0, "source": "auto"}
    assert event.after["overridden"] == {
        "recording_disclosure": {
            "from": "fail",
            "to": "pass",
            "comment": "said at 0:40, ASR garbled it",
        },
        "empathy": {"from": "pass", "to": "na", "comment": "no emotion"},
    }
    queue = review_queue(session=session, viewer=people["reviewer"], random_share=1.0)
    assert call.id not in {item.call.id for item in queue}


def test_a_failed_critical_criterion_zeroes_the_human_score(session, people, scored):
    decisions = [ReviewDecision(c, Result.PASS) for c in CRITERIA]
    decisions[CRITERIA.index("verification")] = ReviewDecision("verification", Result.FAIL)
    human = submit_review(
        session=session,
        reviewer=people["lead"],
        call_id=scored["unsure"].id,
        decisions=decisions,
        scorecard=SCORECARD,
        now=NOW,
    )
    assert (human.score, human.auto_fail) == (0.0, True)


def test_an_incomplete_review_is_refused_and_nothing_is_written(session, people, scored):
    with pytest.raises(InvalidInput, match="missing: .*greeting"):
        submit_review(
            session=session,
            reviewer=people["reviewer"],
            call_id=scored["fine"].id,
            decisions=[ReviewDecision("closing", Result.PASS)],
            scorecard=SCORECARD,
            now=NOW,
        )
    session.rollback()
    assert session.exec(select(Evaluation).where(Evaluation.source == "human")).all() == []


def test_a_lead_cannot_review_another_teams_call(session, people, scored):
    with pytest.raises(NotAllowed):
        submit_review(
            session=session,
            reviewer=people["lead"],
            call_id=scored["other_team"].id,
            decisions=[ReviewDecision(c, Result.PASS) for c in CRITERIA],
            scorecard=SCORECARD,
            now=NOW,
        )


def test_a_call_reviewed_a_moment_ago_is_not_reviewed_twice(session, people, scored):
    call = scored["failed"]
    decisions = [ReviewDecision(c, Result.PASS) for c in CRITERIA]
    first = submit_review(
        session=session,
        reviewer=people["reviewer"],
        call_id=call.id,
        decisions=decisions,
        scorecard=SCORECARD,
        now=NOW,
    )
    # The lead had the same call open and confirms it a moment later.
    with pytest.raises(InvalidInput, match=f"Call #{call.id} was already reviewed by Reviewer"):
        submit_review(
            session=session,
            reviewer=people["lead"],
            call_id=call.id,
            decisions=[ReviewDecision(c, Result.FAIL) for c in CRITERIA],
            scorecard=SCORECARD,
            now=NOW,
        )
    session.rollback()
    humans = session.exec(
        select(Evaluation).where(
            Evaluation.call_id == call.id, Evaluation.source == EvaluationSource.HUMAN
        )
    ).all()
    assert [h.id for h in humans] == [first.id]
    official = latest_evaluation(session=session, viewer=people["a1"], call_id=call.id)
    assert official.id == first.id
