"""Notes on a replayed call: stamped at the playback moment, replayed by a click, shared or not."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from sqlmodel import select

from core.calls import register_call
from core.models import (
    CriterionScore,
    Evaluation,
    EvaluationSource,
    LessonExample,
    MonitoringNote,
    NoteKind,
    Segment,
    Speaker,
)
from monitoring import add_note
from tests.conftest import NOW
from tests.pages.conftest import texts


@pytest.fixture
def call(session, people, tmp_path):
    """Agent a1's 2-minute call with a recording, two transcript lines and an auto-QA score."""
    recording = tmp_path / "call.wav"
    with wave.open(str(recording), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        t = np.arange(120 * 8000) / 8000
        out.writeframes((np.sin(2 * np.pi * 300 * t) * 8000).astype("<i2").tobytes())
    call = register_call(
        session=session,
        recording_path=str(recording),
        sha256="a" * 64,
        agent_id=people["a1"].id,
        started_at=NOW,
        duration=120.0,
        channels=1,
        now=NOW,
    )
    session.add_all(
        [
            Segment(call_id=call.id, start=1, end=4, speaker=Speaker.AGENT, text="Hello there"),
            Segment(call_id=call.id, start=72, end=79, speaker=Speaker.AGENT, text="So sorry."),
        ]
    )
    evaluation = Evaluation(
        call_id=call.id,
        source=EvaluationSource.AUTO,
        scorecard="default",
        scorecard_version="1",
        score=80.0,
        auto_fail=False,
        needs_review=False,
        created_at=NOW,
    )
    session.add(evaluation)
    session.flush()
    session.add(
        CriterionScore(
            evaluation_id=evaluation.id, criterion_id="empathy", result="pass", confidence=0.9
        )
    )
    session.commit()
    return call


def _open(at, call_id, t=None):
    at.query_params["call"] = str(call_id)
    if t is not None:
        at.query_params["t"] = t
    return at.switch_page("pages/calls.py").run()


def _notes(at, call_id):
    return [b.label for b in at.button if b.key.startswith(f"lines_{call_id}_note_")]


def _save(at):
    return next(b for b in at.button if b.label == "Save note").click().run()


def _audio_start(at) -> int:
    return at.get("audio")[0].proto.start_time


def test_a_lead_stamps_a_note_at_the_clicked_line_and_sees_it(signed_in, session, people, call):
    at = _open(signed_in("lead"), call.id)
    form = f"lines_{call.id}_notes"
    next(b for b in at.button if b.label.endswith("So sorry.")).click().run()
    assert at.text_input(key=f"{form}_at").value == "1:12"

    at.radio(key=f"{form}_kind").set_value(NoteKind.NEEDS_WORK)
    at.text_area(key=f"{form}_text").input("Apology came before she heard the problem out")
    at.selectbox(key=f"{form}_criterion").select("empathy")
    _save(at)

    assert "Note saved at 1:12." in texts(at)
    assert _notes(at, call.id) == [
        "`1:12` :orange-badge[Needs work] · **empathy** · Lead Person · :gray[private]: "
        "Apology came before she heard the problem out"
    ]
    assert at.text_area(key=f"{form}_text").value == ""  # ready for the next note
    note = session.exec(select(MonitoringNote)).one()
    assert (note.at_seconds, note.author_id, note.shared) == (72.0, people["lead"].id, False)


def test_a_bad_time_is_refused_with_a_hint(signed_in, session, call):
    at = _open(signed_in("lead"), call.id)
    form = f"lines_{call.id}_notes"
    at.text_input(key=f"{form}_at").input("about a minute in")
    at.text_area(key=f"{form}_text").input("Good hold")
    _save(at)
    assert "is not a time: write it as m:ss, e.g. 1:23." in texts(at)
    assert session.exec(select(MonitoringNote)).all() == []


def test_clicking_a_note_plays_the_call_from_that_moment(signed_in, session, people, call):
    add_note(
        session=session,
        author=people["lead"],
        agent_id=people["a1"].id,
        call_id=call.id,
        at_seconds=95.0,
        text="Lovely close",
        kind=NoteKind.PRAISE,
        now=NOW,
    )
    at = _open(signed_in("lead"), call.id)
    assert _audio_start(at) == 0
    label = "`1:35` :green-badge[Praise] · Lead Person · :gray[private]: Lovely close"
    next(b for b in at.button if b.label == label).click().run()
    assert _audio_start(at) == 95
    assert at.text_input(key=f"lines_{call.id}_notes_at").value == "1:35"


def test_an_agent_reads_only_the_notes_shared_with_them(signed_in, session, people, call):
    for text, shared in [("Great empathy here", True), ("Check her hold habits", False)]:
        add_note(
            session=session,
            author=people["lead"],
            agent_id=people["a1"].id,
            call_id=call.id,
            at_seconds=30.0,
            text=text,
            shared=shared,
            now=NOW,
        )
    at = _open(signed_in("a1"), call.id)
    assert _notes(at, call.id) == ["`0:30` :gray-badge[Note] · Lead Person: Great empathy here"]
    assert "Check her hold habits" not in texts(at)
    assert not [b for b in at.button if b.label == "Save note"]
    assert not at.text_area


def test_a_link_with_t_plays_the_call_from_that_moment(signed_in, call):
    at = _open(signed_in("lead"), call.id, t="83")
    assert _audio_start(at) == 83
    assert at.text_input(key=f"lines_{call.id}_notes_at").value == "1:23"
    at = _open(signed_in("a1"), call.id, t="not-a-time")
    assert _audio_start(at) == 0
    assert "'not-a-time' is not a moment of the call" in at.warning[0].value


def test_a_lead_makes_a_praise_note_a_lesson_example(signed_in, session, call):
    at = _open(signed_in("lead"), call.id, t="72")
    form = f"lines_{call.id}_notes"
    at.radio(key=f"{form}_kind").set_value(NoteKind.PRAISE)
    at.text_area(key=f"{form}_text").input("Textbook apology")
    at.text_input(key=f"{form}_end").input("1:19")
    at.checkbox(key=f"{form}_example").check()
    at.selectbox(key=f"{form}_lesson").select("apologise-when-the-customer-is-upset")
    at.text_input(key=f"{form}_title").input("A sincere apology")
    _save(at)

    assert not at.error
    assert "Note saved at 1:12. It now plays in" in texts(at)
    example = session.exec(select(LessonExample)).one()
    note = session.exec(select(MonitoringNote)).one()
    assert (example.start, example.end, example.note_id) == (72.0, 79.0, note.id)
    assert example.segments == [{"start": 0.3, "end": 7.3, "speaker": "agent", "text": "So sorry."}]


def test_only_a_praise_note_becomes_an_example(signed_in, session, call):
    at = _open(signed_in("lead"), call.id, t="72")
    form = f"lines_{call.id}_notes"
    at.text_area(key=f"{form}_text").input("Just an observation")
    at.text_input(key=f"{form}_end").input("1:19")
    at.checkbox(key=f"{form}_example").check()
    _save(at)
    assert "Only a praise note can become a lesson example." in texts(at)
    assert session.exec(select(MonitoringNote)).all() == []


def test_a_reviewer_takes_notes_but_leaves_lesson_examples_to_leads(signed_in, call):
    at = _open(signed_in("reviewer"), call.id)
    assert at.text_area(key=f"lines_{call.id}_notes_text")
    assert not at.checkbox
    lead = _open(signed_in("lead"), call.id)
    assert [c.label for c in lead.checkbox] == ["Use as lesson example"]
