"""Redacting again what is already stored, with the redactor as it is now: every call's segments
and word timings and its redacted audio, the evidence quoted in auto-QA and review scores,
live-session transcripts, monitoring notes and lesson examples. Redaction has become better
at what speech recognition mishears; text stored by an earlier version may still hold personal
data.

Redacting redacted text changes nothing (tags are never redacted again), so a rescan can run
any number of times; the second finds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from core.audit import record_event
from core.calls import drop_owned_recording, playable_file, recording_file, stored_path
from core.models import (
    Call,
    CallStatus,
    CriterionScore,
    LessonExample,
    LiveSession,
    MonitoringNote,
    Segment,
    User,
)
from qa.audio import AudioError
from qa.redact import TAG, redact_text, redact_transcript
from qa.redacted_audio import write_call_audio
from qa.transcript import Transcript, TranscriptSegment

__all__ = ["RescanReport", "rescan_stored_text"]

Progress = Callable[[str, int, int], None]  # (what, done, of)


@dataclass
class RescanReport:
    """What a rescan changed (or, dry, would change): rows per kind of record, and the
    personal data newly redacted per tag."""

    changed: Counter = field(default_factory=Counter)  # "segments", "notes", ... -> rows
    tags: Counter = field(default_factory=Counter)  # "DOB", "POSTCODE", ... -> new tags
    segment_ids: list[int] = field(default_factory=list)  # segments whose text changed
    audio_errors: list[str] = field(default_factory=list)  # calls whose audio could not be made

    def to_dict(self) -> dict[str, Any]:
        return {"changed": dict(self.changed), "redacted": dict(sorted(self.tags.items()))}


def _new_tags(before: str, after: str) -> Counter:
    return Counter(TAG.findall(after)) - Counter(TAG.findall(before))


def _redacted(segments: list[dict]) -> list[dict]:
    """Stored segments (`TranscriptSegment.to_dict()` form) redacted as one transcript."""
    parsed = tuple(TranscriptSegment.from_dict(s) for s in segments)
    end = max((s.end for s in parsed), default=0.0)
    transcript = Transcript(source="", duration=end, channels=2, segments=parsed)
    return [
        dict(given) | {"text": s.text, "words": [asdict(w) for w in s.words] or given.get("words")}
        for given, s in zip(segments, redact_transcript(transcript).segments, strict=True)
    ]


def _text_changes(report: RescanReport, kind: str, before: str, after: str) -> bool:
    if before == after:
        return False
    report.changed[kind] += 1
    report.tags += _new_tags(before, after)
    return True


def _each(session: Session, query, what: str, progress: Progress | None) -> Iterator:
    rows = session.exec(query).all()
    for done, row in enumerate(rows, 1):
        yield row
        if progress is not None and (done % 50 == 0 or done == len(rows)):
            progress(what, done, len(rows))


def _calls(
    session: Session,
    report: RescanReport,
    progress: Progress | None,
    audio_dir: Path | None,
    dry_run: bool,
    keep: bool,
    replaced: list[Path],
) -> None:
    query = select(Call.id).order_by(col(Call.id))
    for call_id in _each(session, query, "calls", progress):
        changed_before = len(report.segment_ids)
        rows = session.exec(
            select(Segment).where(Segment.call_id == call_id).order_by(col(Segment.start))
        ).all()
        stored = [
            {
                "start": s.start,
                "end": s.end,
                "speaker": s.speaker,
                "text": s.text,
                "words": s.words or [],
            }
            for s in rows
        ]
        for row, before, after in zip(rows, stored, _redacted(stored), strict=True):
            if _text_changes(report, "segments", before["text"], after["text"]) or (
                after["words"] != before["words"]
            ):
                row.text, row.words = after["text"], after["words"] or row.words
                session.add(row)
                report.segment_ids.append(row.id)
        call = session.get(Call, call_id)
        if audio_dir is None or call.status != CallStatus.DONE:
            continue
        if call.audio_path is None or len(report.segment_ids) > changed_before:
            report.changed["audio"] += 1
            if not dry_run:
                _remake_audio(call, rows, audio_dir, report, keep_original=keep, replaced=replaced)


def _remake_audio(
    call: Call,
    rows: list[Segment],
    audio_dir: Path,
    report: RescanReport,
    *,
    keep_original: bool,
    replaced: list[Path],
) -> None:
    """Tone the call's audio over its redacted stretches as they are now: the redacted copy
    toned again, or, for a call stored before copies were made, the recording. Unless the
    original is kept, it goes on `replaced`, to be deleted once the call no longer points at it.
    """
    stored = [{"start": s.start, "end": s.end, "text": s.text, "words": s.words} for s in rows]
    try:
        target = write_call_audio(playable_file(call), call.sha256, stored, audio_dir)
    except (AudioError, OSError, ValueError) as exc:
        report.audio_errors.append(f"call #{call.id}: {exc}")
        return
    call.audio_path = stored_path(target)
    if not keep_original:
        replaced.append(recording_file(call))
        call.recording_path = call.audio_path


def _evidence(session: Session, report: RescanReport, progress: Progress | None) -> None:
    for score in _each(session, select(CriterionScore), "scores", progress):
        quotes = [
            dict(q) | {"text": redact_text(q.get("text", ""), agent=q.get("speaker") == "agent")}
            for q in score.evidence or []
        ]
        before = " ".join(q.get("text", "") for q in score.evidence or [])
        if _text_changes(report, "evidence", before, " ".join(q["text"] for q in quotes)):
            score.evidence = quotes
            session.add(score)


def _segment_lists(
    session: Session, report: RescanReport, progress: Progress | None, model, kind: str
) -> None:
    for row in _each(session, select(model), kind, progress):
        if not row.segments:
            continue
        after = _redacted(row.segments)
        before_text = " ".join(s.get("text", "") for s in row.segments)
        if _text_changes(report, kind, before_text, " ".join(s["text"] for s in after)):
            row.segments = after
            session.add(row)


def _notes(session: Session, report: RescanReport, progress: Progress | None) -> None:
    for note in _each(session, select(MonitoringNote), "notes", progress):
        after = redact_text(note.text)
        if _text_changes(report, "notes", note.text, after):
            note.text = after
            session.add(note)


def rescan_stored_text(
    *,
    session: Session,
    actor: User | None,
    now: datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
    audio_dir: Path | None = None,
    keep_originals: bool = False,
    owned_dirs: tuple[Path, ...] = (),
) -> RescanReport:
    """Redact everything stored that quotes a transcript again, and record what changed in the
    audit trail (`transcripts.rescan`, with the counts). `dry_run`: count, change nothing.
    `audio_dir`: where redacted audio is written; a call whose transcript changed, or that has
    no redacted copy yet, gets one made (None: audio is left as it is); unless
    `keep_originals`, it is then what the call keeps, and an original the app stored itself
    (under `owned_dirs`) is deleted.

    The caller re-embeds `report.segment_ids` in the conversation-search index.
    """
    report = RescanReport()
    replaced: list[Path] = []  # originals the calls stopped pointing at
    _calls(session, report, progress, audio_dir, dry_run, keep_originals, replaced)
    _evidence(session, report, progress)
    _segment_lists(session, report, progress, LiveSession, "live_sessions")
    _segment_lists(session, report, progress, LessonExample, "lesson_examples")
    _notes(session, report, progress)
    if dry_run:
        session.rollback()
        return report
    if not report.changed:
        return report  # nothing to record: `make run` rescans on every start
    record_event(
        session=session,
        actor=actor,
        action="transcripts.rescan",
        entity="transcripts",
        entity_id=None,
        now=now,
        after=report.to_dict(),
    )
    session.commit()
    for original in replaced:  # only now: a failed commit leaves every call its recording
        drop_owned_recording(original, owned_dirs)
    return report
