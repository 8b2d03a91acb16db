import math
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from analytics.drivers import DriverOptions, DriverReport, LeftOut, csat_drivers
from analytics.facts import CallFacts
from tests.qa.conftest import DEFAULT_CRITERIA

FAST = DriverOptions(resamples=200)


def synthetic_calls(
    n: int,
    *,
    seed: int = 1,
    empathy_cost: float = 1.0,
    silence_cost_per_10s: float = 0.2,
    noise: float = 0.5,
    fail_rate: float = 0.25,
) -> list[CallFacts]:
    """Calls whose CSAT is planted: 4.3, less `empathy_cost` when empathy fails and
    `silence_cost_per_10s` per 10 s of silence, plus noise, rounded and kept within 1-5. Every
    other criterion fails at random with no effect; greeting never fails."""
    rng = np.random.default_rng(seed)
    calls = []
    for number in range(n):
        results = {c: "fail" if rng.random() < fail_rate else "pass" for c in DEFAULT_CRITERIA}
        results["greeting"] = "pass"
        silence = rng.uniform(0, 60)
        csat = (
            4.3
            - empathy_cost * (results["empathy"] == "fail")
            - silence_cost_per_10s * silence / 10
            + rng.normal(0, noise)
        )
        calls.append(
            CallFacts(
                call_id=number,
                agent_id=1,
                agent_name="Amara",
                team_id=1,
                when=datetime(2026, 10, 1, tzinfo=UTC),
                scorecard="default",
                score=80.0,
                auto_fail=False,
                reviewed=number % 4 == 0,
                results=results,
                csat=int(min(5, max(1, round(csat)))),
                metrics={
                    "silence_seconds": silence,
                    "agent_talk_seconds": rng.uniform(30, 90),
                    "customer_talk_seconds": rng.uniform(30, 90),
                    "agent_overtalk_count": int(rng.integers(0, 4)),
                },
            )
        )
    return calls


def by_key(report):
    return {driver.key: driver for driver in report.drivers}


@pytest.fixture(scope="module")
def planted() -> DriverReport:
    """The analysis, with the default options, of 200 calls with planted effects."""
    return csat_drivers(synthetic_calls(200), seed=0)


def test_a_planted_effect_is_recovered_with_its_sign_and_an_interval_covering_it(planted):
    report = planted

    assert report.message is None and report.calls == 200
    drivers = by_key(report)
    empathy, silence = drivers["criterion:empathy"], drivers["silence"]
    assert empathy.effect < 0 and empathy.low <= -1.0 <= empathy.high and empathy.clear
    assert silence.effect < 0 and silence.low <= -0.2 <= silence.high and silence.clear
    # Ranked by size: failing empathy first; none of the drivers without an effect looks clear.
    assert report.drivers[0] is empathy
    assert [d.key for d in report.drivers if d.clear] == ["criterion:empathy", "silence"]
    assert [abs(d.effect) for d in report.drivers] == sorted(
        (abs(d.effect) for d in report.drivers), reverse=True
    )
    assert empathy.reading == (
        f"Calls that fail Empathy score {-empathy.effect:.1f} lower CSAT on average "
        f"(95% CI {-empathy.high:.1f} to {-empathy.low:.1f} lower; 200 calls, "
        f"{empathy.failed} failed)."
    )
    assert silence.reading.startswith("Every 10 s more of silence goes with 0.2 lower CSAT")


def test_a_driver_whose_interval_spans_zero_reads_as_no_clear_effect(planted):
    closing = by_key(planted)["criterion:closing"]

    assert closing.low < 0 < closing.high and not closing.clear
    assert closing.reading.startswith("No clear effect yet of failing Closing:")
    assert f"from {abs(closing.low):.1f} lower to {closing.high:.1f} higher" in closing.reading


def test_the_report_states_its_limits():
    unrated = [replace(c, call_id=1000 + c.call_id, csat=None) for c in synthetic_calls(10)]
    report = csat_drivers(synthetic_calls(200) + unrated, options=FAST)
    limits = "\n".join(report.limits)

    assert "Based on 200 scored calls with a CSAT (10 without one are not counted)." in limits
    assert "associations, not causes" in limits
    assert "a reviewer's on 50 calls, auto-QA's on 150" in limits
    assert "200 bootstrap resamples" in limits and "12 drivers read at once" in limits
    assert "Greeting: every call passed." in limits


def test_a_criterion_no_call_failed_is_left_out_with_the_reason():
    report = csat_drivers(synthetic_calls(200), options=FAST)

    assert LeftOut("Greeting", "every call passed") in report.left_out
    assert "criterion:greeting" not in by_key(report)


def test_a_criterion_failed_on_too_few_calls_is_left_out():
    calls = synthetic_calls(40, fail_rate=0.0)
    calls = [
        replace(c, results={**c.results, "empathy": "fail"}) if i < 4 else c
        for i, c in enumerate(calls)
    ]
    report = csat_drivers(calls, options=FAST)

    empathy = LeftOut("Empathy", "only 4 of 40 calls failed, fewer than the 5 needed")
    assert empathy in report.left_out


