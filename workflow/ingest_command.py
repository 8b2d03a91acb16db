"""`python -m workflow ingest PATH...`: import recordings (idempotent): transcribe, score, assign
lessons and store them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from core.audit import record_event
from core.calls import recording_file
from core.cli import run_with_database
from core.config import Settings
from core.db import migrate
from core.errors import InvalidInput
from core.models import User, utcnow
from core.progress import ProgressBar, progress_callback
from index.segment_index import open_segment_index, sync_segment_index
from qa.ingest import (
    FileOutcome,
    IngestOptions,
    collect_audio_files,
    failed_imports,
    ingest,
    read_metadata_csv,
)
from qa.scorecard import ScorecardError, load_scorecard
from workflow.pipeline import build_pipeline

__all__ = ["check_agent", "register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="import recordings into the database",
        description="Import audio files and folders (recursive). A file already imported is "
        "skipped; a bad file is recorded with its error and the rest go on.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="also import again every failed import whose recording is still on disk",
    )
    parser.add_argument("--agent", metavar="EMAIL", help="agent of files the metadata omits")
    parser.add_argument("--agent-channel", type=int, choices=(0, 1))
    parser.add_argument(
        "--metadata", type=Path, metavar="CSV", help="filename,agent_email,started_at,csat"
    )
    parser.add_argument(
        "--scorecard",
        help="scorecard name or file for auto-QA of every file (default: the agent's team's)",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this process (default); ray: workers on a Ray cluster",
    )
    parser.add_argument(
        "--address", help="Ray cluster to join (e.g. ray://head:10001); default: start one here"
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", help="Ray workers (default: CPUs / CPU_THREADS)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    parser.set_defaults(run=run)


def check_agent(engine, email: str) -> None:
    """Refuse an --agent email no user has."""
    with Session(engine) as session:
        query = select(User).where(func.lower(User.email) == email.strip().lower())
        if session.exec(query).first() is None:
            raise InvalidInput(f"--agent: there is no user with email {email}")


def _failed_imports(engine: Engine) -> tuple[list[Path], list[FileOutcome]]:
    """The recordings of failed imports to import again (each retry audited), and the failed
    imports whose recording is no longer on disk."""
    retry, gone = [], []
    with Session(engine) as session:
        for call in failed_imports(session=session):
            path = recording_file(call)
            if not path.is_file():
                error = "the recording is no longer on disk; delete the call on the Calls page"
                gone.append(FileOutcome(path, "failed", call_id=call.id, error=error))
                continue
            retry.append(path)
            record_event(
                session=session,
                actor=None,
                action="call.retry_import",
                entity="call",
                entity_id=call.id,
                now=utcnow(),
                before={"error": call.error},
                after={"by": "python -m workflow ingest --retry-failed"},
            )
        session.commit()
    return retry, gone


def run(args: argparse.Namespace) -> int:
    return run_with_database(lambda settings, engine: _run(args, settings, engine))


def _run(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    try:
        if args.workers is not None and args.workers < 1:
            raise InvalidInput("--workers must be at least 1")
        if args.engine == "local" and (args.address or args.workers):
            raise InvalidInput("--address and --workers go with --engine ray")
        migrate(engine)
        metadata = read_metadata_csv(args.metadata) if args.metadata else {}
        if args.agent:
            check_agent(engine, args.agent)
        if not args.paths and not args.retry_failed:
            raise InvalidInput("give the files or folders to import, or --retry-failed")
        files = collect_audio_files(args.paths)
        gone: list[FileOutcome] = []
        if args.retry_failed:
            retry, gone = _failed_imports(engine)
            files = list(dict.fromkeys(files + retry))
        if args.scorecard:
            load_scorecard(args.scorecard)  # refused here, before any model loads
    except (InvalidInput, ScorecardError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    choices = {} if args.agent_channel is None else {"agent_channel": args.agent_channel}
    options = IngestOptions.from_settings(settings, agent_email=args.agent, **choices)
    bar = ProgressBar(len(files), unit="files")
    minutes = 0.0

    segments = open_segment_index(settings=settings)

    def progress(outcome: FileOutcome, done: int, _total: int) -> None:
        nonlocal minutes
        minutes += outcome.audio_seconds / 60
        note = outcome.error if outcome.status in ("failed", "busy") else outcome.status
        bar.update(done, f"{minutes:.1f} audio min  {outcome.path.name}: {note}")
        if outcome.status == "imported":  # searchable as soon as it is stored
            sync_segment_index(engine=engine, index=segments, warn=warn)

    def warn(message: str) -> None:
        print(f"warning: {message}", file=sys.stderr)

    if args.engine == "ray":
        from workflow.ray_ingest import RayOptions, ingest_on_ray

        ray_options = RayOptions(
            address=args.address, workers=args.workers, scorecard=args.scorecard
        )
        try:
            summary = ingest_on_ray(
                files=files,
                settings=settings,
                options=options,
                ray_options=ray_options,
                metadata=metadata,
                progress=progress,
                warn=warn,
            )
        except ConnectionError as exc:
            print(f"error: cannot reach the Ray cluster: {exc}", file=sys.stderr)
            return 2
    else:
        pipeline = build_pipeline(settings, scorecard=args.scorecard, engine=engine)
        if pipeline.warning:
            warn(pipeline.warning)
        summary = ingest(
            engine=engine,
            paths=files,
            transcribe=pipeline.transcribe,
            options=options,
            now=utcnow,
            metadata=metadata,
            score=pipeline.score,
            on_evaluated=pipeline.on_evaluated,
            progress=progress,
        )
    sync_segment_index(
        engine=engine,
        index=segments,
        warn=warn,
        on_progress=progress_callback("segments indexed for search"),
    )
    summary.outcomes += gone
    if args.json:
        print(json.dumps(summary.to_dict()))
    else:
        print(
            f"{summary.count('imported')} imported, {summary.count('duplicate')} already there, "
            f"{summary.count('busy')} being imported by another run, {len(summary.failed)} failed"
        )
        for outcome in summary.failed:
            print(f"  failed: {outcome.path}: {outcome.error}")
    return 1 if summary.failed else 0
