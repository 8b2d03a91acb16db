"""Command-line plumbing: sub-command modules (`register(subparsers)` setting `run`), and a
command's database opened from the settings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from sqlalchemy.engine import Engine

from core.config import ConfigError, Settings, get_settings
from core.db import DatabaseUnavailable, create_db_engine

__all__ = ["run_commands", "run_with_database"]


def run_commands(
    *, prog: str, description: str, commands: Sequence[ModuleType], argv: list[str] | None
) -> int:
    """Parse `argv` against the sub-commands and run the chosen one.

    Args:
        prog: how the program is started, e.g. "python -m qa".
        description: the first lines of `--help`.
        commands: modules with `register(subparsers)`, in the order `--help` lists them; each
            registered parser sets `run`, which takes the parsed arguments and returns the
            exit code.
        argv: the arguments (default: the process's).
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in commands:
        module.register(subparsers)
    args = parser.parse_args(argv)
    return args.run(args)


def run_with_database(work: Callable[[Settings, Engine], int]) -> int:
    """Run `work` with the settings and an engine on their database, disposed afterwards.

    Returns:
        `work`'s exit code, or 2 after one line on standard error when the settings are
        invalid or the database cannot be reached.
    """
    try:
        settings = get_settings()
        engine = create_db_engine(settings.sqlalchemy_url)
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return work(settings, engine)
    finally:
        engine.dispose()
