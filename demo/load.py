"""Load the demo team, users, recordings and written conversations into the configured database
(idempotent)."""

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
from qa.conversation_formats import read_conversations
from qa.conversation_import import ConversationSummary, import_conversations
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

__all__ = ["DEMO_CALLS_DIR", "DEMO_CONVERSATIONS", "DemoLoad", "load_demo"]

DEMO_CALLS_DIR = PROJECT_ROOT / "data" / "demo" / "calls"
# Chats, emails and social media threads with Northwind Energy's customers (Callcoach JSON).
DEMO_CONVERSATIONS = PROJECT_ROOT / "data" / "demo" / "conversations.json"
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
    conversations: ConversationSummary | None = None


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
    """Create the demo organisation and import the demo recordings, then its written
    conversations; safe to run again (what is already imported is skipped). With a scorer, the
    calls and conversations are scored and the QA workflow is seeded once: reviews, disputes and
    calibration sessions. With `assign`, each agent gets lessons for the failed criteria of their
    calls, and most have done some of them since (`demo.learning`), and for those of their
    conversations."""
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
    read = read_conversations(DEMO_CONVERSATIONS.read_text(encoding="utf-8"), csv_file=False)
    conversations = import_conversations(
        engine=engine,
        items=[(DEMO_CONVERSATIONS.name, item) for item in read],
        now=now,
        score=score,
        on_evaluated=assign,
    )
    return DemoLoad(
        users_created=len(users),
        calls=summary,
        quality=quality,
        assignments=assigned,
        coaching=coaching,
        learning=learning,
        conversations=conversations,
    )
