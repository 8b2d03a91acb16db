"""Files of an index on disk: written atomically, read back against their checksums."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["StoreError", "read_checked", "write_atomically"]


class StoreError(Exception):
    """A file of the persisted index is missing or corrupt; the message says which and how."""


def read_checked(path: Path, sha256: str) -> bytes:
    """The bytes of `path`, if they match `sha256`.

    Raises:
        StoreError: the file is missing, unreadable or altered.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(f"{path.name} does not match its checksum in the manifest")
    return data


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part."""
    # Write beside the target and rename, so a crash never leaves a half-written file behind.
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temp_name, 0o644)  # mkstemp makes files only their owner can read
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
