import shutil

import pytest
from sqlmodel import Session, select

from core.errors import InvalidInput
from core.models import Call, CallStatus, Segment, Speaker
from qa.audio import AudioError
from qa.ingest import CallMetadata, IngestOptions, ingest, read_metadata_csv
from qa.transcript import TranscriptSegment
from tests.conftest import NOW
from tests.qa.conftest import DEMO_CALLS, STEREO_OPUS, fake_transcript


def _ingest(engine, paths, transcribe=fake_transcript, **options):
    return ingest(
        engine=engine,
        paths=paths,
        transcribe=transcribe,
        options=IngestOptions(**options),
        now=lambda: NOW,
        metadata={STEREO_OPUS.name: CallMetadata(agent_email="a1@example.com", csat=4)},
    )


@pytest.fixture
def calls_folder(tmp_path):
    folder = tmp_path / "calls" / "nested"
    folder.mkdir(parents=True)
    for path in DEMO_CALLS[:3]:
        shutil.copy(path, folder / path.name)
    shutil.copy(STEREO_OPUS, tmp_path / "calls" / f"copy-of-{STEREO_OPUS.name}")
    return tmp_path / "calls"


def test_a_folder_imported_twice_stores_each_recording_once(engine, people, calls_folder):
    first = _ingest(engine, [calls_folder])
    second = _ingest(engine, [calls_folder])
    assert (first.count("imported"), first.count("duplicate"), first.failed) == (3, 1, [])
    assert (second.count("imported"), second.count("duplicate")) == (0, 4)
    with Session(engine) as session:
        calls = session.exec(select(Call)).all()
        assert len(calls) == 3
        assert {c.status for c in calls} == {CallStatus.DONE}
        assert len(session.exec(select(Segment)).all()) == 3 * 3


def test_transcripts_are_stored_redacted_with_metrics(engine, people):
    _ingest(engine, [STEREO_OPUS])
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        texts = [s.text for s in session.exec(select(Segment).order_by(Segment.start))]
        words = [w["word"] for s in session.exec(select(Segment)) for w in s.words or []]
        unredacted = [s.text_unredacted for s in session.exec(select(Segment))]
    assert texts[1] == "My card [CARD]."
    assert "4111" not in " ".join(texts + words)
    assert call.metrics["agent_talk_seconds"] > 0
    assert (call.agent_id, call.csat) == (people["a1"].id, 4)
    assert unredacted == [None, None, None]


def test_the_unredacted_text_is_kept_only_when_the_setting_allows(engine, people):
    _ingest(engine, [STEREO_OPUS], store_unredacted=True)
    with Session(engine) as session:
        kept = [s.text_unredacted for s in session.exec(select(Segment).order_by(Segment.start))]
    assert "4111 1111 1111 1111" in kept[1]


def test_unreadable_files_fail_with_clear_messages_while_the_rest_import(engine, people, bad_files):
    # The cut-off file is only found out by decoding: tests/qa/test_transcribe.py covers it.
    summary = _ingest(engine, [STEREO_OPUS, bad_files["empty"], bad_files["text"]])
    assert summary.count("imported") == 1
    errors = {o.path.name: o.error for o in summary.failed}
    assert errors["empty.wav"] == "the file is empty (0 bytes)"  # the path names the file
    assert errors["notes.wav"].startswith("not a readable audio file")
    with Session(engine) as session:
        failed = session.exec(select(Call).where(Call.status == CallStatus.FAILED)).all()
    assert {c.original_name for c in failed} == {"empty.wav", "notes.wav"}


def test_a_failed_transcription_is_recorded_and_retried_on_the_next_run(engine, people):
    def broken(path, channel):
        raise AudioError("the audio could not be decoded (test)")

    first = _ingest(engine, [STEREO_OPUS], transcribe=broken)
    assert first.failed[0].error.endswith("could not be decoded (test)")
    second = _ingest(engine, [STEREO_OPUS])
    assert second.count("imported") == 1
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
    assert (call.status, call.error) == (CallStatus.DONE, None)


def test_a_recording_over_the_length_limit_is_refused(engine, people):
    summary = _ingest(engine, [STEREO_OPUS], max_duration=30)
    assert "longer than the limit" in summary.failed[0].error


def test_calls_for_unknown_agents_go_to_the_unassigned_queue(engine, people):
    path = DEMO_CALLS[1]
    _ingest(engine, [path], agent_email="nobody@example.com")
    with Session(engine) as session:
        assert session.exec(select(Call)).one().agent_id is None


def test_a_missing_path_is_refused_before_anything_is_imported(engine, people, tmp_path):
    with pytest.raises(InvalidInput, match="no such file or folder"):
        _ingest(engine, [STEREO_OPUS, tmp_path / "nope"])
    with Session(engine) as session:
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


