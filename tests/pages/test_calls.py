import pytest

from core.calls import register_call
from core.models import Segment, Speaker
from tests.conftest import NOW
from tests.pages.conftest import texts


@pytest.fixture
def calls(session, people):
    made = {}
    for number, key in enumerate(["a1", "a2"]):
        made[key] = register_call(
            session=session,
            recording_path=f"missing-{number}.opus",
            sha256=f"{number:064d}",
            agent_id=people[key].id,
            started_at=NOW,
            duration=95.0,
            csat=4,
            now=NOW,
        )
    session.add(
        Segment(call_id=made["a1"].id, start=0.5, end=3, speaker=Speaker.AGENT, text="Hello there")
    )
    session.commit()
    return made


def _open_calls(at, call_id=None):
    if call_id is not None:
        at.query_params["call"] = str(call_id)
    return at.switch_page("pages/calls.py").run()


def test_an_agent_sees_only_their_own_call_with_its_transcript(signed_in, calls):
    at = _open_calls(signed_in("a1"))
    assert at.selectbox(key="calls_pick").options == [
        f"#{calls['a1'].id} · A1 Person · 23 Nov 2026 09:30 · pending"
    ]
    lines = [b.label for b in at.button if b.key.startswith("lines_")]
    assert lines == ["`0:00` :blue[**Agent**] Hello there"]
    assert [m.value for m in at.metric][:3] == ["A1 Person", "1:35", "4"]


def test_an_agent_forcing_another_agents_call_id_gets_a_clear_refusal(signed_in, calls):
    at = _open_calls(signed_in("a1"), calls["a2"].id)
    assert [e.value for e in at.error] == [
        f"You can't open call #{calls['a2'].id}: it belongs to someone outside your view."
    ]
    assert "calls_pick" not in [box.key for box in at.selectbox] and not at.metric


def test_an_unknown_or_garbled_call_id_says_so(signed_in, calls):
    at = _open_calls(signed_in("admin"), 424242)
    assert "There is no call #424242." in texts(at)
    at = _open_calls(signed_in("admin"))
    at.query_params["call"] = "1;drop table call"
    at.run()
    assert "is not a call number" in texts(at)


def test_the_lead_opens_a_team_call_by_link(signed_in, calls):
    at = _open_calls(signed_in("lead"), calls["a2"].id)
    assert at.selectbox(key="calls_pick").value == calls["a2"].id
    assert "Not transcribed yet" in texts(at)
    assert "recording file is no longer where it was imported from" in at.warning[0].value


def test_a_link_to_another_call_wins_over_the_picker_and_the_picker_still_works(signed_in, calls):
    at = _open_calls(signed_in("lead"), calls["a1"].id)
    assert at.selectbox(key="calls_pick").value == calls["a1"].id
    at.query_params["call"] = str(calls["a2"].id)  # a link to a2's call, from this page
    at.run()
    assert at.selectbox(key="calls_pick").value == calls["a2"].id
    assert at.metric[0].value == "A2 Person"
    at.selectbox(key="calls_pick").select(calls["a1"].id).run()
    assert at.metric[0].value == "A1 Person"
    assert at.query_params["call"] == str(calls["a1"].id)


def test_a_link_from_another_page_opens_that_call_even_if_it_was_the_last_one_shown(
    signed_in, calls
):
    at = _open_calls(signed_in("lead"), calls["a1"].id)
    first = at.selectbox(key="calls_pick").options[0]
    assert not first.startswith(f"#{calls['a1'].id} ")  # else the test could not fail
    at.switch_page("pages/home.py").run()
    at.query_params["call"] = str(calls["a1"].id)  # the same call again, from Home
    at.switch_page("pages/calls.py").run()
    assert at.selectbox(key="calls_pick").value == calls["a1"].id
    assert at.metric[0].value == "A1 Person"


def test_the_lead_assigns_an_unassigned_call_and_it_is_audited(signed_in, session, people):
    from sqlmodel import select

    from core.models import AuditEvent, Call

    call = register_call(session=session, recording_path="x.opus", sha256="f" * 64, now=NOW)
    session.commit()
    at = _open_calls(signed_in("lead"), call.id)
    assert at.metric[0].value == "Unassigned"
    at.selectbox(key="assign").select(people["a2"].id)
    next(b for b in at.button if b.label == "Assign").click().run()
    session.expire_all()
    assert session.get(Call, call.id).agent_id == people["a2"].id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "assign")).one()
    assert event.after == {"agent_id": people["a2"].id}
    assert at.metric[0].value == "A2 Person"


