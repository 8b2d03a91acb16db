"""The browser microphone source: 48 kHz stereo browser frames in, 16 kHz mono call chunks out."""

from __future__ import annotations

import threading
from fractions import Fraction

import av
import numpy as np
import pytest

from monitoring.sources import SAMPLE_RATE
from ui.microphone import NO_BROWSER_NOTE, FrameChunker, MicrophoneSource, _MicrophoneLine

BROWSER_RATE = 48_000
FRAME_SAMPLES = 960  # 20 ms, what aiortc's Opus decoder hands over
TONE_HZ = 440


def browser_frames(seconds: float, *, skip: range = range(0)) -> list[av.AudioFrame]:
    """A 440 Hz tone as WebRTC delivers it: 20 ms packed s16 stereo frames at 48 kHz, stamped
    with RTP time; frames whose index is in `skip` were lost on the way."""
    frames = []
    for index in range(round(seconds * BROWSER_RATE / FRAME_SAMPLES)):
        if index in skip:
            continue
        t = (index * FRAME_SAMPLES + np.arange(FRAME_SAMPLES)) / BROWSER_RATE
        tone = (0.5 * np.sin(2 * np.pi * TONE_HZ * t) * 32767).astype(np.int16)
        packed = np.stack([tone, tone], axis=1).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(packed, format="s16", layout="stereo")
        frame.sample_rate = BROWSER_RATE
        frame.pts = 90_000 + index * FRAME_SAMPLES  # RTP clocks start anywhere
        frame.time_base = Fraction(1, BROWSER_RATE)
        frames.append(frame)
    return frames


def chunk_all(chunker: FrameChunker, frames: list[av.AudioFrame]):
    chunks = [chunk for frame in frames for chunk in chunker.push(frame)]
    return chunks + chunker.flush()


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(samples.size, 1 / SAMPLE_RATE)[spectrum.argmax()])


def test_browser_frames_become_half_second_mono_chunks_at_16_khz() -> None:
    chunks = chunk_all(FrameChunker(), browser_frames(2.0))

    assert [chunk.start for chunk in chunks] == [0.0, 0.5, 1.0, 1.5]
    assert all(chunk.samples.shape == (1, 8000) for chunk in chunks)
    assert all(chunk.samples.dtype == np.float32 for chunk in chunks)
    audio = np.concatenate([chunk.samples[0] for chunk in chunks])
    # Resampled, not relabelled: the tone keeps its pitch and (downmixed) loudness.
    assert dominant_hz(audio) == pytest.approx(TONE_HZ, abs=2)
    assert 0.3 < np.sqrt(np.mean(audio[1000:] ** 2)) < 0.6
    assert np.abs(audio).max() <= 1.0


def test_call_time_runs_on_without_gaps_and_the_last_chunk_may_be_short() -> None:
    chunker = FrameChunker(chunk_seconds=0.3)
    chunks = chunk_all(chunker, browser_frames(1.0))

    assert [round(c.start, 6) for c in chunks] == [0.0, 0.3, 0.6, 0.9]
    assert all(a.end == pytest.approx(b.start) for a, b in zip(chunks, chunks[1:], strict=False))
    assert chunks[-1].samples.shape == (1, 1600)
    assert chunker.seconds == pytest.approx(1.0)


def test_lost_packets_become_silence_so_call_time_keeps_pace() -> None:
    lost = range(50, 60)  # 200 ms missing from 1.0 s to 1.2 s
    chunks = chunk_all(FrameChunker(), browser_frames(2.0, skip=lost))

    audio = np.concatenate([chunk.samples[0] for chunk in chunks])
    assert audio.size == 2 * SAMPLE_RATE
    assert np.abs(audio[16_100:19_100]).max() == 0.0
    assert np.abs(audio[15_000:15_900]).max() > 0.3
    assert np.abs(audio[19_300:20_000]).max() > 0.3


def test_a_renegotiated_stream_keeps_its_call_time() -> None:
    chunker = FrameChunker()
    first = browser_frames(1.0)
    mono = np.zeros((1, 1600), dtype=np.int16)  # 0.1 s of mono 16 kHz after the switch
    later = av.AudioFrame.from_ndarray(mono, format="s16", layout="mono")
    later.sample_rate = 16_000
    chunks = chunk_all(chunker, [*first, later])

    assert chunker.seconds == pytest.approx(1.1, abs=0.002)
    assert [chunk.start for chunk in chunks][:2] == [0.0, 0.5]


def test_the_source_describes_a_one_channel_live_call_by_the_agent() -> None:
    source = MicrophoneSource()

    assert (source.name, source.channels, source.agent_channel, source.realtime) == (
        "microphone",
        1,
        0,
        True,
    )


def _read_in_background(source: MicrophoneSource):
    """The live pipeline's side: a thread reading `chunks()`; `got_one` is set per chunk."""
    received, got_one = [], threading.Event()

    def read() -> None:
        for chunk in source.chunks():
            received.append(chunk)
            got_one.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, received, got_one


def test_when_the_browser_stops_the_reader_gets_every_chunk_then_the_call_ends() -> None:
    source = MicrophoneSource()
    reader, received, _ = _read_in_background(source)

    for frame in browser_frames(1.2):
        source.push(frame)
    source.end()
    reader.join(timeout=5)

    assert not reader.is_alive()
    assert [chunk.start for chunk in received] == [0.0, 0.5, 1.0]
    assert received[-1].samples.shape == (1, 3200)
    assert source.ended


def test_stop_ends_a_waiting_reader_and_later_frames_are_ignored() -> None:
    source = MicrophoneSource()
    reader, received, got_one = _read_in_background(source)
    frames = browser_frames(1.0)
    for frame in frames[:30]:  # 0.6 s: one chunk out
        source.push(frame)
    assert got_one.wait(timeout=5)  # the reader has it and now waits for the next

    source.stop()
    reader.join(timeout=5)
    for frame in frames[30:]:
        source.push(frame)

    assert not reader.is_alive()
    assert [chunk.start for chunk in received] == [0.0]
    assert list(source.chunks()) == []


def test_a_microphone_session_keeps_one_call_until_the_browser_stops() -> None:
    line = _MicrophoneLine()
    frames = browser_frames(0.6)
    line.push(frames[0])  # audio can beat the script run that sees the mic playing

    call = line.open()
    for frame in frames[1:]:
        line.push(frame)

    assert call is not None and line.open() is call
    line.end()  # the person stops the microphone
    assert [chunk.start for chunk in call.chunks()] == [0.0, 0.5]
    again = line.open()  # ...and starts it again: a new call from 0 s
    assert again is not None and again is not call


def test_after_end_call_the_widget_offers_no_call_until_the_mic_restarts() -> None:
    line = _MicrophoneLine()
    call = line.open()
    assert call is not None

    call.stop()  # the monitor's "End call" while the microphone still streams
    line.push(browser_frames(0.1)[0])

    assert line.open() is None


def test_without_a_browser_the_widget_says_so_and_offers_no_call() -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        import streamlit as st

        from ui.microphone import microphone_call

        st.write("no call" if microphone_call("practice-mic") is None else "call")

    app = AppTest.from_function(page).run(timeout=30)

    assert not app.exception
    assert app.caption[0].value == NO_BROWSER_NOTE
    assert app.markdown[0].value == "no call"
