"""Recordings uploaded through the app: safe file names in the uploads folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

__all__ = ["safe_filename", "store_upload"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A file name with no folders, no leading dots and only plain characters.

    "../../etc/passwd" becomes "passwd"; "Call 12 (Mon).wav" becomes "Call_12_Mon_.wav".
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip("._")
    return cleaned[:120] or "recording"


def store_upload(*, data: bytes, filename: str, folder: Path) -> Path:
    """Write uploaded bytes to `folder/<content hash>/<sanitised name>`.

    The same content uploaded twice lands on the same path, so nothing piles up, and the file
    keeps the name the user knows it by.
    """
    target = folder / hashlib.sha256(data).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    path = target / safe_filename(filename)
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a crash never leaves a half-written recording
    return path
