"""`python -m training index`: build the lesson index, or search it from the command line.

    python -m training index build
    python -m training index search "TEXT" [--k 3] [--json]
    python -m training index search --queries FILE [--k 3]   # JSON Lines, one line per query

Exit codes: 0 done; 1 some lesson files are broken (reported, the others are indexed);
2 the command could not run (bad arguments or settings, unreadable queries file, no model).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.config import ConfigError, get_settings
from core.skills import CatalogueError
from index.embedder import get_embedder
from training.lesson_index import LessonIndex, open_lesson_index
from training.lessons import load_library
from training.ranking import SearchHit

__all__ = ["main"]


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m training index",
        description="Build or search the lesson index.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="embed new and changed lessons and save the index")
    search = commands.add_parser("search", help="the lessons that best match a text")
    search.add_argument("text", nargs="?", help="what to search for, e.g. a weak spot")
    search.add_argument("--k", type=_positive, default=3, help="lessons per query (default 3)")
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    search.add_argument(
        "--queries", type=Path, help="file with one query per line; prints JSON Lines"
    )
    return parser


def _progress(done: int, total: int) -> None:
    print(f"embedded {done}/{total} lesson chunks", file=sys.stderr, flush=True)


def _print_hits(hits: list[SearchHit]) -> None:
    if not hits:
        print("No lessons found.")
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. {hit.title} ({hit.lesson_id})")
        print(f"   skills: {', '.join(hit.skills)}; score {hit.score:.3f}")


class _CannotRun(Exception):
    """The command cannot run; the message says why."""


def _open_index(*, with_progress: bool) -> tuple[LessonIndex, int]:
    """The synced index and the exit code its lesson files call for (1 if some are broken).

    Raises:
        _CannotRun: the lessons folder is missing or the embedding model cannot be loaded.
    """
    settings = get_settings()
    if not settings.lessons_dir.is_dir():
        # Indexing an empty library would drop every lesson from a good index.
        raise _CannotRun(f"the lessons folder {settings.lessons_dir} does not exist (LESSONS_DIR)")
    library = load_library(settings.lessons_dir)
    for problem in library.problems:
        print(f"error: lesson file {problem}", file=sys.stderr)
    embedder = get_embedder(settings.embedding_model)
    try:
        embedder.dimension  # noqa: B018 - loads the model, so a missing one is reported here
    except OSError as exc:
        raise _CannotRun(
            f"cannot load the embedding model {settings.embedding_model!r} (EMBEDDING_MODEL): {exc}"
        ) from None
    index = open_lesson_index(
        settings=settings,
        lessons=library.lessons,
        embedder=embedder,
        on_progress=_progress if with_progress else None,
    )
    return index, 1 if library.problems else 0


def _build() -> int:
    index, code = _open_index(with_progress=True)
    report = index.last_sync
    print(
        f"Lesson index up to date in {index.directory}: {index.lesson_count} lessons, "
        f"{index.vector_count} chunks, {index.kind} search.\n"
        f"Lessons embedded: {len(report.embedded)} ({report.chunks_embedded} chunks), "
        f"removed: {len(report.removed)}, unchanged: {report.unchanged}."
    )
    return code


def _search(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.queries is None):
        print("error: give either a TEXT to search or --queries FILE", file=sys.stderr)
        return 2
    if args.queries is not None:
        try:
            queries = args.queries.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            print(f"error: cannot read the queries file {args.queries}: {reason}", file=sys.stderr)
            return 2
    index, code = _open_index(with_progress=False)
    if args.queries is None:
        hits = index.search(args.text, args.k)
        if args.json:
            print(json.dumps([hit.to_json() for hit in hits]))
        else:
            _print_hits(hits)
    else:
        for hits in index.search_many(queries, args.k):
            print(json.dumps([hit.to_json() for hit in hits]))
    return code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return _build() if args.command == "build" else _search(args)
    except (ConfigError, CatalogueError, _CannotRun) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
