"""KPI targets: admins set them (audited, range-checked); figures are read against them."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from analytics.targets import KPI, KPIS, Targets, clear_target, load_targets, set_target
from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent
from tests.conftest import NOW


def test_an_admin_sets_changes_and_clears_targets_and_each_change_is_audited(
    session: Session, people
):
    admin = people["admin"]
    set_target(session=session, actor=admin, kpi=KPI.QA_SCORE, value=80, now=NOW)
    set_target(session=session, actor=admin, kpi=KPI.QA_SCORE, value=85, now=NOW)
    set_target(session=session, actor=admin, kpi=KPI.PASS_RATE, value=0.8, now=NOW)
    set_target(
        session=session,
        actor=admin,
        kpi=KPI.PASS_RATE,
        value=0.95,
        criterion_id="verification",
        now=NOW,
    )
    targets = load_targets(session=session)
    assert targets.overall == {KPI.QA_SCORE: 85, KPI.PASS_RATE: 0.8}
    assert targets.get(KPI.PASS_RATE, "verification") == 0.95
    assert targets.get(KPI.PASS_RATE, "empathy") == 0.8  # the all-criteria target

    assert clear_target(
        session=session, actor=admin, kpi=KPI.PASS_RATE, criterion_id="verification", now=NOW
    )
    assert load_targets(session=session).get(KPI.PASS_RATE, "verification") == 0.8
    assert not clear_target(session=session, actor=admin, kpi=KPI.CSAT, now=NOW)

    events = session.exec(select(AuditEvent).where(AuditEvent.entity == "kpitarget")).all()
    assert [(e.action, e.before) for e in events] == [
        ("target.set", None),
        ("target.set", {"value": 80.0}),
        ("target.set", None),
        ("target.set", None),
        ("target.clear", {"kpi": "pass_rate", "criterion_id": "verification", "value": 0.95}),
    ]


@pytest.mark.parametrize(
    ("kpi", "value", "criterion_id", "message"),
    [
        (KPI.CSAT, 6, None, "between 1.00 and 5.00"),
        (KPI.PASS_RATE, 1.2, None, "between 0% and 100%"),
        (KPI.QA_SCORE, float("nan"), None, "must be a number"),
        (KPI.CSAT, 4, "empathy", "Only the pass rate"),
    ],
)
def test_a_target_out_of_range_is_refused_and_nothing_is_stored(
    session: Session, people, kpi, value, criterion_id, message
):
    with pytest.raises(InvalidInput, match=message):
        set_target(
            session=session,
            actor=people["admin"],
            kpi=kpi,
            value=value,
            criterion_id=criterion_id,
            now=NOW,
        )
    assert load_targets(session=session) == Targets({}, {})


def test_only_admins_set_targets(session: Session, people):
    with pytest.raises(NotAllowed):
        set_target(session=session, actor=people["lead"], kpi=KPI.CSAT, value=4, now=NOW)


def test_a_figure_reads_against_its_target_whichever_way_is_better():
    targets = Targets({KPI.QA_SCORE: 85, KPI.TALK_TO_LISTEN: 1.5, KPI.LESSON_COMPLETION: 0.8}, {})
    score = targets.check(KPI.QA_SCORE, 78)
    assert (score.gap, score.met) == (-7, False)
    assert score.reading == "78.0 against a target of 85.0 (7.0 short)"
    talk = targets.check(KPI.TALK_TO_LISTEN, 1.2)  # less talk than the ceiling: on target
    assert talk.met and talk.reading == "1.20 against a target of at most 1.50 (on target)"
    over = targets.check(KPI.TALK_TO_LISTEN, 1.96)  # more talk than the ceiling allows
    assert not over.met and over.reading == "1.96 against a target of at most 1.50 (0.46 over)"
    completion = targets.check(KPI.LESSON_COMPLETION, 0.65)
    assert completion.reading == "65% against a target of 80% (15 points short)"
    assert targets.check(KPI.CSAT, 4.2) is None  # no target set
    assert KPIS[KPI.PASS_RATE].percent
