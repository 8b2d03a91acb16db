"""How well auto-QA agrees with people, per criterion, over every call a person has scored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session

from core.access import audit_refusals
from core.calls import calls_scope
from core.models import Call, Role, User
from core.people import require_role
from qa.agreement import CriterionAgreement, ReliabilityBin, agreement_by_criterion, reliability
from qa.evaluations import reviewed_pairs, scores_by_evaluation

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
    scope = calls_scope(viewer) if where is None else and_(calls_scope(viewer), where)
    pairs = reviewed_pairs(session=session, scorecard=scorecard, where=scope)
    ids = [e.id for _, auto, human in pairs for e in (auto, human)]
    scores = scores_by_evaluation(session=session, evaluation_ids=ids)
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
