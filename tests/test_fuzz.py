"""Fuzzing the places where outside data comes in: recordings, `qa score` input, scorecards and
lessons. Every case must end in the module's own clear error (or a result), never another
exception, a hang or a traceback. Bounded: a few hundred examples per target, a couple of
minutes in all."""

from __future__ import annotations

import json
import math
import signal
import struct
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from qa.audio import AudioError, probe_audio
from qa.commands.score import parse_transcripts
from qa.ingest import AUDIO_SUFFIXES
from qa.scorecard import ScorecardError, parse_scorecard
from qa.transcribe import Transcriber
from qa.uploads import check_upload
from tests.qa.conftest import STEREO_OPUS, TELEPHONE_FLAC
from training.lessons import LessonFormatError, parse_lesson, validate_lesson_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCORECARD = (ROOT / "qa" / "scorecards" / "default.yaml").read_text()
LESSON = (ROOT / "training" / "lessons" / "ask-permission-before-hold.md").read_text()
HEADS = {
    "opus": STEREO_OPUS.read_bytes()[:8192],
    "flac": TELEPHONE_FLAC.read_bytes()[:8192],
}
SKILLS = frozenset({"hold-etiquette", "empathy"})

FUZZ = settings(
    max_examples=150,
    deadline=None,  # a slow case is caught by the alarm below, a hang by it too
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@contextmanager
def at_most(seconds: int):
    """Fail, rather than hang, when one case takes longer than `seconds`."""

    def _hung(_signum, _frame):
        raise AssertionError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, _hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _wav(channels: int, rate: int, bits: int, declared: int, payload: bytes) -> bytes:
    block = max(1, channels * bits // 8) & 0xFFFF
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    riff = struct.pack("<I", min(0xFFFFFFFF, 36 + declared))
    return (
        b"RIFF" + riff + b"WAVEfmt " + struct.pack("<I", 16) + fmt
        + b"data" + struct.pack("<I", declared) + payload
    )  # fmt: skip


wav_files = st.builds(
    _wav,
    channels=st.integers(0, 0xFFFF),
    rate=st.integers(0, 0xFFFFFFFF),
    bits=st.sampled_from([0, 1, 8, 16, 24, 32, 64, 0xFFFF]),
    declared=st.integers(0, 0xFFFFFFFF),  # huge declared lengths
    payload=st.binary(max_size=2048),
)
truncated_real = st.builds(
    lambda head, cut, noise: HEADS[head][:cut] + noise,
    head=st.sampled_from(sorted(HEADS)),
    cut=st.integers(0, 8192),
    noise=st.binary(max_size=64),
)
recordings = st.one_of(st.binary(max_size=4096), wav_files, truncated_real)


@FUZZ
@given(data=recordings, suffix=st.sampled_from([*sorted(AUDIO_SUFFIXES), ".txt", ""]))
@example(data=b"", suffix=".wav")
@example(data=b"just some notes\n" * 10, suffix=".wav")
@example(data=_wav(2, 16_000, 16, 0xFFFFFFF0, b"\x00" * 64), suffix=".wav")
def test_any_bytes_given_as_a_recording_end_in_a_clear_audio_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"call{suffix}"
    path.write_bytes(data)
    with at_most(20):
        try:
            info = probe_audio(path)
        except AudioError as exc:
            assert str(exc) and path.name not in str(exc)  # plain words; callers name the file
            return
        assert info.duration >= 0
        if info.duration > 7200:
            return  # ingest refuses it by its declared length before decoding
        try:
            channels, duration, _count = Transcriber().decode(path, agent_channel=0)
        except AudioError as exc:
            assert str(exc) and path.name not in str(exc)  # plain words; callers name the file
            return
        assert duration > 0 and channels


@FUZZ
@given(data=recordings, name=st.text(max_size=80))
def test_any_upload_is_accepted_by_content_or_refused_with_its_name(data, name):
    try:
        found = check_upload(data=data, filename=name, max_bytes=3000)
    except InvalidInput as exc:
        assert ": " in str(exc)
        return
    assert found in {"wav", "flac", "mp3", "ogg", "m4a"}


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["segments", "start", "end", "text", "speaker", "words", "word", "id"])
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


def _mutated_transcript(start, end, speaker, words, channels):
    segment = {"start": start, "end": end, "text": "hello there", "speaker": speaker}
    if words is not None:
        segment["words"] = words
    return {"id": "c1", "channels": channels, "segments": [segment]}


transcripts = st.builds(
    _mutated_transcript,
    start=st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=3) | st.none(),
    end=st.floats(allow_nan=True, allow_infinity=True) | st.integers(),
    speaker=st.sampled_from(["agent", "customer", "unknown", "AGENT", "", "robot"]),
    words=st.none() | json_values,
    channels=st.integers(-1, 3) | st.booleans() | st.text(max_size=2),
)


@FUZZ
@given(document=json_values | transcripts)
def test_any_json_given_to_qa_score_is_read_or_refused_with_a_message(document):
    # Round-trip through JSON text, as `qa score` reads it (NaN and Infinity included).
    text = json.dumps(document)
    with at_most(10):
        try:
            parsed = parse_transcripts(json.loads(text))
        except ValueError as exc:
            assert str(exc) and "\n" not in str(exc)
            return
    for _ident, transcript in parsed:  # what is accepted is usable: finite times
        assert all(math.isfinite(s.start) and math.isfinite(s.end) for s in transcript.segments)


@FUZZ
@given(data=st.data())
def test_qa_score_answers_random_bytes_with_exit_code_2_and_one_line(
    tmp_path_factory, capsys, data
):
    from qa.__main__ import main

    raw = data.draw(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    path = tmp_path_factory.mktemp("score") / "in.json"
    path.write_bytes(raw)
    try:
        parse_transcripts(json.loads(raw.decode("utf-8")))
        return  # a valid transcript: scoring it is other tests' business (it needs the model)
    except (ValueError, UnicodeDecodeError):
        pass
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def _broken_yaml(text: str, data: st.DataObject) -> str:
    """The text with a random stretch replaced by random characters or YAML syntax."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 200)))
    junk = data.draw(
        st.text(max_size=40)
        | st.sampled_from(["\t", ": :", "- [", "{", "&a *a", "!!python/object:os.system", "'"])
    )
    return text[:start] + junk + text[end:]


@FUZZ
@given(data=st.data())
def test_a_broken_scorecard_is_refused_with_a_scorecard_error(data):
    text = _broken_yaml(DEFAULT_SCORECARD, data)
    with at_most(10):
        try:
            parse_scorecard(text, source="fuzz.yaml")
        except ScorecardError as exc:
            assert str(exc).startswith("fuzz.yaml")


@FUZZ
@given(data=st.data())
def test_a_broken_lesson_is_reported_with_its_problems(data):
    text = _broken_yaml(LESSON, data)
    skills = frozenset(data.draw(st.sets(st.sampled_from(sorted(SKILLS | {"closing"})))))
    with at_most(10):
        problems = validate_lesson_text(text, skill_ids=skills)
        try:
            parse_lesson(text, skill_ids=skills)
        except LessonFormatError as exc:
            assert exc.problems and problems
            return
    assert problems == []


@pytest.mark.parametrize("text", ["", "---\n", "---\n: [\n---\n", "\x00\xff", "---\nid: x\n---"])
def test_scorecard_and_lesson_edge_cases(text):
    with pytest.raises(ScorecardError):
        parse_scorecard(text, source="edge.yaml")
    assert validate_lesson_text(text, skill_ids=SKILLS)
