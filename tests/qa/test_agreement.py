import pytest

from qa.agreement import (
    agreement_by_criterion,
    cohen_kappa,
    fleiss_kappa,
    majority_agreement,
    percent_agreement,
)


def test_kappa_matches_a_worked_example():
    # 50 items: both "yes" 20, both "no" 15, a-yes/b-no 5, a-no/b-yes 10.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert percent_agreement(a, b) == pytest.approx(0.7)
    # Chance: 0.5 * 0.6 + 0.5 * 0.4 = 0.5, so kappa = (0.7 - 0.5) / 0.5.
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_is_one_for_perfect_agreement_and_zero_at_chance():
    labels = ["pass", "fail", "na", "pass"]
    assert cohen_kappa(labels, labels) == 1.0
    assert cohen_kappa(["pass", "pass", "fail", "fail"], ["pass", "fail", "pass", "fail"]) == 0.0


def test_always_agreeing_on_one_category_counts_as_full_agreement():
    assert cohen_kappa(["pass"] * 5, ["pass"] * 5) == 1.0


def test_raw_agreement_flatters_a_rater_that_always_says_pass():
    labels = ["pass"] * 9 + ["fail"]
    always_pass = ["pass"] * 10
    assert percent_agreement(always_pass, labels) == pytest.approx(0.9)
    assert cohen_kappa(always_pass, labels) == pytest.approx(0.0)
    assert majority_agreement(labels) == pytest.approx(0.9)


def test_agreement_by_criterion_compares_each_criterion_separately():
    auto = [{"greeting": "pass", "empathy": "na"}, {"greeting": "fail", "empathy": "pass"}]
    human = [{"greeting": "pass", "empathy": "na"}, {"greeting": "pass", "empathy": "fail"}]
    rows = agreement_by_criterion(auto, human, ["greeting", "empathy"])
    assert [(r.criterion_id, r.items, r.agreement) for r in rows] == [
        ("greeting", 2, 0.5),
        ("empathy", 2, 0.5),
    ]


@pytest.mark.parametrize(("a", "b"), [([], []), (["pass"], ["pass", "fail"])])
def test_mismatched_or_empty_ratings_are_refused(a, b):
    with pytest.raises(ValueError):
        cohen_kappa(a, b)


def test_fleiss_kappa_matches_the_published_example():
    # Fleiss (1971) as reproduced on Wikipedia: 10 items, 14 raters, 5 categories -> 0.210.
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = [[c for c, n in enumerate(row) for _ in range(n)] for row in counts]
    assert fleiss_kappa(items) == pytest.approx(0.210, abs=0.001)


def test_fleiss_kappa_with_two_raters_is_close_to_cohens():
    a = ["pass", "pass", "fail", "na", "pass", "fail"]
    b = ["pass", "fail", "fail", "na", "pass", "pass"]
    assert fleiss_kappa(list(zip(a, b, strict=True))) == pytest.approx(cohen_kappa(a, b), abs=0.05)
    assert fleiss_kappa([["pass", "pass"], ["pass", "pass"]]) == 1.0


@pytest.mark.parametrize(
    ("ratings", "message"),
    [([], "no ratings"), ([["pass"]], "at least two"), ([["a", "b"], ["a"]], "same number")],
)
def test_fleiss_kappa_refuses_unusable_ratings(ratings, message):
    with pytest.raises(ValueError, match=message):
        fleiss_kappa(ratings)


def test_reliability_puts_each_result_in_its_confidence_band():
    from qa.agreement import reliability

    results = [(0.55, False), (0.6, True), (0.69, False), (0.95, True), (1.0, True), (0.9, False)]
    bins = reliability(results, edges=(0.0, 0.6, 0.7, 0.9, 1.0))
    assert [(b.low, b.high, b.results, b.agreed) for b in bins] == [
        (0.0, 0.6, 1, 0),
        (0.6, 0.7, 2, 1),
        (0.7, 0.9, 0, 0),
        (0.9, 1.0, 3, 2),  # the last band includes 1.0
    ]
    assert bins[2].agreement is None and bins[3].agreement == 2 / 3
