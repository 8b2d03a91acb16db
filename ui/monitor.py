"""Live monitoring widgets: starting a live call, the rolling transcript, flags and notes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from sqlmodel import Session

from core.clock import clock
from core.config import PROJECT_ROOT
from core.errors import NotAllowed, NotFound
from core.models import LiveSession, MonitoringNote, NoteKind, User, utcnow
from index.segment_index import sync_segment_index
from monitoring.flags import FlagRules
from monitoring.notes import add_note
from monitoring.runner import LiveCallRunner, LiveCalls
from monitoring.sessions import get_live_session, start_live_session
from monitoring.sources import CallAudioSource, SimulatedCall
from monitoring.streaming import StreamingOptions, StreamingTranscriber
from qa.ingest import CallMetadata, FileOutcome, IngestOptions, ingest
from ui.actions import attempt, show_flash
from ui.lessons import auto_assigner
from ui.models import auto_qa, transcriber
from ui.plain import plain
from ui.resources import app_settings, db_engine, db_session
from ui.search import segment_index

__all__ = [
    "DEMO_RECORDINGS",
    "demo_call_form",
    "flag_list",
    "live_calls",
    "microphone_call_form",
    "live_transcript",
    "note_form",
    "note_line",
    "start_live_call",
    "start_simulated_call",
]

DEMO_RECORDINGS = PROJECT_ROOT / "data" / "demo" / "calls"
_log = logging.getLogger(__name__)
_COLOURS = {"agent": "blue", "customer": "green", "unknown": "gray"}
_KIND_BADGES = {
    NoteKind.PRAISE: ":green-badge[Praise]",
    NoteKind.NEEDS_WORK: ":orange-badge[Needs work]",
    NoteKind.NOTE: ":gray-badge[Note]",
}
_FLAG_ICONS = {
    "dead_air": ":material/volume_off:",
    "long_hold": ":material/pause_circle:",
    "no_disclosure": ":material/policy:",
    "frustration": ":material/sentiment_dissatisfied:",
    "keyword": ":material/key:",
}


@st.cache_resource
def live_calls() -> LiveCalls:
    """The live calls running in this app process."""
    return LiveCalls()


@st.cache_resource(show_spinner="Loading the live speech model...")
def _streaming(model: str, cpu_threads: int, update_seconds: float) -> StreamingTranscriber:
    streaming = StreamingTranscriber(
        model, cpu_threads=cpu_threads, options=StreamingOptions(update_seconds=update_seconds)
    )
    streaming.warm_up()
    return streaming


def start_live_call(*, lead: User, agent_id: int, source: CallAudioSource, name: str) -> int:
    """Open a live session for `source` and follow it in the background; returns its id.

    Raises:
        NotAllowed, NotFound: the lead may not monitor this agent (from start_live_session).
    """
    settings = app_settings()
    streaming = _streaming(
        settings.live_whisper_model, settings.cpu_threads, settings.live_update_seconds
    )
    # Loaded here, in the page's thread: the call's import runs in the runner's thread.
    offline, score, assigner, engine = transcriber(), auto_qa(), auto_assigner(), db_engine()
    segments = segment_index()
    options = IngestOptions.from_settings(settings, agent_channel=source.agent_channel)

    def import_recording(path: Path, metadata: CallMetadata) -> FileOutcome:
        summary = ingest(
            engine=engine,
            paths=[path],
            transcribe=lambda p, channel: offline.transcribe(p, agent_channel=channel),
            options=options,
            now=utcnow,
            metadata={path.name: metadata},
            score=score,
            on_evaluated=assigner,
        )
        # The call is searchable by meaning once stored (no page to report to: log it).
        sync_segment_index(engine=engine, index=segments, warn=_log.warning)
        return summary.outcomes[0]

    with db_session() as session:
        live = start_live_session(
            session=session,
            actor=lead,
            agent_id=agent_id,
            source=source.name,
            source_name=name,
            now=utcnow(),
        )
        live_id = live.id
    live_calls().start(
        LiveCallRunner(
            engine=engine,
            live_id=live_id,
            source=source,
            transcriber=streaming,
            rules=FlagRules(
                silence_threshold=settings.silence_threshold_seconds,
                keywords=settings.live_keyword_list,
            ),
            recording=settings.data_dir / "live" / f"live-call-{live_id}.wav",
            import_recording=import_recording,
            now=utcnow,
        )
    )
    return live_id


def start_simulated_call(*, lead: User, agent_id: int, recording: Path) -> int:
    """Play a recording as a live call at real-time pace (the demo live call)."""
    source = SimulatedCall(recording, agent_channel=app_settings().agent_channel, speed=1.0)
    return start_live_call(lead=lead, agent_id=agent_id, source=source, name=recording.name)


def live_transcript(live: LiveSession, *, last: int | None = None) -> None:
    """The committed text as speaker-coloured lines (a speaker's consecutive pieces joined)."""
    lines: list[list] = []
    for piece in sorted(live.segments, key=lambda s: (s["start"], s["committed_at"])):
        if lines and lines[-1][1] == piece["speaker"] and piece["start"] - lines[-1][3] < 2.0:
            lines[-1][2] += " " + piece["text"]
            lines[-1][3] = piece["end"]
        else:
            lines.append([piece["start"], piece["speaker"], piece["text"], piece["end"]])
    if not lines:
        st.caption("Listening... text appears here a few seconds after it is said.")
        return
    for start, speaker, text, _end in lines[-last:] if last else lines:
        colour = _COLOURS.get(speaker, "gray")
        st.markdown(f"`{clock(start)}` :{colour}[**{speaker.title()}**] {plain(text)}")


def flag_list(flags: list[dict]) -> None:
    """Live flags, newest first."""
    if not flags:
        st.caption("No flags so far.")
        return
    for flag in reversed(flags):
        icon = _FLAG_ICONS.get(flag["kind"], ":material/flag:")
        st.markdown(f"{icon} `{clock(flag['at'])}` {flag['message']}")


def note_line(
    note: MonitoringNote,
    *,
    criteria: Mapping[str, str],
    skills: Mapping[str, str],
    call_id: int | None,
) -> None:
    """One note: its time (a link that plays the call from there once it is recorded), kind,
    tag and text."""
    tag = criteria.get(note.criterion_id or "") or skills.get(note.skill or "") or ""
    text = f"{_KIND_BADGES[note.kind]} {f'**{tag}** · ' if tag else ''}{plain(note.text)}"
    if note.shared:
        text += " · :material/share: shared"
    if call_id is not None:
        left, right = st.columns([1, 6], vertical_alignment="center")
        left.page_link(
            "pages/calls.py",
            label=clock(note.at_seconds),
            icon=":material/play_arrow:",
            query_params={"call": str(call_id), "t": str(int(note.at_seconds))},
        )
        right.markdown(text)
    else:
        st.markdown(f"`{clock(note.at_seconds)}` {text}")


def demo_call_form(*, viewer: User, agents: Mapping[int, str]) -> None:
    """Pick an agent and a demo recording and start it as a live call; opens its monitor."""
    st.subheader("Start a demo live call")
    st.caption("Plays a recorded call at real-time pace as if it were happening now.")
    recordings = sorted(p for p in DEMO_RECORDINGS.iterdir() if p.is_file())
    with st.form("monitor_start_form"):
        agent = st.selectbox("Agent", list(agents), format_func=agents.get, key="monitor_agent")
        recording = st.selectbox(
            "Recording", recordings, format_func=lambda p: p.stem, key="monitor_recording"
        )
        if st.form_submit_button("Start demo live call", type="primary", disabled=not agents):
            try:
                live_id = start_simulated_call(lead=viewer, agent_id=agent, recording=recording)
            except (NotAllowed, NotFound) as exc:
                st.error(str(exc))
            else:
                st.query_params["live"] = str(live_id)
                st.rerun()


def microphone_call_form(*, viewer: User, agents: Mapping[int, str]) -> None:
    """A practice call from the browser microphone, monitored like a live call."""
    from ui.microphone import microphone_call

    st.subheader("Practice call from your microphone")
    st.caption("Start the microphone, then the practice call; stop the microphone to end it.")
    agent = st.selectbox(
        "Agent on the practice call", list(agents), format_func=agents.get, key="mic_agent"
    )
    source = microphone_call("monitor_mic")
    if source is None or agent is None:
        return
    if st.session_state.get("mic_source") is source:
        st.page_link(
            "pages/monitor.py",
            label="Open the practice call",
            query_params={"live": str(st.session_state["mic_live"])},
        )
    elif st.button("Start practice call", key="mic_start", type="primary"):
        try:
            live_id = start_live_call(
                lead=viewer, agent_id=agent, source=source, name="browser microphone"
            )
        except (NotAllowed, NotFound) as exc:
            st.error(str(exc))
        else:
            st.session_state["mic_source"], st.session_state["mic_live"] = source, live_id
            st.query_params["live"] = str(live_id)
            st.rerun()


def note_form(
    *,
    session: Session,
    viewer: User,
    live_id: int,
    criteria: Mapping[str, str],
    skills: Mapping[str, str],
) -> None:
    """A note on the live call, stamped with the call time when it is added."""
    show_flash("monitor_note_flash")
    with st.form("monitor_note_form", clear_on_submit=True):
        st.caption("Each note is stamped with the call time at which you add it.")
        text = st.text_area("Note", key="monitor_note_text", max_chars=2000, height=80)
        kind = st.segmented_control(
            "Kind",
            list(NoteKind),
            default=NoteKind.NOTE,
            format_func=lambda k: k.replace("_", " ").capitalize(),
            key="monitor_note_kind",
        )
        criterion = st.selectbox(
            "Criterion",
            [None, *criteria],
            format_func=lambda c: criteria.get(c, "-"),
            key="monitor_note_criterion",
        )
        skill = st.selectbox(
            "Skill",
            [None, *skills],
            format_func=lambda s: skills.get(s, "-"),
            key="monitor_note_skill",
        )
        shared = st.toggle("Share with the agent", key="monitor_note_shared")
        if st.form_submit_button("Add note", type="primary"):
            session.expire_all()
            current = get_live_session(session=session, viewer=viewer, live_id=live_id)
            stamp = current.call_seconds
            attempt(
                session,
                lambda: add_note(
                    session=session,
                    author=viewer,
                    agent_id=current.agent_id,
                    live_session_id=live_id,
                    at_seconds=stamp,
                    text=text,
                    kind=kind or NoteKind.NOTE,
                    criterion_id=criterion,
                    skill=skill,
                    shared=shared,
                    now=utcnow(),
                ),
                success=f"Note added at {clock(stamp)}.",
                flash_key="monitor_note_flash",
            )
