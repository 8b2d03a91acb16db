"""Semantic search: sentence embeddings, the lesson index on disk, and weak-spot matching."""

from index.chunking import ChunkOptions, chunk_lesson
from index.embedder import BUNDLED, Embedder, get_embedder, resolve_embedding_model
from index.lesson_index import IndexOptions, LessonIndex, SyncReport, open_lesson_index
from index.matcher import LessonRecommendation, MatchOptions, WeakSpot, recommend_lessons
from index.ranking import SearchHit
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
    "SyncReport",
    "VectorOptions",
    "WeakSpot",
    "chunk_lesson",
    "get_embedder",
    "open_lesson_index",
    "recommend_lessons",
    "resolve_embedding_model",
]
