"""`python -m workflow ingest` end to end with the real model (marked `model`; runs in CI)."""

import json
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from core.config import get_settings
from core.models import Assignment, AuditEvent, Call, CallStatus, Evaluation, Segment
from index.segment_index import open_segment_index
from tests.qa.conftest import DEMO, reference
from workflow.__main__ import main

pytestmark = pytest.mark.model


def test_ingesting_twice_imports_once_and_bad_files_fail_clearly(
    app_db, people, tmp_path, bad_files, capsys
):
    folder = tmp_path / "incoming"
    folder.mkdir()
    calls = sorted(DEMO.joinpath("calls").glob("*.opus"), key=lambda p: reference(p)["duration"])
    for path in calls[:2]:
        shutil.copy(path, folder / path.name)
    for path in bad_files.values():
        shutil.copy(path, folder / path.name)
    metadata = DEMO / "calls.csv"

    first = main(["ingest", str(folder), "--metadata", str(metadata), "--json"])
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert first == 1
    assert summary["imported"] == 2 and summary["skipped_duplicates"] == 0
    errors = {item["path"].rsplit("/", 1)[-1]: item["error"] for item in summary["failed"]}
    assert sorted(errors) == ["empty.wav", "notes.wav", "truncated.flac"]
    assert "cut off" in errors["truncated.flac"]
    with Session(app_db) as session:
        stored = sorted(session.exec(select(Segment.id)))
    indexed = open_segment_index(settings=get_settings()).ids
    assert stored and list(indexed) == stored  # searchable by meaning once imported

    main(["ingest", str(folder), "--metadata", str(metadata), "--json"])
    again = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert again["imported"] == 0 and again["skipped_duplicates"] == 2
    assert len(again["failed"]) == 3  # still reported, never stored twice
    get_settings.cache_clear()


def test_an_unknown_agent_or_missing_path_is_refused(app_db, people, tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path), "--agent", "ghost@example.com"]) == 2
    assert "no user with email ghost@example.com" in capsys.readouterr().err


def test_what_is_not_a_call_is_a_failed_import_that_is_not_scored_and_assigns_nothing(
    app_db, people, tmp_path, not_calls, capsys
):
    folder = tmp_path / "incoming"
    shutil.copytree(not_calls["cut"].parent, folder)
    shortest = min(DEMO.joinpath("calls").glob("*.opus"), key=lambda p: reference(p)["duration"])
    shutil.copy(shortest, folder / shortest.name)
    agent = people["a1"].email

    assert main(["ingest", str(folder), "--agent", agent, "--json"]) == 1
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    errors = {Path(item["path"]).name: item["error"] for item in summary["failed"]}
    assert summary["imported"] == 1 and errors == {
        "cut-off.wav": "cut off: the file holds 3.1 s of the 113.4 s its header declares",
        "first-6kb.opus": "too short for a call: 1.0 s (calls are at least 10 s, MIN_CALL_SECONDS)",
        "static.wav": "no speech found",
        "blip.wav": "too short for a call: 0.5 s (calls are at least 10 s, MIN_CALL_SECONDS)",
    }
    with Session(app_db) as session:
        calls = session.exec(select(Call)).all()
        failed = [c.id for c in calls if c.status == CallStatus.FAILED]
        assert len(failed) == 4
        assert not session.exec(select(Evaluation).where(col(Evaluation.call_id).in_(failed))).all()
        scored = session.exec(select(Evaluation.id)).all()  # the one real call's
        assert {a.evaluation_id for a in session.exec(select(Assignment))} <= set(scored)

    # The readable summary names each file once.
    main(["ingest", str(folder), "--agent", agent])
    out = capsys.readouterr().out
    assert out.count("cut-off.wav") == 1 and out.count("static.wav") == 1
    assert f"failed: {folder / 'static.wav'}: no speech found" in out


def test_retry_failed_imports_again_what_failed_and_audits_it(
    app_db, people, tmp_path, monkeypatch, capsys
):
    shortest = min(DEMO.joinpath("calls").glob("*.opus"), key=lambda p: reference(p)["duration"])
    call = shutil.copy(shortest, tmp_path / shortest.name)
    monkeypatch.setenv("MIN_SPEECH_SECONDS", "1000")  # an operator's mistake: no call passes
    get_settings.cache_clear()
    assert main(["ingest", str(call), "--json"]) == 1
    (failure,) = json.loads(capsys.readouterr().out.splitlines()[-1])["failed"]
    assert failure["error"].startswith("no call: only ")

    monkeypatch.delenv("MIN_SPEECH_SECONDS")
    get_settings.cache_clear()
    assert main(["ingest", "--retry-failed", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["imported"] == 1 and summary["failed"] == []
    with Session(app_db) as session:
        (stored,) = session.exec(select(Call)).all()
        assert stored.status == CallStatus.DONE and stored.error is None
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "call.retry_import"))
        assert [(e.entity_id, e.actor_id) for e in events] == [(stored.id, None)]

    assert main(["ingest"]) == 2
    assert "or --retry-failed" in capsys.readouterr().err
    get_settings.cache_clear()
