"""Decoding garbage never reaches scoring: loops are told from speech, decoded again, and what
stays a loop is marked as speech that could not be transcribed."""

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pytest

from core.models import Speaker
from qa.transcribe import TranscribeOptions, Transcriber, loop_reason
from tests.qa.conftest import DEMO, write_wav

# Demo call 13's agent line as tiny.en decoded it before the guard (the call auto-failed on it).
CALL_13 = "Hello, North wind pan of the U-R-F-E-K-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E"


@pytest.mark.parametrize(
    "text",
    [
        CALL_13,
        "-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T",
        "la-la-la-la-la-la-la-la-la-la",
        "mmhmmhmmhmmhmmhmmhmm",
        "thank you for calling " * 5,
        "I'm sorry. I'm sorry. I'm sorry. I'm sorry. I'm sorry. I'm sorry.",
    ],
)
def test_loops_of_characters_syllables_and_phrases_are_caught(text):
    assert loop_reason(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "The card number is 4455 6677 8899 0011 and the expiry is 09/28.",
        "four four five six, seven three two one, double eight",
        "It's K O W A L S K I, and the reference is Q X 4 4 R T.",
        "No, no, no, that's not what I meant. Bye bye.",
        "Yeah, yeah, yeah, I know.",
        "My postcode is BS1 4DJ.",
        "Sorry, sorry, I'm sorry about that, really sorry.",
        "I'm sorry. I'm sorry. I'm sorry. I'm sorry.",
    ],
)
def test_ordinary_speech_is_not_a_loop(text):
    assert loop_reason(text) is None


@dataclass
class _Segment:
    start: float
    end: float
    text: str
    avg_logprob: float = -0.2
    words: tuple = ()


def _words(start, text):
    return tuple(
        SimpleNamespace(
            start=start + i * 0.4, end=start + i * 0.4 + 0.3, word=f" {w}", probability=0.9
        )
        for i, w in enumerate(text.split())
    )


class _Model:
    """Whisper that loops on the second speech window, and again on a second try when asked."""

    def __init__(self, loops_again: bool):
        self.loops_again, self.retried = loops_again, []
        self.model = self

    def transcribe(self, audio, **options):
        if "clip_timestamps" in options:  # the batched pass over every window
            first, second = options["clip_timestamps"]
            greeting = "Hello, you're through to Northwind, this is Ella speaking."
            loop = "U-R-F-E-K-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E"
            return [
                _Segment(
                    first["start"], first["end"], greeting, words=_words(first["start"], greeting)
                ),
                _Segment(second["start"], second["end"], loop, words=_words(second["start"], loop)),
            ], None
        self.retried.append(options["temperature"])
        text = (
            "N-T-E-N-T-E-N-T-E-N-T-E-N-T-E-N-T-E" if self.loops_again else "What can I do for you?"
        )
        return [_Segment(0.0, len(audio) / 16000, text, words=_words(0.0, text))], None


def _two_turn_call(tmp_path):
    rng = np.random.default_rng(3)
    left, right = np.zeros(16000 * 30), np.zeros(16000 * 30)
    for start in (1, 16):  # two agent turns: a burst of voiced noise each (VAD is faked too)
        left[16000 * start : 16000 * (start + 6)] = rng.normal(0, 0.2, 16000 * 6)
    return write_wav(tmp_path / "call.wav", np.stack([left, right], axis=1), 16000)


@pytest.mark.parametrize("loops_again", [False, True])
def test_a_loop_is_decoded_again_and_marked_unclear_if_it_stays_a_loop(
    tmp_path, monkeypatch, loops_again
):
    import qa.transcribe as module

    model = _Model(loops_again)
    transcriber = Transcriber(options=TranscribeOptions(min_speech_seconds=0.5))
    monkeypatch.setattr(transcriber, "_load", lambda: model)
    regions = {0: [(16000 * 1, 16000 * 7), (16000 * 16, 16000 * 22)]}
    monkeypatch.setattr(
        module, "_speech_regions", lambda audio, _o: regions.get(0, []) if audio.std() else []
    )
    monkeypatch.setattr(module, "_pack", _separate_windows(module._pack))

    transcript = transcriber.transcribe(_two_turn_call(tmp_path))

    assert model.retried == [(0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]  # Whisper's temperature fallback
    agent = [s for s in transcript.segments if s.speaker is Speaker.AGENT]
    assert agent[0].text.startswith("Hello, you're through to Northwind")
    assert all(loop_reason(s.text) is None for s in transcript.segments)
    if loops_again:
        assert (agent[1].unclear, agent[1].text, agent[1].words) == (True, "", ())
        assert agent[1].start == pytest.approx(16.0, abs=0.5) and agent[1].end > 21
    else:
        assert agent[1].text == "What can I do for you?" and not agent[1].unclear


def _separate_windows(pack):
    """Each speech region in a window of its own, as a long pause between turns gives."""

    def packed(channels, options):
        return pack(channels, TranscribeOptions(max_window_seconds=7.5, speech_pad_ms=0))

    return packed


@pytest.mark.model
def test_demo_call_13_no_longer_holds_a_loop_and_its_disclosure_is_heard(transcriber):
    transcript = transcriber.transcribe(DEMO / "calls" / "13-ella-green-tariff.flac")
    assert all(loop_reason(s.text) is None for s in transcript.segments)
    agent = " ".join(s.text for s in transcript.segments if s.speaker is Speaker.AGENT)
    assert "recorded for training" in agent


def test_per_channel_windows_never_mix_the_two_speakers(monkeypatch):
    # The agent's last turn and the customer's first fit in one 30 s window; Whisper stops at
    # the agent's goodbye, so a shared window lost the customer's speech after it.
    import qa.transcribe as module

    rate = module.SAMPLE_RATE
    regions = {0.1: [(rate * 1, rate * 6)], 0.2: [(rate * 2, rate * 8)]}
    monkeypatch.setattr(
        module, "_speech_regions", lambda audio, _o: regions[round(float(audio[0]), 1)]
    )
    agent, customer = np.full(rate * 10, 0.1, np.float32), np.full(rate * 10, 0.2, np.float32)
    channels = [(agent, Speaker.AGENT), (customer, Speaker.CUSTOMER)]

    _, windows, placements = module._pack(channels, TranscribeOptions())
    assert len(windows) == 2
    assert [p.speaker for p in placements] == [Speaker.AGENT, Speaker.CUSTOMER]
    assert windows[1]["start"] == pytest.approx(placements[1].packed_start)

    _, shared, _ = module._pack(channels, TranscribeOptions(interleave_speakers=True))
    assert len(shared) == 1
