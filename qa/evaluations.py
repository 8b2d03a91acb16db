"""Stored evaluations: auto-QA results written with the transcript, read in the viewer's scope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.calls import calls_scope, counted_calls, get_call
from core.models import Call, CriterionScore, Evaluation, EvaluationSource, Role, User
from core.people import require_role
from qa.scorecard import Scorecard
from qa.scoring import EvaluationResult, Result, overall_score

__all__ = [
    "ReviewDecision",
    "add_auto_evaluation",
    "add_human_evaluation",
    "criterion_scores",
    "latest_auto_evaluation",
    "latest_evaluation",
    "official_scores",
    "reviewed_calls",
    "reviewed_pairs",
    "scores_by_evaluation",
]


# A person's verdict on one criterion: confirm the result they were shown or override it.
@dataclass(frozen=True)
class ReviewDecision:
    criterion_id: str
    result: Result
    comment: str | None = None


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


@audit_refusals
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


def latest_auto_evaluation(*, session: Session, call_id: int) -> Evaluation | None:
    """The newest auto-QA evaluation of a call the caller already opened in scope."""
    query = (
        select(Evaluation)
        .where(Evaluation.call_id == call_id, Evaluation.source == EvaluationSource.AUTO)
        .order_by(col(Evaluation.id).desc())
    )
    return session.exec(query).first()


def scores_by_evaluation(
    *, session: Session, evaluation_ids: Sequence[int]
) -> dict[int, dict[str, CriterionScore]]:
    """The per-criterion results of evaluations the caller already obtained in scope, by
    evaluation id and criterion."""
    rows = session.exec(
        select(CriterionScore).where(col(CriterionScore.evaluation_id).in_(evaluation_ids))
    )
    by_evaluation: dict[int, dict[str, CriterionScore]] = {}
    for row in rows:
        by_evaluation.setdefault(row.evaluation_id, {})[row.criterion_id] = row
    return by_evaluation


def reviewed_calls() -> Select:
    """The SQL selecting the ids of calls a person has scored (a review, or a dispute's
    rescoring): such a call has left the review queue; narrow it with `.where(...)`."""
    return select(Evaluation.call_id).where(Evaluation.source == EvaluationSource.HUMAN)


def reviewed_pairs(
    *, session: Session, scorecard: str, where: ColumnElement[bool] | None = None
) -> list[tuple[Call, Evaluation, Evaluation]]:
    """Each call a person has scored on one scorecard (and `where`, a condition on `Call` the
    caller scopes with): the call, its newest auto-QA evaluation and its newest human one (a
    review or an accepted dispute's rescoring) of the same scorecard version."""
    query = (
        select(Call, Evaluation)
        .join(Evaluation, col(Evaluation.call_id) == col(Call.id))
        .where(Evaluation.scorecard == scorecard)
        .order_by(col(Evaluation.id))
    )
    if where is not None:
        query = query.where(where)
    newest: dict[tuple[int, str], tuple[Call, Evaluation]] = {}
    for call, evaluation in session.exec(query):
        newest[(call.id, evaluation.source)] = (call, evaluation)
    return [
        (call, auto, human)
        for (call_id, source), (call, human) in newest.items()
        if source == EvaluationSource.HUMAN
        and (found := newest.get((call_id, EvaluationSource.AUTO))) is not None
        and (auto := found[1]).scorecard_version == human.scorecard_version
    ]


def criterion_scores(*, session: Session, evaluation: Evaluation) -> list[CriterionScore]:
    """The per-criterion results of an evaluation the caller already obtained in scope."""
    query = select(CriterionScore).where(CriterionScore.evaluation_id == evaluation.id)
    return list(session.exec(query.order_by(CriterionScore.id)))


@audit_refusals
def add_human_evaluation(
    *,
    session: Session,
    reviewer: User,
    base: Evaluation,
    decisions: Mapping[str, ReviewDecision],
    scorecard: Scorecard,
    now: datetime,
) -> tuple[Evaluation, dict[str, dict]]:
    """Add a person's evaluation of `base`'s call to `session`: `base`'s criteria with the
    given decisions, rescored. It becomes the call's official evaluation once committed.

    Returns:
        The new evaluation and, per criterion whose result changed, `{"from", "to", "comment"}`
        for the audit trail.

    Raises:
        NotAllowed: the reviewer is an agent or may not see the call.
    """
    require_role(reviewer, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    get_call(session=session, viewer=reviewer, call_id=base.call_id)
    base_scores = {s.criterion_id: s for s in criterion_scores(session=session, evaluation=base)}
    results = {
        cid: decisions[cid].result if cid in decisions else Result(s.result)
        for cid, s in base_scores.items()
    }
    score, auto_fail = overall_score(results, scorecard)
    human = Evaluation(
        call_id=base.call_id,
        source=EvaluationSource.HUMAN,
        reviewer_id=reviewer.id,
        scorecard=base.scorecard,
        scorecard_version=base.scorecard_version,
        score=score,
        auto_fail=auto_fail,
        needs_review=False,
        created_at=now,
    )
    session.add(human)
    session.flush()
    changed = {}
    for criterion_id, original in base_scores.items():
        decision = decisions.get(criterion_id)
        comment = ((decision.comment if decision else None) or "").strip() or None
        result = str(results[criterion_id])
        session.add(
            CriterionScore(
                evaluation_id=human.id,
                criterion_id=criterion_id,
                result=result,
                confidence=1.0,
                evidence=original.evidence,
                reason=original.reason,
                comment=comment if decision else original.comment,
            )
        )
        if result != original.result:
            changed[criterion_id] = {"from": original.result, "to": result, "comment": comment}
    return human, changed


@audit_refusals
def official_scores(
    *, session: Session, viewer: User, agent_id: int
) -> list[tuple[Call, Evaluation]]:
    """Each scored call of an agent in the viewer's scope with its official evaluation (the
    newest human one, else the newest auto-QA one), oldest call first; practice calls never."""
    query = (
        select(Call, Evaluation)
        .join(Evaluation, col(Evaluation.call_id) == col(Call.id))
        .where(calls_scope(viewer), Call.agent_id == agent_id, counted_calls())
        .order_by(col(Evaluation.id))
    )
    best: dict[int, tuple[Call, Evaluation]] = {}
    for call, evaluation in session.exec(query):
        known = best.get(call.id)
        if (
            known is None
            or evaluation.source == EvaluationSource.HUMAN
            or (known[1].source == EvaluationSource.AUTO)
        ):
            best[call.id] = (call, evaluation)
    return sorted(best.values(), key=lambda pair: pair[0].started_at or pair[0].created_at)
