"""Calls: the list of calls the viewer may see, and one call's recording and transcript."""

import streamlit as st

import ui
from core.calls import get_call, list_calls, list_segments
from core.config import PROJECT_ROOT
from core.errors import NotAllowed, NotFound
from core.models import Call

viewer = ui.guard("calls")
st.title("Calls")


def _label(call: Call) -> str:
    when = call.started_at.strftime("%d %b %Y %H:%M") if call.started_at else "date unknown"
    who = call.agent.name if call.agent else "unassigned"
    return f"#{call.id} · {who} · {when}"


with ui.db_session() as session:
    calls = list_calls(session=session, viewer=viewer)
    labels = {call.id: _label(call) for call in calls}

    requested = st.query_params.get("call")
    if requested is not None and not requested.isdigit():
        st.error(f"{requested!r} is not a call number.")
        st.stop()
    if requested is not None and int(requested) not in labels:
        try:
            get_call(session=session, viewer=viewer, call_id=int(requested))
        except (NotFound, NotAllowed) as exc:
            st.error(str(exc))
            st.stop()

    if not calls:
        st.info("No calls to show yet.")
        st.stop()

    ids = list(labels)
    chosen = st.selectbox(
        "Call",
        ids,
        index=ids.index(int(requested)) if requested else 0,
        format_func=labels.get,
        key="calls_pick",
    )
    st.query_params["call"] = str(chosen)
    call = get_call(session=session, viewer=viewer, call_id=chosen)
    segments = list_segments(session=session, viewer=viewer, call_id=chosen)

    agent, duration, csat = st.columns(3)
    agent.metric("Agent", call.agent.name if call.agent else "Unassigned")
    length = f"{call.duration // 60:.0f}:{call.duration % 60:02.0f}" if call.duration else "-"
    duration.metric("Length", length)
    csat.metric("CSAT", call.csat if call.csat else "-")
    st.caption(f"Status: **{call.status}** · {call.channels} channel(s)")
    if call.error:
        st.error(call.error)

    recording = PROJECT_ROOT / call.recording_path
    if recording.is_file():
        st.audio(str(recording))
    else:
        st.warning("The recording file is no longer where it was imported from.")

    st.subheader("Transcript")
    if not segments:
        st.info("Not transcribed yet.")
    for segment in segments:
        st.markdown(f"`{segment.start:6.1f}s` **{segment.speaker}**: {segment.text}")
