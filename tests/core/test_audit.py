from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.audit import (
    audit_choices,
    change_summary,
    count_events,
    list_events,
    local_days,
    record_event,
)
from tests.conftest import NOW

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def trail(session, people):
    """Six events an hour apart, newest last: (actor, action, entity) as below."""
    spec = [
        (None, "create", "user"),
        ("admin", "update", "user"),
        ("admin", "target.set", "kpitarget"),
        ("lead", "review", "call"),
        ("admin", "target.set", "kpitarget"),
        (None, "access.refused", "core.calls.get_call"),
    ]
    events = [
        record_event(
            session=session,
            actor=people[who] if who else None,
            action=action,
            entity=entity,
            entity_id=number,
            now=NOW + timedelta(hours=number),
        )
        for number, (who, action, entity) in enumerate(spec)
    ]
    session.commit()
    return events


def _ids(session, people, **filters):
    events = list_events(session=session, viewer=people["admin"], **filters)
    assert count_events(session=session, viewer=people["admin"], **filters) == len(events)
    return [event.entity_id for event in events]


def test_the_trail_lists_the_newest_first_and_pages_through(session, people, trail):
    assert _ids(session, people) == [5, 4, 3, 2, 1, 0]
    admin = people["admin"]
    assert [e.entity_id for e in list_events(session=session, viewer=admin, limit=4)] == [
        5,
        4,
        3,
        2,
    ]
    second = list_events(session=session, viewer=admin, limit=4, offset=4)
    assert [e.entity_id for e in second] == [1, 0]


def test_filters_pick_by_who_what_and_action(session, people, trail):
    admin, lead = people["admin"].id, people["lead"].id
    assert _ids(session, people, actor_ids=[admin]) == [4, 2, 1]
    assert _ids(session, people, actor_ids=[None]) == [5, 0]  # the system
    assert _ids(session, people, actor_ids=[lead, None]) == [5, 3, 0]
    assert _ids(session, people, actions=["target.set", "review"]) == [4, 3, 2]
    assert _ids(session, people, entities=["user"]) == [1, 0]
    assert _ids(session, people, actor_ids=[admin], entities=["user"]) == [1]
    # An empty choice keeps nothing; leaving a filter out keeps everything.
    assert _ids(session, people, actions=[]) == []
    assert _ids(session, people, actions=None) == [5, 4, 3, 2, 1, 0]


def test_dates_keep_the_events_from_since_up_to_before_until(session, people, trail):
    assert _ids(session, people, since=NOW + timedelta(hours=2)) == [5, 4, 3, 2]
    assert _ids(session, people, until=NOW + timedelta(hours=2)) == [1, 0]
    # The same moments written in another zone pick the same events.
    tokyo = ZoneInfo("Asia/Tokyo")
    since, until = (NOW + timedelta(hours=h) for h in (1, 3))
    assert _ids(session, people, since=since.astimezone(tokyo), until=until.astimezone(tokyo)) == [
        2,
        1,
    ]


def test_a_moment_without_a_time_zone_is_refused(session, people, trail):
    with pytest.raises(ValueError, match="no time zone"):
        list_events(session=session, viewer=people["admin"], since=datetime(2026, 11, 23))


def test_the_choices_are_what_the_trail_holds(session, people, trail):
    choices = audit_choices(session=session, viewer=people["admin"])
    assert choices.actor_ids == [None, *sorted([people["admin"].id, people["lead"].id])]
    assert choices.actions == ["access.refused", "create", "review", "target.set", "update"]
    assert choices.entities == ["call", "core.calls.get_call", "kpitarget", "user"]


def test_local_days_run_from_midnight_to_midnight_where_the_viewer_is():
    assert local_days(date(2026, 11, 23), date(2026, 11, 24), LONDON) == (
        datetime(2026, 11, 23, tzinfo=UTC),
        datetime(2026, 11, 25, tzinfo=UTC),
    )
    # London's summer time: the day starts an hour earlier in UTC, and ends on the 23-hour
    # day the clocks go forward.
    assert local_days(date(2026, 3, 28), date(2026, 3, 29), LONDON) == (
        datetime(2026, 3, 28, tzinfo=UTC),
        datetime(2026, 3, 29, 23, tzinfo=UTC),
    )
    new_york = local_days(date(2026, 7, 1), date(2026, 7, 1), ZoneInfo("America/New_York"))
    assert new_york == (datetime(2026, 7, 1, 4, tzinfo=UTC), datetime(2026, 7, 2, 4, tzinfo=UTC))


@pytest.mark.parametrize(
    ("before", "after", "summary"),
    [
        ({"value": 0.85}, {"value": 0.9}, "value: 0.85 → 0.9"),
        ({"role": "agent"}, {"role": "lead"}, "role: agent → lead"),
        ({"active": True}, {"active": False}, "active: yes → no"),
        # Only what changed; then the keys only after as added, only before as removed.
        (
            {"score": 70, "source": "auto"},
            {"score": 85, "source": "human", "overridden": ["greeting", "hold"]},
            "score: 70 → 85; source: auto → human; added overridden: [greeting, hold]",
        ),
        ({"kpi": "csat", "value": 4.0}, None, "removed kpi: csat, value: 4.0"),
        (None, {"name": "Team C"}, "added name: Team C"),
        # A key with no value on its only side says nothing.
        ({"value": 0.85}, {"criterion_id": None, "value": 0.85}, ""),
        # Nested records by their keys, so a criterion's result reads as itself.
        (
            {"results": {"greeting": "fail", "hold": "pass"}},
            {"results": {"greeting": "pass", "hold": "pass"}},
            "results.greeting: fail → pass",
        ),
        (None, None, ""),
        (
            {"a": 1, "b": 1, "c": 1, "gone": 1},
            {"a": 2, "b": 2, "c": 2, "new": 1, "newer": 1},
            "a: 1 → 2; b: 1 → 2; c: 1 → 2; added new: 1; +2 more",
        ),
        ({"agent_id": None}, {"agent_id": 12}, "agent_id: none → 12"),
        ({"value": 1 / 3}, {"value": 2 / 3}, "value: 0.3333 → 0.6667"),
    ],
)
def test_a_change_reads_as_key_before_and_after(before, after, summary):
    assert change_summary(before, after) == summary


def test_a_long_change_stays_short():
    reason = "The agent asked for the account number twice although the customer gave it. " * 3
    summary = change_summary(None, {"reason": reason, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    assert summary == (
        "added reason: The agent asked for the account number…, a: 1, b: 2, c: 3; +2 more"
    )
    assert "\n" not in change_summary(None, {"text": "two\nlines"})
