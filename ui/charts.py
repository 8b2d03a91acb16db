"""Charts shared by pages (Altair, which Streamlit ships with)."""

from __future__ import annotations

import altair as alt

from core.models import Segment
from qa.agreement import CriterionAgreement, ReliabilityBin

__all__ = ["SPEAKER_COLOURS", "agreement_chart", "call_timeline"]

SPEAKER_COLOURS = {
    "agent": "#1f6feb",
    "customer": "#2da44e",
    "unknown": "#8c959f",
    "silence": "#d1242f",
    "overtalk": "#bf8700",
}


def call_timeline(segments: list[Segment], metrics: dict | None) -> alt.Chart:
    """Who spoke when, with long silences and overtalk, as bars on one time axis."""
    rows = [
        {"lane": s.speaker, "start": s.start, "end": s.end, "what": s.text[:80]} for s in segments
    ]
    if metrics:
        threshold = metrics.get("silence_threshold", 10)
        for start, end in metrics.get("silences", []):
            if end - start >= threshold:
                rows.append({"lane": "silence", "start": start, "end": end, "what": "silence"})
        for period in metrics.get("overtalk_periods", []):
            rows.append(
                {
                    "lane": "overtalk",
                    "start": period["start"],
                    "end": period["end"],
                    "what": f"overtalk started by {period['started_by']}",
                }
            )
    lanes = [lane for lane in SPEAKER_COLOURS if any(r["lane"] == lane for r in rows)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("start:Q", title="seconds into the call"),
            x2="end:Q",
            y=alt.Y("lane:N", title=None, sort=lanes),
            color=alt.Color(
                "lane:N",
                scale=alt.Scale(domain=lanes, range=[SPEAKER_COLOURS[lane] for lane in lanes]),
                legend=None,
            ),
            tooltip=["lane:N", "start:Q", "end:Q", "what:N"],
        )
        .properties(height=40 + 28 * len(lanes))
    )


def reliability_chart(bins: list[ReliabilityBin]) -> alt.LayerChart:
    """Per confidence band of auto-QA, the share of its results people agreed with (bars,
    with how many results as a label), and the 90% line a confident result should clear."""
    data = [
        {
            "band": f"{b.low:.0%}-{b.high:.0%}",
            "agreement": b.agreement,
            "results": b.results,
        }
        for b in bins
        if b.results
    ]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("band:N", sort=None, title="auto-QA confidence"),
    )
    share = alt.Scale(domain=[0, 1])
    bars = base.mark_bar(color="#1f6feb", opacity=0.7).encode(
        y=alt.Y("agreement:Q", scale=share, title="results people agreed with"),
        tooltip=["band:N", alt.Tooltip("agreement:Q", format=".0%"), "results:Q"],
    )
    labels = base.mark_text(dy=-8, color="#57606a").encode(
        y=alt.Y("agreement:Q", scale=share), text="results:Q"
    )
    target = (
        alt.Chart(alt.Data(values=[{"target": 0.9}]))
        .mark_rule(color="#d1242f", strokeDash=[4, 4])
        .encode(y=alt.Y("target:Q", scale=share))
    )
    return bars + labels + target


def agreement_chart(rows: list[CriterionAgreement]) -> alt.LayerChart:
    """Per criterion, agreement of auto-QA with people as bars, the always-the-most-common-
    answer baseline as ticks, and Cohen's kappa as points."""
    data = [
        {
            "criterion": r.criterion_id.replace("_", " "),
            "agreement": r.agreement,
            "baseline": r.majority_agreement,
            "kappa": max(r.kappa, 0.0),
            "calls": r.items,
        }
        for r in rows
    ]
    base = alt.Chart(alt.Data(values=data)).encode(y=alt.Y("criterion:N", sort=None, title=None))
    share = alt.Scale(domain=[0, 1])
    bars = base.mark_bar(color="#1f6feb", opacity=0.7).encode(
        x=alt.X("agreement:Q", scale=share, title="agreement (bar), baseline (tick), kappa (dot)"),
        tooltip=[
            "criterion:N",
            alt.Tooltip("agreement:Q", format=".0%"),
            alt.Tooltip("baseline:Q", format=".0%"),
            alt.Tooltip("kappa:Q", format=".2f"),
            "calls:Q",
        ],
    )
    ticks = base.mark_tick(color="#57606a", thickness=3).encode(x=alt.X("baseline:Q", scale=share))
    dots = base.mark_point(color="#d1242f", filled=True, size=80).encode(
        x=alt.X("kappa:Q", scale=share)
    )
    return bars + ticks + dots
