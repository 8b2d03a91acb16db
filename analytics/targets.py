"""KPI targets: the figures an admin wants the operation to reach, and how far off each one is."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.errors import InvalidInput
from core.models import KpiTarget, Role, User
from core.people import require_role

__all__ = [
    "KPI",
    "KPIS",
    "Kpi",
    "TargetCheck",
    "Targets",
    "clear_target",
    "load_targets",
    "set_target",
]


class KPI(StrEnum):
    QA_SCORE = "qa_score"
    PASS_RATE = "pass_rate"
    CSAT = "csat"
    LESSON_COMPLETION = "lesson_completion"
    TALK_TO_LISTEN = "talk_to_listen"


# What one KPI measures, the range a target may take, and which way is better.
@dataclass(frozen=True)
class Kpi:
    key: KPI
    title: str
    help: str
    low: float
    high: float
    higher_is_better: bool = True
    percent: bool = False
    """Stored as a share (0-1), shown and typed as a percentage."""

    def show(self, value: float) -> str:
        """The value as the dashboards print it (82.5 -> "82.5", 0.8 -> "80%" for shares)."""
        if self.percent:
            return f"{value:.0%}"
        return f"{value:.2f}" if self.high <= 10 else f"{value:.1f}"

    def problem_with(self, value: float) -> str | None:
        """Why `value` cannot be this KPI's target (stored units), or None when it can."""
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return f"The {self.title} target must be a number."
        if not self.low <= value <= self.high:
            shown = (self.show(self.low), self.show(self.high))
            return f"The {self.title} target must be between {shown[0]} and {shown[1]}."
        return None

    def show_gap(self, value: float, *, short: bool = False) -> str:
        """A difference of two values: percentage points for shares ("5 points", or "5 pts"
        where space is short)."""
        if self.percent:
            return f"{value * 100:.0f} {'pts' if short else 'points'}"
        return self.show(value)


KPIS: dict[KPI, Kpi] = {
    k.key: k
    for k in (
        Kpi(
            KPI.QA_SCORE, "Team QA score", "Mean score (0-100) of the team's scored calls.", 0, 100
        ),
        Kpi(
            KPI.PASS_RATE,
            "Pass rate per criterion",
            "Share of scored calls that pass a criterion (not-applicable calls left out). One "
            "target for every criterion, and optionally a different one for a criterion.",
            0,
            1,
            percent=True,
        ),
        Kpi(KPI.CSAT, "CSAT", "Mean customer satisfaction (1-5) of calls with a score.", 1, 5),
        Kpi(
            KPI.LESSON_COMPLETION,
            "Lesson completion",
            "Share of assigned lessons completed (lessons assigned in the dashboard's dates).",
            0,
            1,
            percent=True,
        ),
        Kpi(
            KPI.TALK_TO_LISTEN,
            "Average talk-to-listen",
            "Agent talk time divided by customer talk time, averaged over calls; at most the "
            "target is on target (agents who talk far more than they listen miss what the "
            "customer needs).",
            0.1,
            10,
            higher_is_better=False,
        ),
    )
}


# A figure next to its target: how far off it is, signed so that below target is negative.
@dataclass(frozen=True)
class TargetCheck:
    kpi: Kpi
    figure: float
    target: float

    @property
    def gap(self) -> float:
        """How much better than the target the figure is (negative: short of it)."""
        difference = self.figure - self.target
        return difference if self.kpi.higher_is_better else -difference

    @property
    def met(self) -> bool:
        return self.gap >= -1e-9

    @property
    def reading(self) -> str:
        """E.g. "78.0 against a target of 80.0 (2.0 short)"."""
        word = "at most " if not self.kpi.higher_is_better else ""
        size = self.kpi.show_gap(abs(self.gap))
        miss = "short" if self.kpi.higher_is_better else "over"
        state = "on target" if self.met else f"{size} {miss}"
        shown = self.kpi.show(self.figure), self.kpi.show(self.target)
        return f"{shown[0]} against a target of {word}{shown[1]} ({state})"


