"""`python -m workflow conversations FILE...`: import written conversations (chat, email,
social) from Callcoach JSON, CSV, Zendesk or Intercom exports: redact, score, assign lessons
and store them (idempotent)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from core.cli import run_with_database
from core.config import Settings
from core.db import migrate
from core.errors import InvalidInput
from core.models import Channel, utcnow
from core.progress import ProgressBar, progress_callback
from index.segment_index import open_segment_index, sync_segment_index
from qa.conversation_formats import Imported, Refused, oversized, read_export
from qa.conversation_import import import_conversations
from qa.scorecard import ScorecardError, load_scorecard
from workflow.ingest_command import check_agent
from workflow.pipeline import build_pipeline

__all__ = ["MAX_FILE_BYTES", "register"]

# An export bigger than this is refused whole (a help desk's full history belongs in several).
MAX_FILE_BYTES = 200 * 1024 * 1024


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "conversations",
        help="import written conversations (chat, email, social) into the database",
        description="Import exports of written conversations: Callcoach JSON, CSV "
        "(conversation_id, channel, sent_at, author, author_email, text), Zendesk tickets with "
        "their comments, or Intercom conversations. A conversation already imported is "
        "skipped; a bad one is reported and the rest go on.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--agent", metavar="EMAIL", help="agent of conversations the export omits")
    parser.add_argument(
        "--scorecard",
        help="written scorecard for every conversation (default: the agent's team's)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    parser.set_defaults(run=run)


def _read(path: Path) -> list[tuple[str, Imported | Refused]]:
    """The conversations of one export file; a file that cannot be read at all is one refusal."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:  # refused before it is read into memory
            return [(path.name, oversized(MAX_FILE_BYTES))]
        data = path.read_bytes()
    except OSError as exc:
        return [(path.name, Refused("the file", f"the file cannot be read: {exc}"))]
    return read_export(path.name, data, max_bytes=MAX_FILE_BYTES)


def run(args: argparse.Namespace) -> int:
    return run_with_database(lambda settings, engine: _run(args, settings, engine))


def _run(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    try:
        migrate(engine)
        if args.agent:
            check_agent(engine, args.agent)
        if args.scorecard and Channel.CALL in load_scorecard(args.scorecard).channels:
            raise InvalidInput(f"scorecard {args.scorecard!r} is for calls; give a written one")
    except (InvalidInput, ScorecardError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    items = [item for path in args.files for item in _read(path)]
    pipeline = build_pipeline(settings, scorecard=args.scorecard, engine=engine)
    if pipeline.warning:
        print(f"warning: {pipeline.warning}", file=sys.stderr)
    bar = ProgressBar(len(items), unit="conversations")
    summary = import_conversations(
        engine=engine,
        items=items,
        now=utcnow,
        score=pipeline.score,
        on_evaluated=pipeline.on_evaluated,
        agent_email=args.agent,
        store_unredacted=settings.store_unredacted_transcripts,
        progress=lambda done, _total: bar.update(done),
    )
    sync_segment_index(
        engine=engine,
        index=open_segment_index(settings=settings),
        warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        on_progress=progress_callback("segments indexed for search"),
    )
    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        print(
            f"{summary.count('imported')} imported, {summary.count('duplicate')} already there, "
            f"{len(summary.failed)} failed"
        )
        for outcome in summary.failed:
            print(f"  failed: {outcome.source}: {outcome.error}")
    return 1 if summary.failed else 0
