"""Reading call recordings: content hash and container facts (duration, channels, sample rate),
and the length a header declares, so a file cut off mid-way is told from a short call."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AudioError",
    "AudioInfo",
    "cut_off_message",
    "declared_duration",
    "file_sha256",
    "probe_audio",
]

_CHUNK = 1 << 20
# Bytes read to find a header's declared length: a WAV's chunks before `data` (LIST, bext of
# broadcast recorders) or a FLAC's STREAMINFO fit well inside.
_HEADER_BYTES = 1 << 16
# A file holding less than this share of what its header declares is cut off; a little less
# is a writer's rounding or a last partial frame.
_MIN_HELD_SHARE = 0.98


class AudioError(ValueError):
    """A recording cannot be used as a call; the message says why in plain words (without the
    file's name, which whoever shows the message adds once)."""


# What a recording's container says about its audio stream.
@dataclass(frozen=True)
class AudioInfo:
    duration: float  # seconds of audio the file holds
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


def _wav_declared(head: bytes) -> float | None:
    """Seconds of audio a RIFF/WAVE header's `data` chunk declares, if it says."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    byte_rate, offset = None, 12
    while offset + 8 <= len(head):
        chunk, size = head[offset : offset + 4], struct.unpack_from("<I", head, offset + 4)[0]
        if chunk == b"fmt " and offset + 16 <= len(head):
            byte_rate = struct.unpack_from("<I", head, offset + 16)[0]
        elif chunk == b"data":
            # Recorders that stream write 0 or 0xFFFFFFFF until they finish: no declared length.
            if not byte_rate or size in (0, 0xFFFFFFFF):
                return None
            return size / byte_rate
        offset += 8 + size + (size & 1)  # chunks are padded to an even length
    return None


def _flac_declared(head: bytes) -> float | None:
    """Seconds of audio a FLAC STREAMINFO block declares (total samples / sample rate)."""
    if len(head) < 8 + 34 or head[:4] != b"fLaC" or head[4] & 0x7F != 0:
        return None
    info = head[8 : 8 + 34]
    packed = int.from_bytes(info[10:18], "big")  # rate 20 bits, channels 3, depth 5, samples 36
    sample_rate = packed >> 44
    samples = packed & ((1 << 36) - 1)
    if not sample_rate or not samples:  # 0 samples: the encoder did not know the length
        return None
    return samples / sample_rate


def declared_duration(path: Path) -> float | None:
    """The length in seconds the file's header declares, for formats that record it before the
    audio (WAV, FLAC); None for others or when the header does not say."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except OSError:
        return None
    return _wav_declared(head) or _flac_declared(head)


def cut_off_message(held: float, declared: float) -> str | None:
    """The refusal for a file holding `held` of the `declared` seconds, or None if it is whole."""
    if held >= declared * _MIN_HELD_SHARE or declared - held < 0.5:
        return None
    return f"cut off: the file holds {held:.1f} s of the {declared:.1f} s its header declares"


def probe_audio(path: Path) -> AudioInfo:
    """Read the container header of `path` without decoding the whole file.

    Raises:
        AudioError: the file is missing, empty, not audio, has no audio stream, or holds less
            audio than its header declares (cut off).
    """
    import av  # PyAV ships its own FFmpeg, so every machine decodes the same formats.

    if not path.is_file():
        raise AudioError("file not found")
    if path.stat().st_size == 0:
        raise AudioError("the file is empty (0 bytes)")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError("no audio stream in the file")
            stream = container.streams.audio[0]
            codec = stream.codec_context
            # A header can name an audio stream FFmpeg has no decoder for, or declare zero
            # channels or a zero sample rate (found by tests/test_fuzz.py).
            if codec is None or not codec.channels or not codec.sample_rate:
                raise AudioError(
                    "the audio stream cannot be decoded (unknown codec, or no channels or "
                    "sample rate in its header)"
                )
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                raise AudioError("the file does not say how long it is")
            info = AudioInfo(
                duration=round(duration, 3),
                channels=codec.channels,
                sample_rate=codec.sample_rate,
                codec=codec.name,
            )
    except av.FFmpegError as exc:
        raise AudioError(f"not a readable audio file ({exc.strerror})") from None
    # FFmpeg measures a WAV by its size, so a cut-off one looks whole but short: its header
    # still says how long the recording was.
    declared = declared_duration(path)
    if declared is not None and (problem := cut_off_message(info.duration, declared)):
        raise AudioError(problem)
    return info
