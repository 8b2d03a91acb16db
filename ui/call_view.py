"""Widgets that show one call: player synced to a clickable transcript, and its speech metrics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import streamlit as st

from core.clock import as_utc, clock, wait
from core.models import Call, CallStatus, Channel, CriterionScore, Evaluation, Segment, Speaker
from core.time_zones import time_zone
from ui.charts import call_timeline
from ui.labels import channel_label, criterion_title, result_label
from ui.plain import plain

__all__ = [
    "call_label",
    "call_player",
    "clock",
    "is_timed",
    "conversation_thread",
    "journey_panel",
    "evaluation_panel",
    "moment_text",
    "metrics_panel",
    "play_from",
    "player_and_transcript",
    "transcript_lines",
]


def call_label(call: Call) -> str:
    """One line naming a call in a picker: number, agent, start time and status if not done."""
    when = call.started_at.strftime("%d %b %Y %H:%M") if call.started_at else "date unknown"
    if call.channel != Channel.CALL and call.started_at is None:
        # Its messages carried no times: it is dated by its import, as the list dates it.
        when = f"imported {call.created_at:%d %b %Y %H:%M}"
    who = call.agent.name if call.agent else "unassigned"
    status = "" if call.status == CallStatus.DONE else f" · {call.status}"
    practice = " · practice" if call.practice else ""
    channel = f" · {call.channel}" if call.channel != Channel.CALL else ""
    return f"#{call.id}{channel} · {who} · {when}{status}{practice}"


# How a stretch of speech that could not be transcribed reads in the transcript.
UNCLEAR_MARK = "speech here could not be transcribed"

_LABEL_COLOURS = {"agent": "blue", "customer": "green", "unknown": "gray"}


# Streamlit's audio player does not tell Python where playback is, so this small component
# (custom components v2: inline JS, nothing fetched) listens for the player inside the
# container `data.player` being paused, or moved while paused, and reports the position as the
# `paused_at` trigger, which reruns the script. Only pauses are reported, never playback
# progress, so a playing call does not rerun the page. One listener per player, even when
# Streamlit mounts the component again.
_PLAYBACK_CLOCK_JS = """
export default function ({ data, setTriggerValue }) {
  const players = (window.__callcoachPlayers ??= {});
  players[data.player]?.();
  const report = (event) => {
    const audio = event.target;
    if (!(audio instanceof HTMLMediaElement) || !audio.paused) return;
    if (!audio.closest(`.st-key-${data.player}`)) return;
    setTriggerValue("paused_at", Math.round(audio.currentTime * 10) / 10);
  };
  document.addEventListener("pause", report, true);
  document.addEventListener("seeked", report, true);
  const stop = () => {
    document.removeEventListener("pause", report, true);
    document.removeEventListener("seeked", report, true);
    delete players[data.player];
  };
  players[data.player] = stop;
  return stop;
}
"""
_playback_clock = st.components.v2.component("callcoach_playback_clock", js=_PLAYBACK_CLOCK_JS)


def _ignore() -> None:
    """A trigger value reaches Python only when it has a change callback; nothing to do here."""


def play_from(player_key: str, seconds: float) -> None:
    """Play the call of player `player_key` from `seconds` on the next run (a click callback);
    it is also the moment a new note is stamped at."""
    st.session_state[f"{player_key}_start"] = seconds
    st.session_state[f"{player_key}_moment"] = seconds


def call_player(recording: Path, *, key: str, report_position: bool = False) -> float | None:
    """The call's audio player; returns the moment (seconds) the user last played from or, with
    `report_position`, paused at: where a note typed now belongs."""
    moment_key = f"{key}_moment"
    start = st.session_state.get(f"{key}_start")
    if not recording.is_file():
        st.warning("The recording file is no longer where it was imported from.")
        return st.session_state.get(moment_key)
    with st.container(key=f"{key}_player"):
        st.audio(str(recording), start_time=int(start or 0), autoplay=start is not None)
        if report_position:
            position = _playback_clock(
                key=f"{key}_clock",
                data={"player": f"{key}_player"},
                on_paused_at_change=_ignore,
            )
            if position.paused_at is not None:
                st.session_state[moment_key] = float(position.paused_at)
    return st.session_state.get(moment_key)


def transcript_lines(segments: list[Segment], *, key: str) -> None:
    """The transcript, one line per segment; clicking a line plays player `key` from there."""
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
        said = f":gray[*{UNCLEAR_MARK}*]" if segment.unclear else segment.text
        st.button(
            f"`{clock(segment.start)}` :{colour}[**{segment.speaker.title()}**] {said}",
            key=f"{key}_{number}",
            type="tertiary",
            on_click=play_from,
            args=(key, segment.start),
        )


def is_timed(call: Call) -> bool:
    """Whether a written conversation's messages carried times (else they are numbered)."""
    return call.started_at is not None and call.duration is not None


