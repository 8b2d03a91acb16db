"""Failed imports on the Calls page: the reason, and for staff an audited retry or delete."""

import shutil

import pytest
from sqlmodel import select

from core.calls import register_call
from core.models import AuditEvent, Call, CallStatus
from qa.audio import file_sha256
from tests.conftest import NOW
from tests.pages.conftest import texts
from tests.pages.test_upload import IMPORT_TIMEOUT, SHORT_CALL


def _failed(session, people, *, path, sha256, error):
    call = register_call(
        session=session,
        recording_path=str(path),
        sha256=sha256,
        agent_id=people["a1"].id,
        started_at=NOW,
        now=NOW,
    )
    call.original_name, call.status, call.error = path.name, CallStatus.FAILED, error
    session.commit()
    return call


def _open(at, call_id):
    at.query_params["call"] = str(call_id)
    return at.switch_page("pages/calls.py").run()


def test_the_agent_sees_why_their_call_was_not_imported_and_nothing_to_click(
    signed_in, session, people, tmp_path
):
    call = _failed(
        session, people, path=tmp_path / "static.wav", sha256="1" * 64, error="no speech found"
    )
    at = _open(signed_in("a1"), call.id)
    assert [e.value for e in at.error] == ["Import failed: no speech found"]
    assert not [b for b in at.button if b.key and "import_" in b.key]


def test_a_lead_deletes_a_failed_import_and_it_is_audited(signed_in, session, people, tmp_path):
    call = _failed(
        session, people, path=tmp_path / "static.wav", sha256="1" * 64, error="no speech found"
    )
    call_id = call.id
    at = _open(signed_in("lead"), call_id)
    at.button(key=f"delete_import_{call_id}").click().run()
    assert f"Failed import #{call_id} deleted." in texts(at)
    assert "call" not in at.query_params
    session.expire_all()
    assert session.get(Call, call_id) is None
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.entity_id == call_id)).all()
    assert event.action == "call.delete_failed_import" and event.actor_id == people["lead"].id
    assert event.before == {"file": "static.wav", "error": "no speech found"}


def test_a_failed_import_whose_recording_is_gone_cannot_be_retried(
    signed_in, session, people, tmp_path
):
    call = _failed(session, people, path=tmp_path / "gone.wav", sha256="2" * 64, error="x")
    at = _open(signed_in("reviewer"), call.id)
    at.button(key=f"retry_import_{call.id}").click().run()
    assert "is no longer on the server" in texts(at)
    session.expire_all()
    assert session.get(Call, call.id).status == CallStatus.FAILED


@pytest.mark.model
def test_a_lead_imports_a_failed_call_again(signed_in, session, people, tmp_path, lessons_dir):
    recording = shutil.copy(SHORT_CALL, tmp_path / SHORT_CALL.name)
    call = _failed(
        session,
        people,
        path=recording,
        sha256=file_sha256(recording),
        error="import failed: the disk was full",
    )
    at = _open(signed_in("lead"), call.id)
    at.button(key=f"retry_import_{call.id}").click().run(timeout=IMPORT_TIMEOUT)
    assert f"Call #{call.id} imported." in texts(at)
    assert [b for b in at.button if b.key and b.key.startswith("lines_")]  # the transcript
    session.expire_all()
    assert session.get(Call, call.id).status == CallStatus.DONE
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity_id == call.id))
    assert "call.retry_import" in actions.all()
