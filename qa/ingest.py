"""Importing call recordings: metadata, content-hash idempotency, transcription and storage.

A recording is identified by the SHA-256 of its bytes, so the same call under another name or
imported twice is stored once. Each file goes through: hash -> probe -> call row claimed by this
run -> transcription, PII redaction and metrics (outside any transaction) -> transcript, metrics,
evaluation and lesson assignments written with status "done" in one transaction, so a
half-written call is never shown as complete. A file that fails is recorded with its error and
the batch goes on.

**Claims.** Several runs may import the same files at once (two `qa ingest`s of one folder, an
upload while a batch runs, Ray workers). The database's uniqueness on the content hash gives one
row per recording, and a run transcribes a call only after taking it with a compare-and-set
update (`claimed_by` = "host:pid", `claimed_at`); a run finds a call another live run holds
"being imported elsewhere" and moves on. A claim is taken over when its run is gone (same host,
process no longer exists: a run killed mid-batch is noticed by the next one at once) or is
older than `lease` (a run on another machine that died). The final write checks the claim in
the same transaction, so a run that lost its claim stores nothing.
"""

from __future__ import annotations

import csv
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core.calls import drop_owned_recording, recording_file, register_call, stored_path
from core.errors import InvalidInput
from core.models import Call, CallStatus, Channel, Segment, Team, User
from qa.audio import AudioError, file_sha256, probe_audio
from qa.metrics import CallMetrics, compute_metrics
from qa.redact import redact_transcript
from qa.redacted_audio import write_call_audio
from qa.transcript import Transcript

if TYPE_CHECKING:
    from core.config import Settings
    from core.models import Evaluation
    from qa.scoring import EvaluationResult

# Called with each new auto-QA evaluation before it is committed, e.g. to assign lessons for
# its failed criteria (`training.assignments.AutoAssigner`).
EvaluatedHook = Callable[[Session, "Evaluation", datetime], object]

# Scores a redacted transcript with its metrics (auto-QA; see qa.scoring.evaluate). The third
# argument names the scorecard the agent's team uses, None for a call without a team.
Scorer = Callable[[Transcript, CallMetrics, str | None], "EvaluationResult"]

__all__ = [
    "AUDIO_SUFFIXES",
    "CallMetadata",
    "FileOutcome",
    "IngestOptions",
    "IngestSummary",
    "Outcomes",
    "WRITTEN_SCORECARD",
    "agent_id_for",
    "EvaluatedHook",
    "Scorer",
    "collect_audio_files",
    "failed_imports",
    "ingest",
    "ingest_file",
    "read_metadata_csv",
    "team_scorecard",
]

# The scorecard of written conversations whose agent has no team.
WRITTEN_SCORECARD = "written"
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a"})
_METADATA_COLUMNS = ("filename", "agent_email", "started_at", "csat")


# What a metadata CSV row says about one recording.
@dataclass(frozen=True)
class CallMetadata:
    agent_email: str | None = None
    started_at: datetime | None = None
    csat: int | None = None
    practice: bool = False  # a practice or demo call: assigns no lessons (see Call.practice)


