"""How well auto-QA agrees with people, per criterion, over every call a person has scored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.calls import calls_scope
from core.models import Call, CriterionScore, Evaluation, EvaluationSource, Role, User
from core.people import require_role
from qa.agreement import CriterionAgreement, ReliabilityBin, agreement_by_criterion, reliability

__all__ = ["AccuracyReport", "ReviewedCall", "auto_qa_accuracy", "reviewed_calls"]


# Auto-QA against the official human results of the reviewed calls.
@dataclass(frozen=True)
class AccuracyReport:
    calls: int
    """Reviewed calls compared (a human and an auto-QA evaluation on the same scorecard)."""
    criteria: list[CriterionAgreement] = field(default_factory=list)
    confusion: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    """Per criterion, how often auto-QA said X when the person said Y: (auto, human) -> n."""
    reliability: list[ReliabilityBin] = field(default_factory=list)
    """Auto-QA's confidence against whether the person agreed, over every criterion result."""


def _scores(session: Session, evaluation_ids: list[int]) -> dict[int, dict[str, CriterionScore]]:
    rows = session.exec(
        select(CriterionScore).where(col(CriterionScore.evaluation_id).in_(evaluation_ids))
    )
    by_evaluation: dict[int, dict[str, CriterionScore]] = {}
    for row in rows:
        by_evaluation.setdefault(row.evaluation_id, {})[row.criterion_id] = row
    return by_evaluation


# A call a person has scored, with auto-QA's and the person's result of each criterion.
@dataclass(frozen=True)
class ReviewedCall:
    call: Call
    auto: dict[str, str]
    human: dict[str, str]
    reviewed_at: datetime
    confidence: dict[str, float] = field(default_factory=dict)
    """Auto-QA's confidence in each of its results."""


@audit_refusals
def reviewed_calls(
    *,
    session: Session,
    viewer: User,
    scorecard: str = "default",
    where: ColumnElement[bool] | None = None,
) -> list[ReviewedCall]:
    """Each reviewed call in the viewer's scope (and `where`, a condition on `Call`) on one
    scorecard: the newest human evaluation against the newest auto-QA one of the same
    scorecard version, oldest review first.

    Raises:
        NotAllowed: the viewer is not a reviewer, lead or admin.
    """
    require_role(viewer, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    query = (
        select(Call, Evaluation)
        .join(Evaluation, col(Evaluation.call_id) == col(Call.id))
        .where(calls_scope(viewer), Evaluation.scorecard == scorecard)
        .order_by(col(Evaluation.id))
    )
    if where is not None:
        query = query.where(where)
    newest: dict[tuple[int, str], tuple[Call, Evaluation]] = {}
    for call, evaluation in session.exec(query):
        newest[(call.id, evaluation.source)] = (call, evaluation)
    pairs = [
        (call, auto, human)
        for (call_id, source), (call, human) in newest.items()
        if source == EvaluationSource.HUMAN
        and (found := newest.get((call_id, EvaluationSource.AUTO))) is not None
        and (auto := found[1]).scorecard_version == human.scorecard_version
    ]
    scores = _scores(session, [e.id for _, auto, human in pairs for e in (auto, human)])
    found = [
        ReviewedCall(
            call,
            {c: s.result for c, s in scores.get(auto.id, {}).items()},
            {c: s.result for c, s in scores.get(human.id, {}).items()},
            human.created_at,
            {c: s.confidence for c, s in scores.get(auto.id, {}).items()},
        )
        for call, auto, human in pairs
    ]
    return sorted(found, key=lambda r: (r.reviewed_at, r.call.id))


@audit_refusals
def auto_qa_accuracy(
    *, session: Session, viewer: User, scorecard: str = "default"
) -> AccuracyReport:
    """Per criterion, agreement and Cohen's kappa of auto-QA with the newest human evaluation
    of each reviewed call in the viewer's scope, on one scorecard.

    Raises:
        NotAllowed: the viewer is not a reviewer, lead or admin.
    """
    reviewed = reviewed_calls(session=session, viewer=viewer, scorecard=scorecard)
    if not reviewed:
        return AccuracyReport(calls=0)
    auto_rows = [r.auto for r in reviewed]
    human_rows = [r.human for r in reviewed]
    shared = [
        c
        for c in auto_rows[0]
        if all(c in a and c in h for a, h in zip(auto_rows, human_rows, strict=True))
    ]
    confusion = {
        cid: Counter((a[cid], h[cid]) for a, h in zip(auto_rows, human_rows, strict=True))
        for cid in shared
    }
    return AccuracyReport(
        calls=len(reviewed),
        criteria=agreement_by_criterion(auto_rows, human_rows, shared),
        confusion=confusion,
        reliability=reliability(
            [
                (r.confidence[c], r.auto[c] == r.human[c])
                for r in reviewed
                for c in shared
                if c in r.confidence
            ]
        ),
    )
