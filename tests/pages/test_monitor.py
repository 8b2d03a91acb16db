"""Live monitoring page: a lead runs a demo live call, takes notes, and it becomes a call."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from core.models import Call, LiveSession, LiveStatus, MonitoringNote, NoteKind
from monitoring.runner import RecordingWriter
from monitoring.sessions import start_live_session
from monitoring.sources import AudioChunk, SimulatedCall
from tests.conftest import NOW
from tests.pages.conftest import texts
from tests.qa.conftest import STEREO_OPUS


def test_agents_cannot_open_live_monitoring(signed_in):
    at = signed_in("a1")
    at.switch_page("pages/monitor.py").run()
    assert "Not allowed" in texts(at)


def _open_live_call(at, app_db, people):
    """Open the monitor of a live call Lead Person started for a1 (no audio running)."""
    with Session(app_db) as session:
        live = start_live_session(
            session=session, actor=people["lead"], agent_id=people["a1"].id, source="x", now=NOW
        ).id
    at.query_params["live"] = str(live)
    return at.switch_page("pages/monitor.py").run()


def test_another_teams_live_call_is_refused(signed_in, app_db, people):
    at = _open_live_call(signed_in("lead_b"), app_db, people)
    assert "outside your team" in texts(at)


def test_a_call_left_live_by_a_stopped_app_shows_as_interrupted(signed_in, app_db, people):
    at = _open_live_call(signed_in("lead"), app_db, people)
    assert "app stopped" in texts(at)


@pytest.fixture
def demo_clip(tmp_path, monkeypatch):
    """The demo recordings folder holds one 12 s clip of a demo call."""
    folder = tmp_path / "demo-calls"
    audio = SimulatedCall(STEREO_OPUS, speed=None).audio[:, : 12 * 16_000]
    writer = RecordingWriter(folder / "short-call.wav", channels=2, comment="clip")
    writer.write(AudioChunk(0.0, audio))
    writer.close()
    monkeypatch.setattr("ui.monitor.DEMO_RECORDINGS", folder)
    return folder


def _wait_for(at, engine, live_id: int, status: LiveStatus, timeout: float = 240) -> LiveSession:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            live = session.get(LiveSession, live_id)
            if live.status == status:
                return live
        time.sleep(1)
    raise AssertionError(f"live call #{live_id} never became {status}")


@pytest.mark.model
def test_a_lead_runs_a_demo_live_call_takes_notes_and_it_becomes_a_call(
    signed_in, app_db, people, lessons_dir, demo_clip
):
    at = signed_in("lead")
    at.switch_page("pages/monitor.py").run()
    assert "Plays a recorded call at real-time pace" in texts(at)
    at.selectbox(key="monitor_agent").select(people["a1"].id)
    at.button(key="FormSubmitter:monitor_start_form-Start demo live call").click()
    at.run(timeout=120)
    live_id = int(at.query_params["live"][0])

    time.sleep(6)  # six seconds into the call
    at.run()
    at.text_area(key="monitor_note_text").input("Warm greeting, used her name")
    at.segmented_control(key="monitor_note_kind").set_value(NoteKind.PRAISE)
    at.selectbox(key="monitor_note_criterion").select("greeting")
    at.button(key="FormSubmitter:monitor_note_form-Add note").click().run()
    assert "Note added at 0:0" in texts(at)

    live = _wait_for(at, app_db, live_id, LiveStatus.DONE)
    at.run()
    page = texts(at)
    assert f"stored as call #{live.call_id}" in page
    assert "Agent" in page and "for calling" in page.lower()  # the live transcript
    with Session(app_db) as session:
        call = session.get(Call, live.call_id)
        note = session.exec(select(MonitoringNote)).one()
    assert call.agent_id == people["a1"].id and call.status == "done"
    assert note.call_id == call.id and 4 <= note.at_seconds <= 12
    assert note.kind == NoteKind.PRAISE and note.criterion_id == "greeting"


def test_all_live_calls_goes_back_to_the_list(signed_in, app_db, people):
    at = _open_live_call(signed_in("lead"), app_db, people)
    at.button(key="monitor_all").click().run()
    assert "live" not in at.query_params
    assert "Plays a recorded call at real-time pace" in texts(at)  # the list, with its forms
