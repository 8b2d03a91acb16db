"""Batch ingest on Ray: transcription and scoring on workers that each load the models once.

`ingest_on_ray` hands the files of a batch to a pool of Ray actors. Each actor builds the import
pipeline (Whisper, auto-QA, lesson assignments) once, then runs `qa.ingest.ingest_file` on the
files it is given, writing to the shared database named by the settings (PostgreSQL when workers
run on several machines). The claims in `qa.ingest` keep every guarantee of a local import: each
recording is imported once, whatever runs at the same time, and a worker that dies leaves its
call to the next run (after `INGEST_LEASE_MINUTES` when it ran on another machine).

Workers need the project importable and the models installed on every node (the same checkout
and virtual environment); the recordings' paths must be readable from every node (a shared
mount), as they are when the driver and the workers run on one machine.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.config import PROJECT_ROOT, Settings
from qa.ingest import CallMetadata, FileOutcome, IngestOptions, IngestSummary

__all__ = ["RayOptions", "ingest_on_ray"]


# Where and how wide a Ray ingest runs.
@dataclass(frozen=True)
class RayOptions:
    # Cluster to join ("ray://host:10001", "auto"); None starts a local cluster for this run.
    address: str | None = None
    # Actors, each holding its own copy of the models and an equal share of the cluster's CPUs
    # (its Whisper threads); None means one per CPU_THREADS CPUs.
    workers: int | None = None
    # Score every call against this scorecard instead of its team's (`--scorecard`).
    scorecard: str | None = None


class _IngestWorker:
    """One Ray actor: the import pipeline loaded once, then any number of files."""

    def __init__(self, settings: dict, scorecard: str | None, cpu_threads: int) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from core.db import create_db_engine
        from workflow.pipeline import build_pipeline

        self.settings = Settings.model_validate(settings)
        self.engine = create_db_engine(self.settings.sqlalchemy_url)
        self.pipeline = build_pipeline(
            self.settings, scorecard=scorecard, cpu_threads=cpu_threads, engine=self.engine
        )

    def warning(self) -> str | None:
        return self.pipeline.warning

    def ingest_file(self, path: str, metadata: CallMetadata, options: IngestOptions) -> FileOutcome:
        from core.models import utcnow
        from qa.ingest import ingest_file

        return ingest_file(
            engine=self.engine,
            path=Path(path),
            metadata=metadata,
            transcribe=self.pipeline.transcribe,
            options=options,
            now=utcnow,
            score=self.pipeline.score,
            on_evaluated=self.pipeline.on_evaluated,
        )


def _check_reachable(address: str) -> None:
    """Fail fast on a cluster address nothing answers at (Ray itself retries for minutes).

    Raises:
        ConnectionError: not host:port, or nothing listens there.
    """
    if address == "auto":  # the cluster this node belongs to; Ray says at once if none
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not port.isdigit():
        raise ConnectionError(
            f"{address!r} is not a cluster address (host:port or ray://host:port)"
        )
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except OSError as exc:
        raise ConnectionError(f"nothing answers at {address} ({exc.strerror or exc})") from None


def _start(ray, ray_options: RayOptions) -> bool:
    """Join or start a cluster; True when this call started it (and must shut it down).

    Raises:
        ConnectionError: the cluster at `ray_options.address` cannot be reached.
    """
    if ray.is_initialized():
        return False
    # Workers import the project from this checkout (on a cluster: the same path on every node).
    env = {"PYTHONPATH": str(PROJECT_ROOT), "HF_HUB_OFFLINE": "1"}
    if ray_options.address:
        _check_reachable(ray_options.address)
        ray.init(address=ray_options.address, runtime_env={"env_vars": env}, log_to_driver=False)
    else:
        ray.init(
            num_cpus=os.cpu_count(),
            include_dashboard=False,
            runtime_env={"env_vars": env},
            log_to_driver=False,
        )
    return True


def ingest_on_ray(
    *,
    files: list[Path],
    settings: Settings,
    options: IngestOptions,
    ray_options: RayOptions,
    metadata: dict[str, CallMetadata] | None = None,
    progress: Callable[[FileOutcome, int, int], None] = lambda _o, _d, _t: None,
    warn: Callable[[str], None] = lambda _message: None,
) -> IngestSummary:
    """Import `files` on Ray workers; the same outcomes, in file order, as `qa.ingest.ingest`.

    A worker that crashes fails the file it was on (with the reason) and is replaced; the batch
    goes on.

    Raises:
        ConnectionError: the cluster at `ray_options.address` cannot be reached.
    """
    import ray
    from ray.exceptions import RayActorError, RayError

    started = _start(ray, ray_options)
    try:
        cpus = float(ray.cluster_resources().get("CPU", 1))
        workers = ray_options.workers or max(1, int(cpus // settings.cpu_threads))
        workers = max(1, min(workers, len(files) or 1))
        # Every worker reserves an equal share of the cluster's CPUs (a fraction is fine), so
        # all of them are scheduled at once, and runs Whisper on that many threads.
        share = cpus / workers
        threads = max(1, int(share))
        actor_class = ray.remote(num_cpus=share)(_IngestWorker)
        dump = settings.model_dump()

        def new_actor():
            return actor_class.remote(dump, ray_options.scorecard, threads)

        idle = [new_actor() for _ in range(workers)]
        for message in set(ray.get([a.warning.remote() for a in idle])) - {None}:
            warn(message)
        order = {path: i for i, path in enumerate(files)}
        queue = list(reversed(files))
        running: dict = {}
        outcomes: list[FileOutcome] = []
        while queue or running:
            while queue and idle:
                actor, path = idle.pop(), queue.pop()
                meta = (metadata or {}).get(path.name, CallMetadata())
                running[actor.ingest_file.remote(str(path), meta, options)] = (actor, path)
            [ready], _ = ray.wait(list(running), num_returns=1)
            actor, path = running.pop(ready)
            try:
                outcome = ray.get(ready)
                idle.append(actor)
            except RayActorError as exc:  # the worker process died: replace it
                outcome = FileOutcome(
                    path, "failed", error=f"{path.name}: the worker stopped ({exc})"[:2000]
                )
                idle.append(new_actor())
            except RayError as exc:
                outcome = FileOutcome(path, "failed", error=f"{path.name}: {exc}"[:2000])
                idle.append(actor)
            outcomes.append(outcome)
            progress(outcome, len(outcomes), len(files))
        return IngestSummary(outcomes=sorted(outcomes, key=lambda o: order[o.path]))
    finally:
        if started:
            ray.shutdown()
