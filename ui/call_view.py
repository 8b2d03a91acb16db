"""Widgets that show one call: player synced to a clickable transcript, and its speech metrics."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.models import Call, CallStatus, CriterionScore, Evaluation, Segment
from ui.charts import call_timeline

__all__ = ["call_label", "evaluation_panel", "metrics_panel", "player_and_transcript"]


def call_label(call: Call) -> str:
    """One line naming a call in a picker: number, agent, start time and status if not done."""
    when = call.started_at.strftime("%d %b %Y %H:%M") if call.started_at else "date unknown"
    who = call.agent.name if call.agent else "unassigned"
    status = "" if call.status == CallStatus.DONE else f" · {call.status}"
    return f"#{call.id} · {who} · {when}{status}"


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


_LABEL_COLOURS = {"agent": "blue", "customer": "green", "unknown": "gray"}


def _play_from(state_key: str, seconds: float) -> None:
    st.session_state[state_key] = seconds


def player_and_transcript(recording: Path, segments: list[Segment], *, key: str) -> None:
    """The audio player above the transcript; clicking a line plays the call from there."""
    state_key = f"{key}_start"
    start = st.session_state.get(state_key)
    if recording.is_file():
        st.audio(str(recording), start_time=int(start or 0), autoplay=start is not None)
    else:
        st.warning("The recording file is no longer where it was imported from.")
    if not segments:
        st.info("Not transcribed yet.")
        return
    st.caption("Click a line to play the call from that moment.")
    # Transcript lines are tertiary buttons; read them left-aligned like text, not centred.
    st.html(
        "<style>.stButton button[kind='tertiary'] {justify-content: flex-start; "
        "text-align: left;}</style>"
    )
    for number, segment in enumerate(segments):
        colour = _LABEL_COLOURS.get(segment.speaker, "gray")
        st.button(
            f"`{_clock(segment.start)}` :{colour}[**{segment.speaker.title()}**] {segment.text}",
            key=f"{key}_{number}",
            type="tertiary",
            on_click=_play_from,
            args=(state_key, segment.start),
        )


def metrics_panel(segments: list[Segment], metrics: dict | None) -> None:
    """Speech metrics as figures, then the timeline of who spoke when and the silences."""
    if not metrics:
        return
    ratio = metrics["talk_to_listen_ratio"]
    overtalk = metrics["overtalk_count"]
    wpm = metrics["agent_words_per_minute"]
    cells = [
        ("Talk : listen", "-" if ratio is None else f"{ratio:.2f}"),
        ("Silence", f"{metrics['silence_seconds']:.0f} s"),
        ("Longest silence", f"{metrics['longest_silence_seconds']:.0f} s"),
        ("Overtalk", "n/a (mono)" if overtalk is None else str(overtalk)),
        ("Agent pace", "-" if wpm is None else f"{wpm:.0f} wpm"),
        ("Longest monologue", f"{metrics['longest_agent_monologue_seconds']:.0f} s"),
        ("Holds", str(len(metrics["hold_periods"]))),
        ("Silences > threshold", str(metrics["long_silence_count"])),
    ]
    for row in range(0, len(cells), 4):
        for column, (label, value) in zip(st.columns(4), cells[row : row + 4], strict=False):
            column.metric(label, value)
    st.altair_chart(call_timeline(segments, metrics))


_RESULT_ICONS = {"pass": ":green[:material/check_circle:]", "fail": ":red[:material/cancel:]"}


def evaluation_panel(evaluation: Evaluation | None, scores: list[CriterionScore]) -> None:
    """The call's QA score and, per criterion, the result with the lines that decided it."""
    st.subheader("QA score")
    if evaluation is None:
        st.info("Not scored yet.")
        return
    who = "Auto-QA" if evaluation.source == "auto" else "Reviewer"
    flags = []
    if evaluation.auto_fail:
        flags.append(":red-badge[Auto-fail: a critical criterion failed]")
    if evaluation.needs_review:
        flags.append(":orange-badge[Needs human review]")
    st.metric(
        f"{who} score ({evaluation.scorecard} v{evaluation.scorecard_version})",
        f"{evaluation.score:.0f} / 100",
    )
    if flags:
        st.markdown(" ".join(flags))
    for score in scores:
        icon = _RESULT_ICONS.get(score.result, ":gray[:material/remove_circle:]")
        label = f"{icon} **{score.criterion_id.replace('_', ' ')}** · {score.result}"
        with st.expander(f"{label} · confidence {score.confidence:.0%}"):
            if score.reason:
                st.write(score.reason)
            for item in score.evidence:
                st.caption(f"`{_clock(item['start'])}` {item['speaker']}: {item['text']}")
