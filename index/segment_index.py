"""The segment index: every stored transcript segment's embedding in FAISS on disk, kept in step
with the database by segment id."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from core.config import Settings
from core.models import Segment
from index.embedder import Embedder, get_embedder
from index.store import StoreError, read_checked, write_atomically

__all__ = [
    "FLAT",
    "IVF",
    "SEGMENT_INDEX_FOLDER",
    "SegmentIndex",
    "SegmentIndexOptions",
    "SegmentSyncReport",
    "build_ivf",
    "one_search_thread",
    "open_segment_index",
    "sync_segment_index",
]

SEGMENT_INDEX_FOLDER = "segments"  # inside settings.index_dir
FLAT = "flat"
IVF = "ivf"
_FORMAT = 1
_MANIFEST = "manifest.json"
_LOCK = ".lock"
_IN_LIST = 500  # ids per SQL IN list, small enough for every backend

log = logging.getLogger(__name__)

# Called while a sync embeds segments, with (segments embedded so far, segments to embed).
ProgressCallback = Callable[[int, int], None]

# Segments with words to search: speech that could not be transcribed has none.
_SEARCHABLE = col(Segment.unclear).is_(False)


@dataclass(frozen=True)
class SegmentIndexOptions:
    """When the segment index turns approximate, and how it is searched and kept on disk.

    Attributes:
        exact_max_vectors: below this many vectors every search is exact (FAISS flat inner
            product); at or above it the index is IVF. Exact search over 10k vectors takes
            0.5 ms a query on one core and grows with the index (74 ms at 1M, bench/search.py),
            so up to 100k it is well under the ~15 ms of embedding the query, and never misses.
        nprobe: IVF lists scanned per query. At 1M transcript-like vectors (~2000 lists) 128
            found 99.3% of the exact top 10 in 6.7 ms (64: 98.5%, 3.4 ms; 32: 97.3%, 1.9 ms);
            on a stress corpus of all-distinct lines 72% (bench/search.py). Embedding the
            query costs more than either, so recall wins.
        lists_per_sqrt: IVF lists = this x sqrt(vectors): 2 x sqrt keeps both the list scan
            and the centroid scan small and trains in well under a minute at 1M.
        train_per_list: training sample = this many vectors per list (FAISS wants at least
            39); 40 trains the 1M index's centroids in seconds with the same recall.
        retrain_growth: an IVF trained on n vectors is retrained when the index outgrows
            this x n, so its lists stay balanced as calls pile up.
        exact_subset_max: a search allowed at most this many segments (one agent's calls, a
            narrow filter) scores just those exactly: IVF with a filter only sees the allowed
            vectors that fall in the lists it probes, and would miss a narrow filter's hits.
        step: segments embedded and written per step of a sync. The file lock is held per
            step, so two imports syncing at once share a backlog instead of embedding it twice.
        max_parts: more stored parts than this (one per step) are merged into one.
        delta_share: an IVF index whose unindexed parts (searched exactly) grow past this
            share of it, or past `exact_subset_max` vectors, is rebuilt with them.
    """

    exact_max_vectors: int = 100_000
    nprobe: int = 128
    lists_per_sqrt: float = 2.0
    train_per_list: int = 40
    retrain_growth: float = 4.0
    exact_subset_max: int = 20_000
    step: int = 1024
    max_parts: int = 16
    delta_share: float = 0.1

    @classmethod
    def from_settings(cls, settings: Settings) -> SegmentIndexOptions:
        """The defaults, with thresholds and nprobe from `SEGMENT_*` settings."""
        return cls(
            exact_max_vectors=settings.segment_exact_max_vectors,
            nprobe=settings.segment_ivf_nprobe,
            exact_subset_max=settings.segment_exact_subset_max,
        )

    def ivf_lists(self, vectors: int) -> int:
        """IVF lists for an index of `vectors` vectors."""
        return max(16, min(65_536, round(self.lists_per_sqrt * math.sqrt(vectors))))


# What a sync did.
@dataclass(frozen=True)
class SegmentSyncReport:
    embedded: int  # segments embedded and added by this sync
    removed: int  # vectors of segments no longer in the database, dropped
    remaining: int  # segments still to embed (a sync with `max_segments` stops early)
    size: int  # vectors in the index afterwards
    kind: str  # FLAT or IVF


# One stored file of vectors: ids ascending, one row per id.
@dataclass(frozen=True)
class _Part:
    file: str
    sha256: str
    ids: np.ndarray
    vectors: np.ndarray

    def to_json(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "count": len(self.ids)}


# A searchable state of the index, swapped in whole. When `ivf` is set it holds exactly the
# vectors of parts[0]; `flat` holds the parts the IVF does not (all of them without an IVF).
@dataclass(frozen=True)
class _Snapshot:
    version: int
    parts: tuple[_Part, ...]
    ids: np.ndarray  # every id, ascending
    flat: object | None = None
    ivf: object | None = None
    ivf_file: tuple[str, str, int] | None = None  # (file, sha256, vectors it was trained on)

    @property
    def kind(self) -> str:
        return IVF if self.ivf is not None else FLAT

    @property
    def fingerprint(self) -> tuple[int, int]:
        return len(self.ids), int(self.ids.sum())


def _empty(version: int = 0) -> _Snapshot:
    return _Snapshot(version=version, parts=(), ids=np.zeros(0, np.int64))


def _next_version(current: int) -> int:
    # A clock in milliseconds, never repeating a version: a process holding version n must not
    # mistake a rebuilt index (after a corrupt manifest, counted up again from 0) for its own.
    return max(current + 1, time.time_ns() // 1_000_000)


def _database_identity(session: Session) -> str:
    """What the manifest records of the database its segment ids belong to (no password)."""
    url = session.get_bind().url.render_as_string(hide_password=True)
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _flat_over(parts: tuple[_Part, ...], dimension: int):
    import faiss

    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    for part in parts:
        if len(part.ids):
            index.add_with_ids(part.vectors, part.ids)
    return index


@contextmanager
def one_search_thread() -> Iterator[None]:
    """Run FAISS on one OpenMP thread (in this thread) for a single query. On 2 cores shared
    with other work, FAISS's default of one thread per core made a single exact search of 10k
    vectors take 9.0 ms p50 / 27 ms p95, against 0.4 / 3.6 ms on one thread (bench/search.py
    measures every index this way); training and adding keep all threads."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def build_ivf(vectors: np.ndarray, ids: np.ndarray, options: SegmentIndexOptions):
    """An IVF (flat lists, inner product) index over `vectors` with `ids` as ids, its
    centroids trained on a sample of them (`options.ivf_lists`, `train_per_list`); the
    benchmark builds its approximate index with this too."""
    import faiss

    dimension = vectors.shape[1]
    lists = options.ivf_lists(len(vectors))
    ivf = faiss.IndexIVFFlat(
        faiss.IndexFlatIP(dimension), dimension, lists, faiss.METRIC_INNER_PRODUCT
    )
    ivf.cp.niter = 10  # k-means iterations: FAISS's default 25 trains 2.5x longer
    ivf.cp.seed = 1234
    ivf.nprobe = options.nprobe
    sample = min(len(vectors), options.train_per_list * lists)
    rows = np.sort(np.random.default_rng(1234).choice(len(vectors), sample, replace=False))
    ivf.train(np.ascontiguousarray(vectors[rows]))
    ivf.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)
    return ivf


