"""Speakers a reviewer corrects: on a mono call whose voices were told apart by inference, the
agent and the customer swapped in one step, audited, with the metrics and auto-QA made again."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import get_call
from core.errors import InvalidInput
from core.models import Evaluation, Role, Segment, Speaker, User
from core.people import require_role
from qa.evaluations import add_auto_evaluation
from qa.ingest import Scorer, team_scorecard
from qa.metrics import compute_metrics
from qa.transcript import Transcript, TranscriptSegment, Word

__all__ = ["inferred_speaker_confidence", "swap_speakers"]

_SWAPPED = {Speaker.AGENT: Speaker.CUSTOMER, Speaker.CUSTOMER: Speaker.AGENT}


def inferred_speaker_confidence(segments: list[Segment]) -> float | None:
    """How sure the inferred speakers of a call are (0-1, weighted by speech time), or None when
    the speakers come from the recording's channels."""
    inferred = [s for s in segments if s.speaker_source == "inferred"]
    if not inferred:
        return None
    weights = [max(s.end - s.start, 0.01) for s in inferred]
    total = sum(w * (s.confidence or 0.0) for w, s in zip(weights, inferred, strict=True))
    return round(total / sum(weights), 3)


def _transcript(call, segments: list[Segment]) -> Transcript:
    return Transcript(
        source=call.recording_path,
        duration=call.duration or 0.0,
        channels=call.channels or 1,
        language=call.language or "en",
        segments=tuple(
            TranscriptSegment(
                start=s.start,
                end=s.end,
                speaker=s.speaker,
                text=s.text,
                words=tuple(Word(**w) for w in s.words or ()),
                unclear=s.unclear,
                speaker_source=s.speaker_source,
                confidence=s.confidence if s.confidence is not None else 1.0,
            )
            for s in segments
        ),
    )


@audit_refusals
def swap_speakers(
    *,
    session: Session,
    actor: User,
    call_id: int,
    now: datetime,
    score: Scorer,
    silence_threshold: float,
) -> Evaluation:
    """Swap agent and customer on a call whose speakers were inferred; audited. The metrics are
    computed again and auto-QA scores the call again (a new auto evaluation; a reviewer's
    evaluation, if any, stays the official one).

    Raises:
        NotAllowed: the actor is not a reviewer, lead or admin, or the call is outside their
            scope.
        NotFound: no such call.
        InvalidInput: the call's speakers come from its channels, not inference.
    """
    require_role(actor, Role.REVIEWER, Role.LEAD, Role.ADMIN)
    call = get_call(session=session, viewer=actor, call_id=call_id)
    query = select(Segment).where(Segment.call_id == call.id).order_by(Segment.start, Segment.id)
    segments = list(session.exec(query))
    if inferred_speaker_confidence(segments) is None:
        raise InvalidInput(
            f"Call #{call.id}'s speakers come from its recording's channels; they cannot be "
            "swapped."
        )
    for segment in segments:
        segment.speaker = _SWAPPED.get(segment.speaker, segment.speaker)
        session.add(segment)
    transcript = _transcript(call, segments)
    metrics = compute_metrics(transcript, silence_threshold=silence_threshold)
    result = score(transcript, metrics, team_scorecard(session, call))
    before = call.metrics or {}
    call.metrics = metrics.to_dict()
    session.add(call)
    record_event(
        session=session,
        actor=actor,
        action="call.swap_speakers",
        entity="call",
        entity_id=call.id,
        now=now,
        before={"agent_talk_seconds": before.get("agent_talk_seconds")},
        after={"agent_talk_seconds": metrics.agent_talk_seconds, "score": result.score},
    )
    evaluation = add_auto_evaluation(session=session, call_id=call.id, result=result, now=now)
    session.commit()
    return evaluation
