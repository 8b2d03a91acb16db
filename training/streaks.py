"""Learning streaks: runs of consecutive days, in the agent's own time zone, with learning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.time_zones import time_zone

__all__ = ["Streak", "learning_streak"]


# An agent's learning streak as of one moment; `current` is 0 once a whole day was missed.
@dataclass(frozen=True)
class Streak:
    current: int  # consecutive active days ending today, or yesterday while today is still open
    best: int  # the longest run of consecutive active days ever
    active_today: bool  # whether today already counts


def learning_streak(*, activity: Iterable[datetime], now: datetime, tz: str) -> Streak:
    """Count the agent's streak of days with at least one learning activity.

    Days are the agent's local calendar days in `tz`, so a lesson at 23:30 and a review at 00:30
    count as two days. The current streak stays alive through today until local midnight: if
    the last active day is yesterday it still counts; a whole missed day resets it to 0.
    Activity dated after today (a clock ahead of `now`) is ignored.

    Args:
        activity: When the agent did something that counts (lesson finished, card reviewed),
            in any order, duplicates allowed; aware datetimes.
        now: The moment the streak is computed for (aware).
        tz: The agent's IANA time zone name.

    Raises:
        InvalidInput: `tz` is not a time zone name.
        ValueError: `now` or an activity time is naive.
    """
    zone = time_zone(tz)
    today = _local_date(now, zone)
    days = sorted({day for moment in activity if (day := _local_date(moment, zone)) <= today})
    best = run = 0
    previous: date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    alive = previous is not None and today - previous <= timedelta(days=1)
    return Streak(current=run if alive else 0, best=best, active_today=previous == today)


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime")
    return moment.astimezone(zone).date()
