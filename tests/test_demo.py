import re
from collections import Counter

import pytest
from sqlmodel import Session, func, select

from core.auth import authenticate
from core.config import Settings
from core.db import create_db_engine
from core.demo import DEMO_USERS
from core.models import Call, CallStatus, Channel, Role, Segment, User
from demo.load import DEMO_CALLS_DIR, load_demo
from qa.redact import TAG
from qa.spoken import code_runs, spoken_dates
from qa.transcribe import loop_reason
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA, fake_transcript


def test_the_demo_loads_once_and_every_demo_user_can_sign_in(engine, tmp_path):
    settings = Settings(data_dir=tmp_path)
    first = load_demo(engine=engine, settings=settings, transcribe=fake_transcript, now=lambda: NOW)
    second = load_demo(
        engine=engine, settings=settings, transcribe=fake_transcript, now=lambda: NOW
    )

    recordings = [p for p in DEMO_CALLS_DIR.iterdir() if p.suffix in {".opus", ".flac"}]
    assert len(recordings) >= 12
    assert first.users_created == 9 and first.calls.count("imported") == len(recordings)
    assert first.calls.failed == []
    assert second.users_created == 0 and second.calls.count("duplicate") == len(recordings)
    written = first.conversations
    assert written.count("imported") >= 20 and written.failed == []
    assert second.conversations.count("duplicate") == written.count("imported")

    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Call)).one()
        assert stored == len(recordings) + written.count("imported")
        roles = [u.role for u in session.exec(select(User))]
        assert roles.count(Role.AGENT) == 6
        for person in DEMO_USERS:
            authenticate(session=session, email=person.email, password=settings.demo_password)
        calls = session.exec(select(Call)).all()
    assert all(c.agent_id and c.status == CallStatus.DONE for c in calls)
    assert all(c.csat for c in calls if c.channel == Channel.CALL)
    channels = Counter(str(c.channel) for c in calls)
    assert channels["chat"] >= 5 and channels["email"] >= 5 and channels["social"] >= 5
    assert sum(c.csat is not None for c in calls if c.channel != Channel.CALL) >= 20


def test_the_scored_demo_gets_reviews_disputes_and_calibrations_once(engine, tmp_path):
    from core.models import CalibrationSession, Dispute, DisputeStatus, Evaluation
    from qa.scoring import CriterionResult, EvaluationResult, Result

    def score(transcript, metrics, team_scorecard):
        # Auto-QA stand-in: every criterion passes except closing, so there is something to
        # dispute; the seeded reviews then use the calls' hand labels.
        return EvaluationResult(
            scorecard="default",
            scorecard_version="1",
            score=90.0,
            auto_fail=False,
            needs_review=False,
            criteria=tuple(
                CriterionResult(c, Result.FAIL if c == "closing" else Result.PASS, 0.9, (), "")
                for c in DEFAULT_CRITERIA
            ),
        )

    assigned = []

    def assign(session, evaluation, now):
        # Lesson assignment stand-in: one per official evaluation, recorded like the real one.
        from core.models import Assignment

        call = session.get(Call, evaluation.call_id)
        made = Assignment(
            agent_id=call.agent_id,
            lesson_id=f"lesson-{call.id}",
            source="auto",
            reason="x",
            evaluation_id=evaluation.id,
            created_at=now,
            due_at=now,
        )
        session.add(made)
        assigned.append(evaluation)
        return [made]

    settings = Settings(data_dir=tmp_path)
    kwargs = {"engine": engine, "settings": settings, "transcribe": fake_transcript}
    first = load_demo(now=lambda: NOW, score=score, assign=assign, **kwargs)
    second = load_demo(now=lambda: NOW, score=score, assign=assign, **kwargs)
    assert (first.quality.reviews, first.quality.disputes, first.quality.calibrations) == (6, 2, 2)
    assert first.quality.handed_out == 4  # queued calls Lena gave Raj
    assert (second.quality.reviews, second.quality.disputes) == (0, 0)
    # Every call's official evaluation (the human one where reviewed), once.
    assert first.assignments == 16 and second.assignments == 0
    assert sum(e.source == "human" for e in assigned) == 6
    with Session(engine) as session:
        statuses = sorted(d.status for d in session.exec(select(Dispute)))
        assert statuses == [DisputeStatus.OPEN, DisputeStatus.REJECTED]
        closed = [c.closed_at is not None for c in session.exec(select(CalibrationSession))]
        assert sorted(closed) == [False, True]
        humans = session.exec(select(Evaluation).where(Evaluation.source == "human")).all()
        assert len(humans) == 6


@pytest.mark.model
def test_no_demo_transcript_holds_a_decoding_loop(demo_data):
    engine = create_db_engine(Settings(data_dir=demo_data, database_url="").sqlalchemy_url)
    try:
        with Session(engine) as session:
            segments = session.exec(select(Segment)).all()
    finally:
        engine.dispose()
    assert len(segments) > 150
    assert [s.text for s in segments if loop_reason(s.text)] == []


# The personal data the demo customers say (data/demo/references): their streets, a security
# answer; dates of birth, account numbers and postcodes are found by their shape.
DEMO_PERSONAL_WORDS = (
    "Buttons",
    "Orchard",
    "Mill Street",
    "Park Avenue",
    "Station Road",
)


@pytest.mark.model
def test_no_demo_transcript_holds_a_date_of_birth_postcode_address_account_or_answer(demo_data):
    engine = create_db_engine(Settings(data_dir=demo_data, database_url="").sqlalchemy_url)
    try:
        with Session(engine) as session:
            texts = [s.text for s in session.exec(select(Segment)).all()]
    finally:
        engine.dispose()
    left = []
    for text in texts:
        plain = TAG.sub(" ", text)
        found = [w for w in DEMO_PERSONAL_WORDS if w.lower() in plain.lower()]
        found += [plain[d.start : d.end] for d in spoken_dates(plain) if d.year and d.year < 2010]
        # A decimal ("gas 12078.2", a meter reading in a written conversation) is a measure.
        found += [
            plain[r.start : r.end]
            for r in code_runs(plain)
            if len(r.chars) >= 6 and not re.fullmatch(r"\d+\.\d+", plain[r.start : r.end])
        ]
        left += [f"{piece!r} in {text!r}" for piece in found]
    assert not left, "\n".join(left)
