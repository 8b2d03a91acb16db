"""Stored evaluations: auto-QA results written with the transcript, read in the viewer's scope."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from core.calls import get_call
from core.models import CriterionScore, Evaluation, EvaluationSource, User
from qa.scoring import EvaluationResult

__all__ = ["add_auto_evaluation", "criterion_scores", "latest_evaluation"]


def add_auto_evaluation(
    *, session: Session, call_id: int, result: EvaluationResult, now: datetime
) -> Evaluation:
    """Add the auto-QA evaluation of a call to `session`; the caller commits it with the
    transcript, so a call is never shown as done without its score."""
    evaluation = Evaluation(
        call_id=call_id,
        source=EvaluationSource.AUTO,
        scorecard=result.scorecard,
        scorecard_version=result.scorecard_version,
        score=result.score,
        auto_fail=result.auto_fail,
        needs_review=result.needs_review,
        created_at=now,
    )
    session.add(evaluation)
    session.flush()
    for criterion in result.criteria:
        session.add(
            CriterionScore(
                evaluation_id=evaluation.id,
                criterion_id=criterion.criterion_id,
                result=str(criterion.result),
                confidence=criterion.confidence,
                evidence=[e.to_dict() for e in criterion.evidence],
                reason=criterion.reason,
            )
        )
    return evaluation


def latest_evaluation(*, session: Session, viewer: User, call_id: int) -> Evaluation | None:
    """The call's official evaluation: the newest human one, else the newest auto-QA one.

    Raises:
        NotFound, NotAllowed: as `core.calls.get_call`.
    """
    get_call(session=session, viewer=viewer, call_id=call_id)
    query = (
        select(Evaluation)
        .where(Evaluation.call_id == call_id)
        .order_by(
            col(Evaluation.source) == EvaluationSource.AUTO,  # human first
            col(Evaluation.created_at).desc(),
            col(Evaluation.id).desc(),
        )
    )
    return session.exec(query).first()


def criterion_scores(*, session: Session, evaluation: Evaluation) -> list[CriterionScore]:
    """The per-criterion results of an evaluation the caller already obtained in scope."""
    query = select(CriterionScore).where(CriterionScore.evaluation_id == evaluation.id)
    return list(session.exec(query.order_by(CriterionScore.id)))
