import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from core.config import ConfigError, get_settings
from training.srs import (
    Feel,
    describe_interval,
    due_at,
    mastery,
    new_card_state,
    rating_for,
    recall_probability,
    review,
)

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
RETENTION = 0.9


def _answer(state, *, correct=True, feel=None, at=NOW, retention=RETENTION):
    return review(state=state, correct=correct, feel=feel, now=at, desired_retention=retention)


def _graduated():
    """A card answered correctly once with an 'easy' tap: it leaves learning for days."""
    return _answer(new_card_state(now=NOW), feel=Feel.EASY)


@pytest.mark.parametrize(
    ("correct", "feel", "rating"),
    [
        (False, None, Rating.Again),
        (False, Feel.EASY, Rating.Again),
        (True, Feel.HARD, Rating.Hard),
        (True, None, Rating.Good),
        (True, Feel.EASY, Rating.Easy),
    ],
)
def test_an_answer_and_the_easy_hard_tap_become_the_fsrs_rating(correct, feel, rating):
    assert rating_for(correct=correct, feel=feel) is rating


def test_a_new_card_is_due_now_has_no_recall_yet_and_its_state_is_json():
    state = new_card_state(now=NOW)
    assert due_at(state) == NOW
    assert recall_probability(state=state, now=NOW) == 0
    assert json.loads(json.dumps(state)) == state


def test_a_wrong_answer_keeps_the_card_in_learning_a_minute_ahead():
    outcome = _answer(new_card_state(now=NOW), correct=False)
    assert outcome.rating == "again"
    assert outcome.due == NOW + timedelta(minutes=1)
    assert outcome.interval == timedelta(minutes=1)
    assert describe_interval(outcome.interval) == "in 1 minute"


def test_correct_answers_walk_the_learning_steps_then_the_interval_grows_in_days():
    state, at, intervals = new_card_state(now=NOW), NOW, []
    for _ in range(5):
        outcome = _answer(state, at=at)
        state, at = outcome.state, outcome.due
        intervals.append(outcome.interval)
    assert intervals[0] == timedelta(minutes=10)  # the second learning step
    assert intervals[1] >= timedelta(days=1)  # graduated
    assert intervals[1] < intervals[2] < intervals[3] < intervals[4]


def test_the_state_survives_a_json_round_trip_between_reviews():
    first = _answer(new_card_state(now=NOW))
    stored = json.loads(json.dumps(first.state))
    later = first.due + timedelta(minutes=3)
    assert _answer(stored, at=later) == _answer(first.state, at=later)


def test_easy_comes_back_later_than_good_and_good_later_than_hard():
    graduated = _graduated()
    for state, at in [
        (new_card_state(now=NOW), NOW),  # first answer, in learning
        (graduated.state, graduated.due),  # a card already reviewed in days
    ]:
        hard, good, easy = (_answer(state, at=at, feel=f) for f in (Feel.HARD, None, Feel.EASY))
        assert hard.interval < good.interval < easy.interval


def test_the_same_answer_at_the_same_time_always_gives_the_same_due_date():
    card = _graduated()  # intervals of days, where fuzzing would jitter them
    dues = {_answer(card.state, at=card.due + timedelta(days=3)).due for _ in range(20)}
    assert len(dues) == 1


def test_a_forgotten_graduated_card_is_relearnt_within_minutes():
    card = _graduated()
    outcome = _answer(card.state, at=card.due, correct=False)
    assert outcome.interval == timedelta(minutes=10)


def test_a_higher_desired_retention_schedules_the_next_review_sooner():
    relaxed = _answer(new_card_state(now=NOW), feel=Feel.EASY, retention=0.8)
    strict = _answer(new_card_state(now=NOW), feel=Feel.EASY, retention=0.97)
    assert strict.interval < relaxed.interval


def test_recall_probability_drops_as_days_pass():
    state = _graduated().state
    day_1, day_10, day_60 = (
        recall_probability(state=state, now=NOW + timedelta(days=days)) for days in (1, 10, 60)
    )
    assert 1 > day_1 > day_10 > day_60 > 0


def test_times_in_any_zone_are_accepted_and_due_dates_come_back_in_utc():
    local = NOW.astimezone(ZoneInfo("America/Los_Angeles"))
    outcome = _answer(new_card_state(now=local), at=local, correct=False)
    assert outcome.due == NOW + timedelta(minutes=1)
    assert outcome.due.utcoffset() == timedelta(0)


def test_naive_times_and_broken_states_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        new_card_state(now=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="no time zone"):
        _answer(new_card_state(now=NOW), at=NOW.replace(tzinfo=None))
    with pytest.raises(ValueError, match="not a review card state"):
        _answer({"due": NOW.isoformat()})
    with pytest.raises(ValueError, match="between 0 and 1"):
        _answer(new_card_state(now=NOW), retention=1.0)


def test_mastery_is_the_mean_recall_probability_and_none_without_cards():
    assert mastery([0.9, 0.5, 0.1]) == pytest.approx(0.5)
    assert mastery(iter([0.8])) == pytest.approx(0.8)
    assert mastery([]) is None


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(seconds=20), "now"),
        (timedelta(minutes=10), "in 10 minutes"),
        (timedelta(hours=1), "in 1 hour"),
        (timedelta(hours=5), "in 5 hours"),
        (timedelta(days=1), "tomorrow"),
        (timedelta(days=8), "in 8 days"),
    ],
)
def test_intervals_are_described_in_plain_words(interval, text):
    assert describe_interval(interval) == text


@pytest.mark.parametrize("value", ["0.5", "1"])
def test_a_desired_retention_outside_its_range_is_refused_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("DESIRED_RETENTION", value)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="DESIRED_RETENTION"):
            get_settings()
    finally:
        get_settings.cache_clear()
