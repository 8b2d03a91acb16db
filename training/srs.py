"""Spaced repetition of quiz questions: review cards scheduled by FSRS (the `fsrs` package)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from fsrs import Card, Rating, Scheduler

__all__ = [
    "Feel",
    "ReviewOutcome",
    "describe_interval",
    "due_at",
    "mastery",
    "new_card_state",
    "rating_for",
    "recall_probability",
    "review",
]


class Feel(StrEnum):
    """The agent's optional tap after a correct answer: how hard recalling it felt."""

    EASY = "easy"
    HARD = "hard"


# The result of answering one review card: the state to store and when to ask again.
@dataclass(frozen=True)
class ReviewOutcome:
    state: dict[str, Any]  # JSON-able card state (fsrs `Card.to_dict()`), for a JSON column
    due: datetime  # aware, UTC
    interval: timedelta  # from the review to `due`
    rating: str  # the FSRS rating given: "again", "hard", "good" or "easy"


@lru_cache
def _scheduler(desired_retention: float) -> Scheduler:
    """One FSRS scheduler per desired retention (a scheduler is immutable config, so share it).

    The package's default learning steps are kept: a new card answered "Good" comes back after
    1 minute, then 10 minutes, and only then graduates to whole-day intervals; "Again" restarts
    the steps at 1 minute, "Hard" on the first step waits 5.5 minutes (half-way between the two
    steps); "Easy" graduates at once. A forgotten graduated card is relearnt after 10 minutes.
    So a question the agent gets wrong is asked again within the same short session, the way the
    issue asks ("learning steps handle the first minutes").

    Fuzzing (a random +-few-days jitter that spreads reviews out) is off, so the same answers
    at the same times always give the same due dates; the tests depend on that.

    Raises:
        ValueError: `desired_retention` is not strictly between 0 and 1.
    """
    if not 0 < desired_retention < 1:
        raise ValueError(f"desired retention must be between 0 and 1, not {desired_retention}")
    return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)


def _utc(now: datetime) -> datetime:
    # fsrs refuses anything but tzinfo == UTC; callers may pass any aware time.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{now.isoformat()} has no time zone; pass an aware datetime")
    return now.astimezone(UTC)


def rating_for(*, correct: bool, feel: Feel | None) -> Rating:
    """Turn a quiz answer (and the optional easy/hard tap) into the FSRS rating.

    A wrong answer is Again whatever the tap; a correct one is Hard or Easy when the agent
    tapped that, and Good when they did not.
    """
    if not correct:
        return Rating.Again
    if feel is Feel.HARD:
        return Rating.Hard
    if feel is Feel.EASY:
        return Rating.Easy
    return Rating.Good


def new_card_state(*, now: datetime) -> dict[str, Any]:
    """The JSON-able state of a card never reviewed, due at `now`.

    Raises:
        ValueError: `now` is naive.
    """
    now = _utc(now)
    # The package's card id is the creation time in epoch milliseconds; the database row has
    # its own id, so this only needs to be deterministic (no reading of the clock).
    card = Card(card_id=int(now.timestamp() * 1000), due=now)
    return dict(card.to_dict())


def review(
    *,
    state: dict[str, Any],
    correct: bool,
    feel: Feel | None,
    now: datetime,
    desired_retention: float,
) -> ReviewOutcome:
    """Record one answer to a card at `now` and schedule its next review.

    Args:
        state: The card's stored state (`new_card_state` or a previous outcome's `state`).
        correct: Whether the agent chose the right answer.
        feel: The agent's easy/hard tap after answering, or None when they skipped it.
        now: When the agent answered (aware).
        desired_retention: Target probability of recalling a card when it falls due
            (setting `DESIRED_RETENTION`); higher means shorter intervals, more reviews.

    Raises:
        ValueError: `now` is naive, `state` is not a card state, or `desired_retention` is
            not between 0 and 1.
    """
    rating = rating_for(correct=correct, feel=feel)
    card, _log = _scheduler(desired_retention).review_card(
        _card(state), rating, review_datetime=_utc(now)
    )
    due = card.due.astimezone(UTC)
    return ReviewOutcome(
        state=dict(card.to_dict()),
        due=due,
        interval=due - _utc(now),
        rating=rating.name.lower(),
    )


def due_at(state: dict[str, Any]) -> datetime:
    """When the card is next due (aware, UTC).

    Raises:
        ValueError: `state` is not a card state.
    """
    return _card(state).due.astimezone(UTC)


def recall_probability(*, state: dict[str, Any], now: datetime) -> float:
    """The predicted probability (0-1) that the agent recalls the card at `now`.

    This is FSRS retrievability: it decays with whole days since the last review, more slowly
    for stable cards. A card never reviewed counts as 0. It does not depend on the desired
    retention, which only decides when reviews are scheduled.

    Raises:
        ValueError: `now` is naive or `state` is not a card state.
    """
    # Any scheduler gives the same retrievability: it uses only the model parameters.
    return float(_scheduler(0.9).get_card_retrievability(_card(state), _utc(now)))


def mastery(probabilities: Iterable[float]) -> float | None:
    """A skill's mastery: the mean recall probability of its cards, None when it has none."""
    values = list(probabilities)
    return sum(values) / len(values) if values else None


def describe_interval(interval: timedelta) -> str:
    """Say when a card comes back, for the agent: "in 10 minutes", "tomorrow", "in 8 days"."""
    minutes = round(interval.total_seconds() / 60)
    if minutes < 1:
        return "now"
    if minutes < 60:
        return "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
    if minutes < 24 * 60:
        hours = round(minutes / 60)
        return "in 1 hour" if hours == 1 else f"in {hours} hours"
    days = round(minutes / (24 * 60))
    return "tomorrow" if days == 1 else f"in {days} days"


def _card(state: dict[str, Any]) -> Card:
    try:
        return Card.from_dict(state)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a review card state: {exc!r}") from None
