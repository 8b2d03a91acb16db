"""`python -m demo`: load the demo organisation and recordings (run by `make run`)."""

from __future__ import annotations

import sys

from sqlmodel import Session

from core.config import ConfigError, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate
from core.errors import InvalidInput
from core.models import utcnow
from demo.load import load_demo


def main() -> int:
    try:
        settings = get_settings()
        engine = create_db_engine(settings.sqlalchemy_url)
        migrate(engine)
        with Session(engine) as session:
            result = load_demo(session=session, settings=settings, now=utcnow(), progress=print)
    except (ConfigError, DatabaseUnavailable, InvalidInput) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"Demo organisation ready: {result.users_created} users created, "
        f"{result.calls_registered} calls registered, "
        f"{result.calls_already_there} already there, {len(result.failed)} failed."
    )
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
