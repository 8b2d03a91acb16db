"""`python -m qa`: transcribe, import and score call recordings from the command line."""

from __future__ import annotations

import argparse
import sys

from qa.commands import load_commands


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in load_commands():
        module.register(subparsers)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
