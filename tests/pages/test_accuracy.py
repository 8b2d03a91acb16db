from qa.evaluations import ReviewDecision
from qa.review import submit_review
from qa.scorecard import load_scorecard
from qa.scoring import Result
from tests.conftest import NOW
from tests.pages.conftest import texts
from tests.qa.conftest import DEFAULT_CRITERIA, scored_call


def test_the_accuracy_page_shows_agreement_per_criterion(signed_in, session, people):
    for number, human_empathy in ((1, "fail"), (2, "pass")):
        call = scored_call(session, people["a1"], number, failed=("empathy",))
        decisions = [ReviewDecision(c, Result.PASS) for c in DEFAULT_CRITERIA]
        decisions[DEFAULT_CRITERIA.index("empathy")] = ReviewDecision(
            "empathy", Result(human_empathy)
        )
        submit_review(
            session=session,
            reviewer=people["reviewer"],
            call_id=call.id,
            decisions=decisions,
            scorecard=load_scorecard("default"),
            now=NOW,
        )
    at = signed_in("lead").switch_page("pages/accuracy.py").run()
    page = texts(at)
    assert "Reviewed calls" in page and "95%" in page  # 19 of 20 criterion results agree
    table = at.dataframe[0].value.set_index("Criterion")
    assert table.loc["empathy", "Agreement"] == 0.5
    assert table.loc["empathy", "Auto failed, person passed"] == 1
    assert len(at.get("vega_lite_chart")) == 2  # the agreement and the reliability chart
    assert "how many results it holds" in page  # the reliability chart's caption


def test_no_reviews_yet_says_so(signed_in, people):
    at = signed_in("reviewer").switch_page("pages/accuracy.py").run()
    assert "No reviewed calls on this scorecard yet." in texts(at)