# How a batch is imported.
@dataclass(frozen=True)
class IngestOptions:
    # Agent of files the metadata CSV does not name; None leaves them unassigned.
    agent_email: str | None = None
    # Stereo channel that carries the agent (0 = left).
    agent_channel: int = 0
    # Longer recordings are refused (seconds; setting MAX_CALL_MINUTES).
    max_duration: float = 7200.0
    # Silences longer than this count as dead air in the metrics (setting).
    silence_threshold: float = 10.0
    # Keep the unredacted text next to the redacted one (admin setting; off by default).
    store_unredacted: bool = False
    # Where the redacted audio (every redacted stretch toned) is written; None: not made.
    audio_dir: Path | None = None
    # Keep the original recording (setting STORE_UNREDACTED_AUDIO); off, the call plays and
    # keeps only the redacted copy, and an original the app stored itself (under one of
    # `owned_dirs`: uploads, live recordings) is deleted once the copy is written.
    store_unredacted_audio: bool = False
    owned_dirs: tuple[Path, ...] = ()
    # A claim on a call older than this is taken over (setting INGEST_LEASE_MINUTES); longer
    # than any one file takes, shorter than an operator would wait for a dead worker.
    lease: timedelta = timedelta(minutes=30)

    @classmethod
    def from_settings(cls, settings: Settings, **choices) -> IngestOptions:
        """The options the settings give, with this import's `choices` (agent, channel)."""
        return cls(
            **{
                "agent_channel": settings.agent_channel,
                "max_duration": settings.max_call_minutes * 60,
                "silence_threshold": settings.silence_threshold_seconds,
                "store_unredacted": settings.store_unredacted_transcripts,
                "audio_dir": settings.data_dir / "audio",
                "store_unredacted_audio": settings.store_unredacted_audio,
                "owned_dirs": (settings.data_dir / "uploads", settings.data_dir / "live"),
                "lease": timedelta(minutes=settings.ingest_lease_minutes),
                **choices,
            }
        )


# What happened to one file of a batch.
@dataclass(frozen=True)
class FileOutcome:
    path: Path
    # "busy": another import run is working on the same recording right now.
    status: Literal["imported", "duplicate", "busy", "failed"]
    call_id: int | None = None
    # Why it failed or was skipped, in plain words; the file is named by `path`, not in here.
    error: str | None = None
    audio_seconds: float = 0.0


class _Outcome(Protocol):
    status: str


# What a batch did to each of its items, counted by status.
_O = TypeVar("_O", bound=_Outcome)


@dataclass
class Outcomes(Generic[_O]):  # noqa: UP046 - Python 3.11 has no `class Outcomes[O]`
    outcomes: list[_O] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[_O]:
        return [o for o in self.outcomes if o.status == "failed"]


# What a whole batch did; `to_dict` is the `--json` summary line.
@dataclass
class IngestSummary(Outcomes[FileOutcome]):
    def to_dict(self) -> dict:
        return {
            "imported": self.count("imported"),
            "skipped_duplicates": self.count("duplicate"),
            "skipped_in_progress": self.count("busy"),
            "failed": [{"path": str(o.path), "error": o.error} for o in self.failed],
        }


def _parse_started_at(value: str, where: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{where}: started_at {value!r} is not an ISO date-time") from None
    # Recorders write local wall-clock times without a zone; Callcoach reads them as UTC.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_csat(value: str, where: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise InvalidInput(f"{where}: csat {value!r} must be a whole number from 1 to 5")
    return int(value)


def read_metadata_csv(path: Path) -> dict[str, CallMetadata]:
    """Read a metadata CSV (filename, agent_email, started_at, csat) keyed by file name.

    Raises:
        InvalidInput: the file is unreadable, misses a column or has a bad value; the message
            names the line.
    """
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the metadata file ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in _METADATA_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path.name}: missing column(s) {', '.join(missing)}")
        rows: dict[str, CallMetadata] = {}
        for row in reader:
            where = f"{path.name} line {reader.line_num}"
            rows[Path(row["filename"].strip()).name] = CallMetadata(
                agent_email=row["agent_email"].strip().lower() or None,
                started_at=_parse_started_at(row["started_at"].strip(), where),
                csat=_parse_csat(row["csat"].strip(), where),
            )
    return rows


