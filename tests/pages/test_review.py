import pytest
from sqlmodel import select

from core.models import Assignment, AuditEvent, Evaluation, EvaluationSource
from tests.pages.conftest import texts
from tests.qa.conftest import scored_call


def _review_page(signed_in, key="reviewer"):
    return signed_in(key).switch_page("pages/review.py").run()


@pytest.mark.model
def test_a_reviewer_overrides_auto_qa_and_the_call_leaves_the_queue(
    signed_in, session, people, lessons_dir
):
    call = scored_call(session, people["a1"], 1, auto_fail=True, failed=("recording_disclosure",))
    at = _review_page(signed_in)
    assert "auto-failed" in at.selectbox(key="review_pick").options[0]
    radio = at.radio(key=f"review_{call.id}_recording_disclosure")
    assert radio.value == "fail"  # prefilled with the auto-QA result
    radio.set_value("pass")
    at.text_input(key=f"review_note_{call.id}_recording_disclosure").input("said at 0:40")
    at.radio(key=f"review_{call.id}_hold_etiquette").set_value("fail")
    next(b for b in at.button if b.label == "Submit review").click().run()
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


def test_an_empty_queue_says_so(signed_in, people):
    assert "Nothing is waiting for review." in texts(_review_page(signed_in))


def test_agents_cannot_open_the_review_queue(signed_in):
    at = _review_page(signed_in, "a1")
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]
