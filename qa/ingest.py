"""Importing call recordings: metadata, content-hash idempotency, and the stored call row."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from core.calls import register_call
from core.config import PROJECT_ROOT
from core.errors import InvalidInput
from core.models import Call, User
from qa.audio import AudioError, file_sha256, probe_audio

__all__ = ["CallMetadata", "Registration", "read_metadata_csv", "register_recording"]

_METADATA_COLUMNS = ("filename", "agent_email", "started_at", "csat")


# What a metadata CSV row says about one recording.
@dataclass(frozen=True)
class CallMetadata:
    agent_email: str | None = None
    started_at: datetime | None = None
    csat: int | None = None


# The outcome of registering one file: the stored call and whether this run created it.
@dataclass(frozen=True)
class Registration:
    call: Call
    created: bool


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
        InvalidInput: the file is missing a column or a row has a bad value; the message names
            the line.
    """
    with path.open(newline="", encoding="utf-8") as handle:
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


def _stored_path(path: Path) -> str:
    # Files inside the project (the demo set) are stored relative to it, so a moved checkout
    # still finds them.
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def register_recording(
    *,
    session: Session,
    path: Path,
    metadata: CallMetadata,
    now: datetime,
    max_duration: float,
) -> Registration:
    """Store `path` as a call waiting for transcription, unless its content is already stored.

    Uniqueness rests on the database's constraint on the content hash, so two imports running at
    once still store each recording once.

    Raises:
        AudioError: the file is not readable audio or is longer than `max_duration` seconds.
    """
    info = probe_audio(path)
    if info.duration <= 0:
        raise AudioError(f"{path.name}: the recording has no audio (0 s)")
    if info.duration > max_duration:
        raise AudioError(
            f"{path.name}: {info.duration / 60:.0f} min is longer than the limit of "
            f"{max_duration / 60:.0f} min"
        )
    sha256 = file_sha256(path)
    existing = session.exec(select(Call).where(Call.sha256 == sha256)).first()
    if existing is not None:
        return Registration(existing, created=False)
    agent = None
    if metadata.agent_email:
        query = select(User).where(func.lower(User.email) == metadata.agent_email)
        agent = session.exec(query).first()
    try:
        call = register_call(
            session=session,
            recording_path=_stored_path(path),
            sha256=sha256,
            now=now,
            agent_id=agent.id if agent else None,
            started_at=metadata.started_at,
            duration=info.duration,
            channels=info.channels,
            csat=metadata.csat,
        )
        session.commit()
    except IntegrityError:
        # Another import stored the same content between our check and our insert.
        session.rollback()
        existing = session.exec(select(Call).where(Call.sha256 == sha256)).one()
        return Registration(existing, created=False)
    return Registration(call, created=True)
