"""Ingest survives being killed and running twice at once: `python -m workflow ingest` in real
processes with the real models (marked `model`; runs in CI, on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from core.config import PROJECT_ROOT
from core.models import Assignment, Call, CallStatus, Evaluation, Segment
from tests.qa.conftest import DEMO_CALLS, reference

pytestmark = pytest.mark.model

SHORTEST = sorted(DEMO_CALLS, key=lambda p: reference(p)["duration"])


@pytest.fixture
def incoming(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in SHORTEST[:3]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def run_ingest(database_url, tmp_path, built_lesson_index):
    """Start `python -m workflow ingest FOLDER --json` as its own process on the test database."""
    data = tmp_path / "data"
    shutil.copytree(built_lesson_index, data / "index" / "lessons")
    env = {**os.environ, "DATABASE_URL": database_url, "DATA_DIR": str(data)}
    env["HF_HUB_OFFLINE"] = "1"

    def start(folder: Path, agent: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "workflow", "ingest", str(folder), "--agent", agent, "--json"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    return start


def _counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(select(Call.status, func.count()).group_by(Call.status)).all()
    return {str(status): count for status, count in rows}


def _summary(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return json.loads(out.splitlines()[-1])


def _assert_each_file_imported_once(engine, files: int) -> None:
    with Session(engine) as session:
        calls = session.exec(select(Call)).all()
        assert len(calls) == files
        assert {c.status for c in calls} == {CallStatus.DONE}
        assert {c.claimed_by for c in calls} == {None}
        for call in calls:
            evaluations = session.exec(select(Evaluation).where(Evaluation.call_id == call.id))
            assert len(evaluations.all()) == 1, f"call {call.id} scored more than once"
            segments = session.exec(select(Segment).where(Segment.call_id == call.id)).all()
            assert len({(s.start, s.speaker) for s in segments}) == len(segments)
        lessons = [a.lesson_id for a in session.exec(select(Assignment))]
        assert len(lessons) == len(set(lessons))  # one agent: never the same lesson twice


def test_an_ingest_killed_mid_batch_then_run_again_imports_every_file_exactly_once(
    engine, people, incoming, run_ingest
):
    process = run_ingest(incoming, people["a1"].email)
    deadline = time.monotonic() + 300
    # Kill it while it works on a file, after it finished at least one.
    while time.monotonic() < deadline:
        counts = _counts(engine)
        if counts.get("done", 0) >= 1 and counts.get("processing", 0) == 1:
            break
        assert process.poll() is None, "the import finished before it could be killed"
        time.sleep(0.05)
    else:
        pytest.fail(f"no call was being processed within 300 s: {_counts(engine)}")
    process.send_signal(signal.SIGKILL)
    process.communicate()  # reaped, its pipes closed
    left = _counts(engine)
    assert left.get("processing") == 1  # the half-done call is not shown as complete
    assert left.get("done", 0) < len(SHORTEST[:3])

    summary = _summary(run_ingest(incoming, people["a1"].email))
    assert summary["failed"] == [] and summary["skipped_in_progress"] == 0
    assert summary["imported"] + summary["skipped_duplicates"] == 3
    assert summary["imported"] == 3 - left.get("done", 0)
    _assert_each_file_imported_once(engine, 3)


def test_two_ingests_of_one_folder_at_once_import_each_file_once(
    engine, people, incoming, run_ingest
):
    first = run_ingest(incoming, people["a1"].email)
    second = run_ingest(incoming, people["a1"].email)
    summaries = [_summary(first), _summary(second)]
    assert [s["failed"] for s in summaries] == [[], []]
    assert sum(s["imported"] for s in summaries) == 3
    outcomes = ("imported", "skipped_duplicates", "skipped_in_progress")
    assert [sum(s[k] for k in outcomes) for s in summaries] == [3, 3]  # every file accounted for
    _assert_each_file_imported_once(engine, 3)
