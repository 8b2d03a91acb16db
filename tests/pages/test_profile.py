from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from core.auth import verify_password
from core.models import AuditEvent, LessonAttempt, User, utcnow
from tests.conftest import PASSWORD
from tests.pages.conftest import sign_in, texts

NEW_PASSWORD = "battery-staple-9"


def _profile(signed_in, key: str = "a1"):
    return signed_in(key).switch_page("pages/profile.py").run()


def _events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def _streak_days(at) -> str:
    return {m.label: m.value for m in at.metric}["Streak"]


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def test_an_agent_changes_their_time_zone_and_home_counts_the_streak_in_it(
    signed_in, session, people
):
    agent = people["a1"]
    # One lesson finished 36 hours ago: yesterday where the clock now reads after noon (a
    # streak of 1), the day before where it reads before noon (0). Two zones 12 hours apart
    # read opposite halves of the day, so one of them counts differently from London.
    now = utcnow()
    done = now - timedelta(hours=36)
    session.add(
        LessonAttempt(
            agent_id=agent.id,
            lesson_id="name-the-feeling",
            started_at=done,
            last_active_at=done,
            completed_at=done,
        )
    )
    session.commit()

    def streak_in(zone: str) -> int:
        local = ZoneInfo(zone)
        return int((now.astimezone(local).date() - done.astimezone(local).date()).days == 1)

    zone = next(z for z in ("Etc/GMT-6", "Etc/GMT+6") if streak_in(z) != streak_in("Europe/London"))
    home = signed_in("a1")
    assert _streak_days(home) == _days(streak_in("Europe/London"))

    at = home.switch_page("pages/profile.py").run()
    assert at.selectbox(key="profile_time_zone").value == "Europe/London"
    assert "Asia/Tokyo" in at.selectbox(key="profile_time_zone").options
    at.selectbox(key="profile_time_zone").set_value(zone)
    at.button(key="FormSubmitter:profile_settings-Save").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == [
        f"Saved. Your time zone is {zone}, email reminders on."
    ]
    assert at.selectbox(key="profile_time_zone").value == zone
    session.expire_all()
    assert session.get(User, agent.id).time_zone == zone
    (event,) = _events(session, "update")
    assert (event.actor_id, event.entity_id) == (agent.id, agent.id)
    assert (event.before, event.after) == ({"time_zone": "Europe/London"}, {"time_zone": zone})

    assert _streak_days(at.switch_page("pages/home.py").run()) == _days(streak_in(zone))


def test_an_agent_turns_email_reminders_off(signed_in, session, people):
    at = _profile(signed_in)
    assert at.toggle(key="profile_reminders").value is True

    at.toggle(key="profile_reminders").set_value(False)
    at.button(key="FormSubmitter:profile_settings-Save").click().run()

    assert [s.value for s in at.success] == [
        "Saved. Your time zone is Europe/London, email reminders off."
    ]
    assert at.toggle(key="profile_reminders").value is False
    session.expire_all()
    assert session.get(User, people["a1"].id).reminders is False
    (event,) = _events(session, "update")
    assert (event.before, event.after) == ({"reminders": True}, {"reminders": False})


@pytest.mark.parametrize("key", ["reviewer", "lead", "admin"])
def test_staff_set_their_time_zone_and_see_no_reminders_switch(signed_in, session, people, key):
    at = _profile(signed_in, key)
    assert f"{people[key].name} · {key}@example.com · {people[key].role}" in texts(at)
    # Reminder emails go to agents only: a switch here would change nothing.
    assert "profile_reminders" not in [t.key for t in at.toggle]

    at.selectbox(key="profile_time_zone").set_value("America/New_York")
    at.button(key="FormSubmitter:profile_settings-Save").click().run()

    assert [s.value for s in at.success] == ["Saved. Your time zone is America/New_York."]
    session.expire_all()
    person = session.get(User, people[key].id)
    assert (person.time_zone, person.reminders) == ("America/New_York", True)


def _change_password(at, current: str, new: str, repeated: str):
    at.text_input(key="profile_current_password").input(current)
    at.text_input(key="profile_new_password").input(new)
    at.text_input(key="profile_repeat_password").input(repeated)
    return at.button(key="FormSubmitter:profile_password-Change password").click().run()


def test_a_changed_password_signs_in_where_the_old_one_no_longer_does(signed_in, session, people):
    elsewhere = signed_in("a1")  # another browser, signed in as the same agent
    at = _change_password(_profile(signed_in), PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert not at.exception
    assert [s.value for s in at.success] == [
        "Your password is changed. Anywhere else you were signed in, you are signed out."
    ]
    assert at.title[0].value == "Profile"  # this browser stays signed in
    assert "Please sign in to see this page." in texts(elsewhere.run())
    assert "Hello," in texts(sign_in("a1@example.com", NEW_PASSWORD))
    old = sign_in("a1@example.com", PASSWORD)
    assert [e.value for e in old.error] == [
        "That email and password don't match an account. Check both and retry."
    ]
    (event,) = _events(session, "change_password")
    assert (event.actor_id, event.entity_id) == (people["a1"].id, people["a1"].id)
    assert event.before is None and event.after is None


@pytest.mark.parametrize(
    ("current", "new", "repeated", "message"),
    [
        (
            "not-my-password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "That is not your current password. Your password is unchanged.",
        ),
        (
            PASSWORD,
            NEW_PASSWORD,
            "battery-staple-8",
            "The new password and its repeat differ. Your password is unchanged.",
        ),
        (PASSWORD, "short", "short", "Passwords need at least 8 characters."),
    ],
    ids=["wrong current", "repeat differs", "too short"],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    signed_in, session, people, current, new, repeated, message
):
    at = _change_password(_profile(signed_in), current, new, repeated)

    assert [e.value for e in at.error] == [message]
    assert not at.success
    assert at.title[0].value == "Profile"
    session.expire_all()
    assert verify_password(session.get(User, people["a1"].id).password_hash, PASSWORD)
    assert _events(session, "change_password") == []
    assert "Hello," in texts(sign_in("a1@example.com", PASSWORD))
