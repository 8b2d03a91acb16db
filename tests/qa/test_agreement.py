import pytest

from qa.agreement import (
    agreement_by_criterion,
    cohen_kappa,
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
