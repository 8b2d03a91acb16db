"""Semantic search: sentence embeddings and FAISS indexes persisted on disk."""

from index.embedder import BUNDLED, Embedder, get_embedder, resolve_embedding_model

__all__ = ["BUNDLED", "Embedder", "get_embedder", "resolve_embedding_model"]
