"""The real bundled Whisper model on demo recordings (marked `model`; runs in CI)."""

import json

import jiwer
import numpy as np
import pytest
from whisper_normalizer.english import EnglishTextNormalizer

from core.models import Speaker
from qa.__main__ import main
from qa.audio import AudioError
from tests.qa.conftest import DEMO_CALLS, TELEPHONE_FLAC, reference, write_wav

pytestmark = pytest.mark.model
SHORTEST = min(DEMO_CALLS, key=lambda p: reference(p)["duration"])
_normalise = EnglishTextNormalizer()


def _speaker_at(turns: list[dict], start: float, end: float) -> str:
    """The speaker of the reference turn that overlaps [start, end] the most."""
    overlap = {t["speaker"]: 0.0 for t in turns}
    for turn in turns:
        overlap[turn["speaker"]] += max(0.0, min(end, turn["end"]) - max(start, turn["start"]))
    return max(overlap, key=overlap.get)


def _wer(reference_text: str, hypothesis: str) -> float:
    return jiwer.wer(_normalise(reference_text), _normalise(hypothesis))


@pytest.mark.parametrize("agent_channel", [0, 1])
def test_speakers_come_from_their_channels(transcriber, agent_channel):
    transcript = transcriber.transcribe(SHORTEST, agent_channel=agent_channel)
    turns = reference(SHORTEST)["turns"]
    assert transcript.channels == 2
    assert transcript.segments == tuple(sorted(transcript.segments, key=lambda s: s.start))
    flipped = {"agent": Speaker.CUSTOMER, "customer": Speaker.AGENT}
    for segment in transcript.segments:
        said_by = _speaker_at(turns, segment.start, segment.end)
        expected = Speaker(said_by) if agent_channel == 0 else flipped[said_by]
        assert segment.speaker == expected, segment
    if agent_channel == 0:
        for speaker in ("agent", "customer"):
            said = " ".join(t["text"] for t in turns if t["speaker"] == speaker)
            heard = " ".join(s.text for s in transcript.segments if s.speaker == speaker)
            assert _wer(said, heard) < 0.35, speaker


def test_words_carry_timings_inside_their_segment(transcriber):
    transcript = transcriber.transcribe(SHORTEST)
    for segment in transcript.segments:
        assert segment.words
        assert segment.start <= segment.words[0].start <= segment.words[-1].end <= segment.end
        assert "".join(w.word for w in segment.words).strip() == segment.text


def test_telephone_quality_8_khz_audio_is_transcribed(transcriber):
    transcript = transcriber.transcribe(TELEPHONE_FLAC)
    said = " ".join(t["text"] for t in reference(TELEPHONE_FLAC)["turns"])
    heard = " ".join(w.word for s in transcript.segments for w in s.words)
    assert _wer(said, heard) < 0.6


def _mono_of(path, tmp_path, *, only_left=False):
    from faster_whisper import decode_audio

    left, right = decode_audio(str(path), sampling_rate=16000, split_stereo=True)
    return write_wav(
        tmp_path / f"{path.stem}-mono.wav", left if only_left else (left + right) / 2, 16000
    )


def test_a_mono_recording_gets_its_speakers_inferred_by_voice(transcriber, tmp_path):
    call = next(p for p in DEMO_CALLS if p.stem.startswith("02-"))
    transcript = transcriber.transcribe(_mono_of(call, tmp_path))
    assert transcript.channels == 1 and transcript.speaker_note is None
    assert {s.speaker_source for s in transcript.segments} == {"inferred"}
    turns = reference(call)["turns"]
    words = [(w, s.speaker) for s in transcript.segments for w in s.words]
    right = sum(_speaker_at(turns, w.start, w.end) == str(who) for w, who in words)
    assert right / len(words) >= 0.9
    assert all(0 < s.confidence <= 1 for s in transcript.segments)


def test_a_mono_recording_of_one_voice_says_so(transcriber, tmp_path):
    call = next(p for p in DEMO_CALLS if p.stem.startswith("02-"))
    transcript = transcriber.transcribe(_mono_of(call, tmp_path, only_left=True))
    assert transcript.speaker_note.startswith("one voice found")
    assert max(s.confidence for s in transcript.segments) <= 0.5


def test_a_cut_off_recording_is_refused_with_a_clear_message(transcriber, bad_files):
    with pytest.raises(AudioError, match=r"^cut off: the file holds \d+\.\d s of the 73\.6 s"):
        transcriber.transcribe(bad_files["truncated"])


