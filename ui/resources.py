"""Process-wide resources for the app: settings and the migrated database engine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import ConfigError, Settings, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate

__all__ = ["app_settings", "db_engine", "db_session"]


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
