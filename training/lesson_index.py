"""The lesson index: lesson chunks embedded into FAISS plus keyword scores, kept on disk."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.config import Settings
from index.embedder import Embedder, get_embedder
from index.store import StoreError
from index.vectors import FLAT, HNSW, VectorOptions, VectorSearch
from training.chunking import ChunkOptions, chunk_lesson
from training.keywords import KeywordIndex, keyword_text
from training.lesson_store import (
    Manifest,
    StoredLesson,
    read_index_bytes,
    read_manifest,
    read_vectors,
    write_generation,
)
from training.lessons import Lesson
from training.ranking import RankedLessons, SearchHit

__all__ = [
    "LESSON_INDEX_FOLDER",
    "IndexOptions",
    "LessonIndex",
    "ProgressCallback",
    "SyncReport",
    "open_lesson_index",
]

LESSON_INDEX_FOLDER = "lessons"  # inside settings.index_dir
_EMBED_BATCH = 64  # chunks per encode call; progress is reported after each

log = logging.getLogger(__name__)

# Called while lessons are embedded with (chunks embedded so far, chunks to embed).
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class IndexOptions:
    """How lessons are indexed and ranked.

    Attributes:
        chunking: how a lesson is cut into passages that fit the embedding model.
        vectors: when the FAISS index switches from exact search to HNSW.
        keyword_weight: what a lesson with the best keyword (BM25) score for a query gets added
            to the cosine similarity of its best chunk; other lessons get their share of it.
            MiniLM alone misses exact words a reviewer uses. Chosen on the development weak
            spots (tests/data/retrieval/dev.yaml) only: 0.25 has the best hit@3 and MRR there
            (0.979 and 0.938, against 0.938 and 0.896 without keywords); `bench/retrieval.py`
            prints that sweep beside the held-out figures.
        candidates: lessons taken from each of the vector and the keyword search before the two
            are combined and rescored exactly; 20 leaves ample room for the top 3 or 5.
    """

    chunking: ChunkOptions = field(default_factory=ChunkOptions)
    vectors: VectorOptions = field(default_factory=VectorOptions)
    keyword_weight: float = 0.25
    candidates: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> IndexOptions:
        """The defaults, with the HNSW threshold from `HNSW_MIN_VECTORS`."""
        return cls(vectors=VectorOptions(hnsw_min_vectors=settings.hnsw_min_vectors))


# What a sync did: which lessons it embedded, dropped or kept.
@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    chunks_embedded: int

    @property
    def embedded(self) -> tuple[str, ...]:
        """Lessons whose chunks were embedded in this sync."""
        return self.added + self.changed


def _content_hash(chunks: Sequence[str]) -> str:
    return hashlib.sha256("\x1e".join(chunks).encode("utf-8")).hexdigest()


class LessonIndex:
    """Semantic search over the lesson library, persisted in `directory`.

    Open it with `LessonIndex.open` (or `open_lesson_index`), which loads what is on disk and
    syncs it with the lessons; call `sync` again after lessons change. Searching is safe from
    several threads, also while a sync runs.

    Args:
        directory: where the manifest, vectors and FAISS files live.
        embedder: the sentence-embedding model; the index records its identity.
        options: chunking, HNSW threshold and ranking; see `IndexOptions`.
    """

    def __init__(
        self, directory: Path, *, embedder: Embedder, options: IndexOptions = IndexOptions()
    ) -> None:
        self.directory = directory
        self.embedder = embedder
        self.options = options
        self._lock = threading.Lock()
        self._generation = 0
        self._stored: dict[str, tuple[StoredLesson, np.ndarray]] = {}
        self._search: VectorSearch | None = None
        self._state = RankedLessons.empty()
        self._synced: tuple[Lesson, ...] | None = None  # the lessons the state was built from
        self.last_sync: SyncReport | None = None
        self._load()

    @classmethod
    def open(
        cls,
        directory: Path,
        lessons: Sequence[Lesson],
        *,
        embedder: Embedder,
        options: IndexOptions = IndexOptions(),
        on_progress: ProgressCallback | None = None,
    ) -> LessonIndex:
        """Load the index in `directory` and bring it in step with `lessons`. A missing, stale
        or corrupt index is rebuilt (with a logged warning); what was done is in `last_sync`."""
        index = cls(directory, embedder=embedder, options=options)
        index.sync(lessons, on_progress=on_progress)
        return index

    def _load(self) -> None:
        where = self.directory
        try:
            manifest = read_manifest(where)
        except StoreError as exc:
            log.warning("The lesson index in %s is corrupt (%s); rebuilding it.", where, exc)
            return
        if manifest is None:
            log.warning("There is no lesson index in %s yet; building it.", where)
            return
        self._generation = manifest.generation
        model, dimension = self.embedder.identity, self.embedder.dimension
        if (manifest.model, manifest.dimension) != (model, dimension):
            log.warning(
                "The lesson index in %s was made with %s (%d dimensions), not %s (%d); "
                "rebuilding it.",
                where,
                manifest.model,
                manifest.dimension,
                model,
                dimension,
            )
            return
        try:
            vectors = read_vectors(where, manifest)
        except StoreError as exc:
            log.warning(
                "The lesson index in %s is corrupt (%s); re-embedding all lessons.", where, exc
            )
            return
        row = 0
        for lesson in manifest.lessons:
            self._stored[lesson.id] = (lesson, vectors[row : row + lesson.chunks])
            row += lesson.chunks
        try:
            search = VectorSearch.deserialize(
                read_index_bytes(where, manifest), self.options.vectors
            )
            if (search.size, search.dimension) != vectors.shape:
                raise ValueError(f"it holds {search.size} vectors of {search.dimension}")
        except (StoreError, ValueError) as exc:
            log.warning(
                "The FAISS file of the lesson index in %s is corrupt (%s); rebuilding it from "
                "the stored vectors.",
                where,
                exc,
            )
            return
        self._search = search

    def _embed(self, texts: list[str], on_progress: ProgressCallback | None) -> np.ndarray:
        batches = []
        for start in range(0, len(texts), _EMBED_BATCH):
            batches.append(self.embedder.encode(texts[start : start + _EMBED_BATCH]))
            if on_progress:
                on_progress(min(start + _EMBED_BATCH, len(texts)), len(texts))
        return np.vstack(batches) if batches else np.zeros((0, 0), np.float32)

    def sync(
        self, lessons: Sequence[Lesson], *, on_progress: ProgressCallback | None = None
    ) -> SyncReport:
        """Make the index hold exactly `lessons`: embed new and changed ones, drop removed ones,
        keep the vectors of the rest, then rebuild the FAISS structure (cheap) and persist.

        A failure to write the files is logged, not raised: the index still works in memory
        and is rebuilt on the next start.

        Raises:
            ValueError: two lessons share an id.
        """
        lessons = sorted(lessons, key=lambda lesson: lesson.id)
        ids = [lesson.id for lesson in lessons]
        if len(set(ids)) != len(ids):
            raise ValueError("two lessons share an id")
        with self._lock:
            if tuple(lessons) == self._synced:  # the common case: a page re-run, nothing edited
                self.last_sync = SyncReport((), (), (), len(lessons), 0)
                return self.last_sync
            chunks = {lesson.id: chunk_lesson(lesson, self.options.chunking) for lesson in lessons}
            hashes = {lesson_id: _content_hash(texts) for lesson_id, texts in chunks.items()}
            old = self._stored
            stale = [i for i in ids if i not in old or old[i][0].hash != hashes[i]]
            texts = [text for lesson_id in stale for text in chunks[lesson_id]]
            fresh = self._embed(texts, on_progress)
            stored: dict[str, tuple[StoredLesson, np.ndarray]] = {}
            row = 0
            for lesson in lessons:
                entry = StoredLesson(
                    lesson.id,
                    hashes[lesson.id],
                    lesson.title,
                    lesson.skills,
                    len(chunks[lesson.id]),
                )
                if lesson.id in old and lesson.id not in stale:
                    vectors = old[lesson.id][1]
                else:
                    vectors, row = fresh[row : row + entry.chunks], row + entry.chunks
                stored[lesson.id] = (entry, vectors)
            removed = tuple(sorted(old.keys() - stored.keys()))
            report = SyncReport(
                added=tuple(i for i in stale if i not in old),
                changed=tuple(i for i in stale if i in old),
                removed=removed,
                unchanged=len(ids) - len(stale),
                chunks_embedded=len(texts),
            )
            entries_before = {lesson_id: entry for lesson_id, (entry, _) in old.items()}
            entries_now = {lesson_id: entry for lesson_id, (entry, _) in stored.items()}
            self._swap(lessons, stored, changed=entries_now != entries_before)
            self._synced, self.last_sync = tuple(lessons), report
            return report

    def _swap(
        self,
        lessons: list[Lesson],
        stored: dict[str, tuple[StoredLesson, np.ndarray]],
        *,
        changed: bool,
    ) -> None:
        entries = tuple(entry for entry, _ in stored.values())
        dimension = self.embedder.dimension
        vectors = (
            np.vstack([v for _, v in stored.values()]).astype(np.float32, copy=False)
            if stored
            else np.zeros((0, dimension), np.float32)
        )
        search = self._search
        wanted = HNSW if len(vectors) >= self.options.vectors.hnsw_min_vectors else FLAT
        if changed or search is None or search.size != len(vectors) or search.kind != wanted:
            search = VectorSearch.build(vectors, self.options.vectors)
            manifest = Manifest(
                model=self.embedder.identity,
                dimension=dimension,
                kind=search.kind,
                lessons=entries,
                generation=self._generation,
            )
            try:
                written = write_generation(
                    directory=self.directory,
                    manifest=manifest,
                    vectors=vectors,
                    index_bytes=search.serialize(),
                )
                self._generation = written.generation
            except OSError as exc:
                log.warning("Could not save the lesson index in %s: %s", self.directory, exc)
        self._stored, self._search = stored, search
        self._state = RankedLessons(
            lessons=entries,
            vectors=vectors,
            search=search,
            keywords=KeywordIndex([keyword_text(lesson) for lesson in lessons]),
        )

    @property
    def kind(self) -> str:
        """ "flat" (exact inner product) or "hnsw"."""
        search = self._state.search
        return search.kind if search else FLAT

    @property
    def lesson_count(self) -> int:
        return len(self._state.lessons)

    @property
    def vector_count(self) -> int:
        return len(self._state.vectors)

    @property
    def chunk_vectors(self) -> np.ndarray:
        """The stored chunk vectors, one row per chunk, each lesson's rows together."""
        vectors = self._state.vectors.view()
        vectors.flags.writeable = False
        return vectors

    def search(self, text: str, k: int = 3) -> list[SearchHit]:
        """The `k` lessons that best match `text`, one hit per lesson, best first."""
        return self.search_many([text], k)[0]

    def search_many(self, texts: Sequence[str], k: int = 3) -> list[list[SearchHit]]:
        """`search` for several texts at once (one embedding batch), results in input order."""
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        vectors = self.embedder.encode([texts[i].strip() for i in wanted]) if wanted else None
        results: list[list[SearchHit]] = [[] for _ in texts]
        if vectors is not None:
            ranked = self.search_vectors(vectors, [texts[i] for i in wanted], k)
            for position, hits in zip(wanted, ranked, strict=True):
                results[position] = hits
        return results

    def search_vectors(
        self, vectors: np.ndarray, texts: Sequence[str], k: int = 3, *, brute_force: bool = False
    ) -> list[list[SearchHit]]:
        """Rank lessons for queries already embedded (`vectors`, one row per text in `texts`).

        With `brute_force`, every chunk is scored with NumPy instead of asking FAISS for
        candidates: the exact reference the benchmark compares FAISS against.
        """
        state = self._state
        return [
            state.rank(
                vector,
                text,
                k,
                keyword_weight=self.options.keyword_weight,
                candidates=self.options.candidates,
                brute_force=brute_force,
            )
            for vector, text in zip(vectors, texts, strict=True)
        ]


def open_lesson_index(
    *,
    settings: Settings,
    lessons: Sequence[Lesson],
    embedder: Embedder | None = None,
    on_progress: ProgressCallback | None = None,
) -> LessonIndex:
    """The lesson index under `settings.index_dir`, synced with `lessons`.

    `embedder` defaults to the shared one for `EMBEDDING_MODEL`.
    """
    return LessonIndex.open(
        settings.index_dir / LESSON_INDEX_FOLDER,
        lessons,
        embedder=embedder or get_embedder(settings.embedding_model),
        options=IndexOptions.from_settings(settings),
        on_progress=on_progress,
    )
