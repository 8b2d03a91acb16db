"""Recordings uploaded through the app: checked by content and size, stored under safe names."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from core.errors import InvalidInput

__all__ = ["audio_format", "check_upload", "safe_filename", "store_upload"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """A file name with no folders, no leading dots and only plain characters.

    "../../etc/passwd" becomes "passwd"; "Call 12 (Mon).wav" becomes "Call_12_Mon_.wav".
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("_", base).lstrip("._")
    return cleaned[:120] or "recording"


def audio_format(head: bytes) -> str | None:
    """The recording format the first bytes of a file show ("wav", "flac", "mp3", "ogg",
    "m4a"), or None when they are not one of the formats Callcoach imports. The name of the
    file plays no part: a text file renamed .wav is not a WAV."""
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp":
        return "m4a"
    # MP3: an ID3 tag, or straight into an MPEG audio frame (11 sync bits set).
    if head[:3] == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _size(count: int) -> str:
    return f"{count / 2**20:.0f} MB" if count >= 2**20 else f"{count / 2**10:.1f} KB"


def check_upload(*, data: bytes, filename: str, max_bytes: int) -> str:
    """The format of an uploaded recording, after checking it can be imported.

    Raises:
        InvalidInput: empty, larger than `max_bytes`, or its content is not a supported
            audio format; the message names the file (its sanitised name).
    """
    name = safe_filename(filename)
    if not data:
        raise InvalidInput(f"{name}: the file is empty (0 bytes)")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"{name}: {_size(len(data))} is larger than the upload limit of {_size(max_bytes)}"
        )
    found = audio_format(data[:16])
    if found is None:
        raise InvalidInput(
            f"{name}: not a readable audio file (its content is not WAV, FLAC, MP3, Ogg/Opus "
            "or M4A, whatever its name says)"
        )
    return found


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
