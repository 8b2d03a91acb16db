"""`python -m monitoring live FILE --simulate`: follow a recording as a live call."""

from __future__ import annotations

import sys

from core.cli import run_commands
from monitoring import live_command


def main(argv: list[str] | None = None) -> int:
    return run_commands(
        prog="python -m monitoring", description=__doc__, commands=(live_command,), argv=argv
    )


if __name__ == "__main__":
    sys.exit(main())
