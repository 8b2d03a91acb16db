"""Where a live call's audio comes from: the source interface, and the call simulator.

A source hands the live pipeline the call's audio in short chunks, in call order, as it arrives.
Two sources ship: `SimulatedCall` plays a recording at real-time pace as if it were happening
now, and `ui.microphone.MicrophoneSource` takes the browser microphone for practice calls.

Adding a telephony adapter (SIPREC recording server, media forking from the contact-center
platform) means writing one more class with the `CallAudioSource` shape:

- `name`: a short name stored with the live session ("siprec").
- `channels`: 2 when agent and customer arrive as separate streams (SIPREC gives one stream per
  participant), else 1. `agent_channel` says which stream is the agent.
- `chunks()`: a blocking iterator of `AudioChunk`s, 16 kHz float32 in [-1, 1], shape
  (channels, samples), in call order without gaps (send silence for a muted leg); it ends when
  the call ends. Convert the codec's audio (e.g. G.711 at 8 kHz) with PyAV's `AudioResampler`.
- `stop()`: end the call early (the monitor's "End call" button); `chunks()` then returns.
- `realtime`: True when chunks arrive as the call happens (every real source); the simulator
  can also run faster than real time for benchmarks and tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["SAMPLE_RATE", "AudioChunk", "CallAudioSource", "SimulatedCall"]

SAMPLE_RATE = 16_000


# A stretch of live call audio: `samples` has shape (channels, n) at 16 kHz; `start` is its
# position in the call in seconds.
@dataclass(frozen=True)
class AudioChunk:
    start: float
    samples: np.ndarray

    @property
    def end(self) -> float:
        return self.start + self.samples.shape[1] / SAMPLE_RATE


class CallAudioSource(Protocol):
    """A live call's audio, chunk by chunk as it arrives (see the module docstring)."""

    name: str
    channels: int
    agent_channel: int
    realtime: bool

    def chunks(self) -> Iterator[AudioChunk]: ...

    def stop(self) -> None: ...


class SimulatedCall:
    """Plays a recording as a live call: chunk by chunk at real-time pace (`speed=1`), faster
    (`speed=4`), or as fast as the consumer takes it (`speed=None`, for measuring lag on a
    virtual clock).

    Raises:
        AudioError: the recording cannot be read (from `decode`, on construction).
    """

    def __init__(
        self,
        path: Path,
        *,
        agent_channel: int = 0,
        speed: float | None = 1.0,
        chunk_seconds: float = 0.5,
    ) -> None:
        from qa.transcribe import Transcriber

        channels, duration, _count = Transcriber().decode(path, agent_channel=0)
        self.name = "simulator"
        self.path = path
        self.audio = np.stack([audio for audio, _speaker in channels])
        self.channels = self.audio.shape[0]
        self.agent_channel = agent_channel if self.channels == 2 else 0
        self.duration = duration
        self.speed = speed
        self.realtime = speed is not None
        self.chunk_samples = int(chunk_seconds * SAMPLE_RATE)
        self._stopped = threading.Event()

    def chunks(self) -> Iterator[AudioChunk]:
        began = time.monotonic()
        total = self.audio.shape[1]
        for offset in range(0, total, self.chunk_samples):
            samples = self.audio[:, offset : offset + self.chunk_samples]
            chunk = AudioChunk(start=offset / SAMPLE_RATE, samples=samples)
            if self.speed is not None:
                # A chunk is available once the call has reached its end.
                wait = began + chunk.end / self.speed - time.monotonic()
                if wait > 0 and self._stopped.wait(wait):
                    return
            if self._stopped.is_set():
                return
            yield chunk

    def stop(self) -> None:
        self._stopped.set()
