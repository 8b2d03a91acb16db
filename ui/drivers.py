"""The CSAT driver analysis on a page: cached, and charted largest effect first."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import streamlit as st

from analytics.drivers import Driver, DriverReport, csat_drivers
from analytics.facts import CallFacts

__all__ = ["cached_csat_drivers", "effects_chart"]

_LOWER, _HIGHER, _UNCLEAR = "lower CSAT", "higher CSAT", "no clear effect"
_COLOURS = {_LOWER: "#d1242f", _HIGHER: "#2da44e", _UNCLEAR: "#8c959f"}


@st.cache_data(max_entries=16, show_spinner="Estimating the drivers...")
def cached_csat_drivers(calls: Sequence[CallFacts]) -> DriverReport:
    """`csat_drivers` of these calls, kept while they stay the same: the bootstrap refits the
    model a thousand times, and a download click or a filter set back reruns the page."""
    return csat_drivers(calls)


def effects_chart(drivers: Sequence[Driver], *, confidence: float) -> alt.LayerChart:
    """Per driver (in the given order), its effect on CSAT as a dot and its interval as a bar
    across it, coloured by whether the interval clears zero; a rule marks no effect."""
    data = [
        {
            "driver": f"{d.name} ({d.unit})",
            "effect": round(d.effect, 2),
            "low": round(d.low, 2),
            "high": round(d.high, 2),
            "calls": d.calls,
            "verdict": (_LOWER if d.high < 0 else _HIGHER) if d.clear else _UNCLEAR,
        }
        for d in drivers
    ]
    order = [row["driver"] for row in data]
    colour = alt.Color(
        "verdict:N",
        scale=alt.Scale(domain=list(_COLOURS), range=list(_COLOURS.values())),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("driver:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    )
    bars = base.mark_rule(strokeWidth=3, opacity=0.6).encode(
        x=alt.X("low:Q", title=f"effect on CSAT (points), with its {confidence:.0%} interval"),
        x2="high:Q",
        color=colour,
    )
    dots = base.mark_point(filled=True, size=90).encode(
        x="effect:Q",
        color=colour,
        tooltip=["driver:N", "effect:Q", "low:Q", "high:Q", "calls:Q", "verdict:N"],
    )
    zero = (
        alt.Chart(alt.Data(values=[{"x": 0}]))
        .mark_rule(color="#57606a", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return (zero + bars + dots).properties(height=alt.Step(30))