# Every target set, by KPI, and per criterion for pass rates.
@dataclass(frozen=True)
class Targets:
    overall: dict[KPI, float]
    criteria: dict[str, float]
    """Criterion id -> its own pass-rate target (overrides the all-criteria one)."""

    def get(self, kpi: KPI, criterion_id: str | None = None) -> float | None:
        if kpi == KPI.PASS_RATE and criterion_id in self.criteria:
            return self.criteria[criterion_id]
        return self.overall.get(kpi)

    def check(
        self, kpi: KPI, figure: float | None, criterion_id: str | None = None
    ) -> TargetCheck | None:
        """The figure against its target; None when either is missing."""
        target = self.get(kpi, criterion_id)
        if target is None or figure is None or math.isnan(figure):
            return None
        return TargetCheck(KPIS[kpi], figure, target)


def load_targets(*, session: Session) -> Targets:
    """The targets in force (every signed-in role reads them: dashboards show them to all)."""
    overall: dict[KPI, float] = {}
    criteria: dict[str, float] = {}
    for row in session.exec(select(KpiTarget).order_by(col(KpiTarget.id))):
        if row.kpi not in KPIS.keys():
            continue  # a KPI a newer version added; ignored, not fatal
        if row.criterion_id:
            criteria[row.criterion_id] = row.value
        else:
            overall[KPI(row.kpi)] = row.value
    return Targets(overall, criteria)


def _find(session: Session, kpi: KPI, criterion_id: str | None) -> KpiTarget | None:
    query = select(KpiTarget).where(KpiTarget.kpi == kpi)
    if criterion_id:
        query = query.where(KpiTarget.criterion_id == criterion_id)
    else:
        query = query.where(col(KpiTarget.criterion_id).is_(None))
    return session.exec(query).first()


@audit_refusals
def set_target(
    *,
    session: Session,
    actor: User,
    kpi: KPI,
    value: float,
    now: datetime,
    criterion_id: str | None = None,
) -> KpiTarget:
    """Set (or change) a KPI's target; audited as `target.set` with the old and new value.

    Raises:
        NotAllowed: the actor is not an admin.
        InvalidInput: the value is outside the KPI's range, or a criterion is given for a KPI
            other than the pass rate.
    """
    require_role(actor, Role.ADMIN)
    spec = KPIS[KPI(kpi)]
    if criterion_id and spec.key != KPI.PASS_RATE:
        raise InvalidInput("Only the pass rate has per-criterion targets.")
    if problem := spec.problem_with(value):
        raise InvalidInput(problem)
    row = _find(session, spec.key, criterion_id)
    before = None if row is None else {"value": row.value}
    if row is None:
        row = KpiTarget(
            kpi=spec.key, criterion_id=criterion_id or None, value=value, updated_at=now
        )
    row.value, row.updated_by_id, row.updated_at = float(value), actor.id, now
    session.add(row)
    session.flush()
    record_event(
        session=session,
        actor=actor,
        action="target.set",
        entity="kpitarget",
        entity_id=row.id,
        now=now,
        before=before,
        after={"kpi": spec.key.value, "criterion_id": criterion_id, "value": float(value)},
    )
    session.commit()
    return row


@audit_refusals
def clear_target(
    *, session: Session, actor: User, kpi: KPI, now: datetime, criterion_id: str | None = None
) -> bool:
    """Remove a target (a per-criterion one falls back to the all-criteria target); audited.
    Returns whether there was one.

    Raises:
        NotAllowed: the actor is not an admin.
    """
    require_role(actor, Role.ADMIN)
    row = _find(session, KPI(kpi), criterion_id)
    if row is None:
        return False
    record_event(
        session=session,
        actor=actor,
        action="target.clear",
        entity="kpitarget",
        entity_id=row.id,
        now=now,
        before={"kpi": row.kpi, "criterion_id": row.criterion_id, "value": row.value},
        after=None,
    )
    session.delete(row)
    session.commit()
    return True