def test_too_few_calls_says_how_many_more_instead_of_estimating():
    rated = synthetic_calls(11)
    unrated = [replace(c, call_id=100 + c.call_id, csat=None) for c in synthetic_calls(5)]

    report = csat_drivers(rated + unrated, options=FAST)

    assert report.drivers == () and report.more_calls_needed == 1
    assert report.calls == 11 and report.without_csat == 5
    assert report.message.startswith(
        "Needs 1 more call with a CSAT for a first look at the drivers (12 calls), and 9 more "
        "to estimate them together (20); this selection has 11."
    )


def test_between_a_first_look_and_the_joint_model_each_driver_is_estimated_alone():
    calls = synthetic_calls(16, seed=6, empathy_cost=2.0, fail_rate=0.4, noise=0.3)

    report = csat_drivers(calls, options=FAST)

    assert report.first_look and report.message is None and report.more_calls_needed == 4
    assert report.limits[0].startswith("A first look: 16 calls with a CSAT are too few")
    assert "4 more calls with a CSAT start the joint estimate" in report.limits[0]
    empathy = by_key(report)["criterion:empathy"]
    assert empathy.calls == 16 and empathy.failed == 6 and empathy.high < 0  # clearly lower
    assert empathy.low < -2.0 < empathy.high
    alone = csat_drivers(
        [replace(c, results={"empathy": c.results["empathy"]}, metrics=None) for c in calls],
        options=FAST,
    )
    assert by_key(alone)["criterion:empathy"].effect == empathy.effect  # nothing adjusted for
    assert abs(report.drivers[0].effect) >= abs(report.drivers[-1].effect)


def test_more_candidates_than_the_calls_carry_wait_for_more_calls():
    report = csat_drivers(synthetic_calls(40), options=FAST)

    # 40 calls carry 4 drivers; 9 failing criteria and 3 speech metrics are candidates.
    assert len(report.drivers) == 4
    assert all(d.kind == "criterion" for d in report.drivers)
    waiting = [item for item in report.left_out if item.reason.startswith("not estimated yet")]
    assert len(waiting) == 8
    assert "about 80 more calls with a CSAT would add every candidate" in waiting[0].reason


def test_a_too_wide_interval_says_roughly_how_many_more_calls_would_narrow_it():
    report = csat_drivers(synthetic_calls(30, noise=1.0), options=FAST)
    wide = [d for d in report.drivers if d.more_calls is not None]

    assert wide
    for driver in wide:
        half = (driver.high - driver.low) / 2
        assert half > 0.5
        assert driver.more_calls == math.ceil(30 * (half / 0.5) ** 2) - 30
        assert f"about {driver.more_calls} more calls with a CSAT would narrow it to ±0.5" in (
            driver.reading
        )


def test_a_metric_unknown_on_many_calls_is_left_out_and_on_a_few_is_filled_in():
    calls = synthetic_calls(200)
    mono = [
        replace(c, metrics={**c.metrics, "agent_overtalk_count": None}) if i % 2 else c
        for i, c in enumerate(calls)
    ]
    few_mono = [
        replace(c, metrics={**c.metrics, "agent_overtalk_count": None}) if i % 10 == 0 else c
        for i, c in enumerate(calls)
    ]

    assert LeftOut("Agent overtalk", "unknown on 100 of 200 calls") in (
        csat_drivers(mono, options=FAST).left_out
    )
    assert by_key(csat_drivers(few_mono, options=FAST))["agent_overtalk"].calls == 180


def test_drivers_that_fail_together_are_named_in_the_limits():
    calls = [
        replace(c, results={**c.results, "closing": c.results["empathy"]})
        for c in synthetic_calls(200)
    ]
    limits = "\n".join(csat_drivers(calls, options=FAST).limits)

    assert "Empathy and Closing go together in these calls (correlation 1.00)" in limits


def test_the_same_seed_gives_the_same_report_and_another_seed_other_intervals():
    calls = synthetic_calls(60)

    first = csat_drivers(calls, options=FAST, seed=7)
    again = csat_drivers(calls, options=FAST, seed=7)
    other = csat_drivers(calls, options=FAST, seed=8)

    assert first == again
    assert [d.effect for d in first.drivers] == [d.effect for d in other.drivers]
    assert [d.low for d in first.drivers] != [d.low for d in other.drivers]


def test_no_calls_with_a_csat_says_so():
    calls = [replace(c, csat=None) for c in synthetic_calls(30)]

    report = csat_drivers(calls)

    assert report.drivers == () and report.mean_csat is None
    assert report.message.startswith("No scored calls with a CSAT in this selection.")
    assert report.more_calls_needed == 12  # for a first look
    assert csat_drivers([]).message == report.message


def test_every_call_with_the_same_csat_has_nothing_to_explain():
    calls = [replace(c, csat=4) for c in synthetic_calls(25)]

    report = csat_drivers(calls)

    assert report.drivers == () and report.mean_csat == 4
    assert report.message == (
        "Every one of the 25 calls has CSAT 4: there is no difference in satisfaction to "
        "explain yet."
    )


@pytest.mark.parametrize("metrics", [None, {}])
def test_calls_without_speech_metrics_still_give_the_criteria(metrics):
    calls = [replace(c, metrics=metrics) for c in synthetic_calls(200)]

    report = csat_drivers(calls, options=FAST)

    assert {d.kind for d in report.drivers} == {"criterion"}
    assert LeftOut("Silence", "unknown on 200 of 200 calls") in report.left_out
    assert by_key(report)["criterion:empathy"].clear
