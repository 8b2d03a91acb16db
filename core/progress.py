"""A text progress bar for long command-line work, on standard error."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressBar", "progress_callback"]


class ProgressBar:
    """Draws `[#####-----] 3/16 files  4.1/25.0 min  last-file: imported`.

    On a terminal the line is redrawn in place; in a log (CI, cron) each update is its own line.
    """

    def __init__(self, total: int, *, unit: str, stream: TextIO | None = None, width: int = 24):
        self.total = max(total, 1)
        self.unit = unit
        self.stream = stream or sys.stderr
        self.width = width
        self._interactive = self.stream.isatty()

    def update(self, done: int, detail: str = "") -> None:
        filled = round(self.width * done / self.total)
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {done}/{self.total} {self.unit}"
        if detail:
            line += f"  {detail}"
        if self._interactive:
            self.stream.write(f"\r\033[K{line}")
            if done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def progress_callback(unit: str, *, stream: TextIO | None = None) -> Callable[[int, int], None]:
    """A `(done, total)` callback drawing a ProgressBar of `unit`; the bar is made on the first
    call, so nothing is drawn when there turns out to be nothing to do."""
    bar: ProgressBar | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or ProgressBar(total, unit=unit, stream=stream)
        bar.update(done)

    return update
