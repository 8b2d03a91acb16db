"""A live call from start to the normal call it becomes: progress, recording, notes, access."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.errors import NotAllowed
from core.models import AuditEvent, Call, LiveSession, LiveStatus, MonitoringNote, NoteKind
from monitoring.flags import FlagRules
from monitoring.notes import add_note
from monitoring.runner import LiveCallRunner
from monitoring.sessions import (
    get_live_session,
    list_live_sessions,
    mark_interrupted,
    start_live_session,
)
from monitoring.sources import SimulatedCall
from qa.audio import probe_audio
from qa.ingest import FileOutcome, IngestOptions, ingest
from qa.transcript import Word
from tests.conftest import NOW
from tests.monitoring.conftest import ScriptedModel, tone_wav
from tests.qa.conftest import fake_transcript

SCRIPT = [
    Word(0.5 + i * 0.5, 0.9 + i * 0.5, f" {w}")
    for i, w in enumerate("thanks for calling I want to cancel my contract".split())
]


def _importer(engine):
    def import_recording(path, metadata) -> FileOutcome:
        summary = ingest(
            engine=engine,
            paths=[path],
            transcribe=fake_transcript,
            options=IngestOptions(),
            now=lambda: NOW,
            metadata={path.name: metadata},
        )
        return summary.outcomes[0]

    return import_recording


def _run_call(engine, session, people, tmp_path, import_recording=None) -> LiveSession:
    live = start_live_session(
        session=session,
        actor=people["lead"],
        agent_id=people["a1"].id,
        source="simulator",
        source_name="hum.wav",
        now=NOW,
    )
    add_note(
        session=session,
        author=people["lead"],
        agent_id=people["a1"].id,
        live_session_id=live.id,
        at_seconds=2.5,
        text="Good opening",
        kind=NoteKind.PRAISE,
        criterion_id="greeting",
        now=NOW,
    )
    runner = LiveCallRunner(
        engine=engine,
        live_id=live.id,
        source=SimulatedCall(tone_wav(tmp_path / "hum.wav", 6.0, channels=1), speed=None),
        transcriber=ScriptedModel(SCRIPT, update_seconds=1.0),
        rules=FlagRules(keywords=("cancel",)),
        recording=tmp_path / "live" / f"{live.id}.wav",
        import_recording=import_recording or _importer(engine),
        now=lambda: NOW,
    )
    runner.run()  # in this thread: the test waits for the end
    session.expire_all()
    return session.get(LiveSession, live.id)


def test_a_live_call_ends_as_a_normal_call_with_its_notes(engine, session, people, tmp_path):
    live = _run_call(engine, session, people, tmp_path)
    assert live.status == LiveStatus.DONE and live.error is None
    call = session.get(Call, live.call_id)
    assert call.agent_id == people["a1"].id and call.started_at == NOW
    assert call.practice  # a demo recording played live is practice, not the agent's real call
    assert probe_audio(tmp_path / "live" / f"{live.id}.wav").duration == pytest.approx(6.0, 0.01)
    text = " ".join(s["text"] for s in live.segments)
    assert text.split() == [w.word.strip() for w in SCRIPT]
    assert [f["kind"] for f in live.flags] == ["keyword"]
    assert live.call_seconds == 6.0
    note = session.exec(select(MonitoringNote)).one()
    assert (note.call_id, note.at_seconds) == (call.id, 2.5)
    assert session.exec(select(AuditEvent).where(AuditEvent.entity == "live_session")).first()


def test_the_same_recording_played_live_twice_makes_two_calls(engine, session, people, tmp_path):
    first = _run_call(engine, session, people, tmp_path / "one")
    second = _run_call(engine, session, people, tmp_path / "two")
    assert first.call_id != second.call_id


def test_a_recording_that_fails_to_import_leaves_the_session_failed(
    engine, session, people, tmp_path
):
    def broken(path, metadata):
        return FileOutcome(path, "failed", error=f"{path.name}: the disk is full")

    live = _run_call(engine, session, people, tmp_path, import_recording=broken)
    assert live.status == LiveStatus.FAILED and "disk is full" in live.error
    assert session.exec(select(MonitoringNote)).one().call_id is None


def test_only_people_who_coach_the_agent_can_monitor(session, people):
    with pytest.raises(NotAllowed):
        start_live_session(
            session=session,
            actor=people["lead_b"],
            agent_id=people["a1"].id,
            source="simulator",
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        start_live_session(
            session=session, actor=people["a2"], agent_id=people["a1"].id, source="x", now=NOW
        )
    live = start_live_session(
        session=session, actor=people["lead"], agent_id=people["a1"].id, source="x", now=NOW
    )
    assert list_live_sessions(session=session, viewer=people["lead_b"]) == []
    assert [s.id for s in list_live_sessions(session=session, viewer=people["reviewer"])] == [
        live.id
    ]
    with pytest.raises(NotAllowed):
        get_live_session(session=session, viewer=people["lead_b"], live_id=live.id)


def test_a_session_left_live_by_a_stopped_app_is_marked_failed(session, people):
    live = start_live_session(
        session=session, actor=people["lead"], agent_id=people["a1"].id, source="x", now=NOW
    )
    assert mark_interrupted(session=session, live_id=live.id, now=NOW).status == LiveStatus.FAILED
    assert "app stopped" in session.get(LiveSession, live.id).error


def test_notes_during_a_live_call_are_stamped_and_checked(session, people):
    live = start_live_session(
        session=session, actor=people["lead"], agent_id=people["a1"].id, source="x", now=NOW
    )
    note = add_note(
        session=session,
        author=people["lead"],
        agent_id=people["a1"].id,
        live_session_id=live.id,
        at_seconds=75.44,
        text="Asked permission before hold",
        kind=NoteKind.PRAISE,
        criterion_id="hold_etiquette",
        now=NOW,
    )
    assert note.at_seconds == 75.4 and note.kind == NoteKind.PRAISE
    with pytest.raises(NotAllowed):
        add_note(
            session=session,
            author=people["lead_b"],
            agent_id=people["a1"].id,
            at_seconds=1.0,
            text="x",
            now=NOW,
        )
