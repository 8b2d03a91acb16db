"""How well auto-QA agrees with people, per criterion, over every call a person has scored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.calls import calls_scope
from core.models import Call, CriterionScore, Evaluation, EvaluationSource, Role, User
from core.people import require_role
from qa.agreement import CriterionAgreement, agreement_by_criterion

__all__ = ["AccuracyReport", "auto_qa_accuracy"]


# Auto-QA against the official human results of the reviewed calls.
@dataclass(frozen=True)
class AccuracyReport:
    calls: int
    """Reviewed calls compared (a human and an auto-QA evaluation on the same scorecard)."""
    criteria: list[CriterionAgreement] = field(default_factory=list)
    confusion: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    """Per criterion, how often auto-QA said X when the person said Y: (auto, human) -> n."""


def _results(session: Session, evaluation_ids: list[int]) -> dict[int, dict[str, str]]:
    rows = session.exec(
        select(CriterionScore).where(col(CriterionScore.evaluation_id).in_(evaluation_ids))
    )
    by_evaluation: dict[int, dict[str, str]] = {}
    for row in rows:
        by_evaluation.setdefault(row.evaluation_id, {})[row.criterion_id] = row.result
    return by_evaluation


@audit_refusals
def auto_qa_accuracy(
    *, session: Session, viewer: User, scorecard: str = "default"
) -> AccuracyReport:
    """Per criterion, agreement and Cohen's kappa of auto-QA with the newest human evaluation
    of each reviewed call in the viewer's scope, on one scorecard.

    Raises:
        NotAllowed: the viewer is not a reviewer, lead or admin.
    """
    require_role(viewer, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    query = (
        select(Evaluation)
        .join(Call, col(Call.id) == col(Evaluation.call_id))
        .where(calls_scope(viewer), Evaluation.scorecard == scorecard)
        .order_by(col(Evaluation.id))
    )
    newest: dict[tuple[int, str], Evaluation] = {}
    for evaluation in session.exec(query):
        newest[(evaluation.call_id, evaluation.source)] = evaluation
    pairs = [
        (auto, human)
        for (call_id, source), human in newest.items()
        if source == EvaluationSource.HUMAN
        and (auto := newest.get((call_id, EvaluationSource.AUTO))) is not None
        and auto.scorecard_version == human.scorecard_version
    ]
    if not pairs:
        return AccuracyReport(calls=0)
    results = _results(session, [e.id for pair in pairs for e in pair])
    auto_rows = [results.get(a.id, {}) for a, _ in pairs]
    human_rows = [results.get(h.id, {}) for _, h in pairs]
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
        calls=len(pairs),
        criteria=agreement_by_criterion(auto_rows, human_rows, shared),
        confusion=confusion,
    )
