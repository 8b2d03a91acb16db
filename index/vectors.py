"""FAISS structures over unit vectors: exact inner product, or HNSW for large collections."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FLAT", "HNSW", "VectorOptions", "VectorSearch"]

FLAT = "flat"
HNSW = "hnsw"


@dataclass(frozen=True)
class VectorOptions:
    """When and how to use an approximate (HNSW) structure instead of exact search.

    Attributes:
        hnsw_min_vectors: collections with at least this many vectors use HNSW; smaller ones
            are searched exactly, which at that size is as fast and never misses.
        hnsw_neighbours: links per node (FAISS `M`); 32 is FAISS's usual recall/memory balance.
        hnsw_ef_construction: candidates considered while inserting; 80 builds a graph with
            near-exact recall on sentence embeddings.
        hnsw_ef_search: candidates considered per search (raised to at least the number of
            results asked for); 128 keeps recall near 1 for a few thousand vectors per query.
    """

    hnsw_min_vectors: int = 50_000
    hnsw_neighbours: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 128


class VectorSearch:
    """Inner-product search over a fixed set of unit vectors (so scores are cosines).

    Args:
        index: a FAISS index holding the vectors, as built by `build` or `deserialize`.
        ef_search: HNSW search breadth; ignored by exact indexes.
    """

    def __init__(self, index, *, ef_search: int = VectorOptions.hnsw_ef_search) -> None:
        self._index = index
        self._ef_search = ef_search

    @classmethod
    def build(cls, vectors: np.ndarray, options: VectorOptions = VectorOptions()) -> VectorSearch:
        """Index `vectors` (n x dimension, float32, unit length): IndexFlatIP below
        `options.hnsw_min_vectors`, IndexHNSWFlat with inner product at or above it."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if len(vectors) >= options.hnsw_min_vectors:
            index = faiss.IndexHNSWFlat(
                dimension, options.hnsw_neighbours, faiss.METRIC_INNER_PRODUCT
            )
            index.hnsw.efConstruction = options.hnsw_ef_construction
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        return cls(index, ef_search=options.hnsw_ef_search)

    @classmethod
    def deserialize(cls, data: bytes, options: VectorOptions = VectorOptions()) -> VectorSearch:
        """Read an index written by `serialize`.

        Raises:
            ValueError: `data` is not a FAISS index.
        """
        import faiss

        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            raise ValueError(f"not a FAISS index: {str(exc).splitlines()[0]}") from None
        return cls(index, ef_search=options.hnsw_ef_search)

    def serialize(self) -> bytes:
        """The index as bytes, for `deserialize`."""
        import faiss

        return faiss.serialize_index(self._index).tobytes()

    @property
    def kind(self) -> str:
        """`FLAT` (exact) or `HNSW` (approximate)."""
        return HNSW if "HNSW" in type(self._index).__name__ else FLAT

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The `k` best rows per query: (scores, row numbers), each of shape (queries, k),
        best first; rows are -1 where fewer than `k` vectors exist."""
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32)
        k = max(1, min(k, self.size))
        if self.kind == HNSW:
            params = faiss.SearchParametersHNSW(efSearch=max(self._ef_search, k))
            return self._index.search(queries, k, params=params)
        return self._index.search(queries, k)