def test_an_agent_cannot_assign_calls(signed_in, calls):
    at = _open_calls(signed_in("a1"))
    assert not [b for b in at.button if b.label == "Assign"]


def test_the_call_shows_its_qa_score_with_evidence(signed_in, session, calls):
    from core.models import CriterionScore, Evaluation, EvaluationSource

    evaluation = Evaluation(
        call_id=calls["a1"].id,
        source=EvaluationSource.AUTO,
        scorecard="default",
        scorecard_version="1",
        score=0.0,
        auto_fail=True,
        needs_review=False,
        created_at=NOW,
    )
    session.add(evaluation)
    session.flush()
    evidence = [{"start": 0.5, "end": 3, "speaker": "agent", "text": "Hello there"}]
    session.add(
        CriterionScore(
            evaluation_id=evaluation.id,
            criterion_id="recording_disclosure",
            result="fail",
            confidence=0.8,
            evidence=evidence,
            reason="No recording notice in the first 60 s.",
        )
    )
    session.commit()
    at = _open_calls(signed_in("a1"))
    # The agent reads titles and words, not the scorecard's version, ids or confidence.
    score = next(m for m in at.metric if m.label.startswith("QA score"))
    assert score.value == "0 / 100" and score.label == "QA score, scored automatically"
    assert "Auto-fail" in texts(at)
    scores = [e.label for e in at.expander if "Recording disclosure" in e.label]
    assert "**Recording disclosure** · Fail" in scores[0] and "confidence" not in scores[0]
    staff = _open_calls(signed_in("lead"), calls["a1"].id)
    assert any(m.label.startswith("Auto-QA score (") for m in staff.metric)  # version shown
    assert any("confidence 80%" in e.label for e in staff.expander)
    assert "No recording notice in the first 60 s." in texts(at)


def test_speech_that_could_not_be_transcribed_is_marked_in_the_transcript(
    signed_in, session, calls
):
    session.add(
        Segment(
            call_id=calls["a1"].id, start=4, end=9.5, speaker=Speaker.AGENT, text="", unclear=True
        )
    )
    session.commit()
    at = _open_calls(signed_in("a1"))
    lines = [b.label for b in at.button if b.key.startswith("lines_")]
    assert lines[1] == "`0:04` :blue[**Agent**] :gray[*speech here could not be transcribed*]"


@pytest.mark.model
def test_a_practice_call_says_so_and_a_lead_keeps_it_as_a_real_call(
    signed_in, session, calls, lessons_dir
):
    call = calls["a1"]
    call.practice = True
    session.add(call)
    session.commit()
    agent = _open_calls(signed_in("a1"), call.id)
    assert "Practice call" in texts(agent)
    assert any(o.endswith("· practice") for o in agent.selectbox(key="calls_pick").options)
    assert not [b for b in agent.button if b.label == "Keep as a real call"]  # agents cannot

    lead = _open_calls(signed_in("lead"), call.id)
    # Keeping it runs the lesson auto-assigner (the lesson index loads on first use).
    next(b for b in lead.button if b.label == "Keep as a real call").click().run(timeout=180)
    assert f"Call #{call.id} now counts as a real call of its agent." in texts(lead)
    assert "Practice call" not in texts(lead)
    session.refresh(call)
    assert not call.practice


def test_the_calls_list_shows_each_call_with_its_status_and_filters_it(signed_in, session, calls):
    at = _open_calls(signed_in("lead"))
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Call",
        "Channel",
        "Agent",
        "Date",
        "Length",
        "Score",
        "Auto-fail",
        "Status",
        "CSAT",
        "Failed import",
    ]
    assert set(table["Call"]) == {f"#{calls['a1'].id}", f"#{calls['a2'].id}"}
    assert "2 calls · click a row to open the call" in texts(at)
    at.multiselect(key="calls_list_states").select("failed import").run()
    assert "No calls match these filters." in texts(at)
