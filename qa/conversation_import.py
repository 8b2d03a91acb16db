"""Written conversations into the database: redacted, scored against the team's written
scorecard and stored as a call of their channel, one segment per message.

The guarantees of an audio import hold: a conversation already stored (the same channel and
messages) is not stored again, one that cannot be read is reported and the batch goes on,
personal data is redacted before anything is stored, the agent is found by email and CSAT comes
from the export.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.clock import as_utc
from core.models import Call, CallStatus, Segment
from qa.conversation import Conversation
from qa.conversation_formats import Imported, Refused
from qa.ingest import EvaluatedHook, Outcomes, Scorer, agent_id_for, team_scorecard
from qa.metrics import compute_metrics
from qa.redact import redact_transcript
from qa.transcript import Transcript, TranscriptSegment

__all__ = [
    "ConversationOutcome",
    "ConversationSummary",
    "EARLIER_CONTACTS",
    "conversation_sha256",
    "customer_reference",
    "earlier_contacts",
    "import_conversations",
]


# What happened to one conversation of an export.
@dataclass(frozen=True)
class ConversationOutcome:
    source: str
    """The file it came from."""
    where: str
    """Which one ("conversation 3", "Zendesk ticket 4411", "the file")."""
    status: Literal["imported", "duplicate", "failed"]
    call_id: int | None = None
    error: str | None = None
    """Why it failed, naming the conversation and field."""


# What a whole import did; `to_dict` is the `--json` summary line.
@dataclass
class ConversationSummary(Outcomes[ConversationOutcome]):
    def to_dict(self) -> dict:
        return {
            "imported": self.count("imported"),
            "skipped_duplicates": self.count("duplicate"),
            "failed": [{"file": o.source, "error": o.error} for o in self.failed],
        }


def conversation_sha256(conversation: Conversation) -> str:
    """What makes an import idempotent: the hash of the channel and the messages (author, text,
    time), not of the file they came in or the export's id."""
    content = {
        "channel": str(conversation.channel),
        "messages": [
            [str(m.author), m.text, m.at.isoformat() if m.at else None]
            for m in conversation.messages
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest()


def customer_reference(reference: str | None) -> str | None:
    """The stored form of a customer's reference (email, handle, account): its SHA-256, the
    same for the same customer in every channel and export however it is cased or spaced."""
    if not reference or not reference.strip():
        return None
    normal = " ".join(reference.strip().lower().split())
    return hashlib.sha256(f"callcoach-customer:{normal}".encode()).hexdigest()


EARLIER_CONTACTS = 5
"""How many of the customer's latest earlier conversations a new one is scored beside."""


def earlier_contacts(
    session: Session, customer_ref: str | None, started_at: datetime | None
) -> tuple[Transcript, ...]:
    """The customer's stored conversations (any channel, redacted as stored) that started
    before `started_at` (every stored one when it is unknown), oldest first, at most the
    latest `EARLIER_CONTACTS`."""
    if customer_ref is None:
        return ()
    calls = [
        call
        for call in session.exec(
            select(Call).where(Call.customer_ref == customer_ref, Call.status == CallStatus.DONE)
        )
        if started_at is None
        or (call.started_at is not None and as_utc(call.started_at) < as_utc(started_at))
    ]
    calls = sorted(
        calls, key=lambda c: (c.started_at is None, c.started_at and as_utc(c.started_at), c.id)
    )
    earlier = []
    for call in calls[-EARLIER_CONTACTS:]:
        segments = session.exec(
            select(Segment)
            .where(Segment.call_id == call.id)
            .order_by(col(Segment.start), col(Segment.id))
        ).all()
        earlier.append(
            Transcript(
                source=str(call.id),
                duration=call.duration or 0.0,
                channels=2,
                segments=tuple(
                    TranscriptSegment(start=s.start, end=s.end, speaker=s.speaker, text=s.text)
                    for s in segments
                ),
                channel=call.channel,
                timed=call.started_at is not None,
            )
        )
    return tuple(earlier)


def _store(
    session: Session,
    item: Imported,
    *,
    source: str,
    where: str,
    agent_email: str | None,
    store_unredacted: bool,
    now: datetime,
    score: Scorer | None,
    on_evaluated: EvaluatedHook | None,
) -> ConversationOutcome:
    conversation = item.conversation
    sha256 = conversation_sha256(conversation)
    existing = session.exec(select(Call.id).where(Call.sha256 == sha256)).first()
    if existing is not None:
        return ConversationOutcome(source, where, "duplicate", call_id=existing)
    transcript = conversation.transcript()
    redacted = redact_transcript(transcript)
    call = Call(
        channel=conversation.channel,
        recording_path="",
        original_name=(conversation.id or where)[:255],
        sha256=sha256,
        agent_id=agent_id_for(session, item.agent_email or agent_email),
        started_at=conversation.messages[0].at,
        duration=redacted.duration if conversation.timed else None,
        status=CallStatus.DONE,
        csat=item.csat,
        customer_ref=customer_reference(item.customer),
        created_at=now,
        transcribed_at=now,
        language=redacted.language,
    )
    metrics = compute_metrics(redacted)
    if score is not None:
        earlier = earlier_contacts(session, call.customer_ref, call.started_at)
        redacted = replace(redacted, earlier=earlier)
    # Scored before the write, so the transaction stays short (SQLite has one writer).
    result = score(redacted, metrics, team_scorecard(session, call)) if score else None
    session.add(call)
    session.flush()
    assert call.id is not None
    for original, segment in zip(transcript.segments, redacted.segments, strict=True):
        session.add(
            Segment(
                call_id=call.id,
                start=segment.start,
                end=segment.end,
                speaker=segment.speaker,
                text=segment.text,
                text_unredacted=original.text if store_unredacted else None,
            )
        )
    if result is not None:
        from qa.evaluations import add_auto_evaluation

        evaluation = add_auto_evaluation(session=session, call_id=call.id, result=result, now=now)
        if on_evaluated is not None:
            on_evaluated(session, evaluation, now)
    session.commit()
    return ConversationOutcome(source, where, "imported", call_id=call.id)


def import_conversations(
    *,
    engine: Engine,
    items: Sequence[tuple[str, Imported | Refused]],
    now: Callable[[], datetime],
    score: Scorer | None,
    on_evaluated: EvaluatedHook | None = None,
    agent_email: str | None = None,
    store_unredacted: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ConversationSummary:
    """Store each conversation read from an export (`qa.conversation_formats`), in the order
    they happened (those without times last), so each is scored beside the same customer's
    earlier ones; the outcomes are in the order given.

    Args:
        items: (where it came from, e.g. the file name, and what was read there).
        now: the clock, read once per conversation.
        score: auto-QA (`qa.autoqa.AutoQA`); None stores without scoring.
        on_evaluated: assigns lessons for failed criteria once the evaluation is added.
        agent_email: the agent of conversations whose export names none.
        store_unredacted: keep each message's text as written beside the redacted one.
        progress: told (done, total) after each conversation.

    Returns:
        One outcome per item: imported, duplicate (already stored) or failed (why); a failure
        stores nothing of that conversation and the rest go on.
    """
    outcomes: dict[int, ConversationOutcome] = {}
    for done, place in enumerate(_in_time_order(items), start=1):
        source, item = items[place]
        if isinstance(item, Refused):
            outcome = ConversationOutcome(source, item.where, "failed", error=item.message)
        else:
            where = item.conversation.id or f"conversation {done}"
            with Session(engine, expire_on_commit=False) as session:
                try:
                    outcome = _store(
                        session,
                        item,
                        source=source,
                        where=where,
                        agent_email=agent_email,
                        store_unredacted=store_unredacted,
                        now=now(),
                        score=score,
                        on_evaluated=on_evaluated,
                    )
                except IntegrityError:  # another import stored the same conversation first
                    session.rollback()
                    outcome = ConversationOutcome(source, where, "duplicate")
                except Exception as exc:  # noqa: BLE001 - one bad conversation must not stop the rest
                    session.rollback()
                    error = f"{where}: import failed: {exc!r}"
                    outcome = ConversationOutcome(source, where, "failed", error=error)
        outcomes[place] = outcome
        if progress is not None:
            progress(done, len(items))
    return ConversationSummary(outcomes=[outcomes[place] for place in range(len(items))])


def _in_time_order(items: Sequence[tuple[str, Imported | Refused]]) -> list[int]:
    def started(place: int) -> tuple[bool, datetime, int]:
        item = items[place][1]
        at = item.conversation.messages[0].at if isinstance(item, Imported) else None
        return (at is None, at or datetime.min.replace(tzinfo=UTC), place)

    return sorted(range(len(items)), key=started)
