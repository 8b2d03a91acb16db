from datetime import UTC, datetime, timedelta

import pytest

from core.models import Assignment, AssignmentSource, ReviewCard
from tests.conftest import NOW
from training.digests import build_digests
from training.reminders import Digest, OverdueAssignment
from training.srs import new_card_state

APP_URL = "https://callcoach.example.com"
TITLES = {"calm-an-angry-caller": "De-escalate an angry caller"}


def _digests(session, now=NOW):
    return build_digests(session=session, now=now, app_url=APP_URL, lesson_titles=TITLES)


def test_every_opted_in_active_agent_gets_a_digest_even_with_nothing_due(session, people):
    people["a2"].reminders = False
    people["b1"].active = False
    session.add_all([people["a2"], people["b1"]])
    session.commit()

    assert _digests(session) == [
        Digest(email="a1@example.com", name="A1 Person", reviews_due=0, overdue=(), app_url=APP_URL)
    ]


def test_overdue_dates_are_the_agents_local_dates(session, people):
    agent = people["a1"]
    agent.time_zone = "America/New_York"
    late_evening_in_new_york = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    session.add_all(
        [
            agent,
            Assignment(
                agent_id=agent.id,
                lesson_id="calm-an-angry-caller",
                source=AssignmentSource.AUTO,
                reason="Failed empathy on a call",
                created_at=late_evening_in_new_york - timedelta(days=7),
                due_at=late_evening_in_new_york,
            ),
            ReviewCard(
                agent_id=agent.id,
                lesson_id="calm-an-angry-caller",
                question=0,
                state=new_card_state(now=NOW),
                due_at=NOW,
                created_at=NOW - timedelta(days=1),
            ),
        ]
    )
    session.commit()

    digest = next(d for d in _digests(session) if d.email == "a1@example.com")
    assert digest.reviews_due == 1
    assert digest.overdue == (
        OverdueAssignment(
            "De-escalate an angry caller", late_evening_in_new_york.date() - timedelta(days=1)
        ),
    )
    # A second earlier the card was not due yet.
    earlier = next(
        d for d in _digests(session, NOW - timedelta(seconds=1)) if d.email == "a1@example.com"
    )
    assert earlier.reviews_due == 0


def test_a_naive_now_is_refused(session):
    with pytest.raises(ValueError, match="no time zone"):
        _digests(session, now=datetime(2026, 11, 23, 9, 30))
