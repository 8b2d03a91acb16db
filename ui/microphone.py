"""The browser microphone as a live call source, for practice calls.

`microphone_call(key)` renders the microphone's start/stop control (streamlit-webrtc). While the
microphone streams it returns a `MicrophoneSource`, a `monitoring.sources.CallAudioSource`: the
page hands it to the live pipeline exactly like a `SimulatedCall`, and the pipeline's background
thread reads `for chunk in source.chunks(): ...`. The browser's audio (Opus, decoded by aiortc to
48 kHz stereo frames) is resampled to 16 kHz mono and cut into 0.5 s chunks whose call time runs
on without gaps. The call ends when the pipeline calls `stop()` (the monitor's "End call") or
when the person stops the microphone or leaves; stopping and starting the microphone again begins
a new call.

Frames arrive on aiortc's event-loop thread, so `FrameChunker` (frames in, chunks out) and
`MicrophoneSource` (a thread-safe queue of those chunks) know nothing of Streamlit and are tested
with real PyAV frames; only `microphone_call` touches Streamlit.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from monitoring.sources import SAMPLE_RATE, AudioChunk

if TYPE_CHECKING:
    import av

__all__ = ["NO_BROWSER_NOTE", "FrameChunker", "MicrophoneSource", "microphone_call"]

NO_BROWSER_NOTE = "The microphone needs a browser."
_START_LABEL = "Start microphone"
_STOP_LABEL = "Stop microphone"


class FrameChunker:
    """Turns a browser's audio frames into the call's 16 kHz mono chunks, in call order.

    Args:
        chunk_seconds: length of each chunk; 0.5 s matches `SimulatedCall`, short enough for
            live captions and long enough that per-chunk work stays small.
        max_gap_seconds: a frame whose timestamp jumps ahead of the previous frame's end (lost
            packets: aiortc does not conceal them) is preceded by that much silence, so call time
            keeps pace with the clock. Jumps longer than this are taken as a restarted sender
            clock, not as lost audio, and add no silence.
    """

    def __init__(self, *, chunk_seconds: float = 0.5, max_gap_seconds: float = 2.0) -> None:
        self.chunk_samples = round(chunk_seconds * SAMPLE_RATE)
        self.max_gap_seconds = max_gap_seconds
        self._resampler: av.AudioResampler | None = None
        self._input_setup: tuple[str, str, int] | None = None
        self._expected_start: Fraction | None = None  # where the next frame should begin (s)
        self._pending = np.zeros(0, dtype=np.float32)
        self._emitted = 0  # samples already handed out in chunks

    def push(self, frame: av.AudioFrame) -> list[AudioChunk]:
        """Take one frame (any rate, layout and sample format); return the chunks it completes."""
        self._fill_gap_before(frame)
        setup = (frame.format.name, frame.layout.name, frame.sample_rate)
        if setup != self._input_setup:
            # A resampler is fixed to its first frame's format; a renegotiated stream needs a
            # new one (after draining the old one's few buffered samples).
            self._drain_resampler()
            import av

            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            self._input_setup = setup
        assert self._resampler is not None
        for out in self._resampler.resample(frame):
            self._append(out.to_ndarray()[0])
        return self._take_full_chunks()

    def flush(self) -> list[AudioChunk]:
        """The stream ended: return what is left, the last chunk possibly shorter."""
        self._drain_resampler()
        chunks = self._take_full_chunks()
        if self._pending.size:
            chunks.append(self._chunk(self._pending))
            self._pending = np.zeros(0, dtype=np.float32)
        return chunks

    @property
    def seconds(self) -> float:
        """Call time handed out in chunks so far."""
        return self._emitted / SAMPLE_RATE

    def _fill_gap_before(self, frame: av.AudioFrame) -> None:
        if frame.pts is None or frame.time_base is None:
            self._expected_start = None
            return
        start = frame.pts * frame.time_base
        if self._expected_start is not None:
            gap = start - self._expected_start
            if 0 < gap <= self.max_gap_seconds:
                self._append(np.zeros(round(gap * SAMPLE_RATE), dtype=np.float32))
        self._expected_start = start + Fraction(frame.samples, frame.sample_rate)

    def _drain_resampler(self) -> None:
        if self._resampler is not None:
            for out in self._resampler.resample(None):
                self._append(out.to_ndarray()[0])
            self._resampler = None
            self._input_setup = None

    def _append(self, samples: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])

    def _take_full_chunks(self) -> list[AudioChunk]:
        chunks = []
        while self._pending.size >= self.chunk_samples:
            chunks.append(self._chunk(self._pending[: self.chunk_samples]))
            self._pending = self._pending[self.chunk_samples :]
        return chunks

    def _chunk(self, samples: np.ndarray) -> AudioChunk:
        chunk = AudioChunk(start=self._emitted / SAMPLE_RATE, samples=samples.copy()[np.newaxis])
        self._emitted += samples.size
        return chunk


class MicrophoneSource:
    """A practice call from the browser microphone, as a `CallAudioSource` (one channel: the
    agent). Frames are pushed from the WebRTC thread; the live pipeline reads `chunks()`.

    Chunks wait in an unbounded queue until read, so the call loses no audio while the pipeline
    starts; a call nobody reads holds 64 KB per second of audio until it ends.
    """

    name = "microphone"
    channels = 1
    agent_channel = 0
    realtime = True

    def __init__(self, *, chunk_seconds: float = 0.5) -> None:
        self._chunker = FrameChunker(chunk_seconds=chunk_seconds)
        self._queue: queue.SimpleQueue[AudioChunk | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._ended = False
        self._stopped = threading.Event()

    @property
    def ended(self) -> bool:
        """Whether the call is over: stopped, or the browser stopped streaming."""
        return self._ended

    def push(self, frame: av.AudioFrame) -> None:
        """Add a frame from the browser (ignored once the call has ended)."""
        with self._lock:
            if self._ended:
                return
            for chunk in self._chunker.push(frame):
                self._queue.put(chunk)

    def end(self) -> None:
        """The browser stopped streaming: `chunks()` yields what is left, then returns."""
        with self._lock:
            if self._ended:
                return
            self._ended = True
            for chunk in self._chunker.flush():
                self._queue.put(chunk)
            self._queue.put(None)

    def stop(self) -> None:
        """End the call now: `chunks()` returns without the audio still queued."""
        with self._lock:
            self._stopped.set()
            if not self._ended:
                self._ended = True
                self._queue.put(None)

    def chunks(self) -> Iterator[AudioChunk]:
        """The call's chunks as they arrive; blocks between them and returns when it ends."""
        while True:
            chunk = self._queue.get()
            if chunk is None or self._stopped.is_set():
                # Leave the end mark for any other reader.
                self._queue.put(None)
                return
            yield chunk


