"""`python -m workflow ingest` end to end with the real model (marked `model`; runs in CI)."""

import json
import shutil

import pytest
from sqlmodel import Session, select

from core.config import get_settings
from core.models import Segment
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
