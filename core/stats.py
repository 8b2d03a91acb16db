"""Percentiles, computed one way everywhere (the command lines' summaries and every bench)."""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["percentile"]


def percentile(values: Iterable[float], share: float) -> float:
    """The `share` quantile of `values` (0.95 for p95), by linear interpolation between the
    two nearest ranks: the definition of NumPy's default, R's type 7 and spreadsheets'
    PERCENTILE.INC, so p50 is the median and figures can be checked with any of them.

    Raises:
        ValueError: `values` is empty, or `share` is outside 0..1.
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values to take a percentile of")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, not {share}")
    position = share * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)
