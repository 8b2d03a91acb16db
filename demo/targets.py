"""Demo KPI targets, as the demo admin would set them on the KPI targets page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from analytics.targets import KPI, set_target
from core.models import KpiTarget, User

__all__ = ["DEMO_TARGETS", "seed_targets"]

# (KPI, criterion or None, value): what a customer-care operation of this size commonly aims
# for; empathy gets its own, higher pass-rate target to show per-criterion overrides.
DEMO_TARGETS = (
    (KPI.QA_SCORE, None, 85.0),
    (KPI.PASS_RATE, None, 0.85),
    (KPI.PASS_RATE, "empathy", 0.9),
    (KPI.CSAT, None, 4.0),
    (KPI.LESSON_COMPLETION, None, 0.8),
    (KPI.TALK_TO_LISTEN, None, 1.5),
)


def seed_targets(*, engine: Engine, admin_email: str, now: datetime) -> int:
    """Set the demo targets as the demo admin, unless any target is set already (a second run,
    or an admin who changed them). Returns how many were set."""
    with Session(engine) as session:
        if session.exec(select(KpiTarget.id)).first() is not None:
            return 0
        admin = session.exec(select(User).where(User.email == admin_email)).one()
        for kpi, criterion_id, value in DEMO_TARGETS:
            set_target(
                session=session,
                actor=admin,
                kpi=kpi,
                value=value,
                criterion_id=criterion_id,
                now=now,
            )
    return len(DEMO_TARGETS)
