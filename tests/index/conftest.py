"""Fixtures for the index tests: a small fast stand-in for MiniLM and a few real lessons."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from core.config import PROJECT_ROOT
from index.embedder import Embedder
from index.keywords import words
from training.lessons import Lesson, load_library

LIBRARY = PROJECT_ROOT / "training" / "lessons"


class CountingEmbedder(Embedder):
    """Bag-of-words vectors (each word hashed to one of `dimension` axes), unit length, so
    texts sharing words are close. Records every text it encodes."""

    def __init__(self, identity: str = "fake/bag-of-words", dimension: int = 64) -> None:
        super().__init__(identity)
        self._identity, self._dimension = identity, dimension
        self.encoded: list[str] = []

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text) or ["empty"]:
                vectors[row, zlib.crc32(word.encode()) % self._dimension] += 1
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def fake_embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture(scope="session")
def library() -> tuple[Lesson, ...]:
    """The real lesson library."""
    return load_library(LIBRARY).lessons


@pytest.fixture
def lessons(library) -> list[Lesson]:
    """Six real lessons: enough to search, quick to index with the fake embedder."""
    return list(library[:6])
