"""Learning from reviewers: reviewed calls recalibrate auto-QA's confidence, per criterion."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.calls import register_call
from core.models import (
    CalibrationRater,
    CalibrationRating,
    CalibrationSession,
    CallStatus,
    Evaluation,
)
from qa.evaluations import ReviewDecision, add_auto_evaluation, add_human_evaluation
from qa.learning import (
    LearningOptions,
    ReviewedResult,
    learn,
    learned_recalibrations,
    recalibrate,
    reviewed_results,
)
from qa.scorecard import load_scorecard
from qa.scoring import CriterionResult, EvaluationResult, Result

CARD = load_scorecard("default")
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
P, F, NA = Result.PASS, Result.FAIL, Result.NA


def _evaluation(results: dict[str, tuple[Result, float]]) -> EvaluationResult:
    criteria = tuple(
        CriterionResult(cid, result, confidence, (), "rule")
        for cid, (result, confidence) in results.items()
    )
    return EvaluationResult(CARD.name, CARD.version_tag, 100.0, False, False, criteria)


def test_results_reviewers_keep_confirming_become_sure_and_ones_they_doubt_go_to_review():
    examples = (
        [ReviewedResult("closing", P, 0.75, P)] * 12
        + [ReviewedResult("empathy", P, 0.95, F)] * 10
        + [ReviewedResult("empathy", P, 0.95, P)] * 10
    )
    learned = learn(examples, calls=32)
    unsure_closing = _evaluation({"closing": (P, 0.75), "empathy": (P, 0.95)})
    assert unsure_closing.result("closing").confidence < CARD.review_below + 0.2

    after = recalibrate(unsure_closing, learned, CARD)
    assert after.result("closing").confidence > 0.9  # 12 of 12 such passes were right
    assert after.result("empathy").confidence < CARD.review_below  # right half the time
    assert after.needs_review
    untouched = _evaluation({"greeting": (F, 0.8)})  # no reviews of such a result
    assert recalibrate(untouched, learned, CARD).result("greeting").confidence == 0.8


def test_a_result_reviewers_keep_overturning_takes_their_answer_once_there_are_enough():
    few = learn([ReviewedResult("resolution", F, 0.5, P)] * 4, calls=4)
    many = learn([ReviewedResult("resolution", F, 0.5, P)] * 9, calls=9)
    call = _evaluation({"resolution": (F, 0.5), "greeting": (P, 0.9)})
    assert recalibrate(call, few, CARD).result("resolution").result is F
    after = recalibrate(call, many, CARD)
    assert after.result("resolution").result is P
    assert "Reviewers changed 9 of 9" in after.result("resolution").reason
    assert after.score == 100.0  # rescored with the learned answer


def _stored_call(session, agent, number, result: EvaluationResult) -> Evaluation:
    call = register_call(
        session=session,
        recording_path=f"learn{number}.opus",
        sha256=f"{number:064d}",
        agent_id=agent.id,
        started_at=NOW,
        now=NOW,
    )
    call.status = CallStatus.DONE
    auto = add_auto_evaluation(session=session, call_id=call.id, result=result, now=NOW)
    session.commit()
    return auto


def _calibrate(session, people, auto: Evaluation, verdicts: dict[str, str]) -> None:
    calibration = CalibrationSession(
        call_id=auto.call_id,
        auto_evaluation_id=auto.id,
        created_by_id=people["lead"].id,
        scorecard=CARD.name,
        scorecard_version=CARD.version_tag,
        created_at=NOW,
        closed_at=NOW,
    )
    session.add(calibration)
    session.flush()
    for who, verdict in verdicts.items():
        rater = CalibrationRater(
            calibration_id=calibration.id, reviewer_id=people[who].id, submitted_at=NOW
        )
        session.add(rater)
        session.flush()
        session.add(CalibrationRating(rater_id=rater.id, criterion_id="empathy", result=verdict))


def test_reviews_and_closed_calibrations_are_the_examples_and_ten_calls_are_needed(session, people):
    def auto_result():
        return _evaluation({"closing": (P, 0.7), "empathy": (P, 0.7)})

    for n in range(10):
        auto = _stored_call(session, people["a1"], n + 1, auto_result())
        if n < 9:  # reviewed: the reviewer confirms the closing and fails the empathy
            add_human_evaluation(
                session=session,
                reviewer=people["reviewer"],
                base=auto,
                decisions={
                    "closing": ReviewDecision("closing", P),
                    "empathy": ReviewDecision("empathy", F),
                },
                scorecard=CARD,
                now=NOW,
            )
        else:  # the tenth is scored blind by two reviewers in a calibration instead
            _calibrate(session, people, auto, {"reviewer": "fail", "lead": "fail"})
        session.commit()
        if n == 8:
            assert learned_recalibrations(session=session) == {}  # 9 reviewed calls: too few

    examples, calls = reviewed_results(session=session, scorecard=CARD.name)
    assert calls == 10
    empathy = [e for e in examples if e.criterion_id == "empathy"]
    assert len(empathy) == 10 and all(e.label is F and e.auto is P for e in empathy)
    learned = learned_recalibrations(session=session)[CARD.name]
    assert learned.examples == 10
    after = recalibrate(auto_result(), learned, CARD)
    assert after.result("empathy").result is F  # reviewers overturned all ten
    assert after.result("closing").confidence > 0.7  # nine reviews confirmed the pass
    assert len(session.exec(select(Evaluation)).all()) == 19  # learning reads, never writes
    assert LearningOptions().min_calls == 10


@pytest.mark.model
def test_the_import_scorer_applies_what_reviewers_taught_it_to_calls_of_that_scorecard():
    from qa.autoqa import AutoQA
    from qa.metrics import compute_metrics
    from tests.qa.test_scoring import GOOD_CALL, call

    transcript = call(GOOD_CALL)
    scorer = AutoQA()
    before = scorer(transcript, compute_metrics(transcript)).result("closing")
    overturned = Result.FAIL if before.result is Result.PASS else Result.PASS
    examples = [ReviewedResult("closing", before.result, before.confidence, overturned)] * 10
    taught = scorer.with_recalibrations({CARD.name: learn(examples, calls=10)})

    after = taught(transcript, compute_metrics(transcript))
    assert after.result("closing").result is overturned
    other_team = taught(transcript, compute_metrics(transcript), "complaints")
    assert other_team.result("closing").result is before.result  # learned for "default" only
    assert scorer(transcript, compute_metrics(transcript)).result("closing") == before
