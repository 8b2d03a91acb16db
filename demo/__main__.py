"""`python -m demo`: load the demo organisation and transcribe its calls (run by `make run`)."""

from __future__ import annotations

import sys

from sqlalchemy.engine import Engine

from core.cli import run_with_database
from core.config import Settings
from core.db import migrate
from core.errors import InvalidInput
from core.models import utcnow
from core.progress import ProgressBar, progress_callback
from demo.load import load_demo
from index.segment_index import open_segment_index, sync_segment_index
from qa.ingest import FileOutcome
from workflow.pipeline import build_pipeline


def main() -> int:
    return run_with_database(_load)


def _load(settings: Settings, engine: Engine) -> int:
    migrate(engine)
    pipeline = build_pipeline(settings, engine=engine)
    if pipeline.warning:
        print(f"warning: {pipeline.warning}", file=sys.stderr)
    bar: ProgressBar | None = None

    def progress(outcome: FileOutcome, done: int, total: int) -> None:
        nonlocal bar
        bar = bar or ProgressBar(total, unit="demo calls")
        bar.update(done, f"{outcome.path.name}: {outcome.error or outcome.status}")

    try:
        result = load_demo(
            engine=engine,
            settings=settings,
            transcribe=pipeline.transcribe,
            now=utcnow,
            score=pipeline.score,
            assign=pipeline.on_evaluated,
            progress=progress,
        )
    except InvalidInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sync_segment_index(
        engine=engine,
        index=open_segment_index(settings=settings),
        warn=lambda message: print(f"warning: {message}", file=sys.stderr),
        on_progress=progress_callback("segments indexed for search"),
    )
    calls = result.calls
    print(
        f"Demo organisation ready: {result.users_created} users created; calls: "
        f"{calls.count('imported')} imported, {calls.count('duplicate')} already there, "
        f"{len(calls.failed)} failed."
    )
    if result.conversations is not None:
        written = result.conversations
        print(
            f"Written conversations: {written.count('imported')} imported, "
            f"{written.count('duplicate')} already there, {len(written.failed)} failed."
        )
        for outcome in written.failed:
            print(f"  failed: {outcome.source}: {outcome.error}", file=sys.stderr)
    quality = result.quality
    if quality.reviews or quality.disputes or quality.calibrations:
        print(
            f"QA workflow: {quality.reviews} reviews, {quality.disputes} disputes and "
            f"{quality.calibrations} calibration sessions added; {quality.handed_out} queued "
            "calls handed to Raj."
        )
    if result.assignments:
        print(f"Lessons assigned from the demo calls' failed criteria: {result.assignments}.")
    if result.learning and (result.learning.completed or result.learning.reviews):
        print(
            f"Learning history: {result.learning.completed} lessons completed, "
            f"{result.learning.started} started, {result.learning.reviews} reviews answered."
        )
    if result.coaching and (result.coaching.notes or result.coaching.sessions):
        print(
            f"Coaching: {result.coaching.notes} monitoring notes and "
            f"{result.coaching.sessions} coaching session added."
        )
    for outcome in calls.failed:
        print(f"  failed: {outcome.path.name}: {outcome.error}", file=sys.stderr)
    return 1 if calls.failed else 0


if __name__ == "__main__":
    sys.exit(main())
