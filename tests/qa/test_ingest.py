import pytest
from sqlmodel import select

from core.errors import InvalidInput
from core.models import Call, CallStatus
from qa.audio import AudioError
from qa.ingest import CallMetadata, read_metadata_csv, register_recording
from tests.conftest import NOW
from tests.qa.test_audio import STEREO_OPUS

HOUR = 3600.0


def test_registering_the_same_recording_twice_stores_it_once(session, people, tmp_path):
    copy = tmp_path / "same-call-other-name.opus"
    copy.write_bytes(STEREO_OPUS.read_bytes())
    meta = CallMetadata(agent_email="a1@example.com", csat=4)
    first = register_recording(
        session=session, path=STEREO_OPUS, metadata=meta, now=NOW, max_duration=HOUR
    )
    again = register_recording(
        session=session, path=copy, metadata=CallMetadata(), now=NOW, max_duration=HOUR
    )
    assert first.created and not again.created
    assert again.call.id == first.call.id
    stored = session.exec(select(Call)).all()
    assert len(stored) == 1
    assert (stored[0].agent_id, stored[0].csat, stored[0].status) == (
        people["a1"].id,
        4,
        CallStatus.PENDING,
    )


def test_a_call_for_an_unknown_agent_goes_to_the_unassigned_queue(session, people):
    meta = CallMetadata(agent_email="stranger@example.com")
    registration = register_recording(
        session=session, path=STEREO_OPUS, metadata=meta, now=NOW, max_duration=HOUR
    )
    assert registration.call.agent_id is None


def test_a_recording_over_the_length_limit_is_refused_and_not_stored(session, people):
    with pytest.raises(AudioError, match="longer than the limit"):
        register_recording(
            session=session, path=STEREO_OPUS, metadata=CallMetadata(), now=NOW, max_duration=60
        )
    assert session.exec(select(Call)).all() == []


def test_metadata_csv_rows_are_read_by_file_name(tmp_path):
    csv = tmp_path / "calls.csv"
    csv.write_text(
        "filename,agent_email,started_at,csat\n"
        "sub/one.wav, A1@Example.com ,2026-10-01T09:14:00,5\n"
        "two.flac,,,\n"
    )
    rows = read_metadata_csv(csv)
    assert rows["one.wav"].agent_email == "a1@example.com"
    assert rows["one.wav"].started_at.isoformat() == "2026-10-01T09:14:00+00:00"
    assert rows["two.flac"] == CallMetadata()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("filename,agent_email\nx.wav,a@b.c\n", "missing column"),
        ("filename,agent_email,started_at,csat\nx.wav,,yesterday,\n", "line 2: started_at"),
        ("filename,agent_email,started_at,csat\nx.wav,,,9\n", "line 2: csat '9'"),
    ],
)
def test_a_malformed_metadata_csv_names_the_problem_and_line(tmp_path, content, message):
    csv = tmp_path / "calls.csv"
    csv.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        read_metadata_csv(csv)