def _npz(ids: np.ndarray, vectors: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, ids=ids, vectors=vectors)
    return buffer.getvalue()


class SegmentIndex:
    """Meaning search over every stored transcript segment, persisted in `directory`.

    Only `Segment.text`, the PII-redacted line, is ever embedded. `sync` brings the index in
    step with the database by id set difference, so segments committed out of order by
    concurrent imports, or committed just before a crash, are picked up by the next sync, and
    vectors of deleted segments are dropped. Several processes may sync and search the same
    directory: writes hold an exclusive file lock and replace files atomically, loads hold a
    shared one. A missing or corrupt index, or one made with another model or from another
    database, is logged and rebuilt from the database by the next sync, never raised.

    Args:
        directory: where the manifest, the parts and the IVF file live.
        embedder: the sentence-embedding model; the index records its identity.
        options: thresholds and IVF parameters; see `SegmentIndexOptions`.
    """

    def __init__(
        self,
        directory: Path,
        *,
        embedder: Embedder,
        options: SegmentIndexOptions = SegmentIndexOptions(),
    ) -> None:
        self.directory = directory
        self.embedder = embedder
        self.options = options
        self._snapshot: _Snapshot | None = None  # loaded on first use
        self._database: str | None = None  # the database the loaded index was made from
        self._writing_for: str | None = None  # the database the running sync reads
        self._lock = threading.RLock()

    # Reading the index

    @property
    def size(self) -> int:
        """Vectors in the index (as last loaded or synced)."""
        return len(self._current().ids)

    @property
    def kind(self) -> str:
        """FLAT (exact) or IVF (approximate)."""
        return self._current().kind

    @property
    def ids(self) -> np.ndarray:
        """The ids of the segments in the index, ascending."""
        return self._current().ids.copy()

    def _current(self) -> _Snapshot:
        if self._snapshot is None:
            self.refresh()
        return self._snapshot

    def refresh(self) -> None:
        """Load what another process wrote since this one last looked (cheap when nothing)."""
        with self._locked(exclusive=False):
            self._refresh_locked()

    @contextmanager
    def _locked(self, *, exclusive: bool) -> Iterator[None]:
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(self.directory / _LOCK, "a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_manifest(self) -> dict | None:
        path = self.directory / _MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(f"cannot read {path.name}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise StoreError(f"{path.name} is not a segment index manifest of format {_FORMAT}")
        return data

    def _refresh_locked(self) -> None:
        where = self.directory
        try:
            manifest = self._read_manifest()
        except StoreError as exc:
            log.warning(
                "The segment index in %s is corrupt (%s); rebuilding it from the database.",
                where,
                exc,
            )
            self._snapshot = _empty(self._snapshot.version if self._snapshot else 0)
            self._database = None
            return
        if manifest is None:
            if self._snapshot is None:
                log.info("There is no segment index in %s yet; the next sync builds it.", where)
            self._snapshot, self._database = _empty(), None
            return
        if self._snapshot is not None and manifest.get("version") == self._snapshot.version:
            return
        try:
            self._snapshot = self._load(manifest)
            self._database = manifest.get("database")
        except StoreError as exc:
            log.warning(
                "The segment index in %s is corrupt (%s); rebuilding it from the database.",
                where,
                exc,
            )
            self._snapshot, self._database = _empty(), None

    def _load(self, manifest: dict) -> _Snapshot:
        dimension = self.embedder.dimension
        try:
            version = int(manifest["version"])
            model, stored_dimension = str(manifest["model"]), int(manifest["dimension"])
            entries = [(str(p["file"]), str(p["sha256"])) for p in manifest["parts"]]
            ivf_entry = manifest.get("ivf")
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"the manifest is incomplete ({type(exc).__name__}: {exc})") from None
        if (model, stored_dimension) != (self.embedder.identity, dimension):
            raise StoreError(
                f"it was made with {model} ({stored_dimension} dimensions), not "
                f"{self.embedder.identity} ({dimension})"
            )
        known = {part.file: part for part in (self._snapshot.parts if self._snapshot else ())}
        parts = tuple(
            known[file]
            if file in known and known[file].sha256 == sha
            else self._read_part(file, sha)
            for file, sha in entries
        )
        ids = np.concatenate([p.ids for p in parts]) if parts else np.zeros(0, np.int64)
        ids.sort()
        if len(ids) > 1 and not (np.diff(ids) > 0).all():
            raise StoreError("a segment is stored twice")
        ivf, ivf_file = None, None
        if ivf_entry:
            try:
                ivf_file = (
                    str(ivf_entry["file"]),
                    str(ivf_entry["sha256"]),
                    int(ivf_entry["trained_on"]),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(f"the IVF entry is incomplete ({exc})") from None
            old = self._snapshot
            if old is not None and old.ivf_file == ivf_file:
                ivf = old.ivf
            else:
                ivf = self._read_ivf(ivf_file[0], ivf_file[1])
            if not parts or ivf.ntotal != len(parts[0].ids) or ivf.d != dimension:
                raise StoreError(f"{ivf_file[0]} does not match the vectors it indexes")
        flat = _flat_over(parts[1:] if ivf is not None else parts, dimension)
        return _Snapshot(version, parts, ids, flat=flat, ivf=ivf, ivf_file=ivf_file)

    def _read_part(self, file: str, sha256: str) -> _Part:
        data = read_checked(self.directory / file, sha256)
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                ids, vectors = arrays["ids"], arrays["vectors"]
        except (ValueError, KeyError, OSError) as exc:
            raise StoreError(f"{file} is not a vectors file: {exc}") from None
        if (
            ids.dtype != np.int64
            or vectors.dtype != np.float32
            or vectors.shape != (len(ids), self.embedder.dimension)
        ):
            raise StoreError(f"{file} holds {vectors.dtype} {vectors.shape} for {len(ids)} ids")
        return _Part(file, sha256, ids, np.ascontiguousarray(vectors))

    def _read_ivf(self, file: str, sha256: str):
        import faiss

        data = read_checked(self.directory / file, sha256)
        try:
            return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            raise StoreError(f"{file} is not a FAISS index: {str(exc).splitlines()[0]}") from None

    # Searching

    def search(
        self, vector: np.ndarray, k: int, *, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The `k` segments closest to the unit `vector`, as (segment id, cosine), best first.

        Args:
            vector: the query embedding, from the same model.
            k: how many hits at most.
            allowed: only these segment ids may be returned; None allows every one. At most
                `exact_subset_max` of them are scored exactly, whatever the index's kind.
        """
        import faiss

        snapshot = self._current()
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        if allowed is not None:
            allowed = np.intersect1d(np.asarray(allowed, dtype=np.int64), snapshot.ids)
            if not len(allowed):
                return []
            if snapshot.ivf is not None and len(allowed) <= self.options.exact_subset_max:
                return self._search_subset(snapshot, query[0], allowed, k)
        selector = faiss.IDSelectorBatch(allowed) if allowed is not None else None
        found: list[tuple[np.ndarray, np.ndarray]] = []
        with one_search_thread():
            if snapshot.ivf is not None:
                params = faiss.SearchParametersIVF(nprobe=self.options.nprobe, sel=selector)
                found.append(snapshot.ivf.search(query, k, params=params))
            if snapshot.flat is not None and snapshot.flat.ntotal:
                params = faiss.SearchParameters(sel=selector)
                found.append(snapshot.flat.search(query, k, params=params))
        hits = [
            (int(i), float(s))
            for scores, ids in found
            for s, i in zip(scores[0], ids[0], strict=True)
            if i >= 0
        ]
        return sorted(hits, key=lambda hit: -hit[1])[:k]

    @staticmethod
    def _search_subset(
        snapshot: _Snapshot, vector: np.ndarray, allowed: np.ndarray, k: int
    ) -> list[tuple[int, float]]:
        ids, scores = [], []
        for part in snapshot.parts:
            rows = np.searchsorted(part.ids, allowed).clip(0, max(len(part.ids) - 1, 0))
            rows = rows[part.ids[rows] == allowed] if len(part.ids) else rows[:0]
            if len(rows):
                ids.append(part.ids[rows])
                scores.append(part.vectors[rows] @ vector)
        if not ids:
            return []
        ids_all, scores_all = np.concatenate(ids), np.concatenate(scores)
        top = np.argsort(-scores_all, kind="stable")[:k]
        return [(int(ids_all[i]), float(scores_all[i])) for i in top]

    # Syncing with the database

    def sync(
        self,
        *,
        session: Session,
        on_progress: ProgressCallback | None = None,
        max_segments: int | None = None,
    ) -> SegmentSyncReport:
        """Embed the segments the database has and the index lacks, drop the vectors of
        segments it no longer has, and persist.

        Nothing is read but the segment count and id sum when they match the index's (the
        common case: a search with no new calls since the last one).

        Args:
            session: the database to read segments from (every call's: the index is shared,
                searches restrict it to the viewer's scope).
            on_progress: called after each step with (embedded so far, to embed).
            max_segments: embed at most about this many now (a search should not wait for a
                large backlog; an import's sync catches up); None embeds all.

        Raises:
            OSError: the index folder cannot be written.
        """
        source = _database_identity(session)
        count, total = session.exec(
            select(func.count(col(Segment.id)), func.coalesce(func.sum(col(Segment.id)), 0)).where(
                _SEARCHABLE
            )
        ).one()
        self.refresh()
        if (int(count), int(total)) == self._current().fingerprint and self._database in (
            None,
            source,
        ):
            return self._report(0, 0, 0)
        database_ids = np.fromiter(
            session.exec(select(Segment.id).where(_SEARCHABLE)), dtype=np.int64
        )
        database_ids.sort()
        embedded, to_embed = 0, None
        while True:
            with self._locked(exclusive=True):
                self._refresh_locked()
                self._writing_for = source
                if self._database not in (None, source):
                    # Segment ids of another database (DATABASE_URL changed, same DATA_DIR)
                    # name other lines: nothing in this index can be trusted.
                    log.warning(
                        "The segment index in %s was made from another database; rebuilding "
                        "it from the database now in use.",
                        self.directory,
                    )
                    self._publish(_empty(_next_version(self._snapshot.version)))
                missing = np.setdiff1d(database_ids, self._snapshot.ids, assume_unique=True)
                if to_embed is None:
                    to_embed = len(missing)
                    if max_segments is not None:
                        to_embed = min(to_embed, max_segments)
                if not len(missing) or embedded >= to_embed:
                    removed = self._drop_deleted_locked(session, database_ids)
                    self._compact_if_due_locked()
                    return self._report(embedded, removed, len(missing))
                step = missing[: min(self.options.step, to_embed - embedded)]
                rows = []
                for start in range(0, len(step), _IN_LIST):
                    chunk = [int(i) for i in step[start : start + _IN_LIST]]
                    rows += session.exec(
                        select(Segment.id, Segment.text).where(col(Segment.id).in_(chunk))
                    ).all()
                rows.sort()
                if rows:
                    # Only the redacted text: `text_unredacted` never reaches the index.
                    vectors = self.embedder.encode([text for _, text in rows])
                    ids = np.array([segment_id for segment_id, _ in rows], dtype=np.int64)
                    self._append_locked(ids, vectors)
                embedded += len(step)  # a segment deleted meanwhile counts as done
                self._compact_if_due_locked()
            if on_progress is not None:
                on_progress(min(embedded, to_embed), to_embed)

    def forget(self, segment_ids: list[int]) -> int:
        """Drop the vectors of these segments (their text changed): the next `sync` embeds
        them again. Returns how many the index held.

        Raises:
            OSError: the index folder cannot be written.
        """
        drop = np.unique(np.asarray(segment_ids, dtype=np.int64))
        with self._locked(exclusive=True):
            self._refresh_locked()
            held = np.intersect1d(self._snapshot.ids, drop, assume_unique=True)
            if len(held):
                self._rebuild_locked(drop=held)
        return len(held)

    def _report(self, embedded: int, removed: int, remaining: int) -> SegmentSyncReport:
        snapshot = self._current()
        return SegmentSyncReport(embedded, removed, remaining, len(snapshot.ids), snapshot.kind)

    def _drop_deleted_locked(self, session: Session, database_ids: np.ndarray) -> int:
        # Candidates are ids the index has that were not in the database when this sync read
        # its ids: deleted since, or added by another import after that read (kept).
        candidates = np.setdiff1d(self._snapshot.ids, database_ids, assume_unique=True)
        still_there: set[int] = set()
        for start in range(0, len(candidates), _IN_LIST):
            chunk = [int(i) for i in candidates[start : start + _IN_LIST]]
            still_there.update(session.exec(select(Segment.id).where(col(Segment.id).in_(chunk))))
        gone = np.array(sorted(set(candidates.tolist()) - still_there), dtype=np.int64)
        if len(gone):
            self._rebuild_locked(drop=gone)
        return len(gone)

    def _append_locked(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        order = np.argsort(ids)
        ids, vectors = ids[order], np.ascontiguousarray(vectors[order], dtype=np.float32)
        snapshot = self._snapshot
        version = _next_version(snapshot.version)
        part = self._write_part(f"part-{version}.npz", ids, vectors)
        parts = (*snapshot.parts, part)
        if snapshot.flat is None:
            flat = _flat_over(parts[1:] if snapshot.ivf is not None else parts, vectors.shape[1])
        else:
            # Searches in other threads may be using the old one: add to a copy, not in place.
            import faiss

            flat = faiss.clone_index(snapshot.flat)
            flat.add_with_ids(vectors, ids)
        all_ids = np.union1d(snapshot.ids, ids)
        self._publish(
            _Snapshot(
                version, parts, all_ids, flat=flat, ivf=snapshot.ivf, ivf_file=snapshot.ivf_file
            )
        )

    def _compact_if_due_locked(self) -> None:
        snapshot, options = self._snapshot, self.options
        size = len(snapshot.ids)
        wanted = IVF if size >= options.exact_max_vectors else FLAT
        if snapshot.kind != wanted:
            self._rebuild_locked()
        elif snapshot.ivf is not None and (
            snapshot.ivf_file[2] * options.retrain_growth < size
            or size - len(snapshot.parts[0].ids)
            > max(options.delta_share * size, options.exact_subset_max)
        ):
            self._rebuild_locked()
        elif len(snapshot.parts) > options.max_parts:
            if snapshot.ivf is None:
                self._rebuild_locked()
            else:
                self._merge_unindexed_locked()

    def _merge_unindexed_locked(self) -> None:
        """Merge the parts the IVF does not hold into one (searched exactly, as before)."""
        snapshot = self._snapshot
        rest = snapshot.parts[1:]
        ids = np.concatenate([p.ids for p in rest])
        order = np.argsort(ids)
        vectors = np.ascontiguousarray(np.concatenate([p.vectors for p in rest])[order])
        version = _next_version(snapshot.version)
        merged = self._write_part(f"part-{version}.npz", ids[order], vectors)
        self._publish(
            _Snapshot(
                version,
                (snapshot.parts[0], merged),
                snapshot.ids,
                flat=snapshot.flat,
                ivf=snapshot.ivf,
                ivf_file=snapshot.ivf_file,
            )
        )

    def _rebuild_locked(self, *, drop: np.ndarray | None = None) -> None:
        """Merge every part into one (without the `drop` ids), and build or update the IVF
        index over it when the index is large enough."""
        import faiss

        snapshot, options = self._snapshot, self.options
        dimension = self.embedder.dimension
        ids = np.concatenate([p.ids for p in snapshot.parts]) if snapshot.parts else None
        if ids is None:
            ids, vectors = np.zeros(0, np.int64), np.zeros((0, dimension), np.float32)
        else:
            vectors = np.concatenate([p.vectors for p in snapshot.parts])
            keep = np.ones(len(ids), bool) if drop is None else ~np.isin(ids, drop)
            order = np.argsort(ids[keep], kind="stable")
            ids, vectors = ids[keep][order], np.ascontiguousarray(vectors[keep][order])
        version = _next_version(snapshot.version)
        part = self._write_part(f"part-{version}.npz", ids, vectors)
        ivf, ivf_file = None, None
        if len(ids) >= options.exact_max_vectors:
            trained_on = snapshot.ivf_file[2] if snapshot.ivf_file else 0
            if snapshot.ivf is not None and trained_on * options.retrain_growth >= len(ids):
                # Same centroids: drop the deleted vectors, add the parts it lacks.
                ivf = faiss.clone_index(snapshot.ivf)
                if drop is not None and len(drop):
                    ivf.remove_ids(faiss.IDSelectorBatch(drop))
                base = snapshot.parts[0].ids
                fresh = ~np.isin(ids, base)
                if fresh.any():
                    ivf.add_with_ids(np.ascontiguousarray(vectors[fresh]), ids[fresh])
            else:
                ivf, trained_on = build_ivf(vectors, ids, options), len(ids)
            data = faiss.serialize_index(ivf).tobytes()
            ivf_file = (f"ivf-{version}.faiss", hashlib.sha256(data).hexdigest(), trained_on)
            write_atomically(self.directory / ivf_file[0], data)
            log.info("Segment index: IVF over %d vectors written (%s).", len(ids), ivf_file[0])
        flat = _flat_over(() if ivf is not None else (part,), dimension)
        self._publish(_Snapshot(version, (part,), ids, flat=flat, ivf=ivf, ivf_file=ivf_file))

    def _write_part(self, file: str, ids: np.ndarray, vectors: np.ndarray) -> _Part:
        data = _npz(ids, vectors)
        sha256 = hashlib.sha256(data).hexdigest()
        write_atomically(self.directory / file, data)
        return _Part(file, sha256, ids, vectors)

    def _publish(self, snapshot: _Snapshot) -> None:
        """Write the manifest naming `snapshot`'s files (the files first, the manifest last, so
        readers see the old index or the new one whole), swap it in, remove unused files."""
        manifest = {
            "format": _FORMAT,
            "model": self.embedder.identity,
            "dimension": self.embedder.dimension,
            "version": snapshot.version,
            "database": self._writing_for,
            "kind": snapshot.kind,
            "parts": [part.to_json() for part in snapshot.parts],
            "ivf": (
                dict(zip(("file", "sha256", "trained_on"), snapshot.ivf_file, strict=True))
                if snapshot.ivf_file
                else None
            ),
        }
        write_atomically(self.directory / _MANIFEST, json.dumps(manifest, indent=1).encode())
        self._snapshot, self._database = snapshot, self._writing_for
        used = {part.file for part in snapshot.parts} | {_MANIFEST, _LOCK}
        if snapshot.ivf_file:
            used.add(snapshot.ivf_file[0])
        for path in self.directory.iterdir():
            # Under the exclusive lock nobody else is writing: leftovers of a killed writer go.
            if path.name not in used and (
                path.suffix in (".npz", ".faiss") or path.name.endswith(".tmp")
            ):
                path.unlink(missing_ok=True)


def open_segment_index(*, settings: Settings, embedder: Embedder | None = None) -> SegmentIndex:
    """The segment index under `settings.index_dir` (loaded from disk on first use).

    `embedder` defaults to the shared one for `EMBEDDING_MODEL`.
    """
    return SegmentIndex(
        settings.index_dir / SEGMENT_INDEX_FOLDER,
        embedder=embedder or get_embedder(settings.embedding_model),
        options=SegmentIndexOptions.from_settings(settings),
    )


def sync_segment_index(
    *,
    engine: Engine,
    index: SegmentIndex,
    warn: Callable[[str], None],
    on_progress: ProgressCallback | None = None,
) -> SegmentSyncReport | None:
    """Index the segments of newly stored calls (after an import, a demo load, a live call).

    A failure is passed to `warn`, not raised: the calls are stored whatever happens here, and
    the next sync (the next import or search) indexes them.
    """
    try:
        with Session(engine) as session:
            return index.sync(session=session, on_progress=on_progress)
    except (OSError, SQLAlchemyError) as exc:
        warn(
            f"the new transcripts are not searchable by meaning yet ({exc}); the next import "
            "or search indexes them"
        )
        return None