def test_each_call_is_scored_on_import_and_stored_with_its_transcript(engine, people):
    from core.models import CriterionScore, Evaluation, EvaluationSource
    from qa.scoring import CriterionResult, EvaluationResult, Evidence, Result

    seen = []

    def score(transcript, metrics, team_scorecard):
        seen.append((transcript, metrics, team_scorecard))
        evidence = Evidence(0.5, 4.0, "agent", transcript.segments[0].text)
        return EvaluationResult(
            scorecard="default",
            scorecard_version="1-test",
            score=100.0,
            auto_fail=False,
            needs_review=False,
            criteria=(CriterionResult("greeting", Result.PASS, 0.9, (evidence,), "named both"),),
        )

    ingest(
        engine=engine,
        paths=[STEREO_OPUS],
        transcribe=fake_transcript,
        options=IngestOptions(),
        now=lambda: NOW,
        score=score,
    )
    transcript, metrics, team_scorecard = seen[0]
    assert team_scorecard is None  # no agent, so no team
    assert "[CARD]" in transcript.segments[1].text  # the scorer sees only redacted text
    assert metrics.agent_talk_seconds > 0
    with Session(engine) as session:
        evaluation = session.exec(select(Evaluation)).one()
        criterion = session.exec(select(CriterionScore)).one()
    assert (evaluation.source, evaluation.score) == (EvaluationSource.AUTO, 100.0)
    assert criterion.evidence[0]["text"].startswith("Thanks for calling")


def test_a_call_is_scored_against_its_agents_team_scorecard(engine, people):
    from core.models import Team

    with Session(engine) as session:
        team = session.get(Team, people["a1"].team_id)
        team.scorecard = "complaints"
        session.add(team)
        session.commit()
    seen = []

    def score(transcript, metrics, team_scorecard):
        seen.append(team_scorecard)
        raise RuntimeError("stop after seeing the scorecard")

    summary = ingest(
        engine=engine,
        paths=[STEREO_OPUS],
        transcribe=fake_transcript,
        options=IngestOptions(agent_email=people["a1"].email),
        now=lambda: NOW,
        score=score,
    )
    assert seen == ["complaints"]
    assert "stop after seeing the scorecard" in summary.failed[0].error


def _left_processing(engine, *, owner: str, claimed_at) -> int:
    """A call a run took and never finished (as a run killed mid-file leaves it)."""
    from core.calls import register_call
    from qa.audio import file_sha256

    with Session(engine) as session:
        call = register_call(
            session=session,
            recording_path=str(STEREO_OPUS),
            sha256=file_sha256(STEREO_OPUS),
            now=NOW,
        )
        call.status, call.claimed_by, call.claimed_at = CallStatus.PROCESSING, owner, claimed_at
        session.commit()
        return call.id


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_call_left_by_a_run_that_died_here_is_taken_over_at_once(engine, people):
    import socket

    call_id = _left_processing(
        engine, owner=f"{socket.gethostname()}:{_dead_pid()}", claimed_at=NOW
    )
    summary = _ingest(engine, [STEREO_OPUS])
    assert [(o.status, o.call_id) for o in summary.outcomes] == [("imported", call_id)]
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        assert (call.status, call.claimed_by) == (CallStatus.DONE, None)
        assert len(session.exec(select(Segment)).all()) == 3


def test_a_call_another_live_run_holds_is_left_to_it_until_its_claim_expires(engine, people):
    from datetime import timedelta

    # Another machine's run (its process cannot be checked from here), claimed just now.
    _left_processing(engine, owner="worker-7:4242", claimed_at=NOW)
    busy = _ingest(engine, [STEREO_OPUS])
    assert [o.status for o in busy.outcomes] == ["busy"]
    assert "being imported by another run" in busy.outcomes[0].error
    assert busy.to_dict()["skipped_in_progress"] == 1 and busy.failed == []
    with Session(engine) as session:
        assert session.exec(select(Segment)).all() == []

    # The same claim, older than the lease: that run is taken to be dead.
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        call.claimed_at = NOW - timedelta(minutes=31)
        session.commit()
    taken = _ingest(engine, [STEREO_OPUS], lease=timedelta(minutes=30))
    assert [o.status for o in taken.outcomes] == ["imported"]


def test_a_run_that_lost_its_claim_mid_file_stores_nothing(engine, people):
    def slow_and_overtaken(path, channel):
        # While this run transcribes, another run takes the call over (our claim expired).
        with Session(engine) as session:
            call = session.exec(select(Call)).one()
            call.claimed_by = "worker-9:99"
            session.commit()
        return fake_transcript(path, channel)

    summary = _ingest(engine, [STEREO_OPUS], transcribe=slow_and_overtaken)
    assert [o.status for o in summary.outcomes] == ["busy"]
    with Session(engine) as session:
        call = session.exec(select(Call)).one()
        assert (call.status, call.claimed_by) == (CallStatus.PROCESSING, "worker-9:99")
        assert session.exec(select(Segment)).all() == []


def test_speech_that_could_not_be_transcribed_is_stored_marked_and_not_searchable(
    engine, people, tmp_path, fake_embedder
):
    from dataclasses import replace

    from index.segment_index import SegmentIndex

    def with_unclear(path, channel):
        transcript = fake_transcript(path, channel)
        lost = TranscriptSegment(20.0, 26.0, Speaker.AGENT, "", unclear=True)
        return replace(transcript, segments=(*transcript.segments, lost))

    _ingest(engine, [STEREO_OPUS], transcribe=with_unclear)
    with Session(engine) as session:
        stored = session.exec(select(Segment).order_by(Segment.start)).all()
        assert [(s.unclear, s.text) for s in stored][-1] == (True, "")
        call = session.exec(select(Call)).one()
        assert call.metrics["agent_talk_seconds"] >= 6  # still speech: no false dead air
        index = SegmentIndex(tmp_path / "segments", embedder=fake_embedder)
        index.sync(session=session)
    assert sorted(index.ids) == sorted(s.id for s in stored if not s.unclear)
    assert "" not in fake_embedder.encoded
