"""Process-wide resources for the app: settings, the migrated database engine and the lesson
library as it is on disk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import ConfigError, Settings, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate
from training.lessons import LibraryLoad, library_fingerprint, load_library

__all__ = ["app_settings", "db_engine", "db_session", "lesson_book"]


def app_settings() -> Settings:
    """The settings, or a clear error on the page (and nothing else) when they are malformed."""
    try:
        return get_settings()
    except ConfigError as exc:
        st.error(f"Callcoach cannot start: {exc}")
        st.stop()


@st.cache_resource(show_spinner="Opening the database...", on_release=Engine.dispose)
def _engine(url: str) -> Engine:
    engine = create_db_engine(url)
    migrate(engine)
    return engine


def db_engine() -> Engine:
    """The migrated engine of this app process; shows the reason and stops if the database is
    down."""
    try:
        return _engine(app_settings().sqlalchemy_url)
    except (ConfigError, DatabaseUnavailable) as exc:
        st.error(f"Callcoach cannot reach its database: {exc}")
        st.stop()


@contextmanager
def db_session() -> Iterator[Session]:
    """A database session for one page run."""
    with Session(db_engine()) as session:
        yield session


# Loaded lessons are frozen dataclasses of tuples: one object is safely shared by every page
# run. A few versions are kept, so a page run that began before an edit still finds its own.
@st.cache_resource(max_entries=4, show_spinner=False)
def _lesson_book(folder: str, fingerprint: tuple) -> LibraryLoad:
    return load_library(Path(folder))


def lesson_book() -> LibraryLoad:
    """The lesson library as it is on disk now. Parsing ~160 lesson files took most of an
    agent's Home run; they are read again only when one is added, removed or edited
    (`library_fingerprint`), wherever the edit was made."""
    settings = app_settings()
    folder = settings.lessons_dir
    if not settings.page_caches:
        return load_library(folder)
    return _lesson_book(str(folder), library_fingerprint(folder))
