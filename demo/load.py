"""Load the demo team, users and recordings into the configured database (idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import PROJECT_ROOT, Settings
from core.demo import DEMO_USERS, load_demo_organisation
from demo.coaching import CoachingSeed, seed_coaching
from demo.learning import LearningHistory, LearningSeed
from demo.quality import QualitySeed, assign_demo_lessons, seed_quality_workflow
from demo.targets import seed_targets
from qa.ingest import (
    EvaluatedHook,
    FileOutcome,
    IngestOptions,
    IngestSummary,
    Scorer,
    ingest,
    read_metadata_csv,
)
from qa.transcript import Transcript

__all__ = ["DEMO_CALLS_DIR", "DemoLoad", "load_demo"]

DEMO_CALLS_DIR = PROJECT_ROOT / "data" / "demo" / "calls"
DEMO_ADMIN = next(person.email for person in DEMO_USERS if person.role == "admin")


# What one run of the demo loader added.
@dataclass
class DemoLoad:
    users_created: int
    calls: IngestSummary
    quality: QualitySeed = QualitySeed(0, 0, 0)
    assignments: int = 0
    coaching: CoachingSeed | None = None
    learning: LearningSeed | None = None


def load_demo(
    *,
    engine: Engine,
    settings: Settings,
    transcribe: Callable[[Path, int], Transcript],
    now: Callable[[], datetime],
    score: Scorer | None = None,
    assign: EvaluatedHook | None = None,
    progress: Callable[[FileOutcome, int, int], None] = lambda _o, _d, _t: None,
) -> DemoLoad:
    """Create the demo organisation and import the demo recordings; safe to run again (calls
    already imported are skipped). With a scorer, the calls are scored and the QA workflow is
    seeded once: reviews, disputes and calibration sessions. With `assign`, each agent gets
    lessons for the failed criteria of their calls, and most have done some of them since
    (`demo.learning`)."""
    with Session(engine) as session:
        users = load_demo_organisation(session=session, password=settings.demo_password, now=now())
    seed_targets(engine=engine, admin_email=DEMO_ADMIN, now=now())
    summary = ingest(
        engine=engine,
        paths=[DEMO_CALLS_DIR],
        transcribe=transcribe,
        options=IngestOptions.from_settings(settings, agent_channel=0),
        now=now,
        metadata=read_metadata_csv(DEMO_CALLS_DIR.parent / "calls.csv"),
        score=score,
        progress=progress,
    )
    quality = (
        seed_quality_workflow(engine=engine, now=now(), random_share=settings.review_random_share)
        if score
        else QualitySeed(0, 0, 0)
    )
    # The agents' learning is played between the assignments, so each call's lessons are
    # assigned knowing what the agent had done by then.
    history = LearningHistory(engine=engine, settings=settings) if assign else None
    assigned = (
        assign_demo_lessons(engine=engine, assign=history.wrap(assign), now=now()) if history else 0
    )
    learning = history.finish(engine=engine, now=now()) if history else None
    coaching = seed_coaching(engine=engine, now=now()) if score else None
    return DemoLoad(
        users_created=len(users),
        calls=summary,
        quality=quality,
        assignments=assigned,
        coaching=coaching,
        learning=learning,
    )
