"""Streaming transcription: committed text never changes, comes in call order, and is redacted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.models import Speaker
from monitoring.__main__ import main
from monitoring.sources import SAMPLE_RATE, AudioChunk, SimulatedCall
from monitoring.streaming import (
    CommittedSegment,
    Heard,
    StreamingTranscriber,
    agreed_prefix,
)
from qa.transcript import Word
from tests.monitoring.conftest import ScriptedModel


def _words(*texts: str, start: float = 0.0) -> list[Word]:
    return [Word(start + i * 0.5, start + i * 0.5 + 0.4, f" {t}") for i, t in enumerate(texts)]


def test_agreement_is_the_common_leading_words_ignoring_case_and_punctuation():
    before = _words("Thank", "you", "for", "calling")
    now = _words("thank", "you,", "for", "holding")
    assert agreed_prefix(before, now) == 3
    assert agreed_prefix([], now) == 0


class _ListSource:
    """Mono audio in half-second chunks, as fast as taken (virtual clock)."""

    name, channels, agent_channel, realtime = "test", 1, 0, False

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def chunks(self):
        step = SAMPLE_RATE // 2
        for offset in range(0, int(self.seconds * SAMPLE_RATE), step):
            yield AudioChunk(offset / SAMPLE_RATE, np.full((1, step), 0.1, dtype=np.float32))

    def stop(self) -> None:
        pass


def test_words_are_committed_once_two_passes_agree_and_never_change():
    script = _words(*"please hold while I check your account details for you now".split())
    model = ScriptedModel(script, update_seconds=1.0)
    events = list(model.stream(_ListSource(8.0)))
    committed = [e for e in events if isinstance(e, CommittedSegment)]
    words = [w.word.strip() for s in committed for w in s.words]
    assert words == [w.word.strip() for w in script]  # each word once, in order, none misheard
    assert all(s.speaker == Speaker.UNKNOWN for s in committed)
    times = [s.committed_at for s in committed]
    assert times == sorted(times)
    assert all(lag >= 0 for s in committed for lag in s.lags)
    # Before the end of the call, a word is committed only after the pass that follows it.
    assert committed[0].committed_at >= script[0].end + 1.0


def test_a_card_number_is_held_back_and_committed_whole_so_it_is_redacted():
    digits = "4111 1111 1111 1111".split()
    script = _words("my", "card", "is", *digits, "thanks", start=0.2)
    model = ScriptedModel(script, update_seconds=0.5)
    committed = [e for e in model.stream(_ListSource(6.0)) if isinstance(e, CommittedSegment)]
    text = " ".join(s.text for s in committed)
    assert "4111" not in text
    assert "[CARD" in text


class _TwoSpeakers(ScriptedModel):
    """The agent's channel (audio level 0.1) hears `agent`, the customer's (0.2) `customer`."""

    def __init__(self, agent: list[Word], customer: list[Word], **options) -> None:
        super().__init__(agent, **options)
        self.scripts = {0.1: agent, 0.2: customer}

    def _decode(self, audio, offset, *, beam_size=1):
        self.script = self.scripts[round(float(audio[0]), 1)]
        return super()._decode(audio, offset, beam_size=beam_size)


class _StereoSource(_ListSource):
    name, channels, agent_channel, realtime = "test", 2, 0, False

    def chunks(self):
        for chunk in super().chunks():
            levels = np.array([[0.1], [0.2]], dtype=np.float32)
            yield AudioChunk(chunk.start, np.repeat(levels, chunk.samples.shape[1], axis=1))


def test_an_email_address_asked_for_is_committed_whole_so_it_is_redacted():
    agent = _words("what", "email", "address", "shall", "I", "use", start=0.0)
    customer = _words(*"it is james dot whitfield at example dot com".split(), start=3.5)
    model = _TwoSpeakers(agent, customer, update_seconds=0.5)
    committed = [e for e in model.stream(_StereoSource(9.0)) if isinstance(e, CommittedSegment)]
    said = [s.text for s in committed if s.speaker == Speaker.CUSTOMER]
    assert said == ["it is [EMAIL]"]  # one piece, at the end of the turn


def test_heard_events_follow_the_audio_and_report_sound():
    model = ScriptedModel([], update_seconds=1.0)
    heard = [e for e in model.stream(_ListSource(2.0)) if isinstance(e, Heard)]
    assert [h.until for h in heard] == [0.5, 1.0, 1.5, 2.0]
    assert all(h.sound for h in heard)


@pytest.mark.model
def test_the_real_model_transcribes_a_live_call_with_speakers_in_order(short_call):
    source = SimulatedCall(short_call, speed=None)
    committed = [
        e for e in StreamingTranscriber().stream(source) if isinstance(e, CommittedSegment)
    ]
    agent = " ".join(s.text for s in committed if s.speaker == Speaker.AGENT).lower()
    customer = " ".join(s.text for s in committed if s.speaker == Speaker.CUSTOMER).lower()
    assert "for calling north" in agent
    assert "recorded" in agent
    assert "bill" in customer
    for speaker in (Speaker.AGENT, Speaker.CUSTOMER):
        starts = [s.start for s in committed if s.speaker == speaker]
        assert starts == sorted(starts)
    lags = sorted(lag for s in committed for lag in s.lags)
    assert 0 <= lags[len(lags) // 2] < 15  # a sanity bound; bench/live.py measures it


@pytest.mark.model
def test_the_live_command_prints_json_lines_and_a_lag_summary(short_call, capsys):
    assert main(["live", str(short_call), "--simulate", "--json", "--speed", "0"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    *segments, last = lines
    assert segments and all(
        {"start", "end", "speaker", "text", "words"} <= set(s) for s in segments
    )
    summary = last["summary"]
    assert summary["lag_p50"] is not None and summary["lag_p95"] >= summary["lag_p50"]
    assert [s["text"] for s in summary["segments"]] == [s["text"] for s in segments]
    assert summary["flags"] == []  # the clip discloses recording and has no dead air


def test_the_live_command_refuses_a_file_that_is_not_audio(tmp_path, capsys):
    bad = tmp_path / "call.wav"
    bad.write_text("not audio")
    assert main(["live", str(bad), "--simulate"]) == 2
    assert "not a readable audio file" in capsys.readouterr().err
