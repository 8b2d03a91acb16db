from sqlmodel import select

from core.models import AuditEvent
from tests.pages.conftest import texts
from tests.qa.conftest import scored_call


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_an_agent_disputes_a_criterion_and_the_lead_accepts_it(signed_in, session, people):
    call = scored_call(session, people["a1"], 1, failed=("closing",))

    agent = signed_in("a1")
    agent.query_params["call"] = str(call.id)
    agent.switch_page("pages/calls.py").run()
    assert "90 / 100" in texts(agent)
    assert agent.selectbox(key=f"dispute_criterion_{call.id}").options == ["Closing"]
    agent.text_area(key=f"dispute_reason_{call.id}").input("I asked if there was anything else")
    _button(agent, "Send dispute").click().run()
    assert "Dispute sent." in texts(agent)
    assert "Open" in texts(agent)  # the dispute's badge on the call

    lead = signed_in("lead").switch_page("pages/disputes.py").run()
    assert "I asked if there was anything else" in texts(lead)
    lead.radio(key="dd_1").set_value("accept_pass")
    lead.text_area(key="dr_1").input("Agreed, you did at 4:02")
    _button(lead, "Decide").click().run()
    assert "Dispute #1 decided: accept: mark it passed." in texts(lead)
    assert "No open disputes." in texts(lead)

    agent = signed_in("a1").switch_page("pages/disputes.py").run()
    page = texts(agent)
    assert "Accepted" in page and "Agreed, you did at 4:02" in page and "now Pass" in page
    agent.query_params["call"] = str(call.id)
    agent.switch_page("pages/calls.py").run()
    assert "100 / 100" in texts(agent)
    session.expire_all()
    actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["dispute", "dispute_accepted"]


def test_rejecting_without_a_reply_is_refused_on_screen(signed_in, session, people):
    scored_call(session, people["a1"], 1, failed=("closing",))
    agent = signed_in("a1")
    agent.query_params["call"] = "1"
    agent.switch_page("pages/calls.py").run()
    agent.text_area(key="dispute_reason_1").input("Not fair")
    _button(agent, "Send dispute").click().run()

    reviewer = signed_in("reviewer").switch_page("pages/disputes.py").run()
    assert reviewer.radio(key="dd_1").value is None  # no decision taken for the reviewer
    _button(reviewer, "Decide").click().run()
    assert [e.value for e in reviewer.error] == ["Choose accept or reject first."]
    reviewer.radio(key="dd_1").set_value("reject")
    _button(reviewer, "Decide").click().run()
    assert [e.value for e in reviewer.error] == ["Please write a reply to the agent."]
    assert "Not fair" in texts(reviewer)  # still open


def test_a_lead_of_another_team_sees_no_disputes_of_this_team(signed_in, session, people):
    scored_call(session, people["a1"], 1, failed=("closing",))
    agent = signed_in("a1")
    agent.query_params["call"] = "1"
    agent.switch_page("pages/calls.py").run()
    agent.text_area(key="dispute_reason_1").input("Not fair")
    _button(agent, "Send dispute").click().run()
    other = signed_in("lead_b").switch_page("pages/disputes.py").run()
    assert "No open disputes." in texts(other) and "Not fair" not in texts(other)
