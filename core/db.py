"""Database engines and schema migrations (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from core.config import PROJECT_ROOT, ConfigError

__all__ = ["DatabaseUnavailable", "create_db_engine", "migrate", "schema_transaction"]

_MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says where and why."""


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the app read while an ingest writes; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Create an engine for `url`, creating the SQLite file's folder if needed.

    Raises:
        ConfigError: the URL is malformed.
        DatabaseUnavailable: the database cannot be reached.
    """
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise ConfigError(f"DATABASE_URL: {url!r} is not a database URL") from None
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _enable_sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        where = parsed.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"Cannot open the database at {where}: {exc.orig}") from None
    return engine


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection whose schema changes are all or nothing, SQLite included.

    pysqlite commits each DDL statement as it runs (it only opens transactions for DML), so a
    migration failing half-way would leave a half-made schema. Here the driver is put in
    autocommit and the transaction is opened and closed by hand around the whole change.
    https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as plain:
        connection = plain.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is current); a
    failing migration changes nothing."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS_DIR))
    with schema_transaction(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
