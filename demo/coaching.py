"""Demo coaching: Lena's monitoring notes on Ben's and Diego's calls, and a session with Ben."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coaching.sessions import AgendaItem, AgendaKind, create_coaching_session
from core.models import Call, CoachingSession, MonitoringNote, NoteKind, User
from monitoring.notes import add_note

__all__ = ["CoachingSeed", "seed_coaching"]

LEAD = "lena.brooks@example.com"
BEN_CALL = "05-ben-balance-no-verification"  # the call Lena coached Ben on

# Lena's notes: (call, seconds into it, kind, criterion, shared with the agent, text). The
# seconds are where it happens in the demo call (data/demo/references).
_NOTES = (
    (
        BEN_CALL,
        17.8,
        NoteKind.NEEDS_WORK,
        "verification",
        False,
        "Read out the name and address before checking who was calling.",
    ),
    (
        BEN_CALL,
        53.9,
        NoteKind.NEEDS_WORK,
        "closing",
        False,
        "Ended on 'Yep. Bye.': no 'anything else?' and no thanks.",
    ),
    (
        "06-ben-outage",
        19.4,
        NoteKind.PRAISE,
        "empathy",
        False,
        "Picked up on the elderly father straight away and said it sounded worrying.",
    ),
    (
        "10-diego-cancellation",
        32.5,
        NoteKind.NEEDS_WORK,
        "dead_air",
        False,
        "Went silent for 15 seconds without telling the customer why.",
    ),
    (
        "10-diego-cancellation",
        62.7,
        NoteKind.NEEDS_WORK,
        "empathy",
        False,
        "Kept pushing the fixed tariff after she said twice she wanted to cancel.",
    ),
    (
        "11-diego-smart-meter",
        40.3,
        NoteKind.PRAISE,
        "hold_etiquette",
        True,
        "Asked before the hold and thanked her for holding: exactly right.",
    ),
)
_COMMITMENTS = [
    "Check postcode and date of birth before reading out anything on the account.",
    "Give the recording notice straight after the greeting.",
    "Ask 'anything else?' and thank the caller before ending.",
]


# What the demo coaching seed added.
@dataclass(frozen=True)
class CoachingSeed:
    notes: int
    sessions: int


def seed_coaching(*, engine: Engine, now: datetime) -> CoachingSeed:
    """Add Lena's notes on Ben's and Diego's demo calls (tagged with criteria, needs-work and
    praise, one shared) and the coaching session she held with Ben the day after his
    unverified call, with his commitments and a follow-up two weeks later. Does nothing when
    notes or sessions exist already, or the demo calls are not imported."""
    with Session(engine, expire_on_commit=False) as session:
        if (
            session.exec(select(MonitoringNote)).first()
            or session.exec(select(CoachingSession)).first()
        ):
            return CoachingSeed(0, 0)
        lead = session.exec(select(User).where(User.email == LEAD)).first()
        calls = {
            Path(c.original_name or c.recording_path).stem: c for c in session.exec(select(Call))
        }
        if lead is None or BEN_CALL not in calls:
            return CoachingSeed(0, 0)
        notes = []
        for stem, at_seconds, kind, criterion_id, shared, text in _NOTES:
            call = calls.get(stem)
            if call is None or call.agent_id is None:
                continue
            listened = (call.started_at or call.created_at) + timedelta(hours=2)
            if call.duration is not None:  # a stand-in transcript can be shorter than the audio
                at_seconds = min(at_seconds, call.duration)
            notes.append(
                add_note(
                    session=session,
                    author=lead,
                    agent_id=call.agent_id,
                    call_id=call.id,
                    at_seconds=at_seconds,
                    text=text,
                    kind=kind,
                    criterion_id=criterion_id,
                    shared=shared,
                    now=min(listened, now),
                )
            )
        ben_call = calls[BEN_CALL]
        held = (ben_call.started_at or ben_call.created_at) + timedelta(days=1)
        if held > now:
            return CoachingSeed(len(notes), 0)
        on_ben_call = [n for n in notes if n.call_id == ben_call.id]
        agenda = [
            AgendaItem(
                "Recording disclosure: no recording notice on the call",
                AgendaKind.WEAK_SPOT,
                "recording_disclosure",
                ben_call.id,
                0.5,
            ),
            *(
                AgendaItem(
                    n.text, AgendaKind(str(n.kind)), n.criterion_id, n.call_id, n.at_seconds, n.id
                )
                for n in on_ben_call
            ),
        ]
        create_coaching_session(
            session=session,
            lead=lead,
            agent_id=ben_call.agent_id,
            held_at=held,
            agenda=agenda,
            commitments=_COMMITMENTS,
            follow_up_on=(held + timedelta(days=14)).date(),
            summary="Went through the call together. Ben knows the steps; he skipped them "
            "because the caller sounded in a hurry. We agreed on the order to follow every time.",
            now=now,
        )
        return CoachingSeed(len(notes), 1)
