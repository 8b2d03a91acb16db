"""`qa ingest --engine ray` on a local Ray cluster (2 CPUs) started by the test stores exactly
what the local engine stores, with the same summary (real models: marked `model`)."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from sqlmodel import Session, select

from core.config import PROJECT_ROOT, get_settings
from core.db import create_db_engine
from core.models import Assignment, Call, CriterionScore, Evaluation, Segment
from tests.qa.conftest import DEMO_CALLS, reference
from workflow.__main__ import main

pytestmark = pytest.mark.model


@pytest.fixture
def ray_cluster():
    import ray

    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        # Ray sets a worker's OpenMP threads to its CPU share (1 here); this process has all
        # the cores. On some CPUs (seen on AMD EPYC) Whisper's transcript then differs in a
        # word's timing or a segment's boundary, so the workers get this process's count.
        runtime_env={
            "env_vars": {
                "PYTHONPATH": str(PROJECT_ROOT),
                "HF_HUB_OFFLINE": "1",
                "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(os.cpu_count())),
            }
        },
    )
    yield ray
    ray.shutdown()


@pytest.fixture
def incoming(tmp_path):
    folder = tmp_path / "incoming"
    folder.mkdir()
    for path in sorted(DEMO_CALLS, key=lambda p: reference(p)["duration"])[:3]:
        shutil.copy(path, folder / path.name)
    (folder / "notes.wav").write_text("not a recording\n" * 20)
    return folder


def _stored(engine) -> dict[str, dict]:
    """Everything an import stores per recording, keyed by content hash, without row ids; the
    lessons assigned are `_lessons`: which call of an agent's brings a lesson both calls would
    (it is assigned once) depends on which finished first, which Ray does not fix."""
    with Session(engine) as session:
        stored = {}
        for call in session.exec(select(Call)):
            segments = session.exec(
                select(Segment).where(Segment.call_id == call.id).order_by(Segment.start)
            )
            evaluations = session.exec(select(Evaluation).where(Evaluation.call_id == call.id))
            results, score = {}, None
            for evaluation in evaluations:
                scores = session.exec(
                    select(CriterionScore).where(CriterionScore.evaluation_id == evaluation.id)
                )
                results = {s.criterion_id: str(s.result) for s in scores}
                score = evaluation.score
            stored[call.sha256] = {
                "status": str(call.status),
                "error": call.error,
                "agent": call.agent_id,
                "duration": call.duration,
                "metrics": call.metrics,
                "segments": [(s.start, s.end, str(s.speaker), s.text) for s in segments],
                "score": score,
                "criteria": results,
            }
    return stored


def _lessons(engine) -> list[tuple[int, str]]:
    """Every lesson assigned, with its agent."""
    with Session(engine) as session:
        return sorted(session.exec(select(Assignment.agent_id, Assignment.lesson_id)).all())


def _ingest(args, capsys) -> tuple[int, dict]:
    code = main(["ingest", *map(str, args), "--json"])
    return code, json.loads(capsys.readouterr().out.splitlines()[-1])


def test_a_ray_ingest_stores_what_the_local_engine_stores(
    engine, people, tmp_path, incoming, built_lesson_index, monkeypatch, capsys, ray_cluster
):
    shutil.copytree(built_lesson_index, tmp_path / "data" / "index" / "lessons")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    agent = ["--agent", people["a1"].email]

    # The peer: the local engine, into a database of its own (same people, same ids).
    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    monkeypatch.setenv("DATABASE_URL", local_url)
    # Whisper on one thread, as each of the two Ray workers on this 2-CPU cluster runs it.
    monkeypatch.setenv("CPU_THREADS", "1")
    get_settings.cache_clear()
    local_engine = create_db_engine(local_url)
    from core.db import migrate

    migrate(local_engine)
    with Session(engine) as source, Session(local_engine) as target:
        from core.models import Team, User

        for row in [*source.exec(select(Team)), *source.exec(select(User))]:
            target.merge(row)
        target.commit()
    local_code, local_summary = _ingest([incoming, *agent], capsys)

    monkeypatch.setenv("DATABASE_URL", str(engine.url.render_as_string(hide_password=False)))
    get_settings.cache_clear()
    ray_code, ray_summary = _ingest([incoming, *agent, "--engine", "ray", "--workers", "2"], capsys)

    assert (ray_code, ray_summary) == (local_code, local_summary)
    assert ray_summary["imported"] == 3 and len(ray_summary["failed"]) == 1
    assert _stored(engine) == _stored(local_engine)
    assert _lessons(engine) == _lessons(local_engine) and _lessons(engine)

    # Idempotent across engines: run again on Ray, nothing is imported twice.
    again_code, again = _ingest([incoming, *agent, "--engine", "ray"], capsys)
    assert (again["imported"], again["skipped_duplicates"]) == (0, 3)
    local_engine.dispose()
    get_settings.cache_clear()


def test_address_and_workers_need_the_ray_engine(app_db, tmp_path, capsys):
    assert main(["ingest", str(tmp_path), "--workers", "2"]) == 2
    assert "--address and --workers go with --engine ray" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path), "--engine", "ray", "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


def test_an_address_nothing_answers_at_is_refused_at_once(app_db, tmp_path, capsys):
    import time

    started = time.monotonic()
    code = main(["ingest", str(tmp_path), "--engine", "ray", "--address", "127.0.0.1:1"])
    assert code == 2 and time.monotonic() - started < 30  # Ray alone retries for minutes
    assert "cannot reach the Ray cluster: nothing answers at 127.0.0.1:1" in capsys.readouterr().err
