"""Small, fast stand-ins for the real models, for tests that are not about the model."""

from __future__ import annotations

import zlib

import numpy as np

from index.embedder import Embedder
from training.keywords import words


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
