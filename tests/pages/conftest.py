"""Helpers to drive the real app with Streamlit's AppTest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def sign_in(email: str, password: str = PASSWORD) -> AppTest:
    """Open the app and sign in through the sign-in form, as a user would."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


def texts(at: AppTest) -> str:
    """Everything a user can read on the page, as one string."""
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "info", "error", "success")
        for e in getattr(at, kind)
    ]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def signed_in(app_db, people) -> Callable[[str], AppTest]:
    """Sign in as one of the `people` fixture's users by key (`"a1"`, `"lead"`, ...)."""
    return lambda key: sign_in(people[key].email)
