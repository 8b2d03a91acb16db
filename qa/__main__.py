"""`python -m qa`: transcribe call recordings, score transcripts and redact personal data from
them from the command line, and make the packaged Whisper models ready.

Importing calls into the database (transcribe, score, assign lessons, index) is
`python -m workflow ingest`; following a call live is `python -m monitoring live`.
"""

from __future__ import annotations

import sys

from core.cli import run_commands
from qa.commands import models, redact, score, transcribe

# Sub-commands that moved to the package that can see all their parts (README, Layout).
MOVED = {"ingest": "python -m workflow ingest", "live": "python -m monitoring live"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in MOVED:
        print(f"error: `python -m qa {argv[0]}` is now `{MOVED[argv[0]]}`", file=sys.stderr)
        return 2
    commands = (transcribe, score, redact, models)
    return run_commands(prog="python -m qa", description=__doc__, commands=commands, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
