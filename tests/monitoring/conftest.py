"""Fixtures for the monitoring tests: a short real call clip, and a scripted streaming model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from monitoring.runner import RecordingWriter
from monitoring.sources import SAMPLE_RATE, AudioChunk, SimulatedCall
from monitoring.streaming import StreamingOptions, StreamingTranscriber
from qa.transcript import Word
from tests.qa.conftest import STEREO_OPUS


@pytest.fixture(scope="session")
def short_call(tmp_path_factory) -> Path:
    """The first 24 s of a demo call (greeting, disclosure and the customer's first words) as a
    stereo 16 kHz WAV: agent on the left, customer on the right."""
    source = SimulatedCall(STEREO_OPUS, speed=None)
    clip = source.audio[:, : 24 * 16_000]
    writer = RecordingWriter(
        tmp_path_factory.mktemp("live") / "short-call.wav", channels=2, comment="test clip"
    )
    writer.write(AudioChunk(start=0.0, samples=clip))
    return writer.close()


def tone_wav(path: Path, seconds: float, *, channels: int = 2) -> Path:
    """A WAV of a quiet hum on every channel (no speech)."""
    t = np.arange(int(seconds * 16_000)) / 16_000
    hum = (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    writer = RecordingWriter(path, channels=channels, comment="tone")
    writer.write(AudioChunk(start=0.0, samples=np.stack([hum] * channels)))
    return writer.close()


class ScriptedModel(StreamingTranscriber):
    """Each pass "hears" the script's words whose audio has arrived, a word just at the edge of
    the audio misheard (as Whisper does); the whole audio counts as speech."""

    def __init__(self, script: list[Word], **options) -> None:
        super().__init__(options=StreamingOptions(**options))
        self.script = script

    def _speech(self, audio):
        return [(0.0, len(audio) / SAMPLE_RATE)]

    def _decode(self, audio, offset, *, beam_size=1):
        end = offset + len(audio) / SAMPLE_RATE
        heard = [w for w in self.script if w.start >= offset - 0.05 and w.end <= end]
        if heard and end - heard[-1].end < 0.5:
            heard[-1] = Word(heard[-1].start, heard[-1].end, heard[-1].word + "-ish")
        return heard
