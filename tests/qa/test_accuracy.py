import pytest

from core.errors import NotAllowed
from qa.accuracy import auto_qa_accuracy
from qa.evaluations import ReviewDecision
from qa.review import submit_review
from qa.scorecard import load_scorecard
from qa.scoring import Result
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA, scored_call


def _review(session, reviewer, call, **overrides):
    submit_review(
        session=session,
        reviewer=reviewer,
        call_id=call.id,
        decisions=[ReviewDecision(c, Result(overrides.get(c, "pass"))) for c in DEFAULT_CRITERIA],
        scorecard=load_scorecard("default"),
        now=NOW,
    )


def test_agreement_counts_each_reviewed_call_against_its_auto_qa(session, people):
    calls = [
        scored_call(session, people["a1"], 1, failed=("empathy",)),
        scored_call(session, people["a2"], 2, failed=("empathy",)),
        scored_call(session, people["b1"], 3),
        scored_call(session, people["a1"], 4, failed=("closing",)),  # never reviewed
    ]
    _review(session, people["reviewer"], calls[0], empathy="fail")
    _review(session, people["reviewer"], calls[1], empathy="pass")  # auto-QA was wrong
    _review(session, people["reviewer"], calls[2], dead_air="fail")  # auto-QA missed it

    report = auto_qa_accuracy(session=session, viewer=people["reviewer"])
    rows = {r.criterion_id: r for r in report.criteria}
    assert report.calls == 3
    assert rows["empathy"].agreement == pytest.approx(2 / 3)
    assert rows["greeting"].agreement == 1.0
    assert report.confusion["empathy"][("fail", "pass")] == 1
    assert report.confusion["dead_air"][("pass", "fail")] == 1
    # Every auto result here is 0.9 sure: all 30 land in the top band, 28 agreed with.
    top = report.reliability[-1]
    assert (top.low, top.high, top.results, top.agreed) == (0.9, 1.0, 30, 28)
    assert sum(b.results for b in report.reliability) == 30

    team_a = auto_qa_accuracy(session=session, viewer=people["lead"])
    assert team_a.calls == 2  # the lead's scope: team A's calls only
    assert (
        auto_qa_accuracy(session=session, viewer=people["reviewer"], scorecard="other").calls == 0
    )
    with pytest.raises(NotAllowed):
        auto_qa_accuracy(session=session, viewer=people["a1"])
