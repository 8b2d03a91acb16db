import pytest
from sqlmodel import select

from core.models import Assignment, AuditEvent, Evaluation, EvaluationSource, ReviewAssignment
from tests.pages.conftest import texts
from tests.qa.conftest import scored_call


def _review_page(signed_in, key="reviewer"):
    return signed_in(key).switch_page("pages/review.py").run()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


@pytest.mark.model
def test_a_reviewer_overrides_auto_qa_in_the_grid_and_the_call_leaves_the_queue(
    signed_in, session, people, lessons_dir
):
    call = scored_call(session, people["a1"], 1, auto_fail=True, failed=("recording_disclosure",))
    at = _review_page(signed_in)
    assert "auto-failed" in at.selectbox(key="review_pick").format_func(call.id)
    verdict = at.segmented_control(key=f"review_{call.id}_recording_disclosure")
    assert verdict.value == "fail"  # prefilled with the auto-QA result
    assert _button(at, "Confirm auto-QA")  # nothing changed yet
    verdict.set_value("pass").run()
    at.text_area(key=f"review_note_{call.id}_recording_disclosure").input("said at 0:40")
    at.segmented_control(key=f"review_{call.id}_hold_etiquette").set_value("fail").run()
    assert "Score with your verdicts: **90 / 100** · auto-QA gave 0" in [
        m.value for m in at.markdown
    ]
    _button(at, "Submit review (2 changed)").click().run()
    assert f"Call #{call.id} reviewed: official score 90 / 100." in texts(at)
    assert "Nothing is waiting for review." in texts(at)
    session.expire_all()
    human = session.exec(select(Evaluation).where(Evaluation.source == EvaluationSource.HUMAN))
    assert human.one().reviewer_id == people["reviewer"].id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "review")).one()
    assert event.after["overridden"]["recording_disclosure"]["comment"] == "said at 0:40"

    # The criterion the reviewer failed becomes a lesson for the agent.
    assignment = session.exec(select(Assignment)).one()
    assert assignment.agent_id == people["a1"].id and assignment.criterion_id == "hold_etiquette"
    assert "hold" in assignment.lesson_id


@pytest.mark.model
def test_confirming_moves_on_to_the_next_call_and_previous_goes_back(
    signed_in, session, people, lessons_dir
):
    calls = [scored_call(session, people["a1"], n, auto_fail=True) for n in (1, 2, 3)]
    at = _review_page(signed_in)
    assert at.selectbox(key="review_pick").label == "Call 1 of 3 waiting"
    first = at.selectbox(key="review_pick").value
    at.button(key="review_next").click().run()
    assert at.selectbox(key="review_pick").label == "Call 2 of 3 waiting"
    second = at.selectbox(key="review_pick").value
    assert second != first
    at.button(key="review_previous").click().run()
    assert at.selectbox(key="review_pick").value == first
    at.button(key="review_next").click().run()
    _button(at, "Confirm auto-QA").click().run()
    # The reviewed call left; the one after it is on screen.
    assert f"Call #{second} reviewed" in texts(at)
    assert at.selectbox(key="review_pick").label == "Call 2 of 2 waiting"
    assert at.selectbox(key="review_pick").value not in (first, second)
    assert {c.id for c in calls} == {first, second, at.selectbox(key="review_pick").value}


def test_an_evidence_line_plays_the_call_from_its_time(signed_in, session, people):
    call = scored_call(session, people["a1"], 1, auto_fail=True)
    at = _review_page(signed_in)
    at.button(key=f"review_{call.id}_greeting_evidence_0").click().run()
    assert at.session_state[f"rv_{call.id}_start"] == 1.0


def test_a_lead_assigns_calls_and_sets_a_target_and_the_reviewer_sees_their_queue(
    signed_in, session, people
):
    mine, pool = (scored_call(session, people["a1"], n, auto_fail=True) for n in (1, 2))
    lead = _review_page(signed_in, "lead")
    lead.multiselect(key="assign_calls").set_value([mine.id])
    lead.selectbox(key="assign_reviewer").set_value(people["reviewer"].id)
    next(b for b in lead.button if b.label == "Assign").click().run()
    assert "1 call(s) now with Reviewer Person." in texts(lead)
    # The lead's own target first, then the reviewer's: the figure follows the picked person.
    lead.selectbox(key="target_reviewer").set_value(people["lead"].id).run()
    lead.number_input(key=f"target_weekly_{people['lead'].id}").set_value(5)
    lead.button(key="target_save").click().run()
    assert "Lead Person: 5 a week." in texts(lead)
    lead.selectbox(key="target_reviewer").set_value(people["reviewer"].id).run()
    assert lead.number_input(key=f"target_weekly_{people['reviewer'].id}").value == 0
    lead.number_input(key=f"target_weekly_{people['reviewer'].id}").set_value(20)
    lead.button(key="target_save").click().run()
    assert "Reviewer Person: 20 a week." in texts(lead)
    lead.selectbox(key="target_reviewer").set_value(people["lead"].id).run()
    assert lead.number_input(key=f"target_weekly_{people['lead'].id}").value == 5
    lead.button(key="target_remove").click().run()
    assert "Lead Person: no weekly target." in texts(lead)
    assert session.get(ReviewAssignment, mine.id).reviewer_id == people["reviewer"].id

    at = _review_page(signed_in)
    assert at.selectbox(key="review_pick").value == mine.id  # their own call comes first
    (progress,) = at.get("progress")
    assert progress.proto.text == "This week: 0 of 20 reviews · 1 assigned to you waiting"
    at.selectbox(key="review_view").set_value("assigned").run()
    assert at.selectbox(key="review_pick").options == [
        at.selectbox(key="review_pick").format_func(mine.id)
    ]
    at.selectbox(key="review_view").set_value("unassigned").run()
    assert at.selectbox(key="review_pick").value == pool.id


def test_an_empty_queue_says_so(signed_in, people):
    assert "Nothing is waiting for review." in texts(_review_page(signed_in))


def test_agents_cannot_open_the_review_queue(signed_in):
    at = _review_page(signed_in, "a1")
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]
