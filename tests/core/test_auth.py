from datetime import timedelta

import argon2
import pytest
from sqlmodel import select

from core.auth import (
    PASSWORD_HASHING,
    authenticate,
    hash_password,
    session_expired,
    verify_password,
)
from core.errors import InvalidInput, SignInFailed
from core.models import AuditEvent, User
from tests.conftest import NOW, PASSWORD


def test_passwords_are_stored_as_argon2_hashes():
    stored = hash_password("a-long-password")
    assert stored.startswith("$argon2id$")
    assert "a-long-password" not in stored
    assert verify_password(stored, "a-long-password")
    assert not verify_password(stored, "another-password")


def test_short_passwords_are_refused():
    with pytest.raises(InvalidInput, match="at least 8 characters"):
        hash_password("short")


def test_sign_in_ignores_email_case_and_spaces(session, people):
    user = authenticate(session=session, email="  A1@Example.com ", password=PASSWORD)
    assert user.id == people["a1"].id


@pytest.mark.parametrize(
    ("email", "password"),
    [("a1@example.com", "wrong-password"), ("nobody@example.com", PASSWORD)],
)
def test_wrong_password_and_unknown_user_get_the_same_message_and_write_nothing(
    session, people, email, password
):
    users_before = session.exec(select(User)).all()
    with pytest.raises(SignInFailed, match="don't match an account"):
        authenticate(session=session, email=email, password=password)
    assert session.exec(select(User)).all() == users_before
    assert session.exec(select(AuditEvent)).all() == []


def test_a_deactivated_account_cannot_sign_in(session, people):
    people["a1"].active = False
    session.commit()
    with pytest.raises(SignInFailed, match="deactivated"):
        authenticate(session=session, email="a1@example.com", password=PASSWORD)


def test_sessions_expire_after_the_idle_limit():
    assert not session_expired(last_activity=NOW, now=NOW + timedelta(minutes=30), idle_minutes=30)
    assert session_expired(last_activity=NOW, now=NOW + timedelta(minutes=31), idle_minutes=30)


def test_a_session_token_resumes_until_signed_out(session, people):
    from core.auth import end_session, resume_session, start_session

    token = start_session(session=session, user=people["a1"], now=NOW)
    later = NOW + timedelta(minutes=20)
    assert resume_session(session=session, token=token, now=later, idle_minutes=30).id == (
        people["a1"].id
    )
    end_session(session=session, token=token, now=later)
    with pytest.raises(SignInFailed, match="signed out"):
        resume_session(session=session, token=token, now=later, idle_minutes=30)


def test_activity_keeps_a_session_alive_and_idleness_ends_it(session, people):
    from core.auth import resume_session, start_session

    token = start_session(session=session, user=people["a1"], now=NOW)
    for minutes in (25, 50, 75):  # each visit within 30 minutes of the last
        resume_session(
            session=session, token=token, now=NOW + timedelta(minutes=minutes), idle_minutes=30
        )
    with pytest.raises(SignInFailed, match="30 minutes without activity"):
        resume_session(
            session=session, token=token, now=NOW + timedelta(minutes=106), idle_minutes=30
        )


def test_deactivation_ends_open_sessions(session, people):
    from core.auth import resume_session, start_session

    token = start_session(session=session, user=people["a1"], now=NOW)
    people["a1"].active = False
    session.commit()
    with pytest.raises(SignInFailed, match="no longer active"):
        resume_session(session=session, token=token, now=NOW, idle_minutes=30)


def test_the_database_never_holds_the_token_itself(session, people):
    from core.auth import start_session
    from core.models import SignInSession

    token = start_session(session=session, user=people["a1"], now=NOW)
    stored = session.exec(select(SignInSession)).one()
    assert token not in stored.token_sha256
    with pytest.raises(SignInFailed):
        from core.auth import resume_session

        resume_session(session=session, token=stored.token_sha256, now=NOW, idle_minutes=30)


def test_five_failed_sign_ins_lock_the_account_for_the_window_and_are_audited(session, people):
    from core.auth import SignInLimit

    limit = SignInLimit(max_failures=5, window=timedelta(minutes=15))
    for minute in range(5):
        with pytest.raises(SignInFailed, match="don't match an account"):
            authenticate(
                session=session,
                email="a1@example.com",
                password=f"guess-{minute}",
                now=NOW + timedelta(minutes=minute),
                limit=limit,
            )
    # Locked: even the right password is refused, without being checked.
    with pytest.raises(SignInFailed, match="Too many failed sign-ins.*in 11 minutes"):
        authenticate(
            session=session,
            email="A1@example.com",
            password=PASSWORD,
            now=NOW + timedelta(minutes=4),
            limit=limit,
        )
    events = session.exec(select(AuditEvent)).all()
    assert [(e.action, e.entity_id) for e in events] == [("sign_in.locked", people["a1"].id)]
    # Another account is not affected.
    assert authenticate(session=session, email="a2@example.com", password=PASSWORD, limit=limit)
    # Once the first failure is 15 minutes old, one more attempt is let through.
    user = authenticate(
        session=session,
        email="a1@example.com",
        password=PASSWORD,
        now=NOW + timedelta(minutes=15, seconds=1),
        limit=limit,
    )
    assert user.id == people["a1"].id


def test_unknown_emails_are_limited_the_same_way(session, people):
    from core.auth import SignInLimit

    limit = SignInLimit(max_failures=2, window=timedelta(minutes=15))
    for _ in range(2):
        with pytest.raises(SignInFailed, match="don't match"):
            authenticate(
                session=session, email="ghost@example.com", password="x" * 9, now=NOW, limit=limit
            )
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):
        authenticate(
            session=session, email="ghost@example.com", password="x" * 9, now=NOW, limit=limit
        )


