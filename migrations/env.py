"""Alembic environment: migrations run on the connection core.db.migrate hands over."""

from alembic import context
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from core.config import get_settings
from core.db import create_db_engine

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        # Plain `alembic` command line: connect with the configured DATABASE_URL.
        engine = create_db_engine(get_settings().sqlalchemy_url)
        with engine.begin() as own_connection:
            _run(own_connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
