from datetime import timedelta

import pytest
from sqlmodel import select

from core.auth import authenticate, hash_password, session_expired, verify_password
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
