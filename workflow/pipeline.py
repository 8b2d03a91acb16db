"""What an import runs on each file, built once from the settings: Whisper, auto-QA and lesson
assignments (shared by the command line, the Ray workers and the demo loader)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings
from core.errors import InvalidInput
from qa.autoqa import AutoQA, configured_judge
from qa.ingest import EvaluatedHook, Scorer
from qa.learning import learned_recalibrations
from qa.transcribe import TranscribeOptions, get_transcriber
from qa.transcript import Transcript
from training.assignments import AutoAssigner
from training.lesson_index import open_lesson_index
from training.lessons import load_library

__all__ = ["ImportPipeline", "build_pipeline"]


# The three steps of importing a file, with the models behind them loaded.
@dataclass
class ImportPipeline:
    transcribe: Callable[[Path, int], Transcript]
    score: Scorer
    # Assigns lessons for failed criteria; None when the lesson library is unusable.
    on_evaluated: EvaluatedHook | None
    # Why there are no lesson assignments, to tell the user; None when there are.
    warning: str | None = None


def build_pipeline(
    settings: Settings,
    *,
    scorecard: str | None = None,
    cpu_threads: int | None = None,
    engine: Engine | None = None,
) -> ImportPipeline:
    """Load the models an import needs.

    Args:
        settings: models, lesson library and limits.
        scorecard: score every call against this scorecard instead of its team's.
        cpu_threads: Whisper threads, when not the setting (a Ray worker's share of a node).
        engine: the database whose reviewed calls auto-QA learns from (setting
            LEARN_FROM_REVIEWS); None learns nothing.

    Raises:
        ScorecardError: `scorecard` is unknown or malformed.
        ModelError, JudgeError: QA_JUDGE is 'hybrid' and its model cannot be loaded.
    """
    recalibrations = {}
    if engine is not None and settings.learn_from_reviews:
        with Session(engine) as session:
            recalibrations = learned_recalibrations(session=session)
    score = AutoQA(
        scorecard=scorecard,
        embedding_model=settings.embedding_model,
        judge=configured_judge(settings),
        recalibrations=recalibrations,
    )
    transcriber = get_transcriber(
        settings.whisper_model,
        cpu_threads or settings.cpu_threads,
        TranscribeOptions.from_settings(settings),
    )
    assigner, warning = None, None
    try:
        lessons = load_library(settings.lessons_dir).lessons
        if not lessons:
            raise OSError(f"no lessons in {settings.lessons_dir}")
        index = open_lesson_index(settings=settings, lessons=lessons)
        assigner = AutoAssigner(index, repeat_after_days=settings.lesson_repeat_after_days)
    except (OSError, InvalidInput) as exc:
        warning = f"no lesson assignments for this import: {exc}"
    return ImportPipeline(
        transcribe=lambda path, channel: transcriber.transcribe(path, agent_channel=channel),
        score=score,
        on_evaluated=assigner,
        warning=warning,
    )
