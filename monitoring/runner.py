"""Running a live call: audio source -> streaming transcript and flags -> the live session row,
the recording on disk, and, when the call ends, the normal call it becomes.

Each live call runs in a background thread of the app process. `LiveCalls` keeps the running
ones, so the monitor page can stop a call and tell a running call from one left behind by an app
that stopped.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from monitoring.flags import FlagRules, LiveFlagger
from monitoring.sessions import (
    ImportRecording,
    end_live_session,
    finish_live_session,
    record_live_progress,
)
from monitoring.sources import SAMPLE_RATE, AudioChunk, CallAudioSource
from monitoring.streaming import CommittedSegment, Heard, StreamingTranscriber

__all__ = ["LiveCallRunner", "LiveCalls", "RecordingWriter"]


class RecordingWriter:
    """Writes a live call's audio as it arrives: 16-bit PCM WAV at 16 kHz, one channel per
    stream, with a comment chunk naming the live session (so two plays of one simulated
    recording are two different files, and two different calls)."""

    def __init__(self, path: Path, *, channels: int, comment: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.channels = channels
        self.comment = comment.encode("utf-8")
        self._handle = path.open("wb")
        self._handle.write(b"\0" * 44)  # the header, written on close when sizes are known
        self._frames = 0

    def write(self, chunk: AudioChunk) -> None:
        pcm = np.clip(chunk.samples.T, -1.0, 1.0)
        self._handle.write((pcm * 32767).astype("<i2").tobytes())
        self._frames += chunk.samples.shape[1]

    def close(self) -> Path:
        data_size = self._frames * self.channels * 2
        comment = self.comment + b"\0" * (1 + len(self.comment) % 2)  # NUL-ended, even size
        info = b"INFO" + b"ICMT" + struct.pack("<I", len(comment)) + comment
        self._handle.write(b"LIST" + struct.pack("<I", len(info)) + info)
        riff_size = 4 + (8 + 16) + (8 + data_size) + (8 + len(info))
        self._handle.seek(0)
        self._handle.write(
            b"RIFF"
            + struct.pack("<I", riff_size)
            + b"WAVEfmt "
            + struct.pack(
                "<IHHIIHH",
                16,
                1,
                self.channels,
                SAMPLE_RATE,
                SAMPLE_RATE * self.channels * 2,
                self.channels * 2,
                16,
            )
            + b"data"
            + struct.pack("<I", data_size)
        )
        self._handle.close()
        return self.path


class _Recorded:
    """A source whose chunks are also written to a recording."""

    def __init__(self, source: CallAudioSource, writer: RecordingWriter) -> None:
        self._source = source
        self._writer = writer
        self.name, self.channels = source.name, source.channels
        self.agent_channel, self.realtime = source.agent_channel, source.realtime

    def chunks(self) -> Iterator[AudioChunk]:
        for chunk in self._source.chunks():
            self._writer.write(chunk)
            yield chunk

    def stop(self) -> None:
        self._source.stop()


class LiveCallRunner(threading.Thread):
    """Follows one live call to its end, then imports it; progress goes to the live session.

    Progress is written at most every `save_every` seconds of call time (and whenever text is
    committed or a flag raised), so the monitor page reads a fresh state without the database
    being written for every half-second chunk.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        live_id: int,
        source: CallAudioSource,
        transcriber: StreamingTranscriber,
        rules: FlagRules,
        recording: Path,
        import_recording: ImportRecording,
        now: Callable[[], datetime],
        save_every: float = 1.0,
    ) -> None:
        super().__init__(name=f"live-call-{live_id}", daemon=True)
        self.engine = engine
        self.live_id = live_id
        self.source = source
        self.transcriber = transcriber
        self.flagger = LiveFlagger(rules)
        self.recording = recording
        self.import_recording = import_recording
        self.now = now
        self.save_every = save_every
        self.error: str | None = None

    def stop(self) -> None:
        """End the call now (the monitor's "End call")."""
        self.source.stop()

    def run(self) -> None:
        writer = RecordingWriter(
            self.recording,
            channels=self.source.channels,
            comment=f"Callcoach live call #{self.live_id} ({self.source.name})",
        )
        error = None
        try:
            self._follow(_Recorded(self.source, writer))
        except Exception as exc:  # noqa: BLE001 - the session must say why it stopped
            error = f"The live transcription stopped: {exc!r}"
        finally:
            writer.close()
        with Session(self.engine) as session:
            end_live_session(
                session=session,
                live_id=self.live_id,
                now=self.now(),
                recording=self.recording,
                error=error,
            )
        if error is None:
            finish_live_session(
                engine=self.engine, live_id=self.live_id, import_recording=self.import_recording
            )

    def _follow(self, source: CallAudioSource) -> None:
        saved_at = -self.save_every
        pending_segments: list[CommittedSegment] = []
        pending_flags = []
        heard = 0.0
        with Session(self.engine) as session:
            for event in self.transcriber.stream(source):
                pending_flags += self.flagger.observe(event)
                if isinstance(event, Heard):
                    heard = event.until
                else:
                    pending_segments.append(event)
                if pending_segments or pending_flags or heard - saved_at >= self.save_every:
                    record_live_progress(
                        session=session,
                        live_id=self.live_id,
                        call_seconds=heard,
                        segments=pending_segments,
                        flags=pending_flags,
                    )
                    pending_segments, pending_flags, saved_at = [], [], heard


class LiveCalls:
    """The live calls running in this process, by live session id."""

    def __init__(self) -> None:
        self._runners: dict[int, LiveCallRunner] = {}
        self._lock = threading.Lock()

    def start(self, runner: LiveCallRunner) -> None:
        with self._lock:
            self._runners[runner.live_id] = runner
        runner.start()

    def is_running(self, live_id: int) -> bool:
        with self._lock:
            runner = self._runners.get(live_id)
        return runner is not None and runner.is_alive()

    def stop(self, live_id: int) -> bool:
        """End a running call; False if it is not running here."""
        with self._lock:
            runner = self._runners.get(live_id)
        if runner is None or not runner.is_alive():
            return False
        runner.stop()
        return True