def test_a_successful_sign_in_clears_the_failures(session, people):
    from core.auth import SignInLimit

    limit = SignInLimit(max_failures=2, window=timedelta(minutes=15))
    with pytest.raises(SignInFailed):
        authenticate(
            session=session, email="a1@example.com", password="nope-nope", now=NOW, limit=limit
        )
    authenticate(session=session, email="a1@example.com", password=PASSWORD, now=NOW, limit=limit)
    with pytest.raises(SignInFailed, match="don't match"):
        authenticate(
            session=session, email="a1@example.com", password="nope-nope", now=NOW, limit=limit
        )


def _change(session, user, *, current=PASSWORD, new="brand-new-horse", repeated=None, limit=None):
    """`user` changes their password on the profile form; `repeated` defaults to `new`."""
    from core.auth import change_password

    change_password(
        session=session,
        user=user,
        current=current,
        new=new,
        repeated=new if repeated is None else repeated,
        now=NOW,
        limit=limit,
    )


def test_a_person_changes_their_password_and_signs_in_with_the_new_one_only(session, people):
    from core.auth import resume_session, start_session

    elsewhere = start_session(session=session, user=people["a1"], now=NOW)
    _change(session, people["a1"])

    assert authenticate(session=session, email="a1@example.com", password="brand-new-horse")
    with pytest.raises(SignInFailed, match="don't match"):
        authenticate(session=session, email="a1@example.com", password=PASSWORD)
    # A browser that was signed in as them is signed out.
    with pytest.raises(SignInFailed, match="signed out"):
        resume_session(session=session, token=elsewhere, now=NOW, idle_minutes=30)
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.entity_id, event.actor_id) == (
        "change_password",
        people["a1"].id,
        people["a1"].id,
    )
    assert event.before is None and event.after is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"current": "not-my-password"}, "That is not your current password"),
        ({"current": ""}, "Enter your current password"),
        ({"repeated": "brand-new-hose"}, "The new password and its repeat differ"),
        ({"new": "short"}, "at least 8 characters"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(session, people, change, message):
    from core.auth import resume_session, start_session

    agent = people["a1"]
    stored = agent.password_hash
    token = start_session(session=session, user=agent, now=NOW)
    with pytest.raises(InvalidInput, match=message):
        _change(session, agent, **change)
    session.rollback()

    assert session.get(User, agent.id).password_hash == stored
    assert authenticate(session=session, email="a1@example.com", password=PASSWORD)
    assert resume_session(session=session, token=token, now=NOW, idle_minutes=30).id == agent.id
    assert session.exec(select(AuditEvent)).all() == []


def test_wrong_current_passwords_count_towards_the_sign_in_limit(session, people):
    from core.auth import SignInLimit

    limit = SignInLimit(max_failures=2, window=timedelta(minutes=15))
    for guess in ("guess-one", "guess-two"):
        with pytest.raises(InvalidInput, match="not your current password"):
            _change(session, people["a1"], current=guess, limit=limit)
    # Locked: neither the form nor the sign-in page checks even the right password now.
    with pytest.raises(InvalidInput, match="Too many failed sign-ins.*in 15 minutes"):
        _change(session, people["a1"], limit=limit)
    with pytest.raises(SignInFailed, match="Too many failed sign-ins"):
        authenticate(
            session=session, email="a1@example.com", password=PASSWORD, now=NOW, limit=limit
        )
    events = session.exec(select(AuditEvent)).all()
    assert [(e.action, e.entity_id) for e in events] == [("sign_in.locked", people["a1"].id)]
    assert verify_password(session.get(User, people["a1"].id).password_hash, PASSWORD)


# OWASP Password Storage Cheat Sheet, argon2id: equivalent minimum settings (memory KiB, passes)
# with parallelism 1; each trades memory for passes.
OWASP_ARGON2ID_MINIMUMS = [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)]


def test_passwords_are_hashed_at_or_above_an_owasp_minimum():
    parameters = argon2.extract_parameters(hash_password("correct horse battery"))
    assert parameters.type is argon2.Type.ID
    assert parameters.parallelism >= 1
    assert any(
        parameters.memory_cost >= memory and parameters.time_cost >= passes
        for memory, passes in OWASP_ARGON2ID_MINIMUMS
    )


def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(session, people):
    user = people["a1"]
    user.password_hash = argon2.PasswordHasher(time_cost=3, memory_cost=65_536).hash(PASSWORD)
    session.add(user)
    session.commit()
    authenticate(session=session, email=user.email, password=PASSWORD)
    session.refresh(user)
    upgraded = argon2.extract_parameters(user.password_hash)
    assert (upgraded.time_cost, upgraded.memory_cost) == (
        PASSWORD_HASHING["time_cost"],
        PASSWORD_HASHING["memory_cost"],
    )
    assert authenticate(session=session, email=user.email, password=PASSWORD).id == user.id


def test_every_refused_sign_in_waits_out_the_same_floor(session, people, monkeypatch):
    import core.auth

    waits = []
    monkeypatch.setattr(core.auth, "_pause", waits.append)
    old = people["a2"]
    old.password_hash = argon2.PasswordHasher(time_cost=3, memory_cost=65_536).hash(PASSWORD)
    session.add(old)
    session.commit()
    for email in ("nobody@example.com", people["a1"].email, old.email):
        with pytest.raises(SignInFailed):
            authenticate(session=session, email=email, password="wrong password")
    # Each refusal is topped up to the floor, whatever its hash cost to check.
    assert len(waits) == 3
    assert all(0 <= w < core.auth.REFUSAL_FLOOR_SECONDS for w in waits)
    assert waits[2] < waits[0]  # the costlier old hash needed less top-up
