"""Ingest throughput: audio minutes imported per wall minute, local engine against Ray.

Both engines import the same demo calls into fresh SQLite databases of their own, with the
whole pipeline (transcription, PII redaction, metrics, auto-QA, lesson assignments), in this
run on this machine. The peer is the local engine (`qa ingest`, one process, `CPU_THREADS`
Whisper threads); Ray runs `--workers N` actors on a local cluster, the node's threads shared
among them. "Startup" is loading the models (and, for Ray, starting the cluster and its
actors); throughput is given with and without it. `--hybrid` adds a local import with the
language-model judge (QA_JUDGE=hybrid) beside the local peer.

    .venv/bin/python bench/ingest.py [--limit N] [--workers 1,2] [--hybrid]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from core.config import Settings, get_settings  # noqa: E402
from core.db import create_db_engine, migrate  # noqa: E402
from core.models import utcnow  # noqa: E402
from qa.ingest import IngestOptions, IngestSummary, collect_audio_files, ingest  # noqa: E402
from qa.transcribe import TranscribeOptions, get_transcriber  # noqa: E402
from workflow.pipeline import build_pipeline  # noqa: E402
from workflow.ray_ingest import RayOptions, ingest_on_ray  # noqa: E402

DEMO_CALLS = ROOT / "data" / "demo" / "calls"


def _fresh_settings(folder: Path, lessons_index: Path | None) -> Settings:
    base = get_settings()
    data = folder / "data"
    if lessons_index is not None:
        shutil.copytree(lessons_index, data / "index" / "lessons")
    return base.model_copy(
        update={"data_dir": data, "database_url": f"sqlite:///{folder / 'bench.db'}"}
    )


def _local(files: list[Path], settings: Settings) -> tuple[float, float, IngestSummary]:
    engine = create_db_engine(settings.sqlalchemy_url)
    migrate(engine)
    started = time.perf_counter()
    pipeline = build_pipeline(settings)
    get_transcriber(
        settings.whisper_model, settings.cpu_threads, TranscribeOptions.from_settings(settings)
    ).warm_up()
    loaded = time.perf_counter()
    summary = ingest(
        engine=engine,
        paths=files,
        transcribe=pipeline.transcribe,
        options=IngestOptions.from_settings(settings),
        now=utcnow,
        score=pipeline.score,
        on_evaluated=pipeline.on_evaluated,
    )
    done = time.perf_counter()
    engine.dispose()
    return loaded - started, done - loaded, summary


def _ray(files: list[Path], settings: Settings, workers: int) -> tuple[float, IngestSummary]:
    engine = create_db_engine(settings.sqlalchemy_url)
    migrate(engine)
    engine.dispose()
    started = time.perf_counter()
    summary = ingest_on_ray(
        files=files,
        settings=settings,
        options=IngestOptions.from_settings(settings),
        ray_options=RayOptions(workers=workers),
    )
    return time.perf_counter() - started, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N demo calls (all 16)")
    parser.add_argument(
        "--workers", default="1,2", help="Ray worker counts to try (1,2; '' for none)"
    )
    parser.add_argument(
        "--hybrid",
        action="store_true",
        help="also import locally with QA_JUDGE=hybrid (the language-model judge), to compare",
    )
    args = parser.parse_args()
    files = collect_audio_files([DEMO_CALLS])[: args.limit]
    from qa.audio import probe_audio

    minutes = sum(probe_audio(p).duration for p in files) / 60
    index = get_settings().index_dir / "lessons"
    index = index if index.is_dir() else None  # else each run builds it (counted as startup)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "local"
        folder.mkdir()
        startup, work, summary = _local(files, _fresh_settings(folder, index))
        rows.append(("local (1 process)", startup, work, summary))
        if args.hybrid:
            folder = Path(tmp) / "local-hybrid"
            folder.mkdir()
            hybrid = _fresh_settings(folder, index).model_copy(update={"qa_judge": "hybrid"})
            startup, work, summary = _local(files, hybrid)
            rows.append(("local, QA_JUDGE=hybrid", startup, work, summary))
        for count in (int(w) for w in args.workers.split(",") if w.strip()):
            folder = Path(tmp) / f"ray-{count}"
            folder.mkdir()
            # Ray's wall time includes starting the cluster and its actors' model loading.
            wall, summary = _ray(files, _fresh_settings(folder, index), count)
            rows.append((f"ray ({count} worker{'s' if count > 1 else ''})", None, wall, summary))
    settings = get_settings()
    print(
        f"\n{len(files)} demo calls, {minutes:.1f} min of audio, model {settings.whisper_model}, "
        f"{os.cpu_count()} cores, CPU_THREADS {settings.cpu_threads}"
    )
    print(
        f"{'engine':<20} {'imported':>8} {'wall s':>8} {'startup s':>10} {'audio min/wall min':>19}"
    )
    for name, startup, work, summary in rows:
        wall = work + (startup or 0)
        print(
            f"{name:<20} {summary.count('imported'):>8} {wall:>8.1f} "
            f"{'-' if startup is None else f'{startup:.1f}':>10} {minutes / (wall / 60):>19.1f}"
        )
    print(
        f"local without startup: {minutes / (rows[0][2] / 60):.1f} audio min per wall min "
        "(the steady state of a long batch)"
    )


if __name__ == "__main__":
    main()
