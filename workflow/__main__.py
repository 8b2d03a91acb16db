"""`python -m workflow ingest PATH...`: import call recordings: transcribe, score, assign lessons
and index each call for search. `python -m workflow conversations FILE...`: the same for written
conversations (chat, email, social) from help-desk exports."""

from __future__ import annotations

import sys

from core.cli import run_commands
from workflow import conversations_command, ingest_command


def main(argv: list[str] | None = None) -> int:
    return run_commands(
        prog="python -m workflow",
        description=__doc__,
        commands=(ingest_command, conversations_command),
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
