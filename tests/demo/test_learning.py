"""The demo's learning history, loaded with stand-ins for Whisper, auto-QA and the lesson index
(auto-QA gives the calls' hand labels; each failed criterion has one lesson)."""

import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from core.config import Settings
from core.models import Assignment, Call, Evaluation, LessonAttempt, ReviewLog, User
from demo.learning import STRETCH_LESSONS, LearningSeed
from demo.load import load_demo
from demo.quality import REFERENCES_DIR
from qa.scoring import CriterionResult, EvaluationResult, Result
from tests.conftest import NOW
from tests.qa.conftest import fake_transcript
from training.assignments import CriterionFocus, assign_from_evaluation
from training.matcher import LessonRecommendation
from training.reviews import learning_activity
from training.streaks import learning_streak

LESSON_FOR = {
    "greeting": "introduce-yourself-by-name",
    "recording_disclosure": "mention-call-recording",
    "verification": "verify-identity-before-account-details",
    "empathy": "name-the-feeling",
    "hold_etiquette": "ask-permission-before-hold",
    "resolution": "give-reference-number-and-timeframe",
    "closing": "offer-further-help-before-ending",
    "professionalism": "avoid-blame-and-dismissive-phrases",
    "dead_air": "avoid-dead-air-by-narrating",
    "overtalk": "dont-interrupt-or-talk-over-the-customer",
}


def labelled_score(transcript, metrics, team_scorecard):
    labels = json.loads((REFERENCES_DIR / f"{Path(transcript.source).stem}.json").read_text())
    return EvaluationResult(
        scorecard="default",
        scorecard_version="1",
        score=80.0,
        auto_fail=False,
        needs_review=False,
        criteria=tuple(
            CriterionResult(c, Result(r), 0.9, (), "") for c, r in labels["labels"].items()
        ),
    )


def recommend(spots, skip):
    found = [(s.source, LESSON_FOR[s.source.removeprefix("criterion:")]) for s in spots]
    return [
        LessonRecommendation(lesson, lesson, 1.0, "", source)
        for source, lesson in found
        if lesson not in skip
    ]


def assign(session, evaluation, now):
    criteria = {c: CriterionFocus(c, "", ()) for c in LESSON_FOR}
    return assign_from_evaluation(
        session=session,
        evaluation=evaluation,
        criteria=criteria,
        recommend=recommend,
        now=now,
        repeat_after_days=14,
    )


def test_the_demo_agents_learn_between_their_calls_once(engine, tmp_path):
    kwargs = {
        "engine": engine,
        "settings": Settings(data_dir=tmp_path),
        "transcribe": fake_transcript,
        "score": labelled_score,
        "assign": assign,
        "now": lambda: NOW,
    }
    first = load_demo(**kwargs)
    with Session(engine) as session:
        counts = [
            len(session.exec(select(t)).all()) for t in (Assignment, LessonAttempt, ReviewLog)
        ]
    second = load_demo(**kwargs)

    assert first.learning.completed >= 8 and first.learning.started >= 2
    assert first.learning.reviews > first.learning.completed
    assert second.learning == LearningSeed(0, 0, 0) and second.assignments == 0
    with Session(engine) as session:
        again = [len(session.exec(select(t)).all()) for t in (Assignment, LessonAttempt, ReviewLog)]
        assert again == counts
        people = {u.email.split(".")[0]: u for u in session.exec(select(User))}
        assignments = session.exec(select(Assignment).order_by(Assignment.id)).all()
        from_calls = [a for a in assignments if a.evaluation_id is not None]
        call_of = {
            a.id: session.get(Call, session.get(Evaluation, a.evaluation_id).call_id)
            for a in from_calls
        }
        attempts = session.exec(select(LessonAttempt)).all()
        amara_activity = learning_activity(session=session, agent=people["amara"])
    # Each call's lessons were assigned half an hour after the call, due a week after that.
    assert len(from_calls) >= 10
    for a in from_calls:
        assert a.created_at == call_of[a.id].started_at + timedelta(minutes=30)
        assert a.due_at == a.created_at + timedelta(days=7)
    # Lessons are done after they were assigned, before the demo's "now".
    done = [a for a in assignments if a.completed_at is not None]
    assert done and all(a.created_at < a.completed_at < NOW for a in done)
    # A lesson done more than two weeks before a later failed call is assigned again for it.
    assert any(
        a.lesson_id == b.lesson_id and a.agent_id == b.agent_id and a.completed_at < b.created_at
        for a in done
        for b in from_calls
    )
    # Farah has done nothing; Ella opened a lesson and left it; Amara learns every day now,
    # with Lena's three extra lessons.
    assert not [t for t in attempts if t.agent_id == people["farah"].id]
    ella = [t for t in attempts if t.agent_id == people["ella"].id]
    assert len(ella) == 1 and ella[0].completed_at is None
    extra = [a for a in assignments if a.assigned_by_id == people["lena"].id]
    assert sorted(a.lesson_id for a in extra) == sorted(STRETCH_LESSONS)
    assert all(a.agent_id == people["amara"].id and a.completed_at for a in extra)
    streak = learning_streak(activity=amara_activity, now=NOW, tz=people["amara"].time_zone)
    assert streak.current >= 4
