"""Passwords (argon2 hashes), signing in, a person changing their own password, and the
per-account limit on failed sign-ins."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, func, select, update

from core.access import audit_refusals
from core.audit import record_event
from core.config import Settings
from core.errors import InvalidInput, NotAllowed, SignInFailed
from core.models import FailedSignIn, SignInSession, User, utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "PASSWORD_HASHING",
    "SignInLimit",
    "authenticate",
    "change_password",
    "check_password_rules",
    "end_session",
    "end_sign_in_sessions",
    "hash_password",
    "resume_session",
    "session_expired",
    "start_session",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
# A session's last-seen time is written at most this often, not on every page run.
_TOUCH_EVERY = timedelta(minutes=1)

# Argon2id with OWASP's first recommended setting (Password Storage Cheat Sheet: m=19 MiB,
# t=2, p=1). One verification costs about 19 ms on these 2-core servers, where argon2-cffi's
# default (RFC 9106's low-memory profile: 64 MiB, t=3, p=4) costs about 156 ms: at the start of a
# shift, fifty agents signing in at once held both cores for seconds (bench/passwords.py).
# Hashes made with other parameters still verify and are upgraded at the next sign-in.
PASSWORD_HASHING = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**PASSWORD_HASHING)
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password
# and response times do not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("callcoach-timing-equaliser")
# A refused sign-in takes at least this long. Hashes made with argon2-cffi's costlier defaults
# (before PASSWORD_HASHING) take ~90-160 ms to check until their owner signs in again, so without
# a floor a slow refusal would tell that the account exists. The wait is a sleep: no CPU.
REFUSAL_FLOOR_SECONDS = 0.25


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def check_password_rules(password: str) -> None:
    """Raise InvalidInput when `password` is too weak to accept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def hash_password(password: str) -> str:
    """Return the argon2 hash to store for `password`.

    Raises:
        InvalidInput: the password breaks the password rules.
    """
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# How many sign-ins may fail for one email within a window before further attempts are refused
# unchecked (settings SIGN_IN_MAX_FAILURES, SIGN_IN_LOCK_MINUTES). The limit counts failures in
# a sliding window, so a locked account opens again as its oldest failure ages out: a guesser
# gets `max_failures` tries per window, a person who mistyped waits a few minutes.
@dataclass(frozen=True)
class SignInLimit:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimit:
        return cls(
            max_failures=settings.sign_in_max_failures,
            window=timedelta(minutes=settings.sign_in_lock_minutes),
        )


_NO_MATCH = "That email and password don't match an account. Check both and retry."


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    now: datetime | None = None,
    limit: SignInLimit | None = None,
) -> User:
    """Return the active user with this email and password.

    Failed attempts are counted per email typed, known account or not, so the limit does not
    reveal who has an account either. The attempt that reaches the limit is an audit event.

    Raises:
        SignInFailed: unknown email, wrong password, a deactivated account, or too many failed
            attempts lately (then the password is not even checked). Unknown email and wrong
            password get the same message, so the form does not reveal who has an account.
    """
    now = now or utcnow()
    limit = limit or SignInLimit()
    normalised = email.strip().lower()
    failures = _recent_failures(session, normalised, now, limit)
    if len(failures) >= limit.max_failures:
        session.commit()
        raise SignInFailed(_locked_out(failures, now, limit))
    started = time.perf_counter()
    user = session.exec(select(User).where(func.lower(User.email) == normalised)).first()
    matches = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not matches:
        _count_failure(session, normalised, user, failures, now, limit)
        session.commit()
        _pause(max(0.0, REFUSAL_FLOOR_SECONDS - (time.perf_counter() - started)))
        raise SignInFailed(_NO_MATCH)
    session.exec(delete(FailedSignIn).where(FailedSignIn.email == normalised))
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)  # made with older parameters
        session.add(user)
    session.commit()
    if not user.active:
        raise SignInFailed("This account is deactivated. Ask your admin to reactivate it.")
    return user


def _recent_failures(
    session: Session, email: str, now: datetime, limit: SignInLimit
) -> list[datetime]:
    """When sign-ins with `email` failed within the limit's window, newest first; older ones
    are deleted."""
    since = now - limit.window
    session.exec(
        delete(FailedSignIn).where(FailedSignIn.email == email, col(FailedSignIn.at) <= since)
    )
    return list(
        session.exec(
            select(FailedSignIn.at)
            .where(FailedSignIn.email == email, col(FailedSignIn.at) > since)
            .order_by(col(FailedSignIn.at).desc())
        )
    )