def collect_audio_files(paths: Iterable[Path]) -> list[Path]:
    """The files to import: named files as given, folders searched recursively for audio.

    Raises:
        InvalidInput: a named path does not exist.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def failed_imports(*, session: Session) -> list[Call]:
    """Every call whose import failed, oldest first (for operators' commands; pages list calls
    through `core.calls`, in the viewer's scope)."""
    query = select(Call).where(Call.status == CallStatus.FAILED).order_by(col(Call.id))
    return list(session.exec(query))


def agent_id_for(session: Session, email: str | None) -> int | None:
    """The id of the user with this email (any case); None when there is none."""
    if not email:
        return None
    user = session.exec(select(User).where(func.lower(User.email) == email.lower())).first()
    return user.id if user else None


def team_scorecard(session: Session, call: Call) -> str | None:
    """The scorecard the call's agent's team uses for the call's channel (`Team.scorecard`, or
    `Team.written_scorecard` for chat, email and social); without an agent, None for a call
    (the default scorecard) and `written` for a written conversation."""
    written = call.channel != Channel.CALL
    if call.agent_id is None:
        return WRITTEN_SCORECARD if written else None
    column = Team.written_scorecard if written else Team.scorecard
    query = select(column).join(User, col(User.team_id) == col(Team.id))
    return session.exec(query.where(User.id == call.agent_id)).first()


def _run_owner() -> str:
    """This import run's name on the calls it claims: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(owner: str | None) -> bool:
    """True when `owner` was a run on this host whose process no longer exists."""
    if not owner or owner == _run_owner():
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but another user's process
        return False
    return False


class _Busy(Exception):
    """Another live import run holds the claim on this call."""


def _take(session: Session, call: Call, *, owner: str, now: datetime, lease: timedelta) -> None:
    """Claim `call` for this run with a compare-and-set on the claim we read.

    Raises:
        _Busy: a live run holds it, or another run took it first.
    """
    held = call.status == CallStatus.PROCESSING and call.claimed_by != owner
    fresh = call.claimed_at is not None and now - call.claimed_at < lease
    if held and fresh and not _owner_gone(call.claimed_by):
        raise _Busy(call.claimed_by)
    seen = (
        col(Call.claimed_by).is_(None)
        if call.claimed_by is None
        else (col(Call.claimed_by) == call.claimed_by)
    )
    result = session.execute(
        update(Call)
        .where(col(Call.id) == call.id, col(Call.status) == call.status, seen)
        .values(status=CallStatus.PROCESSING, claimed_by=owner, claimed_at=now, error=None)
    )
    session.commit()
    if result.rowcount != 1:
        raise _Busy("another run")
    session.refresh(call)


def _claim_call(
    session: Session,
    *,
    path: Path,
    sha256: str,
    metadata: CallMetadata,
    options: IngestOptions,
    now: datetime,
) -> Call | None:
    """The call row to process for this content, claimed by this run, or None when it is
    already imported.

    A new row is created claimed; the database's uniqueness on the content hash makes two
    imports of one file at once store one row. A row left pending, failed, or claimed by a run
    that is gone is taken over (see the module docstring).

    Raises:
        AudioError: the file is not readable audio or is too long (recorded on the row).
        _Busy: another live run is importing it.
    """
    owner = _run_owner()
    existing = session.exec(select(Call).where(Call.sha256 == sha256)).first()
    if existing is not None:
        if existing.status == CallStatus.DONE:
            return None
        if existing.duration and existing.duration > options.max_duration:
            raise AudioError(existing.error or "longer than the limit")
        _take(session, existing, owner=owner, now=now, lease=options.lease)
        return existing
    email = metadata.agent_email or options.agent_email
    try:
        info = probe_audio(path)
        duration, channels, error = info.duration, info.channels, None
        if duration > options.max_duration:
            error = (
                f"{duration / 60:.0f} min is longer than the limit of "
                f"{options.max_duration / 60:.0f} min"
            )
    except AudioError as exc:
        duration, channels, error = None, None, str(exc)
    try:
        call = register_call(
            session=session,
            recording_path=stored_path(path),
            sha256=sha256,
            now=now,
            agent_id=agent_id_for(session, email),
            started_at=metadata.started_at,
            duration=duration,
            channels=channels,
            csat=metadata.csat,
            practice=metadata.practice,
        )
        call.original_name = path.name
        if error:
            call.status, call.error = CallStatus.FAILED, error
        else:
            call.status, call.claimed_by, call.claimed_at = CallStatus.PROCESSING, owner, now
        session.commit()
    except IntegrityError:
        # Another import stored the same content between our check and our insert.
        session.rollback()
        stored = session.exec(select(Call).where(Call.sha256 == sha256)).one()
        if stored.status == CallStatus.DONE:
            return None
        raise _Busy(stored.claimed_by) from None
    if error:
        raise AudioError(error)
    return call


def _still_ours(session: Session, call: Call, *, owner: str, now: datetime) -> None:
    """Renew this run's claim inside the current transaction, which also locks the row (so
    nobody takes it over before the commit).

    Raises:
        _Busy: another run took the call over (our claim had expired).
    """
    result = session.execute(
        update(Call)
        .where(
            col(Call.id) == call.id,
            col(Call.claimed_by) == owner,
            col(Call.status) == CallStatus.PROCESSING,
        )
        .values(claimed_at=now)
    )
    if result.rowcount != 1:
        raise _Busy("another run took it over")


def _store_transcript(
    session: Session,
    call: Call,
    transcript: Transcript,
    *,
    options: IngestOptions,
    now: datetime,
    score: Scorer | None,
    on_evaluated: EvaluatedHook | None = None,
) -> None:
    """Write the redacted transcript, its metrics and its auto-QA evaluation and mark the call
    done, in one commit, if this run still holds the call's claim.

    Raises:
        _Busy: the claim was lost; nothing is written.
    """
    redacted = redact_transcript(transcript)
    metrics = compute_metrics(redacted, silence_threshold=options.silence_threshold)
    # Scored before the write transaction opens, so it stays short (SQLite has one writer).
    result = score(redacted, metrics, team_scorecard(session, call)) if score else None
    _still_ours(session, call, owner=_run_owner(), now=now)
    if result is not None:
        from qa.evaluations import add_auto_evaluation

        evaluation = add_auto_evaluation(session=session, call_id=call.id, result=result, now=now)
        if on_evaluated is not None and not call.practice:
            on_evaluated(session, evaluation, now)
    session.exec(delete(Segment).where(Segment.call_id == call.id))
    for original, segment in zip(transcript.segments, redacted.segments, strict=True):
        session.add(
            Segment(
                call_id=call.id,
                start=segment.start,
                end=segment.end,
                speaker=segment.speaker,
                text=segment.text,
                words=[asdict(w) for w in segment.words] or None,
                text_unredacted=original.text if options.store_unredacted else None,
                unclear=segment.unclear,
                speaker_source=segment.speaker_source,
                confidence=segment.confidence,
            )
        )
    original = recording_file(call)
    if options.audio_dir is not None:
        # Written before the commit: a call is never done without the audio everyone plays.
        stored = [
            {"start": s.start, "end": s.end, "text": s.text, "words": [asdict(w) for w in s.words]}
            for s in redacted.segments
        ]
        target = write_call_audio(original, call.sha256, stored, options.audio_dir)
        call.audio_path = stored_path(target)
        if not options.store_unredacted_audio:
            call.recording_path = call.audio_path
    call.duration = redacted.duration
    call.channels = redacted.channels
    call.language = redacted.language
    call.speaker_note = redacted.speaker_note
    call.metrics = metrics.to_dict()
    call.transcribed_at = now
    call.status = CallStatus.DONE
    call.error = None
    call.claimed_by = call.claimed_at = None
    session.add(call)
    session.commit()
    if call.audio_path and not options.store_unredacted_audio:
        drop_owned_recording(original, options.owned_dirs)


def ingest_file(
    *,
    engine: Engine,
    path: Path,
    metadata: CallMetadata,
    transcribe: Callable[[Path, int], Transcript],
    options: IngestOptions,
    now: Callable[[], datetime],
    score: Scorer | None,
    on_evaluated: EvaluatedHook | None,
) -> FileOutcome:
    """Import one recording (claim, transcribe, score, store); never raises for a bad file.

    The unit of work of every engine: `ingest` runs it in this process, `workflow.ray_ingest` on
    Ray workers.
    """
    try:
        sha256 = file_sha256(path)
    except OSError as exc:
        return FileOutcome(path, "failed", error=f"cannot read the file ({exc})")
    with Session(engine, expire_on_commit=False) as session:
        try:
            call = _claim_call(
                session, path=path, sha256=sha256, metadata=metadata, options=options, now=now()
            )
        except AudioError as exc:
            return FileOutcome(path, "failed", error=str(exc))
        except _Busy:
            return _busy(session, path, sha256)
        if call is None:
            existing = session.exec(select(Call).where(Call.sha256 == sha256)).one()
            return FileOutcome(path, "duplicate", call_id=existing.id)
        try:
            transcript = transcribe(path, options.agent_channel)
            _store_transcript(
                session,
                call,
                transcript,
                options=options,
                now=now(),
                score=score,
                on_evaluated=on_evaluated,
            )
        except _Busy:
            session.rollback()
            return _busy(session, path, sha256)
        except Exception as exc:  # noqa: BLE001 - one broken file must not stop the batch
            message = str(exc) if isinstance(exc, AudioError) else f"import failed: {exc!r}"
            session.rollback()
            # Recorded only while the claim is ours: a run that took over keeps its own state.
            session.execute(
                update(Call)
                .where(col(Call.id) == call.id, col(Call.claimed_by) == _run_owner())
                .values(
                    status=CallStatus.FAILED,
                    error=message[:2000],
                    claimed_by=None,
                    claimed_at=None,
                )
            )
            session.commit()
            return FileOutcome(path, "failed", call_id=call.id, error=message)
        return FileOutcome(path, "imported", call_id=call.id, audio_seconds=call.duration or 0.0)


def _busy(session: Session, path: Path, sha256: str) -> FileOutcome:
    stored = session.exec(select(Call).where(Call.sha256 == sha256)).first()
    if stored is not None and stored.status == CallStatus.DONE:
        return FileOutcome(path, "duplicate", call_id=stored.id)
    return FileOutcome(
        path,
        "busy",
        call_id=stored.id if stored else None,
        error="being imported by another run right now; it will not be imported twice",
    )


def ingest(
    *,
    engine: Engine,
    paths: Iterable[Path],
    transcribe: Callable[[Path, int], Transcript],
    options: IngestOptions,
    now: Callable[[], datetime],
    metadata: dict[str, CallMetadata] | None = None,
    score: Scorer | None = None,
    on_evaluated: EvaluatedHook | None = None,
    progress: Callable[[FileOutcome, int, int], None] = lambda _outcome, _done, _total: None,
) -> IngestSummary:
    """Import files and folders; one bad file never stops the batch.

    Args:
        engine: the database to store calls in.
        paths: files and folders (searched recursively for audio files).
        transcribe: `transcribe(path, agent_channel) -> Transcript`, e.g. a Transcriber's.
        options: agent, channel, limits; see IngestOptions.
        now: the clock, called when rows are written.
        metadata: per file name, from a metadata CSV.
        score: auto-QA of each redacted transcript, stored with it; None skips scoring.
        on_evaluated: called with each new evaluation in the same transaction.
        progress: called after each file with its outcome, files done and files in total.

    Raises:
        InvalidInput: a named path does not exist.
    """
    files = collect_audio_files(paths)
    summary = IngestSummary()
    for number, path in enumerate(files, start=1):
        outcome = ingest_file(
            engine=engine,
            path=path,
            metadata=(metadata or {}).get(path.name, CallMetadata()),
            transcribe=transcribe,
            options=options,
            now=now,
            score=score,
            on_evaluated=on_evaluated,
        )
        summary.outcomes.append(outcome)
        progress(outcome, number, len(files))
    return summary
