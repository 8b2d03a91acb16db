"""Helpers to drive the real app with Streamlit's AppTest."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from analytics.facts import DashboardFilter, default_filter
from core.config import PROJECT_ROOT, get_settings
from core.db import create_db_engine
from core.models import User
from tests.conftest import PASSWORD

DEMO_PASSWORD = "callcoach-demo"
LENA = "lena.brooks@example.com"

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def sign_in(email: str, password: str = PASSWORD) -> AppTest:
    """Open the app and sign in through the sign-in form, as a user would."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


def chart_values(at: AppTest, index: int) -> list[dict]:
    """The data rows of the index-th chart on the page: the values it draws. Streamlit sends a
    chart's top-level data as an Arrow table beside the spec, and layer data inline."""
    proto = at.get("vega_lite_chart")[index].proto
    if proto.data.data:
        return pa.ipc.open_stream(proto.data.data).read_all().to_pylist()
    spec = json.loads(proto.spec)
    layers = [
        layer["data"]["values"] for layer in spec["layer"] if "values" in layer.get("data", {})
    ]
    return layers[0]


def demo_viewer_filter(email: str) -> tuple[Engine, User, DashboardFilter]:
    """For the demo user with this email, in the app's database: an engine (dispose it), the
    user, and the filter a dashboard starts with for them (as `ui.dashboards` picks it)."""
    engine = create_db_engine(get_settings().sqlalchemy_url)
    with Session(engine) as session:
        viewer = session.exec(select(User).where(User.email == email)).one()
        filters = default_filter(session=session, viewer=viewer, today=date.today())
    return engine, viewer, filters


def texts(at: AppTest) -> str:
    """Everything a user can read on the page, as one string."""
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    ]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    return as_read("\n".join(str(p) for p in parts))


def as_read(markdown: str) -> str:
    """Markdown source as it reads where people's words were escaped by `ui.plain.plain`."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace("\u2060", ""))


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