def _locked_out(failures: list[datetime], now: datetime, limit: SignInLimit) -> str:
    opens_at = failures[limit.max_failures - 1] + limit.window
    minutes = max(1, -int(-(opens_at - now).total_seconds() // 60))
    return (
        f"Too many failed sign-ins for this account. Try again in {minutes} minute"
        f"{'s' if minutes != 1 else ''}, or ask your admin to reset your password."
    )


def _count_failure(
    session: Session,
    email: str,
    user: User | None,
    failures: list[datetime],
    now: datetime,
    limit: SignInLimit,
) -> None:
    """Add one failed sign-in; the one that reaches the limit is an audit event."""
    session.add(FailedSignIn(email=email, at=now))
    if len(failures) + 1 == limit.max_failures:
        record_event(
            session=session,
            actor=None,
            action="sign_in.locked",
            entity="user",
            entity_id=user.id if user else None,
            now=now,
            after={"email": email, "failures": limit.max_failures},
        )


@audit_refusals
def change_password(
    *,
    session: Session,
    user: User,
    current: str,
    new: str,
    repeated: str,
    now: datetime,
    limit: SignInLimit | None = None,
) -> None:
    """A person changes their own password, proving who they are with the current one.

    A wrong current password counts as a failed sign-in of the account, so the form cannot be
    used to guess it past the sign-in limit. Every sign-in session of the person ends, so a
    browser someone else left signed in is signed out; the caller opens a new session for the
    browser the change was made in. The audit event records that it happened, never a value.

    Raises:
        NotAllowed: the account is deactivated.
        InvalidInput: the current password is missing or wrong, there were too many failed
            sign-ins lately, the new password and its repeat differ, or the new one breaks the
            password rules. Nothing is changed.
    """
    limit = limit or SignInLimit()
    person = session.get(User, user.id)
    if person is None or not person.active:
        raise NotAllowed("You are not allowed to do this.")
    if not current:
        raise InvalidInput("Enter your current password.")
    email = person.email.strip().lower()
    failures = _recent_failures(session, email, now, limit)
    if len(failures) >= limit.max_failures:
        session.commit()
        raise InvalidInput(_locked_out(failures, now, limit))
    if not verify_password(person.password_hash, current):
        _count_failure(session, email, person, failures, now, limit)
        session.commit()
        raise InvalidInput("That is not your current password. Your password is unchanged.")
    if new != repeated:
        raise InvalidInput("The new password and its repeat differ. Your password is unchanged.")
    person.password_hash = hash_password(new)
    session.add(person)
    session.exec(delete(FailedSignIn).where(FailedSignIn.email == email))
    end_sign_in_sessions(session=session, user_id=person.id, now=now)
    record_event(
        session=session,
        actor=person,
        action="change_password",
        entity="user",
        entity_id=person.id,
        now=now,
    )
    session.commit()


def end_sign_in_sessions(*, session: Session, user_id: int, now: datetime) -> None:
    """Sign every browser of a person out (their password changed); the caller commits."""
    session.exec(
        update(SignInSession)
        .where(col(SignInSession.user_id) == user_id, col(SignInSession.ended_at).is_(None))
        .values(ended_at=now)
    )


def session_expired(*, last_activity: datetime, now: datetime, idle_minutes: int) -> bool:
    """True when a signed-in session has been idle for longer than `idle_minutes`."""
    return now - last_activity > timedelta(minutes=idle_minutes)


def _token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User, now: datetime) -> str:
    """Open a sign-in session for `user` and return its secret token (kept only by the browser)."""
    token = secrets.token_urlsafe(32)
    session.add(
        SignInSession(
            user_id=user.id, token_sha256=_token_sha256(token), created_at=now, last_seen_at=now
        )
    )
    session.commit()
    return token


def resume_session(*, session: Session, token: str, now: datetime, idle_minutes: int) -> User:
    """The user behind a browser's session token; keeps the session alive.

    Raises:
        SignInFailed: the session was signed out, idled out, or the account was deactivated;
            the message says which.
    """
    record = session.exec(
        select(SignInSession).where(SignInSession.token_sha256 == _token_sha256(token))
    ).first()
    if record is None or record.ended_at is not None:
        raise SignInFailed("You are signed out. Please sign in again.")
    if session_expired(last_activity=record.last_seen_at, now=now, idle_minutes=idle_minutes):
        record.ended_at = now
        session.commit()
        raise SignInFailed(f"You were signed out after {idle_minutes} minutes without activity.")
    if now - record.last_seen_at >= _TOUCH_EVERY:
        record.last_seen_at = now
        session.commit()
    user = session.get(User, record.user_id)
    if user is None or not user.active:
        raise SignInFailed("Your account is no longer active. Ask your admin.")
    return user


def end_session(*, session: Session, token: str, now: datetime) -> None:
    """Sign the session out; its token no longer works."""
    record = session.exec(
        select(SignInSession).where(SignInSession.token_sha256 == _token_sha256(token))
    ).first()
    if record is not None and record.ended_at is None:
        record.ended_at = now
        session.commit()
