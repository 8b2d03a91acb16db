"""Load the demo team, users and recordings into the configured database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from core.config import PROJECT_ROOT, Settings
from core.demo import load_demo_organisation
from qa.audio import AudioError
from qa.ingest import CallMetadata, read_metadata_csv, register_recording

__all__ = ["DEMO_CALLS_DIR", "DemoLoad", "load_demo"]

DEMO_CALLS_DIR = PROJECT_ROOT / "data" / "demo" / "calls"
_AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a"}


# What one run of the demo loader added.
@dataclass
class DemoLoad:
    users_created: int = 0
    calls_registered: int = 0
    calls_already_there: int = 0
    failed: list[str] = field(default_factory=list)


def load_demo(
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    progress: Callable[[str], None] = lambda _line: None,
) -> DemoLoad:
    """Create the demo organisation and register the demo recordings; safe to run again."""
    result = DemoLoad()
    result.users_created = len(
        load_demo_organisation(session=session, password=settings.demo_password, now=now)
    )
    metadata = read_metadata_csv(DEMO_CALLS_DIR.parent / "calls.csv")
    files = sorted(p for p in DEMO_CALLS_DIR.iterdir() if p.suffix.lower() in _AUDIO_SUFFIXES)
    for number, path in enumerate(files, start=1):
        try:
            registration = register_recording(
                session=session,
                path=path,
                metadata=metadata.get(path.name, CallMetadata()),
                now=now,
                max_duration=settings.max_call_minutes * 60,
            )
        except AudioError as exc:
            result.failed.append(str(exc))
            progress(f"[{number}/{len(files)}] {path.name}: failed - {exc}")
            continue
        if registration.created:
            result.calls_registered += 1
        else:
            result.calls_already_there += 1
        progress(f"[{number}/{len(files)}] {path.name}: call #{registration.call.id}")
    return result
