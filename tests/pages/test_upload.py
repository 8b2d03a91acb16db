from datetime import date, datetime, time, timedelta

import pytest
from sqlmodel import select

from core.models import Call, CallStatus
from tests.pages.conftest import texts
from tests.qa.conftest import DEMO_CALLS, reference

SHORT_CALL = min(DEMO_CALLS, key=lambda p: reference(p)["duration"])


def _upload_page(signed_in, key="lead"):
    return signed_in(key).switch_page("pages/upload.py").run()


# Transcribing, scoring and assigning lessons happen inside the click's script run: allow for a
# loaded CI machine (the default 30 s timed out there once).
IMPORT_TIMEOUT = 180


@pytest.mark.model
def test_a_lead_uploads_calls_and_sees_each_files_outcome(
    signed_in, session, people, tmp_path, lessons_dir
):
    at = _upload_page(signed_in)
    at.file_uploader(key="upload_files").set_value(
        [
            (SHORT_CALL.name, SHORT_CALL.read_bytes(), "audio/ogg"),
            ("../../notes.wav", b"just some notes, not audio\n" * 30, "audio/wav"),
        ]
    )
    at.run()
    at.selectbox(key="upload_agent").select(people["a1"].email)
    at.date_input(key="upload_date").set_value(date(2026, 3, 2))
    at.time_input(key="upload_time").set_value(time(9, 30))
    at.selectbox(key="upload_csat").select(4)
    at.button(key="upload_go").click().run(timeout=IMPORT_TIMEOUT)
    shown = texts(at)
    assert f"{SHORT_CALL.name}: imported as call #" in shown
    assert "notes.wav: not a readable audio file" in shown
    session.expire_all()
    stored = session.exec(select(Call).where(Call.status == CallStatus.DONE)).one()
    assert stored.agent_id == people["a1"].id
    # 09:30 in the uploader's time zone (Europe/London, GMT in March) and the survey score.
    assert stored.started_at.replace(tzinfo=None) == datetime(2026, 3, 2, 9, 30)
    assert stored.csat == 4
    assert ".." not in stored.recording_path

    at.button(key="upload_go").click().run(timeout=IMPORT_TIMEOUT)
    assert f"{SHORT_CALL.name}: already imported" in texts(at)


def test_agents_cannot_upload(signed_in):
    at = _upload_page(signed_in, "a1")
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]


def test_a_lead_can_only_pick_agents_of_their_team(signed_in, people):
    at = _upload_page(signed_in)
    options = at.selectbox(key="upload_agent").options
    assert "B1 Person" not in options and "A1 Person" in options


def test_a_call_date_in_the_future_imports_nothing(signed_in, session):
    at = _upload_page(signed_in)
    at.file_uploader(key="upload_files").set_value(
        [(SHORT_CALL.name, SHORT_CALL.read_bytes(), "audio/ogg")]
    )
    at.run()
    at.date_input(key="upload_date").set_value(date.today() + timedelta(days=2))
    at.button(key="upload_go").click().run()
    assert "in the future: nothing imported" in texts(at)
    assert session.exec(select(Call)).all() == []


@pytest.mark.model
def test_a_lead_uploads_a_chat_export_and_sees_each_conversations_outcome(
    signed_in, session, people, lessons_dir
):
    import json

    chat = {
        "id": "web-chat-77",
        "channel": "chat",
        "agent_email": people["a1"].email,
        "customer": "kim@example.net",
        "messages": [
            {
                "author": "customer",
                "text": "Hi, my parcel 5521 is late.",
                "at": "2026-11-03T10:00:00Z",
            },
            {
                "author": "agent",
                "text": "Hi Kim, I'm A1. It arrives tomorrow.",
                "at": "2026-11-03T10:00:50Z",
            },
        ],
    }
    broken = {"id": "web-chat-78", "channel": "fax", "messages": []}
    at = _upload_page(signed_in)
    at.tabs[1].file_uploader(key="upload_exports").set_value(
        [
            ("chats.json", json.dumps([chat, broken]).encode(), "application/json"),
            ("notes.csv", b"\xff\xfe not text", "text/csv"),
        ]
    )
    at.run()
    at.button(key="upload_exports_go").click().run(timeout=IMPORT_TIMEOUT)
    assert not at.exception
    shown = texts(at)
    assert "1 imported, 0 already there, 2 failed" in shown
    assert any("chats.json: conversation 2.channel must be one of" in e.value for e in at.error)
    assert any("notes.csv: the file is not text" in e.value for e in at.error)
    session.expire_all()
    stored = session.exec(select(Call)).one()
    assert (stored.channel, stored.agent_id) == ("chat", people["a1"].id)
    assert [link.proto.label for link in at.get("page_link")] == [
        f"chats.json: web-chat-77 imported as #{stored.id}"
    ]

    at.button(key="upload_exports_go").click().run(timeout=IMPORT_TIMEOUT)
    assert "0 imported, 1 already there, 2 failed" in texts(at)
