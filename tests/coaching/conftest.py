"""Helpers for the coaching tests: an agent's scored calls on chosen days."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlmodel import Session

from core.calls import register_call
from core.models import (
    Call,
    CallStatus,
    CriterionScore,
    Evaluation,
    EvaluationSource,
    User,
)
from tests.conftest import NOW
from tests.qa.conftest import DEFAULT_CRITERIA

_numbers = iter(range(1, 1_000_000))


def call_on(
    session: Session,
    agent: User,
    when: datetime,
    *,
    failed: Collection[str] = (),
    na: Collection[str] = (),
    at: float = 12.0,
) -> Call:
    """A done call of `agent` started `when`, auto-scored on the default scorecard: `failed`
    criteria fail (their evidence starts `at` seconds in), `na` do not apply, the rest pass."""
    number = next(_numbers)
    call = register_call(
        session=session,
        recording_path=f"coaching-{number}.opus",
        sha256=f"c{number:063d}",
        agent_id=agent.id,
        started_at=when,
        now=when,
    )
    call.status, call.duration = CallStatus.DONE, 120.0
    evaluation = Evaluation(
        call_id=call.id,
        source=EvaluationSource.AUTO,
        scorecard="default",
        scorecard_version="1+test",
        score=100.0 * (1 - len(failed) / len(DEFAULT_CRITERIA)),
        auto_fail=False,
        needs_review=False,
        created_at=when,
    )
    session.add(evaluation)
    session.flush()
    for criterion in DEFAULT_CRITERIA:
        result = "fail" if criterion in failed else "na" if criterion in na else "pass"
        session.add(
            CriterionScore(
                evaluation_id=evaluation.id,
                criterion_id=criterion,
                result=result,
                confidence=0.9,
                evidence=[{"start": at, "end": at + 3, "speaker": "agent", "text": "Okay."}],
            )
        )
    session.commit()
    return call


def days_ago(days: float) -> datetime:
    """`days` before the tests' fixed now (Monday 23 Nov 2026, 09:30 UTC)."""
    return NOW - timedelta(days=days)
