"""How well the scoring holds up over time: auto-QA against reviewers per criterion and period,
and the results of the calibration sessions run on the calls in a dashboard's filter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from statistics import fmean

from sqlmodel import Session, col, select

from analytics.facts import DashboardFilter, filter_condition, week_start
from core.access import audit_refusals
from core.models import CalibrationSession, Call, Role, User
from core.people import require_role
from qa.accuracy import reviewed_calls
from qa.calibration import compare_session

__all__ = [
    "AgreementPoint",
    "CalibrationOutcome",
    "Period",
    "agreement_over_time",
    "calibration_history",
]


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


# How often auto-QA gave the reviewer's result on one criterion, over one period's reviews.
@dataclass(frozen=True)
class AgreementPoint:
    period: date
    """The first day of the week (Monday) or month the calls were made in."""
    criterion_id: str
    calls: int
    agreed: int

    @property
    def agreement(self) -> float:
        return self.agreed / self.calls

    def row(self) -> dict[str, object]:
        return {
            "period": self.period.isoformat(),
            "criterion": self.criterion_id,
            "reviewed calls": self.calls,
            "agreed": self.agreed,
            "agreement": round(self.agreement, 3),
        }


# One closed calibration session, summed up.
@dataclass(frozen=True)
class CalibrationOutcome:
    calibration_id: int
    call_id: int
    closed_at: datetime
    reviewers: tuple[str, ...]
    criteria: int
    reviewer_agreement: float | None
    """Mean share of reviewer pairs agreeing on a criterion; None with a single reviewer."""
    auto_agreement: float
    """Mean share of reviewers giving auto-QA's result."""
    fleiss_kappa: float | None
    disagreements: tuple[str, ...]
    """Criteria on which the reviewers did not all agree."""

    def row(self) -> dict[str, object]:
        rounded = [
            None if v is None else round(v, 3) for v in (self.reviewer_agreement, self.fleiss_kappa)
        ]
        return {
            "session": self.calibration_id,
            "call": self.call_id,
            "closed": self.closed_at.date().isoformat(),
            "reviewers": "; ".join(self.reviewers),
            "criteria": self.criteria,
            "reviewer agreement": rounded[0],
            "agreement with auto-QA": round(self.auto_agreement, 3),
            "Fleiss kappa": rounded[1],
            "split on": "; ".join(self.disagreements),
        }


def _period_start(moment: datetime, period: Period) -> date:
    return week_start(moment) if period == Period.WEEK else moment.date().replace(day=1)


@audit_refusals
def agreement_over_time(
    *,
    session: Session,
    viewer: User,
    filters: DashboardFilter,
    period: Period = Period.MONTH,
) -> list[AgreementPoint]:
    """Per period (of the call, like every dashboard filter) and criterion, how many reviewed
    calls auto-QA and the reviewer agreed on, over the reviewed calls in the filter (criteria
    both scored).

    Raises:
        NotAllowed: the viewer is an agent.
    """
    counts: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0])
    reviewed = reviewed_calls(
        session=session,
        viewer=viewer,
        scorecard=filters.scorecard or "default",
        where=filter_condition(viewer, filters),
    )
    for item in reviewed:
        start = _period_start(item.call.started_at or item.call.created_at, period)
        for criterion_id, human in item.human.items():
            if criterion_id in item.auto:
                tally = counts[(start, criterion_id)]
                tally[0] += 1
                tally[1] += item.auto[criterion_id] == human
    return [
        AgreementPoint(start, criterion_id, calls, agreed)
        for (start, criterion_id), (calls, agreed) in sorted(counts.items())
    ]


@audit_refusals
def calibration_history(
    *, session: Session, viewer: User, filters: DashboardFilter
) -> list[CalibrationOutcome]:
    """Every closed calibration session on a call in the viewer's scope and the filter, oldest
    first, with how much the reviewers agreed with each other and with auto-QA.

    Raises:
        NotAllowed: the viewer is an agent.
    """
    require_role(viewer, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    query = (
        select(CalibrationSession)
        .join(Call, col(Call.id) == col(CalibrationSession.call_id))
        .where(filter_condition(viewer, filters), col(CalibrationSession.closed_at).is_not(None))
        .order_by(col(CalibrationSession.closed_at), col(CalibrationSession.id))
    )
    if filters.scorecard is not None:
        query = query.where(CalibrationSession.scorecard == filters.scorecard)
    outcomes = []
    for calibration in session.exec(query):
        report = compare_session(session=session, calibration=calibration)
        if not report.reviewers:
            continue  # closed before anyone submitted: nothing to compare
        pair_shares = [c.reviewer_agreement for c in report.criteria]
        outcomes.append(
            CalibrationOutcome(
                calibration_id=calibration.id,
                call_id=calibration.call_id,
                closed_at=calibration.closed_at,
                reviewers=report.reviewers,
                criteria=len(report.criteria),
                reviewer_agreement=None if None in pair_shares else fmean(pair_shares),
                auto_agreement=fmean(c.auto_agreement for c in report.criteria),
                fleiss_kappa=report.fleiss_kappa,
                disagreements=tuple(
                    c.criterion_id for c in report.criteria if len(set(c.results.values())) > 1
                ),
            )
        )
    return outcomes
