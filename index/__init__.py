"""Semantic search building blocks that know nothing of what they hold: sentence embeddings,
FAISS structures over unit vectors, checksummed index files, and the transcript-segment index.
The lesson library (`training.lesson_index`) and conversation search
(`analytics.conversation_search`) are built on them."""

from index.embedder import BUNDLED, Embedder, get_embedder, resolve_embedding_model
from index.segment_index import (
    SegmentIndex,
    SegmentIndexOptions,
    SegmentSyncReport,
    open_segment_index,
    sync_segment_index,
)
from index.store import StoreError
from index.vectors import VectorOptions

__all__ = [
    "BUNDLED",
    "Embedder",
    "SegmentIndex",
    "SegmentIndexOptions",
    "SegmentSyncReport",
    "StoreError",
    "VectorOptions",
    "get_embedder",
    "open_segment_index",
    "resolve_embedding_model",
    "sync_segment_index",
]
