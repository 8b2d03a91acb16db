"""The lesson index on disk: a JSON manifest naming a vectors file and a FAISS file, written
as whole generations with the atomic, checksummed file helpers of `index.store`."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.store import StoreError, read_checked, write_atomically

__all__ = [
    "MANIFEST",
    "Manifest",
    "StoredLesson",
    "read_index_bytes",
    "read_manifest",
    "read_vectors",
    "write_generation",
]

MANIFEST = "manifest.json"
_FORMAT = 1


# What the index holds for one lesson: the hash of the chunks its vectors came from.
@dataclass(frozen=True)
class StoredLesson:
    id: str
    hash: str
    title: str
    skills: tuple[str, ...]
    chunks: int


# The index's description: which model made the vectors, and which rows belong to which lesson.
@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    kind: str  # "flat" or "hnsw"
    lessons: tuple[StoredLesson, ...]  # in row order: each lesson's chunks are consecutive rows
    generation: int = 0
    vectors_file: str = ""
    vectors_sha256: str = ""
    index_file: str = ""
    index_sha256: str = ""

    @property
    def chunk_lessons(self) -> list[str]:
        """The lesson id of every vector row."""
        return [lesson.id for lesson in self.lessons for _ in range(lesson.chunks)]

    def to_json(self) -> dict:
        data = asdict(self)
        data["format"] = _FORMAT
        data["chunks"] = self.chunk_lessons
        return data

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        """Read a manifest from its JSON data.

        Raises:
            StoreError: the data is not a manifest of this format, or its chunk map disagrees
                with its lessons.
        """
        try:
            if data.get("format") != _FORMAT:
                raise StoreError(f"manifest format {data.get('format')!r}, expected {_FORMAT}")
            lessons = tuple(
                StoredLesson(
                    id=str(item["id"]),
                    hash=str(item["hash"]),
                    title=str(item["title"]),
                    skills=tuple(map(str, item["skills"])),
                    chunks=int(item["chunks"]),
                )
                for item in data["lessons"]
            )
            manifest = cls(
                model=str(data["model"]),
                dimension=int(data["dimension"]),
                kind=str(data["kind"]),
                lessons=lessons,
                generation=int(data["generation"]),
                vectors_file=str(data["vectors_file"]),
                vectors_sha256=str(data["vectors_sha256"]),
                index_file=str(data["index_file"]),
                index_sha256=str(data["index_sha256"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StoreError(f"manifest is incomplete ({type(exc).__name__}: {exc})") from None
        if data.get("chunks") != manifest.chunk_lessons:
            raise StoreError("manifest's chunk map does not match its lessons")
        return manifest


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest in `directory`, or None when there is none yet.

    Raises:
        StoreError: the manifest exists but cannot be read or parsed.
    """
    path = directory / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StoreError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise StoreError(f"{path} is not a JSON object")
    return Manifest.from_json(data)


def read_vectors(directory: Path, manifest: Manifest) -> np.ndarray:
    """The chunk vectors the manifest describes, checked against its checksum and shape.

    Raises:
        StoreError: the file is missing, altered or of the wrong shape.
    """
    data = read_checked(directory / manifest.vectors_file, manifest.vectors_sha256)
    try:
        vectors = np.load(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        raise StoreError(f"{manifest.vectors_file} is not a NumPy array: {exc}") from None
    expected = (len(manifest.chunk_lessons), manifest.dimension)
    if vectors.shape != expected or vectors.dtype != np.float32:
        raise StoreError(
            f"{manifest.vectors_file} holds {vectors.dtype} {vectors.shape}, expected {expected}"
        )
    return vectors


def read_index_bytes(directory: Path, manifest: Manifest) -> bytes:
    """The serialized FAISS index the manifest names, checked against its checksum.

    Raises:
        StoreError: the file is missing or altered.
    """
    return read_checked(directory / manifest.index_file, manifest.index_sha256)


def write_generation(
    *, directory: Path, manifest: Manifest, vectors: np.ndarray, index_bytes: bytes
) -> Manifest:
    """Persist a new generation of the index: its vectors and FAISS files first, the manifest
    naming them last, so readers see either the old generation or the new one whole. Files of
    older generations are removed afterwards.

    Args:
        directory: where the index lives.
        manifest: model, dimension, kind and lessons of the new generation; its `generation`
            is the one being replaced (0 for none), its file fields are ignored.
        vectors: the chunk vectors, in the manifest's row order.
        index_bytes: the serialized FAISS index over `vectors`.

    Returns:
        The manifest as written, naming the new files.

    Raises:
        OSError: the directory cannot be written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    generation = manifest.generation + 1
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    vectors_bytes = buffer.getvalue()
    written = Manifest(
        model=manifest.model,
        dimension=manifest.dimension,
        kind=manifest.kind,
        lessons=manifest.lessons,
        generation=generation,
        vectors_file=f"vectors-{generation}.npy",
        vectors_sha256=hashlib.sha256(vectors_bytes).hexdigest(),
        index_file=f"index-{generation}.faiss",
        index_sha256=hashlib.sha256(index_bytes).hexdigest(),
    )
    write_atomically(directory / written.vectors_file, vectors_bytes)
    write_atomically(directory / written.index_file, index_bytes)
    write_atomically(directory / MANIFEST, json.dumps(written.to_json(), indent=1).encode("utf-8"))
    for pattern in ("vectors-*.npy", "index-*.faiss"):
        for old in directory.glob(pattern):
            if old.name not in (written.vectors_file, written.index_file):
                old.unlink(missing_ok=True)
    return written
