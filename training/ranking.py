"""Lesson ranking: the best chunk's cosine similarity plus a keyword bonus, one hit per lesson."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from index.vectors import VectorSearch
from training.keywords import KeywordIndex
from training.lesson_store import StoredLesson

__all__ = ["RankedLessons", "SearchHit"]


# One lesson found by a search; `score` is the best chunk's cosine plus the keyword bonus.
@dataclass(frozen=True)
class SearchHit:
    lesson_id: str
    title: str
    skills: tuple[str, ...]
    score: float

    def to_json(self) -> dict:
        """The hit as the CLI prints it: lesson_id, title, skills (a list) and score."""
        return {
            "lesson_id": self.lesson_id,
            "title": self.title,
            "skills": list(self.skills),
            "score": round(self.score, 4),
        }


# A searchable snapshot of the index: a sync builds a new one and swaps it in whole.
@dataclass(frozen=True)
class RankedLessons:
    lessons: tuple[StoredLesson, ...]
    vectors: np.ndarray  # one unit row per chunk, each lesson's rows consecutive, in lesson order
    search: VectorSearch | None  # FAISS over `vectors`; None ranks by brute force
    keywords: KeywordIndex  # one document per lesson, in lesson order

    @classmethod
    def empty(cls) -> RankedLessons:
        return cls((), np.zeros((0, 0), np.float32), None, KeywordIndex([]))

    @cached_property
    def _counts(self) -> np.ndarray:
        """The number of chunk rows of each lesson."""
        return np.array([lesson.chunks for lesson in self.lessons], dtype=np.int64)

    @cached_property
    def _starts(self) -> np.ndarray:
        """The first row of each lesson."""
        return np.concatenate([[0], np.cumsum(self._counts)[:-1]]).astype(np.int64)

    @cached_property
    def _owner(self) -> np.ndarray:
        """The lesson number of each row."""
        return np.repeat(np.arange(len(self.lessons)), self._counts)

    def rank(
        self,
        vector: np.ndarray,
        text: str,
        k: int,
        *,
        keyword_weight: float,
        candidates: int,
        brute_force: bool = False,
    ) -> list[SearchHit]:
        """The `k` best lessons for one query (its unit `vector` and its `text`), best first.

        Each lesson scores the cosine of its chunk closest to the query plus `keyword_weight`
        times its BM25 score relative to the best lesson's. FAISS proposes the `candidates`
        lessons with the closest chunks, keywords their own best `candidates`, and those are
        scored exactly; with `brute_force` every lesson is scored with NumPy instead.
        """
        if not self.lessons or k < 1:
            return []
        keyword = self.keywords.scores(text)
        if keyword.max() > 0:
            keyword = keyword / keyword.max()
        if brute_force or self.search is None:
            numbers = np.arange(len(self.lessons))
            dense = np.maximum.reduceat(self.vectors @ vector, self._starts)
        else:
            numbers = self._candidates(vector, keyword, candidates)
            dense = self._best_chunk_scores(numbers, vector)
        scores = dense + keyword_weight * keyword[numbers]
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            SearchHit(
                lesson_id=self.lessons[numbers[i]].id,
                title=self.lessons[numbers[i]].title,
                skills=self.lessons[numbers[i]].skills,
                score=float(scores[i]),
            )
            for i in order
        ]

    def _candidates(self, vector: np.ndarray, keyword: np.ndarray, pool: int) -> np.ndarray:
        """Lesson numbers worth scoring exactly: the best by vector search and by keywords."""
        pool = min(len(self.lessons), pool)
        # Enough chunks that `pool` distinct lessons are among them even if each lesson's
        # chunks all rank together.
        _, rows = self.search.search(vector[None, :], pool * int(self._counts.max()))
        by_vector = list(dict.fromkeys(int(self._owner[row]) for row in rows[0] if row >= 0))[:pool]
        by_keyword = [int(n) for n in np.argsort(-keyword, kind="stable")[:pool] if keyword[n] > 0]
        return np.array(list(dict.fromkeys(by_vector + by_keyword)), dtype=np.int64)

    def _best_chunk_scores(self, numbers: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """For each lesson number, the cosine of its chunk closest to `vector`."""
        starts, counts = self._starts[numbers], self._counts[numbers]
        rows = np.concatenate(
            [np.arange(start, start + count) for start, count in zip(starts, counts, strict=True)]
        )
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return np.maximum.reduceat(self.vectors[rows] @ vector, offsets)
