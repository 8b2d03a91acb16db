"""Reading call recordings: content hash and container facts (duration, channels, sample rate)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AudioError", "AudioInfo", "file_sha256", "probe_audio"]

_CHUNK = 1 << 20


class AudioError(ValueError):
    """A recording cannot be read as audio; the message says why in plain words."""


# What a recording's container says about its audio stream.
@dataclass(frozen=True)
class AudioInfo:
    duration: float  # seconds
    channels: int
    sample_rate: int  # Hz
    codec: str


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file's bytes: the identity of a recording, whatever its name."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def probe_audio(path: Path) -> AudioInfo:
    """Read the container header of `path` without decoding the whole file.

    Raises:
        AudioError: the file is missing, empty, not audio, or has no audio stream.
    """
    import av  # PyAV ships its own FFmpeg, so every machine decodes the same formats.

    if not path.is_file():
        raise AudioError(f"{path.name}: file not found")
    if path.stat().st_size == 0:
        raise AudioError(f"{path.name}: the file is empty (0 bytes)")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"{path.name}: no audio stream in the file")
            stream = container.streams.audio[0]
            codec = stream.codec_context
            # A header can name an audio stream FFmpeg has no decoder for, or declare zero
            # channels or a zero sample rate (found by tests/test_fuzz.py).
            if codec is None or not codec.channels or not codec.sample_rate:
                raise AudioError(
                    f"{path.name}: the audio stream cannot be decoded (unknown codec, or no "
                    "channels or sample rate in its header)"
                )
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                raise AudioError(f"{path.name}: the file does not say how long it is")
            return AudioInfo(
                duration=round(duration, 3),
                channels=codec.channels,
                sample_rate=codec.sample_rate,
                codec=codec.name,
            )
    except av.FFmpegError as exc:
        raise AudioError(f"{path.name}: not a readable audio file ({exc.strerror})") from None
