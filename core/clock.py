"""A moment of a call as people read it (minutes and seconds, `m:ss`), and a wait as they
say it ("40 s", "12 min", "26.5 h")."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["as_utc", "clock", "wait"]


def clock(seconds: float, *, tenths: bool = False) -> str:
    """`75.4` -> `"1:15"` (or `"1:15.4"` with `tenths`), rounded down, so a moment never reads
    later than it is."""
    seconds = max(seconds, 0.0)
    if tenths:
        tenth_count = int(seconds * 10 + 1e-6)  # 1e-6: 0.3 * 10 is 2.9999999999999996
        return f"{tenth_count // 600}:{tenth_count % 600 // 10:02d}.{tenth_count % 10}"
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def wait(seconds: float) -> str:
    """How long someone waited, in the unit people use for it: seconds under two minutes,
    minutes under two hours, hours (one decimal) after that."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC one: SQLite gives back naive UTC times."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
