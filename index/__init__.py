"""Semantic search: sentence embeddings, the lesson and transcript-segment indexes on disk, and
weak-spot matching. Conversation search itself is `index.conversation_search` (it reads the
dashboards' filters, so `import index` stays light)."""

from index.chunking import ChunkOptions, chunk_lesson
from index.embedder import BUNDLED, Embedder, get_embedder, resolve_embedding_model
from index.lesson_index import IndexOptions, LessonIndex, SyncReport, open_lesson_index
from index.matcher import LessonRecommendation, MatchOptions, WeakSpot, recommend_lessons
from index.ranking import SearchHit
from index.segment_index import (
    SegmentIndex,
    SegmentIndexOptions,
    SegmentSyncReport,
    open_segment_index,
    sync_segment_index,
)
from index.vectors import VectorOptions

__all__ = [
    "BUNDLED",
    "ChunkOptions",
    "Embedder",
    "IndexOptions",
    "LessonIndex",
    "LessonRecommendation",
    "MatchOptions",
    "SearchHit",
    "SegmentIndex",
    "SegmentIndexOptions",
    "SegmentSyncReport",
    "SyncReport",
    "VectorOptions",
    "WeakSpot",
    "chunk_lesson",
    "get_embedder",
    "open_lesson_index",
    "open_segment_index",
    "recommend_lessons",
    "resolve_embedding_model",
    "sync_segment_index",
]
