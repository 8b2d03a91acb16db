"""The KPI targets page: admins set targets that every dashboard then reads."""

from sqlmodel import select

from analytics.targets import KPI, load_targets, set_target
from core.models import AuditEvent
from tests.conftest import NOW
from tests.pages.conftest import texts


def test_an_admin_sets_targets_as_percentages_and_numbers(signed_in, session, people):
    set_target(session=session, actor=people["admin"], kpi=KPI.CSAT, value=4.0, now=NOW)
    at = signed_in("admin").switch_page("pages/targets.py").run()
    assert at.number_input(key="target_csat").value == 4.0
    at.number_input(key="target_qa_score").set_value(82.5)
    at.number_input(key="target_pass_rate").set_value(85)
    at.number_input(key="target_pass_rate_verification").set_value(98)
    at.multiselect(key="targets_remove").select((KPI.CSAT, None))
    at.button(key="FormSubmitter:targets_form-Save targets").click().run()
    assert "Saved: 4 targets changed." in texts(at), load_targets(session=session)

    session.expire_all()
    targets = load_targets(session=session)
    assert targets.overall == {KPI.QA_SCORE: 82.5, KPI.PASS_RATE: 0.85}
    assert targets.criteria == {"verification": 0.98}
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "kpitarget"))
    assert sorted(actions) == [
        "target.clear",
        "target.set",
        "target.set",
        "target.set",
        "target.set",
    ]


def test_a_lead_cannot_open_the_targets_page(signed_in, people):
    at = signed_in("lead").switch_page("pages/targets.py").run()
    assert "Not allowed" in texts(at) and not at.number_input


def test_an_out_of_range_box_saves_nothing_and_says_which(signed_in, session, people):
    at = signed_in("admin").switch_page("pages/targets.py").run()
    at.number_input(key="target_qa_score").set_value(82.5)
    at.number_input(key="target_csat").set_value(7)  # CSAT runs 1-5
    at.button(key="FormSubmitter:targets_form-Save targets").click().run()
    assert "Nothing saved. CSAT: The CSAT target must be between" in texts(at)
    assert "Saved:" not in texts(at)
    session.expire_all()
    assert load_targets(session=session).overall == {}  # the good box was not written either
