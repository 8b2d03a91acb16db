"""Command line for the core: `python -m core migrate` and `python -m core create-admin`."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import Session

from core.auth import hash_password
from core.config import ConfigError, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate
from core.errors import InvalidInput
from core.models import Role, User, utcnow


def _create_admin(engine, email: str, name: str) -> None:
    password = getpass.getpass("Password for the new admin: ")
    with Session(engine) as session:
        session.add(
            User(
                name=name,
                email=email.strip().lower(),
                role=Role.ADMIN,
                password_hash=hash_password(password),
                created_at=utcnow(),
            )
        )
        session.commit()
    print(f"Admin {email} created; sign in and add your teams and users on the Users page.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    admin = commands.add_parser("create-admin", help="add the first admin of a new installation")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
        engine = create_db_engine(settings.sqlalchemy_url)
        try:
            migrate(engine)
            if args.command == "migrate":
                print(f"Database schema is up to date ({engine.url.render_as_string()}).")
            else:
                _create_admin(engine, args.email, args.name)
        finally:
            engine.dispose()
    except (ConfigError, DatabaseUnavailable, InvalidInput) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
