"""Who is signed in to this browser: a session token in a cookie, checked on every page run."""

from __future__ import annotations

import streamlit as st

from core.auth import end_session, resume_session, start_session
from core.errors import SignInFailed
from core.models import User, utcnow
from ui.resources import app_settings, db_session

__all__ = ["pop_notice", "sign_in", "sign_out", "signed_in_user", "sync_cookie"]

COOKIE = "callcoach_session"
_COOKIE_DAYS = 30  # how long the browser keeps the token; the server ends idle sessions sooner
_TOKEN = "auth_token"  # "" once this connection signed out, so a stale cookie is ignored
_COOKIE_WRITE = "auth_cookie_write"  # token to store in the cookie, or "" to delete it
_NOTICE = "auth_notice"


def _cookie_token() -> str | None:
    token = st.context.cookies.get(COOKIE)
    # AppTest runs on a mocked runtime whose cookies are mock objects, not strings.
    return token if isinstance(token, str) else None


def sign_in(user: User) -> None:
    """Open a sign-in session for `user` in this browser."""
    with db_session() as session:
        token = start_session(session=session, user=user, now=utcnow())
    st.session_state[_TOKEN] = token
    st.session_state[_COOKIE_WRITE] = token


def sign_out(notice: str | None = None) -> None:
    """End this browser's session; `notice` is shown once on the sign-in page."""
    token = st.session_state.get(_TOKEN) or _cookie_token()
    if token:
        with db_session() as session:
            end_session(session=session, token=token, now=utcnow())
    st.session_state[_TOKEN] = ""
    st.session_state[_COOKIE_WRITE] = ""
    if notice:
        st.session_state[_NOTICE] = notice


def pop_notice() -> str | None:
    """The message left by the last sign-out (session expired, account deactivated), once."""
    return st.session_state.pop(_NOTICE, None)


def signed_in_user() -> User | None:
    """The signed-in user, re-checked against the database on every run (idle time, account
    still active); a page reload resumes the session from the cookie."""
    token = st.session_state.get(_TOKEN)
    if token is None:
        token = _cookie_token()
    if not token:
        return None
    try:
        with db_session() as session:
            user = resume_session(
                session=session,
                token=token,
                now=utcnow(),
                idle_minutes=app_settings().session_idle_minutes,
            )
    except SignInFailed as exc:
        sign_out(str(exc))
        return None
    st.session_state[_TOKEN] = token
    return user


def sync_cookie() -> None:
    """Write or delete the session cookie in the browser after a sign-in or sign-out."""
    value = st.session_state.pop(_COOKIE_WRITE, None)
    if value is None:
        return
    max_age = _COOKIE_DAYS * 86400 if value else 0
    st.html(
        f"<script>document.cookie = '{COOKIE}={value}; path=/; max-age={max_age}; "
        "SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )
