"""Lesson examples: a marked moment of a real call, redacted and bleeped, attached to a lesson."""

from __future__ import annotations

import wave
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import playable_file
from core.clock import clock
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, LessonExample, MonitoringNote, Role, Segment, User
from qa.redacted_audio import ToneOptions, redacted_spans, toned

__all__ = [
    "MAX_EXAMPLE_TITLE_CHARS",
    "ClipOptions",
    "add_lesson_example",
    "list_lesson_examples",
    "remove_lesson_example",
]

MAX_EXAMPLE_TITLE_CHARS = 200
SAMPLE_RATE = 16_000
EXAMPLES_FOLDER = "examples"  # inside the data folder


# How a clip is cut from a call and how redacted words are hidden in its audio.
@dataclass(frozen=True)
class ClipOptions:
    # Longest marked moment: an example shows one exchange, and agents play it on a phone.
    max_seconds: float = 90.0
    # Audio kept either side of the marked moment so its first and last words are not cut off.
    padding: float = 0.3
    # How redacted words are hidden: the tone of the redacted call audio (qa.redacted_audio).
    tone: ToneOptions = ToneOptions()


def _check_curator(session: Session, actor: User, call: Call) -> None:
    """Admins may use any call; a lead only the calls of their own team's agents."""
    if not actor.active or actor.role not in (Role.LEAD, Role.ADMIN):
        raise NotAllowed("Only team leads and admins can turn call moments into lesson examples.")
    if actor.role == Role.ADMIN:
        return
    agent = session.get(User, call.agent_id) if call.agent_id is not None else None
    if agent is None or actor.team_id is None or agent.team_id != actor.team_id:
        raise NotAllowed(f"Call #{call.id} is not a call of your team.")


def _check_times(start: float, end: float, length: float | None, options: ClipOptions) -> None:
    if start < 0:
        raise InvalidInput("An example cannot start before the call does.")
    if end <= start:
        raise InvalidInput("An example must end after it starts.")
    if end - start > options.max_seconds:
        raise InvalidInput(
            f"An example can be at most {options.max_seconds:.0f} seconds long; "
            f"this one is {end - start:.0f} s. Mark a shorter moment."
        )
    # Half a second of slack: a moment marked by ear may end a little past the last sample.
    if length is not None and end > length + 0.5:
        raise InvalidInput(f"The call is only {clock(length)} long.")


def _decode(call: Call) -> np.ndarray:
    """The call's audio as one 16 kHz mono track (both speakers mixed), floats in [-1, 1)."""
    from faster_whisper import decode_audio

    path = playable_file(call)  # the redacted copy: what the agent hears is toned already
    if not path.is_file():
        raise NotFound(f"The recording of call #{call.id} is no longer where it was imported from.")
    try:
        return decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception:  # PyAV raises many error types for broken files
        raise InvalidInput(f"The recording of call #{call.id} could not be read.") from None


def _clip_lines(segments: list[Segment], clip_start: float, clip_end: float) -> list[dict]:
    """The redacted lines heard in the clip, times relative to its start. Lines that run past
    the clip keep only the words heard in it, when word times are known."""
    lines = []
    for segment in segments:
        text = segment.text
        if segment.words:
            heard = [
                w["word"]
                for w in segment.words
                if clip_start <= (w["start"] + w["end"]) / 2 <= clip_end
            ]
            text = "".join(heard).strip() or text
        lines.append(
            {
                "start": round(max(segment.start - clip_start, 0.0), 2),
                "end": round(min(segment.end, clip_end) - clip_start, 2),
                "speaker": str(segment.speaker),
                "text": text,
            }
        )
    return lines


def _write_wav(path: Path, samples: np.ndarray) -> None:
    """16-bit PCM mono WAV: every browser plays it without a codec."""
    pcm = np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


def _snapshot(example: LessonExample) -> dict:
    return {
        "lesson_id": example.lesson_id,
        "call_id": example.call_id,
        "note_id": example.note_id,
        "start": example.start,
        "end": example.end,
        "title": example.title,
        "audio_path": example.audio_path,
    }


@audit_refusals
def add_lesson_example(
    *,
    session: Session,
    actor: User,
    call_id: int,
    lesson_id: str,
    start: float,
    end: float,
    title: str,
    known_lessons: Collection[str],
    data_dir: Path,
    now: datetime,
    note_id: int | None = None,
    options: ClipOptions | None = None,
) -> LessonExample:
    """Attach the moment `start`-`end` (call seconds) of a call to a lesson as an example.

    The clip's audio (the moment plus `options.padding` either side, both speakers mixed) is
    written to `data_dir/examples/<id>.wav` with every redacted word bleeped; the redacted lines
    heard in it are stored with times relative to the clip's start. Audited; commits.

    Raises:
        NotAllowed: the actor is not an admin, nor the lead of the call's agent's team.
        NotFound: no such call or note, or the recording file is gone.
        InvalidInput: unknown lesson, empty or long title, times outside the call or longer than
            `options.max_seconds`, a note of another call, or an unreadable recording.
    """
    options = options or ClipOptions()
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"There is no call #{call_id}.")
    _check_curator(session, actor, call)
    if lesson_id not in known_lessons:
        raise InvalidInput(f"There is no lesson {lesson_id!r}.")
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("Give the example a title, e.g. 'Calming an upset customer'.")
    if len(title) > MAX_EXAMPLE_TITLE_CHARS:
        raise InvalidInput(f"Keep the title under {MAX_EXAMPLE_TITLE_CHARS} characters.")
    if note_id is not None:
        note = session.get(MonitoringNote, note_id)
        if note is None:
            raise NotFound(f"There is no note #{note_id}.")
        if note.call_id != call_id:
            raise InvalidInput(f"Note #{note_id} is not about call #{call_id}.")
    _check_times(start, end, call.duration, options)

    audio = _decode(call)
    length = len(audio) / SAMPLE_RATE
    _check_times(start, end, length, options)
    clip_start = max(start - options.padding, 0.0)
    clip_end = min(end + options.padding, length)
    first, last = round(clip_start * SAMPLE_RATE), round(clip_end * SAMPLE_RATE)
    clip_start, clip_end = first / SAMPLE_RATE, last / SAMPLE_RATE
    heard = list(
        session.exec(
            select(Segment)
            .where(Segment.call_id == call_id, Segment.end > start, Segment.start < end)
            .order_by(col(Segment.start), col(Segment.id))
        )
    )
    # Every line overlapping the padded clip is searched for PII, not only the marked moment's.
    nearby = session.exec(
        select(Segment).where(
            Segment.call_id == call_id, Segment.end > clip_start, Segment.start < clip_end
        )
    ).all()
    stored = ({"start": s.start, "end": s.end, "text": s.text, "words": s.words} for s in nearby)
    spans = redacted_spans(stored, options.tone)
    samples = toned(audio[first:last], spans, options.tone, offset=first)

    example = LessonExample(
        lesson_id=lesson_id,
        call_id=call_id,
        note_id=note_id,
        start=round(start, 2),
        end=round(end, 2),
        title=title,
        segments=_clip_lines(heard, clip_start, clip_end),
        audio_path="",
        added_by_id=actor.id,
        created_at=now,
    )
    session.add(example)
    session.flush()
    relative = f"{EXAMPLES_FOLDER}/{example.id}.wav"
    path = data_dir / relative
    try:
        _write_wav(path, samples)
        example.audio_path = relative
        record_event(
            session=session,
            actor=actor,
            action="add_example",
            entity="lesson_example",
            entity_id=example.id,
            now=now,
            after=_snapshot(example),
        )
        session.commit()
    except Exception:
        session.rollback()
        path.unlink(missing_ok=True)
        raise
    return example


def list_lesson_examples(*, session: Session, lesson_id: str) -> list[LessonExample]:
    """A lesson's examples from real calls, in the order they were added. Their audio and
    lines are redacted, so every signed-in user may play them."""
    query = (
        select(LessonExample)
        .where(LessonExample.lesson_id == lesson_id)
        .order_by(col(LessonExample.created_at), col(LessonExample.id))
    )
    return list(session.exec(query))


@audit_refusals
def remove_lesson_example(
    *, session: Session, actor: User, example_id: int, data_dir: Path, now: datetime
) -> None:
    """Take an example off its lesson and delete its audio clip. Audited; commits.

    Raises:
        NotFound: no such example.
        NotAllowed: the actor is not an admin, nor the lead of the call's agent's team.
    """
    example = session.get(LessonExample, example_id)
    if example is None:
        raise NotFound(f"There is no lesson example #{example_id}.")
    call = session.get(Call, example.call_id)
    if call is None:  # the example goes with its call (ON DELETE CASCADE)
        raise NotFound(f"There is no lesson example #{example_id}.")
    _check_curator(session, actor, call)
    record_event(
        session=session,
        actor=actor,
        action="remove_example",
        entity="lesson_example",
        entity_id=example.id,
        now=now,
        before=_snapshot(example),
    )
    audio = data_dir / example.audio_path if example.audio_path else None
    session.delete(example)
    session.commit()
    if audio is not None:
        audio.unlink(missing_ok=True)
