"""Charts shared by pages (Altair, which Streamlit ships with)."""

from __future__ import annotations

import altair as alt

from core.models import Segment

__all__ = ["SPEAKER_COLOURS", "call_timeline"]

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
