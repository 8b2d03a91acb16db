"""Practice calls (demo and microphone live calls) count nowhere until a lead keeps one."""

from __future__ import annotations

import pytest
from sqlmodel import select

from analytics.conversation_search import SearchMode, search_segments
from analytics.facts import DashboardFilter, call_facts
from core.calls import keep_as_real_call
from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent, Evaluation, Speaker
from qa.checks import Result
from qa.evaluations import official_scores
from qa.ingest import CallMetadata, IngestOptions, ingest
from qa.review import review_queue
from qa.scoring import CriterionResult, EvaluationResult
from tests.analytics.test_conversation_search import say
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW
from tests.qa.conftest import STEREO_OPUS, fake_transcript


@pytest.fixture
def practice(session, people):
    """a1's real call and a practice call, both failing empathy, both saying "supervisor"."""
    real = call_on(session, people["a1"], days_ago(2), failed=["empathy"])
    drill = call_on(session, people["a1"], days_ago(1), failed=["empathy"])
    drill.practice = True
    session.add(drill)
    session.commit()
    for call in (real, drill):
        say(session, call, (Speaker.CUSTOMER, "Get me a supervisor, please."))
    return real, drill


def test_a_practice_call_counts_in_no_score_dashboard_queue_or_search(session, people, practice):
    real, drill = practice
    lead = people["lead"]
    facts = call_facts(session=session, viewer=lead, filters=DashboardFilter())
    assert [f.call_id for f in facts] == [real.id]
    assert [
        c.id for c, _ in official_scores(session=session, viewer=lead, agent_id=real.agent_id)
    ] == [real.id]
    queue = review_queue(session=session, viewer=people["reviewer"], random_share=1.0)
    assert drill.id not in [item.call.id for item in queue]
    hits = search_segments(session=session, viewer=lead, query="supervisor", mode=SearchMode.WORDS)
    assert [hit.call_id for hit in hits] == [real.id]


def test_a_lead_keeps_a_practice_call_as_real_and_its_lessons_are_assigned(
    session, people, practice
):
    _, drill = practice
    kept = []
    keep_as_real_call(
        session=session,
        actor=people["lead"],
        call_id=drill.id,
        now=NOW,
        on_kept=lambda s, evaluation, now: kept.append(evaluation.call_id),
    )
    assert not drill.practice and kept == [drill.id]
    facts = call_facts(session=session, viewer=people["lead"], filters=DashboardFilter())
    assert drill.id in [f.call_id for f in facts]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "keep_as_real")).one()
    assert (event.entity_id, event.after) == (drill.id, {"practice": False})
    with pytest.raises(InvalidInput, match="already a real call"):
        keep_as_real_call(session=session, actor=people["lead"], call_id=drill.id, now=NOW)


def test_only_a_lead_or_admin_in_scope_keeps_a_practice_call(session, people, practice):
    _, drill = practice
    for who in ("a1", "reviewer", "lead_b"):
        with pytest.raises(NotAllowed):
            keep_as_real_call(session=session, actor=people[who], call_id=drill.id, now=NOW)
    session.refresh(drill)
    assert drill.practice


def _failing_empathy(transcript, metrics, team_scorecard) -> EvaluationResult:
    return EvaluationResult(
        scorecard="default",
        scorecard_version="1-test",
        score=80.0,
        auto_fail=False,
        needs_review=False,
        criteria=(CriterionResult("empathy", Result.FAIL, 0.9, (), "no empathy"),),
    )


@pytest.mark.parametrize("practice", [True, False])
def test_an_imported_practice_recording_is_scored_but_assigns_no_lessons(
    engine, session, people, practice
):
    evaluated = []
    summary = ingest(
        engine=engine,
        paths=[STEREO_OPUS],
        transcribe=fake_transcript,
        options=IngestOptions(),
        now=lambda: NOW,
        metadata={
            STEREO_OPUS.name: CallMetadata(agent_email=people["a1"].email, practice=practice)
        },
        score=_failing_empathy,
        on_evaluated=lambda s, evaluation, now: evaluated.append(evaluation.call_id),
    )
    call_id = summary.outcomes[0].call_id
    assert session.exec(select(Evaluation.call_id)).all() == [call_id]  # scored either way
    assert evaluated == ([] if practice else [call_id])
