"""Fixtures for the qa tests: demo recordings, bad files, a fake and the real transcriber."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from core.calls import register_call
from core.models import CallStatus, CriterionScore, Evaluation, EvaluationSource, Speaker
from qa.transcript import Transcript, TranscriptSegment, Word
from tests.conftest import NOW

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
DEMO_CALLS = sorted(p for p in (DEMO / "calls").iterdir() if p.suffix in {".opus", ".flac"})
STEREO_OPUS = next(p for p in DEMO_CALLS if p.suffix == ".opus")
TELEPHONE_FLAC = next(p for p in DEMO_CALLS if p.suffix == ".flac")
# The default scorecard's criteria, in order, exactly as issue 4 names them.
DEFAULT_CRITERIA = (
    "greeting",
    "recording_disclosure",
    "verification",
    "empathy",
    "hold_etiquette",
    "resolution",
    "closing",
    "professionalism",
    "dead_air",
    "overtalk",
)


def reference(path: Path) -> dict:
    """The script-derived ground truth of a demo call: turns with speaker, times and text."""
    return json.loads((DEMO / "references" / f"{path.stem}.json").read_text())


def fake_transcript(path: Path, agent_channel: int = 0) -> Transcript:
    """A small transcript with PII in it, standing in for Whisper where the model is not tested."""
    agent, customer = (Speaker.AGENT, Speaker.CUSTOMER)
    card = [" 4111", " 1111", " 1111", " 1111."]
    words = tuple(Word(5.0 + i, 5.9 + i, w, 0.9) for i, w in enumerate([" My", " card", *card]))
    return Transcript(
        source=str(path),
        duration=20.0,
        channels=2,
        segments=(
            TranscriptSegment(0.5, 4.0, agent, "Thanks for calling Northwind, this is Amara."),
            TranscriptSegment(5.0, 10.9, customer, "".join(w.word for w in words).strip(), words),
            TranscriptSegment(12.0, 15.0, agent, "Thank you, that's paid. Anything else?"),
        ),
    )


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    """A truncated recording, a zero-byte file and a text file renamed .wav."""
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {
        "truncated": folder / "truncated.flac",
        "empty": folder / "empty.wav",
        "text": folder / "notes.wav",
    }
    files["truncated"].write_bytes(
        TELEPHONE_FLAC.read_bytes()[: TELEPHONE_FLAC.stat().st_size // 3]
    )
    files["empty"].write_bytes(b"")
    files["text"].write_text("Call notes: customer wants a callback on Tuesday.\n" * 40)
    return files


@pytest.fixture(scope="session")
def transcriber():
    """The real bundled Whisper model, loaded once for the whole test session."""
    from qa.transcribe import Transcriber

    return Transcriber()


def scored_call(session, agent, number, *, auto_fail=False, needs_review=False, failed=()):
    """A done call of `agent` with an auto-QA evaluation on the default scorecard in which
    `failed` criteria fail and the rest pass."""
    call = register_call(
        session=session,
        recording_path=f"c{number}.opus",
        sha256=f"{number:064d}",
        agent_id=agent.id,
        started_at=NOW,
        now=NOW,
    )
    call.status = CallStatus.DONE
    evaluation = Evaluation(
        call_id=call.id,
        source=EvaluationSource.AUTO,
        scorecard="default",
        scorecard_version="1+test",
        score=0.0 if auto_fail else 100.0 * (1 - len(failed) / len(DEFAULT_CRITERIA)),
        auto_fail=auto_fail,
        needs_review=needs_review,
        created_at=NOW,
    )
    session.add(evaluation)
    session.flush()
    for criterion in DEFAULT_CRITERIA:
        result = "fail" if criterion in failed else "pass"
        session.add(
            CriterionScore(
                evaluation_id=evaluation.id,
                criterion_id=criterion,
                result=result,
                confidence=0.9,
                evidence=[{"start": 1, "end": 2, "speaker": "agent", "text": "Hello"}],
            )
        )
    session.commit()
    return call


def write_wav(path: Path, audio: np.ndarray, rate: int) -> Path:
    """16-bit PCM WAV of float audio in -1..1, one column per channel (or a 1-d array: mono)."""
    frames = np.clip(audio, -1, 1)
    channels = 1 if frames.ndim == 1 else frames.shape[1]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((frames * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture
def not_calls(tmp_path: Path) -> dict[str, Path]:
    """Recordings that are not calls, as found on real systems: a WAV cut off mid-file (its
    header says 113.4 s, 3.1 s are there), the first 6 KB of an Opus call, 20 s of static and
    half a second of noise."""
    folder = tmp_path / "not-calls"
    folder.mkdir()
    rate, noise = 8000, np.random.default_rng(7)
    whole = write_wav(folder / "whole.wav", noise.normal(0, 0.05, int(113.4 * rate)), rate)
    cut = folder / "cut-off.wav"
    cut.write_bytes(whole.read_bytes()[: 44 + int(3.1 * rate) * 2])
    whole.unlink()
    opus = folder / "first-6kb.opus"
    opus.write_bytes(STEREO_OPUS.read_bytes()[:6144])
    static = write_wav(folder / "static.wav", noise.normal(0, 0.1, (20 * rate, 2)), rate)
    blip = write_wav(folder / "blip.wav", noise.normal(0, 0.1, rate // 2), rate)
    return {"cut": cut, "opus": opus, "static": static, "blip": blip}