# This browser session's microphone for one widget key: the call in progress, if any. The WebRTC
# thread pushes frames into it, the page's script run reads it; it outlives both.
class _MicrophoneLine:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._source: MicrophoneSource | None = None

    def push(self, frame: av.AudioFrame) -> None:
        with self._lock:
            if self._source is None:
                # Audio can arrive before the script run that sees the microphone playing.
                self._source = MicrophoneSource()
            source = self._source
        source.push(frame)

    def open(self) -> MicrophoneSource | None:
        """The call in progress, started now if the microphone just began streaming."""
        with self._lock:
            if self._source is None:
                self._source = MicrophoneSource()
            return None if self._source.ended else self._source

    def end(self) -> None:
        with self._lock:
            source, self._source = self._source, None
        if source is not None:
            source.end()


def _browser_session_found() -> bool:
    """Whether streamlit-webrtc can find this browser session. Under AppTest's mocked runtime
    its lookup fails with AttributeError (it only expects "no session" errors)."""
    from streamlit_webrtc.session_info import get_this_session_info

    try:
        return get_this_session_info() is not None
    except AttributeError:
        return False


def _skip_orphan_check(key: str) -> None:
    """Keep streamlit-webrtc from dropping a live microphone right after START.

    streamlit-webrtc 0.79 stops the stream when it believes the widget was skipped in a script
    run (its check for leaving a page and coming back, whitphx/streamlit-webrtc#2478). It counts
    runs as their "finished" message reaches the browser, which can lag behind the next run, so
    the quick reruns while the browser connects sometimes look like a skipped run and the call
    drops within a second (seen in about 1 start in 4 here). The widget is rendered on every run
    of its page, so the check is switched off; leaving the page still stops the stream (the
    library's session observer notices the page change).
    """
    context = st.session_state.get(key)
    if context is not None and hasattr(context, "_last_rendered_run_count"):
        context._last_rendered_run_count = None


def microphone_call(
    key: str, *, ice_servers: list[dict[str, Any]] | None = None
) -> MicrophoneSource | None:
    """Render the browser microphone's start/stop control for a practice call.

    Args:
        key: the widget's key, unique on the page; the call belongs to this browser session.
        ice_servers: STUN/TURN servers for WebRTC, in the browser's `RTCIceServer` form. The
            default (none) connects over host candidates only: the server and the browser must
            reach each other directly (same machine or network), and no outside server is asked.

    Returns:
        The call in progress while the microphone streams and the call has not ended (the same
        object on every run), else None. Without a browser session (AppTest) the control is
        replaced by a note and the result is always None, so page tests still run.
    """
    from streamlit_webrtc import WebRtcMode, create_audio_sink_track, webrtc_streamer

    if not _browser_session_found():
        st.caption(NO_BROWSER_NOTE)
        return None

    state_key = f"_microphone_line_{key}"
    line = st.session_state.get(state_key)
    if line is None:
        line = st.session_state[state_key] = _MicrophoneLine()
    # A sink reads every frame, in order, on aiortc's loop (a receiver would drop frames
    # nobody polls); when the browser's track ends, `on_ended` closes the call.
    sink = create_audio_sink_track(line.push, key=key, on_ended=line.end)
    _skip_orphan_check(key)
    context = webrtc_streamer(
        key=key,
        mode=WebRtcMode.SENDONLY,
        rtc_configuration={"iceServers": ice_servers or []},
        media_stream_constraints={"audio": True, "video": False},
        sink_audio_track=sink,
        translations={"start": _START_LABEL, "stop": _STOP_LABEL},
    )
    if context.state.playing:
        return line.open()
    if not context.state.signalling:
        line.end()
    return None
