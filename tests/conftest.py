"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.auth import hash_password
from core.config import Settings, get_settings
from core.db import create_db_engine, migrate
from core.models import Role, Team, User
from tests.fakes import CountingEmbedder

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)

# The suite transcribes with tiny.en (about twice as fast as the default, Whisper base), in this
# process and in the CLI and app processes it starts; tests of base itself ask for it by name.
os.environ.setdefault("WHISPER_MODEL", "bundled")
# No background model loads in the app runs of the suite (each test gives its own lessons and
# index); tests/ui/test_preload.py turns it on.
os.environ.setdefault("PRELOAD_MODELS", "false")
PASSWORD = "correct-horse-1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test that opens the database is marked `db`, so CI can run exactly those again
    # against PostgreSQL.
    for item in items:
        if {"engine", "session", "app_db"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _reset_postgres(url: str) -> None:
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            # A connection a previous test left open must not block the reset (only our own
            # role's sessions: autovacuum workers belong to the superuser); fail, never hang.
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND usename = current_user "
                    "AND pid <> pg_backend_pid()"
                )
            )
            connection.execute(sa.text("SET lock_timeout = '30s'"))
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh, empty database: the PostgreSQL one named by DATABASE_URL, or a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql"):
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'callcoach.db'}"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def fake_embedder() -> CountingEmbedder:
    """A bag-of-words stand-in for MiniLM that records what it encodes."""
    return CountingEmbedder()


@pytest.fixture
def app_db(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Engine]:
    """Point the app (settings, cached engine, data folder) at the test database."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield engine
    st.cache_resource.clear()
    get_settings.cache_clear()


@pytest.fixture
def people(session: Session) -> dict[str, User]:
    """Two teams: team A with a lead and agents a1, a2; team B with lead_b and agent b1; plus an
    admin and a reviewer. Everyone's password is PASSWORD."""
    team_a, team_b = Team(name="Team A"), Team(name="Team B")
    session.add_all([team_a, team_b])
    session.flush()
    spec = {
        "admin": (Role.ADMIN, None),
        "reviewer": (Role.REVIEWER, None),
        "lead": (Role.LEAD, team_a.id),
        "lead_b": (Role.LEAD, team_b.id),
        "a1": (Role.AGENT, team_a.id),
        "a2": (Role.AGENT, team_a.id),
        "b1": (Role.AGENT, team_b.id),
    }
    password_hash = hash_password(PASSWORD)
    users = {
        key: User(
            name=f"{key.title()} Person",
            email=f"{key}@example.com",
            role=role,
            team_id=team_id,
            password_hash=password_hash,
            created_at=NOW,
        )
        for key, (role, team_id) in spec.items()
    }
    session.add_all(users.values())
    session.commit()
    return users


@pytest.fixture(scope="session")
def embedder():
    """The real bundled MiniLM embedder, loaded once per test session; tests using it (directly
    or through `built_lesson_index`) are marked `model`."""
    from index.embedder import get_embedder

    shared = get_embedder()  # the app's pages get this same instance
    shared.encode(["load the model now"])
    return shared


@pytest.fixture(scope="session")
def built_lesson_index(tmp_path_factory, embedder) -> Path:
    """A lesson index of the real library, built once per session with the real model.
    Tests copy the folder (`shutil.copytree`) instead of changing it."""
    from training.lesson_index import LessonIndex
    from training.lessons import load_library

    folder = tmp_path_factory.mktemp("lesson-index") / "lessons"
    library = load_library(Path(__file__).resolve().parents[1] / "training" / "lessons")
    LessonIndex.open(folder, library.lessons, embedder=embedder)
    return folder


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory, built_lesson_index) -> Path:
    """A data folder holding the demo exactly as `make run` loads it: the organisation, the
    recordings transcribed by the real Whisper model and scored by the real auto-QA, the QA
    workflow, lesson assignments and coaching, in a SQLite file. Built once per session (tests
    using it are `model` tests); `demo_app` gives each test its own copy."""
    from demo.load import load_demo
    from workflow.pipeline import build_pipeline

    data = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(built_lesson_index, data / "index" / "lessons")
    settings = Settings(data_dir=data, database_url="")
    engine = create_db_engine(settings.sqlalchemy_url)
    try:
        migrate(engine)
        pipeline = build_pipeline(settings)
        load_demo(
            engine=engine,
            settings=settings,
            transcribe=pipeline.transcribe,
            now=lambda: NOW,
            score=pipeline.score,
            assign=pipeline.on_evaluated,
        )
    finally:
        engine.dispose()
    return data


@pytest.fixture
def demo_app(demo_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a fresh copy of the demo data folder; returns the folder."""
    import streamlit as st

    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    st.cache_resource.clear()
    yield data
    st.cache_resource.clear()
    get_settings.cache_clear()