def moment_text(call: Call, seconds: float, *, zone: str = "UTC") -> str:
    """Where a moment of a conversation is, as people read it: a call's clock ("1:23"), when
    a written message was sent in the viewer's time zone ("03 Nov 14:01"), or the message's
    number when the messages carried no times ("message 3")."""
    if call.channel == Channel.CALL:
        return clock(seconds)
    if not is_timed(call):
        return f"message {int(seconds) + 1}"
    sent = (as_utc(call.started_at) + timedelta(seconds=seconds)).astimezone(time_zone(zone))
    return sent.strftime("%d %b %H:%M")


def conversation_thread(call: Call, segments: list[Segment], *, zone: str = "UTC") -> None:
    """A written conversation as its thread: each message with when it was sent (in the
    viewer's time zone `zone`) and, for the agent's answer, how long the customer had waited."""
    st.caption(f"{channel_label(call.channel)} conversation, {len(segments)} messages")
    if not segments:
        st.info("No messages.")
        return
    timed = is_timed(call)
    previous = None
    for number, segment in enumerate(segments, start=1):
        agent = segment.speaker == Speaker.AGENT
        with st.chat_message(
            "agent" if agent else "customer",
            avatar=":material/support_agent:" if agent else ":material/person:",
        ):
            when = moment_text(call, segment.start if timed else number - 1, zone=zone)
            waited = ""
            if agent and timed and previous is not None and previous.speaker != segment.speaker:
                waited = f" · answered after {wait(segment.start - previous.start)}"
            st.caption(f"**{'Agent' if agent else 'Customer'}** · {when}{waited}")
            st.text(segment.text)
        if previous is None or previous.speaker != segment.speaker:
            previous = segment


_CHANNEL_ICONS = {
    Channel.CALL: ":material/call:",
    Channel.CHAT: ":material/chat:",
    Channel.EMAIL: ":material/mail:",
    Channel.SOCIAL: ":material/public:",
}


def journey_panel(others: list[Call], *, zone: str = "UTC") -> None:
    """The customer's other conversations in every channel (`core.calls.customer_journey`), in
    the order they happened, each a link to it, dated in the viewer's time zone `zone`."""
    if not others:
        return
    st.markdown("**This customer's other conversations**")
    for other in others:
        began = as_utc(other.started_at) if other.started_at else None
        when = (
            began.astimezone(time_zone(zone)).strftime("%d %b %Y %H:%M")
            if began
            else "date unknown"
        )
        who = other.agent.name if other.agent else "unassigned"
        st.page_link(
            "pages/calls.py",
            label=f"{when} · {channel_label(other.channel)} · {who}",
            icon=_CHANNEL_ICONS.get(other.channel),
            query_params={"call": str(other.id)},
        )


def player_and_transcript(
    call: Call, recording: Path, segments: list[Segment], *, key: str
) -> None:
    """The audio player above the transcript (clicking a line plays the call from that moment);
    a written conversation's thread."""
    if call.channel != Channel.CALL:
        conversation_thread(call, segments)
        return
    call_player(recording, key=key)
    transcript_lines(segments, key=key)


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


def evaluation_panel(
    evaluation: Evaluation | None,
    scores: list[CriterionScore],
    *,
    staff: bool,
    when: Callable[[float], str] = clock,
) -> None:
    """The call's QA score and, per criterion, the result with the lines that decided it, each
    placed by `when` (the call's clock; `moment_text` for a written conversation).

    Staff (`staff`) also see the scorecard version and the auto-QA's confidence; agents see
    criterion titles and results in words."""
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
    version = f" ({evaluation.scorecard} v{evaluation.scorecard_version})" if staff else ""
    scored_by = "scored automatically" if evaluation.source == "auto" else "scored by a reviewer"
    st.metric(
        f"{who} score{version}" if staff else f"QA score, {scored_by}",
        f"{evaluation.score:.0f} / 100",
    )
    if flags:
        st.markdown(" ".join(flags))
    for score in scores:
        icon = _RESULT_ICONS.get(score.result, ":gray[:material/remove_circle:]")
        title = criterion_title(score.criterion_id)
        label = f"{icon} **{title}** · {result_label(score.result)}"
        if staff:
            label += f" · confidence {score.confidence:.0%}"
        with st.expander(label):
            if score.reason:
                st.write(plain(score.reason))
            for item in score.evidence:
                st.caption(f"`{when(item['start'])}` {item['speaker']}: {plain(item['text'])}")
