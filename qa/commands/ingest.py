"""`python -m qa ingest PATH...`: import recordings (idempotent), transcribe and store them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core.config import ConfigError, Settings, get_settings
from core.db import DatabaseUnavailable, create_db_engine, migrate
from core.errors import InvalidInput
from core.models import User, utcnow
from core.progress import ProgressBar
from index.lesson_index import open_lesson_index
from qa.autoqa import AutoQA
from qa.ingest import FileOutcome, IngestOptions, collect_audio_files, ingest, read_metadata_csv
from qa.scorecard import ScorecardError
from qa.transcribe import get_transcriber
from training.assignments import AutoAssigner
from training.lessons import load_library

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="import recordings into the database",
        description="Import audio files and folders (recursive). A file already imported is "
        "skipped; a bad file is recorded with its error and the rest go on.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--agent", metavar="EMAIL", help="agent of files the metadata omits")
    parser.add_argument("--agent-channel", type=int, choices=(0, 1))
    parser.add_argument(
        "--metadata", type=Path, metavar="CSV", help="filename,agent_email,started_at,csat"
    )
    parser.add_argument(
        "--scorecard",
        help="scorecard name or file for auto-QA of every file (default: the agent's team's)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    parser.set_defaults(run=run)


def _check_agent(engine, email: str) -> None:
    with Session(engine) as session:
        query = select(User).where(func.lower(User.email) == email.strip().lower())
        if session.exec(query).first() is None:
            raise InvalidInput(f"--agent: there is no user with email {email}")


def _assigner(settings: Settings) -> AutoAssigner | None:
    """Assigns agents lessons for failed criteria; without a usable lesson library, imports
    go on without assignments (said on stderr)."""
    try:
        lessons = load_library(settings.lessons_dir).lessons
        if not lessons:
            raise OSError(f"no lessons in {settings.lessons_dir}")
        index = open_lesson_index(settings=settings, lessons=lessons)
    except (OSError, InvalidInput) as exc:
        print(f"warning: no lesson assignments for this import: {exc}", file=sys.stderr)
        return None
    return AutoAssigner(index, repeat_after_days=settings.lesson_repeat_after_days)


def run(args: argparse.Namespace) -> int:
    try:
        settings = get_settings()
        engine = create_db_engine(settings.sqlalchemy_url)
    except (ConfigError, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, settings, engine)
    finally:
        engine.dispose()


def _run(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    try:
        migrate(engine)
        metadata = read_metadata_csv(args.metadata) if args.metadata else {}
        if args.agent:
            _check_agent(engine, args.agent)
        files = collect_audio_files(args.paths)
        score = AutoQA(scorecard=args.scorecard, embedding_model=settings.embedding_model)
    except (InvalidInput, ScorecardError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    options = IngestOptions(
        agent_email=args.agent,
        agent_channel=settings.agent_channel if args.agent_channel is None else args.agent_channel,
        max_duration=settings.max_call_minutes * 60,
        silence_threshold=settings.silence_threshold_seconds,
        store_unredacted=settings.store_unredacted_transcripts,
    )
    transcriber = get_transcriber(settings.whisper_model, settings.cpu_threads)
    bar = ProgressBar(len(files), unit="files")
    minutes = 0.0

    def progress(outcome: FileOutcome, done: int, _total: int) -> None:
        nonlocal minutes
        minutes += outcome.audio_seconds / 60
        note = outcome.error if outcome.status == "failed" else outcome.status
        bar.update(done, f"{minutes:.1f} audio min  {outcome.path.name}: {note}")

    summary = ingest(
        engine=engine,
        paths=files,
        transcribe=lambda path, channel: transcriber.transcribe(path, agent_channel=channel),
        options=options,
        now=utcnow,
        metadata=metadata,
        score=score,
        on_evaluated=_assigner(settings),
        progress=progress,
    )
    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        print(
            f"{summary.count('imported')} imported, {summary.count('duplicate')} already there, "
            f"{len(summary.failed)} failed"
        )
        for outcome in summary.failed:
            print(f"  failed: {outcome.path}: {outcome.error}")
    return 1 if summary.failed else 0
