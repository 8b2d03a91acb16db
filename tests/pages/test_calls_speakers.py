"""Inferred speakers on the Calls page: what the agent sees, and the reviewer's one-click swap."""

import pytest
from sqlmodel import select

from core.calls import register_call
from core.models import AuditEvent, CallStatus, Segment, Speaker
from tests.conftest import NOW
from tests.pages.conftest import texts


@pytest.fixture
def mono_call(session, people):
    call = register_call(
        session=session,
        recording_path="missing-mono.wav",
        sha256="8" * 64,
        agent_id=people["a1"].id,
        started_at=NOW,
        duration=30.0,
        channels=1,
        now=NOW,
    )
    call.status, call.speaker_note = CallStatus.DONE, None
    lines = [
        (
            Speaker.CUSTOMER,
            0.5,
            6.0,
            "Good morning, Northwind Energy, Sam speaking, how can I help?",
        ),
        (Speaker.AGENT, 6.5, 12.0, "Hi, I'd like to ask about my bill."),
    ]
    for speaker, start, end, text in lines:
        session.add(
            Segment(
                call_id=call.id,
                start=start,
                end=end,
                speaker=speaker,
                text=text,
                speaker_source="inferred",
                confidence=0.62,
            )
        )
    session.commit()
    return call


def _open(at, call_id):
    at.query_params["call"] = str(call_id)
    return at.switch_page("pages/calls.py").run()


def test_the_agent_reads_that_speakers_were_inferred_and_cannot_swap_them(signed_in, mono_call):
    at = _open(signed_in("a1"), mono_call.id)
    assert "Mono recording: speakers inferred (confidence 62%)" in texts(at)
    assert not [b for b in at.button if b.key and b.key.startswith("swap_speakers_")]


@pytest.mark.model
def test_a_reviewer_swaps_agent_and_customer_in_one_click(signed_in, session, mono_call):
    at = _open(signed_in("reviewer"), mono_call.id)
    at.button(key=f"swap_speakers_{mono_call.id}").click().run(timeout=120)
    assert "Agent and customer swapped; the call was scored again." in texts(at)
    lines = [b.label for b in at.button if b.key.startswith("lines_")]
    assert ":blue[**Agent**] Good morning, Northwind Energy" in lines[0]
    session.expire_all()
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == mono_call.id))
    assert "call.swap_speakers" in actions.all()
