"""A moment of a call as people read it: minutes and seconds, `m:ss`."""

from __future__ import annotations

__all__ = ["clock"]


def clock(seconds: float, *, tenths: bool = False) -> str:
    """`75.4` -> `"1:15"` (or `"1:15.4"` with `tenths`), rounded down, so a moment never reads
    later than it is."""
    seconds = max(seconds, 0.0)
    if tenths:
        tenth_count = int(seconds * 10 + 1e-6)  # 1e-6: 0.3 * 10 is 2.9999999999999996
        return f"{tenth_count // 600}:{tenth_count % 600 // 10:02d}.{tenth_count % 10}"
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
