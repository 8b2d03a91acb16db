"""The recording as everyone hears it: every redacted stretch replaced by a tone.

The transcript's tags ("[CARD]", "[DOB]") carry the times of the words they replaced, so the
same stretches can be silenced in the audio. Word times from Whisper can be a tenth of a second
or two off, so each stretch is padded; a line with a tag but no timed tag word (a transcript
without word times) is toned whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.audio import probe_audio
from qa.redact import TAG

__all__ = [
    "SAMPLE_RATE",
    "ToneOptions",
    "redacted_spans",
    "toned",
    "write_call_audio",
    "write_redacted_audio",
]

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class ToneOptions:
    # Reach of the tone past the redacted words: better a syllable too many hidden than a
    # digit heard.
    padding: float = 0.15
    # A 1 kHz tone, the sound listeners know as "censored" ...
    hz: float = 1000.0
    # ... at -20 dBFS, quiet enough not to startle someone listening on headphones.
    level: float = 0.1


def redacted_spans(segments: Iterable[dict], options: ToneOptions) -> list[tuple[float, float]]:
    """Call times (seconds) of every redacted stretch of stored segments (`text`, `start`,
    `end`, `words` as stored)."""
    spans = []
    for segment in segments:
        if not TAG.search(segment["text"]):
            continue
        tagged = [w for w in segment.get("words") or () if TAG.search(w["word"])]
        if not tagged:
            spans.append((segment["start"], segment["end"]))
        spans += [(w["start"] - options.padding, w["end"] + options.padding) for w in tagged]
    return spans


def toned(
    audio: np.ndarray, spans: list[tuple[float, float]], options: ToneOptions, *, offset: int = 0
) -> np.ndarray:
    """`audio` (samples from call sample `offset` on; one channel or channels x samples) with
    every span (call seconds) replaced by the tone, in every channel."""
    out = np.array(audio, dtype=np.float32, copy=True)
    length = out.shape[-1]
    for start, end in spans:
        a = max(round(start * SAMPLE_RATE) - offset, 0)
        b = min(round(end * SAMPLE_RATE) - offset, length)
        if b > a:
            t = (np.arange(a, b) + offset) / SAMPLE_RATE
            out[..., a:b] = options.level * np.sin(2 * np.pi * options.hz * t)
    return out


def write_redacted_audio(
    source: Path, target: Path, spans: list[tuple[float, float]], options: ToneOptions
) -> Path:
    """Write `source` (any format faster-whisper reads; stereo stays stereo) to `target` as MP3
    (16 kHz, plays in every browser) with every span toned; replaced whole, never half-written.

    Raises:
        OSError: the target cannot be written.
        AudioError: the source cannot be read.
    """
    import soundfile
    from faster_whisper import decode_audio

    stereo = probe_audio(source).channels == 2
    decoded = decode_audio(str(source), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
    audio = toned(np.stack(decoded if stereo else (decoded,)), spans, options)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(suffix=".mp3", dir=target.parent)
    os.close(handle)
    try:
        soundfile.write(scratch, audio.T, SAMPLE_RATE, format="MP3", subtype="MPEG_LAYER_III")
        os.replace(scratch, target)
    finally:
        Path(scratch).unlink(missing_ok=True)
    return target


def write_call_audio(
    source: Path,
    sha256: str,
    segments: Iterable[dict],
    audio_dir: Path,
    options: ToneOptions | None = None,
) -> Path:
    """A call's redacted audio, `audio_dir/<sha256[:2]>/<sha256>.mp3`: `source` with the
    redacted stretches of its stored `segments` toned (see write_redacted_audio)."""
    options = options or ToneOptions()
    target = audio_dir / sha256[:2] / f"{sha256}.mp3"
    return write_redacted_audio(source, target, redacted_spans(segments, options), options)
