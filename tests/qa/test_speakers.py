"""A reviewer swaps the inferred speakers of a mono call: audited, metrics and auto-QA again."""

import pytest
from sqlmodel import select

from core.calls import register_call
from core.errors import InvalidInput
from core.models import AuditEvent, CallStatus, Evaluation, Segment, Speaker
from qa.scoring import EvaluationResult
from qa.speakers import inferred_speaker_confidence, swap_speakers
from tests.conftest import NOW

A, C = Speaker.AGENT, Speaker.CUSTOMER


class _Scorer:
    """Records what it was asked to score; scores by who said "hello"."""

    def __init__(self):
        self.seen = []

    def __call__(self, transcript, metrics, scorecard):
        self.seen.append((transcript, metrics, scorecard))
        greeted = any("hello" in s.text.lower() for s in transcript.segments if s.speaker is A)
        return EvaluationResult(
            scorecard="default",
            scorecard_version="test",
            score=100.0 if greeted else 0.0,
            auto_fail=not greeted,
            needs_review=False,
            criteria=(),
        )


def _mono_call(session, agent, *, source="inferred"):
    call = register_call(
        session=session,
        recording_path="mono.wav",
        sha256="7" * 64,
        agent_id=agent.id,
        started_at=NOW,
        duration=20.0,
        channels=1,
        now=NOW,
    )
    call.status = CallStatus.DONE
    lines = [(C, 0.5, 4.0, "Hello, Northwind, Sam speaking."), (A, 4.5, 12.0, "Hi, my bill.")]
    for speaker, start, end, text in lines:  # the voices were given the wrong roles
        session.add(
            Segment(
                call_id=call.id,
                start=start,
                end=end,
                speaker=speaker,
                text=text,
                speaker_source=source,
                confidence=0.6 if source == "inferred" else None,
            )
        )
    session.commit()
    return call


def test_a_lead_swaps_the_inferred_speakers_and_the_call_is_scored_again(session, people):
    call = _mono_call(session, people["a1"])
    scorer = _Scorer()
    evaluation = swap_speakers(
        session=session,
        actor=people["lead"],
        call_id=call.id,
        now=NOW,
        score=scorer,
        silence_threshold=10.0,
    )
    segments = session.exec(select(Segment).order_by(Segment.start)).all()
    assert [s.speaker for s in segments] == [A, C]
    assert evaluation.score == 100.0 and not evaluation.auto_fail
    assert session.exec(select(Evaluation)).all() == [evaluation]
    ((transcript, metrics, scorecard),) = scorer.seen
    assert metrics.agent_talk_seconds == pytest.approx(3.5) and scorecard == "default"
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "call.swap_speakers"))
    assert (event.actor_id, event.entity_id) == (people["lead"].id, call.id)
    assert event.after["agent_talk_seconds"] == pytest.approx(3.5)
    assert session.get(type(call), call.id).metrics["agent_talk_seconds"] == pytest.approx(3.5)


def test_speakers_from_the_channels_cannot_be_swapped(session, people):
    call = _mono_call(session, people["a1"], source="channel")
    with pytest.raises(InvalidInput, match="come from its recording's channels"):
        swap_speakers(
            session=session,
            actor=people["reviewer"],
            call_id=call.id,
            now=NOW,
            score=_Scorer(),
            silence_threshold=10.0,
        )


def test_the_confidence_shown_is_weighted_by_speech_time():
    segments = [
        Segment(
            call_id=1, start=0, end=1, speaker=A, text="", speaker_source="inferred", confidence=0.5
        ),
        Segment(
            call_id=1, start=1, end=4, speaker=C, text="", speaker_source="inferred", confidence=0.9
        ),
    ]
    assert inferred_speaker_confidence(segments) == pytest.approx(0.8)
    assert (
        inferred_speaker_confidence([Segment(call_id=1, start=0, end=1, speaker=A, text="")])
        is None
    )
