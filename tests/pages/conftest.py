"""Helpers to drive the real app with Streamlit's AppTest."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.config import PROJECT_ROOT, get_settings
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


@pytest.fixture
def lessons_dir(app_db, tmp_path, monkeypatch, built_lesson_index) -> Path:
    """The app reads lessons from a copy of the library and a copy of the prebuilt index (with
    the real embedder: tests using it are `model` tests)."""
    lessons = tmp_path / "lessons"
    shutil.copytree(PROJECT_ROOT / "training" / "lessons", lessons)
    shutil.copytree(built_lesson_index, tmp_path / "data" / "index" / "lessons")
    monkeypatch.setenv("LESSONS_DIR", str(lessons))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    return lessons
