from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import InvalidInput
from training.streaks import Streak, learning_streak

LONDON = ZoneInfo("Europe/London")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def _at(day: int, hour: int, minute: int = 0, zone=LONDON) -> datetime:
    """A local time in November 2026 (London is on GMT = UTC then; Los Angeles on UTC-8)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=zone)


def _streak(activity, now, tz="Europe/London") -> Streak:
    return learning_streak(activity=activity, now=now, tz=tz)


def test_no_activity_is_no_streak():
    assert _streak([], _at(23, 9)) == Streak(current=0, best=0, active_today=False)


def test_activity_at_2330_and_0030_local_counts_as_two_days():
    activity = [_at(22, 23, 30), _at(23, 0, 30)]
    assert _streak(activity, _at(23, 9)) == Streak(current=2, best=2, active_today=True)


def test_several_activities_on_one_day_count_once():
    activity = [_at(23, 8), _at(23, 12), _at(23, 18)]
    assert _streak(activity, _at(23, 20)) == Streak(current=1, best=1, active_today=True)


def test_days_are_the_agents_local_days_not_utc_days():
    # 06:30 and 07:30 UTC on one UTC day are 22:30 and 23:30 of the day before in Los Angeles;
    # 08:30 UTC is 00:30 of the next Los Angeles day.
    activity = [
        datetime(2026, 11, 22, 6, 30, tzinfo=UTC),
        datetime(2026, 11, 22, 7, 30, tzinfo=UTC),
        datetime(2026, 11, 22, 8, 30, tzinfo=UTC),
    ]
    now = _at(22, 9, zone=LOS_ANGELES)
    assert _streak(activity, now, tz="America/Los_Angeles") == Streak(2, 2, True)
    assert _streak(activity, now, tz="Europe/London") == Streak(1, 1, True)


def test_yesterday_keeps_the_streak_alive_until_local_midnight():
    activity = [_at(20, 10), _at(21, 10), _at(22, 10)]
    assert _streak(activity, _at(23, 23, 59)) == Streak(current=3, best=3, active_today=False)
    assert _streak(activity, _at(24, 0, 1)) == Streak(current=0, best=3, active_today=False)


def test_midnight_is_local_midnight():
    # 23 Nov 07:30 UTC is still 22 Nov (23:30) in Los Angeles, so activity on 21 Nov was
    # yesterday there and the streak is alive; in London it is already 23 Nov: a day missed.
    activity = [_at(21, 12, zone=LOS_ANGELES)]
    now = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    assert _streak(activity, now, tz="America/Los_Angeles").current == 1
    assert _streak(activity, now, tz="Europe/London").current == 0


def test_a_missed_day_breaks_the_streak_and_best_remembers_the_longest_run():
    longest = [_at(day, 9) for day in (10, 11, 12, 13)]
    later = [_at(day, 9) for day in (16, 17)]  # 14 and 15 missed
    now = _at(17, 21)
    assert _streak(reversed(longest + later), now) == Streak(current=2, best=4, active_today=True)


def test_activity_after_today_is_ignored():
    assert _streak([_at(25, 9)], _at(23, 9)) == Streak(current=0, best=0, active_today=False)


def test_a_day_across_the_clock_change_is_one_day():
    # London leaves summer time on 25 Oct 2026, a 25-hour day: 00:30 (BST) and 23:30 (GMT)
    # are 24 real hours apart but one local day, and the next morning continues the streak.
    activity = [
        datetime(2026, 10, 25, 0, 30, tzinfo=LONDON),
        datetime(2026, 10, 25, 23, 30, tzinfo=LONDON),
        datetime(2026, 10, 26, 8, 0, tzinfo=LONDON),
    ]
    now = datetime(2026, 10, 26, 9, 0, tzinfo=LONDON)
    assert _streak(activity, now) == Streak(current=2, best=2, active_today=True)


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused_with_a_clear_message(name):
    with pytest.raises(InvalidInput, match="is not a time zone; use a name like Europe/London"):
        _streak([], _at(23, 9), tz=name)


def test_naive_times_are_refused():
    naive = datetime(2026, 11, 23, 9, 0)
    with pytest.raises(ValueError, match="no time zone"):
        _streak([naive], _at(23, 9))
    with pytest.raises(ValueError, match="no time zone"):
        _streak([], naive)