def test_transcribe_cli_prints_one_json_object_per_file(capsys, bad_files):
    code = main(["transcribe", str(SHORTEST), str(bad_files["empty"]), "--json"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one file failed
    good, bad = lines
    assert set(good) == {
        "source",
        "duration",
        "channels",
        "language",
        "speaker_note",
        "segments",
        "metrics",
    }
    assert good["channels"] == 2 and good["language"] == "en"
    segment = good["segments"][0]
    assert set(segment) == {
        "start",
        "end",
        "speaker",
        "text",
        "words",
        "unclear",
        "speaker_source",
        "confidence",
    }
    assert (segment["speaker_source"], segment["confidence"]) == ("channel", 1.0)
    assert set(segment["words"][0]) == {"start", "end", "word", "probability"}
    assert [s["start"] for s in good["segments"]] == sorted(s["start"] for s in good["segments"])
    assert good["metrics"]["talk_to_listen_ratio"] > 0
    assert bad == {
        "source": str(bad_files["empty"]),
        "error": "the file is empty (0 bytes)",
    }


def test_a_decoding_loop_is_cut_but_a_card_number_survives():
    from qa.transcribe import _without_repetition_loops

    card = [(i, i + 0.5, w, 0.9) for i, w in enumerate([" four"] + [" one"] * 15)]
    loop = [(20 + i, 20.5 + i, " one", 0.5) for i in range(60)]
    # Pieces glued to a number (".0", "-1") are never said again and again: 3 at most.
    glued = [(90, 90.5, " 5", 0.9)] + [(91 + i, 91.5 + i, ".0", 0.5) for i in range(16)]
    assert _without_repetition_loops(card, 16) == card
    assert len(_without_repetition_loops(loop, 16)) == 16
    assert [w[2] for w in _without_repetition_loops(glued, 16)] == [" 5", ".0", ".0", ".0"]


def _encode(left: np.ndarray, right: np.ndarray, path, codec: str, rate: int) -> None:
    """Write a stereo clip with PyAV (resampled from 16 kHz to `rate`)."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="stereo")
        pcm = (np.clip(np.stack([left, right]), -1, 1) * 32767).astype("<i2")
        frame = av.AudioFrame.from_ndarray(pcm, format="s16p", layout="stereo")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format=stream.format.name, layout="stereo", rate=rate)
        for resampled in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


@pytest.mark.parametrize(
    ("name", "codec", "rate"),
    [("call.mp3", "libmp3lame", 44100), ("call.m4a", "aac", 8000), ("call.wav", "pcm_s16le", 8000)],
)
def test_common_recorder_formats_and_rates_are_read(transcriber, tmp_path, name, codec, rate):
    from faster_whisper import decode_audio

    left, right = decode_audio(str(SHORTEST), sampling_rate=16000, split_stereo=True)
    path = tmp_path / name
    _encode(left[: 16000 * 15], right[: 16000 * 15], path, codec, rate)
    transcript = transcriber.transcribe(path)
    assert transcript.channels == 2
    assert 14 < transcript.duration < 16.5
    assert {s.speaker for s in transcript.segments} == {Speaker.AGENT, Speaker.CUSTOMER}


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("cut", "cut off: the file holds 3.1 s of the 113.4 s its header declares"),
        ("opus", "too short for a call: 1.0 s (calls are at least 10 s, MIN_CALL_SECONDS)"),
        ("static", "no speech found"),
        ("blip", "too short for a call: 0.5 s (calls are at least 10 s, MIN_CALL_SECONDS)"),
    ],
)
def test_what_is_not_a_call_is_refused_with_a_plain_reason(transcriber, not_calls, kind, reason):
    with pytest.raises(AudioError) as caught:
        transcriber.transcribe(not_calls[kind])
    assert str(caught.value) == reason


def test_a_few_seconds_of_speech_in_a_long_silence_is_not_a_call(transcriber, tmp_path):
    from faster_whisper import decode_audio

    speech = decode_audio(str(SHORTEST), sampling_rate=16000)
    first_words = speech[16000 * 1 : 16000 * 3]  # about two seconds of the greeting
    audio = np.zeros(16000 * 30, dtype=np.float32)
    audio[16000 * 10 : 16000 * 10 + len(first_words)] = first_words
    path = write_wav(tmp_path / "mostly-silence.wav", audio, 16000)
    with pytest.raises(AudioError, match=r"^no call: only \d\.\d s of speech found"):
        transcriber.transcribe(path)


def test_the_background_gate_drops_only_regions_far_quieter_than_the_talker():
    from qa.transcribe import _loud_enough

    rate = 16_000
    audio = np.concatenate(
        [np.full(rate, 0.3), np.zeros(rate), np.full(rate, 0.003), np.full(rate, 0.25)]
    ).astype(np.float32)
    regions = [(0, rate), (2 * rate, 3 * rate), (3 * rate, 4 * rate)]
    assert _loud_enough(audio, regions, 15.0) == [(0, rate), (3 * rate, 4 * rate)]
    assert _loud_enough(audio, regions, None) == regions
