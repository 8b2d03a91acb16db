from tests.pages.conftest import texts
from tests.qa.conftest import DEFAULT_CRITERIA, scored_call


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _score_blind(at, calibration_id, **overrides):
    form = f"calibration_form_{calibration_id}"
    for criterion in DEFAULT_CRITERIA:
        radio = at.radio(key=f"{form}_{criterion}")
        assert radio.value is None  # nothing preselected: auto-QA's answer stays hidden
        radio.set_value(overrides.get(criterion, "pass"))
    _button(at, "Submit my scores").click().run()
    return at


def test_a_lead_runs_a_blind_calibration_and_everyone_sees_the_report(signed_in, session, people):
    call = scored_call(session, people["a1"], 1, failed=("empathy",))

    lead = signed_in("lead").switch_page("pages/calibration.py").run()
    lead.selectbox(key="calibration_call").set_value(call.id)
    lead.multiselect(key="calibration_people").set_value([people["reviewer"].id, people["lead"].id])
    _button(lead, "Start").click().run()
    assert f"Calibration on call #{call.id} started" in texts(lead)
    assert "0 of 2 scored] :orange-badge[Your turn]" in texts(lead)
    _score_blind(lead, 1, empathy="fail")
    assert "Your scores are in." in texts(lead)
    assert "Waiting for: Reviewer Person." in texts(lead)
    assert "Fleiss" not in texts(lead)  # still blind

    reviewer = signed_in("reviewer").switch_page("pages/calibration.py").run()
    assert "auto-QA" not in " ".join(r.label for r in reviewer.radio)
    _score_blind(reviewer, 1, empathy="na", dead_air="fail")
    page = texts(reviewer)
    assert "Fleiss' kappa (reviewers)" in page
    assert "80%" in page  # reviewers agree on 8 of 10 criteria
    assert "Talk these through:** Empathy, Dead air" in page
    [table] = reviewer.dataframe
    empathy = table.value.set_index("Criterion").loc["Empathy"]
    assert (empathy["Lead Person"], empathy["Reviewer Person"], empathy["Auto-QA"]) == (
        "fail",
        "na",
        "fail",
    )


def test_the_lead_closes_early_and_an_agent_cannot_open_calibration(signed_in, session, people):
    call = scored_call(session, people["a1"], 1)
    lead = signed_in("lead").switch_page("pages/calibration.py").run()
    lead.selectbox(key="calibration_call").set_value(call.id)
    lead.multiselect(key="calibration_people").set_value(
        [people["reviewer"].id, people["admin"].id]
    )
    _button(lead, "Start").click().run()
    _button(lead, "Close now and show the results").click().run()
    assert "Session closed." in texts(lead)
    assert "Fewer than two reviewers submitted" in [w.value for w in lead.warning][0]

    agent = signed_in("a1").switch_page("pages/calibration.py").run()
    assert [e.value for e in agent.error] == [
        "Not allowed: this page is not available to your role."
    ]
