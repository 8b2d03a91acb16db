"""Fixtures for the qa tests: demo recordings, bad files, a fake and the real transcriber."""

from __future__ import annotations

import json
from pathlib import Path

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
