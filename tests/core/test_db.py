import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from core.db import create_db_engine, migrate, schema_transaction


def test_migrations_build_exactly_the_schema_the_models_describe(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrating_twice_changes_nothing(engine):
    migrate(engine)
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert {"team", "user", "call", "segment", "auditevent"} <= tables


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_schema_change_failing_half_way_leaves_sqlite_as_it_was(tmp_path):
    # pysqlite would commit each DDL statement as it goes; migrations run in a
    # schema_transaction, so a step failing half-way leaves no half-made schema behind.
    engine = create_db_engine(f"sqlite:///{tmp_path / 'half.db'}")
    try:
        with pytest.raises(sa.exc.OperationalError), schema_transaction(engine) as connection:
            connection.exec_driver_sql("CREATE TABLE half_made (id INTEGER)")
            connection.exec_driver_sql("CREATE TABLE broken (")
        tables = sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert "half_made" not in tables
