"""Live monitoring (leads, reviewers): follow a call as it happens, see flags, take notes."""

import streamlit as st

import ui
from core.clock import clock
from core.errors import NotAllowed, NotFound
from core.models import LiveStatus, utcnow
from core.people import list_agents
from monitoring.notes import list_notes, note_topics
from monitoring.sessions import get_live_session, list_live_sessions, mark_interrupted
from ui.monitor import (
    demo_call_form,
    flag_list,
    live_calls,
    live_transcript,
    microphone_call_form,
    note_form,
    note_line,
)

viewer = ui.guard("monitor")
st.title("Live monitoring")
running = live_calls()
requested = st.query_params.get("live")

with ui.db_session() as session:
    for stale in list_live_sessions(session=session, viewer=viewer):
        if stale.status in (LiveStatus.LIVE, LiveStatus.PROCESSING):
            if not running.is_running(stale.id):
                mark_interrupted(session=session, live_id=stale.id, now=utcnow())

    if requested is None:
        agents = {a.id: a.name for a in list_agents(session=session, viewer=viewer)}
        demo_call_form(viewer=viewer, agents=agents)
        microphone_call_form(viewer=viewer, agents=agents)
        st.subheader("Live and recent calls")
        for live in list_live_sessions(session=session, viewer=viewer, limit=20):
            agent_name = agents.get(live.agent_id, f"agent #{live.agent_id}")
            label = f"#{live.id} · {agent_name} · {live.status} · {clock(live.call_seconds)}"
            st.page_link("pages/monitor.py", label=label, query_params={"live": str(live.id)})
        st.stop()

    if not requested.isdigit():
        st.error(f"{requested!r} is not a live call number.")
        st.stop()
    try:
        live = get_live_session(session=session, viewer=viewer, live_id=int(requested))
    except (NotFound, NotAllowed) as exc:
        st.error(str(exc))
        st.stop()
    agent = live.agent_id
    criteria, skills = note_topics(session=session, agent_id=agent)
    # A button, not a link: a link to the page already open keeps its ?live= (seen in Chromium).
    if st.button("All live calls", icon=":material/arrow_back:", key="monitor_all"):
        del st.query_params["live"]
        st.rerun()

    @st.fragment(run_every=2 if live.status in (LiveStatus.LIVE, LiveStatus.PROCESSING) else None)
    def follow() -> None:
        session.expire_all()
        current = get_live_session(session=session, viewer=viewer, live_id=live.id)
        status, heard, flags = st.columns(3)
        status.metric("Status", current.status.title())
        heard.metric("Call time", clock(current.call_seconds))
        flags.metric("Flags", len(current.flags))
        if current.status == LiveStatus.LIVE and st.button("End call", key="monitor_end"):
            running.stop(current.id)
        if current.status == LiveStatus.PROCESSING:
            st.info("The call has ended. It is being transcribed at full quality and scored...")
        if current.status == LiveStatus.DONE:
            st.success(f"The call ended and is stored as call #{current.call_id}, scored.")
            st.page_link(
                "pages/calls.py",
                label=f"Open call #{current.call_id}",
                icon=":material/call:",
                query_params={"call": str(current.call_id)},
            )
        if current.error:
            st.error(current.error)
        transcript, alerts = st.columns([3, 2])
        with transcript:
            st.subheader("Transcript")
            live_transcript(current, last=40)
        with alerts:
            st.subheader("Flags")
            flag_list(current.flags)
        if live.status != current.status and current.status == LiveStatus.DONE:
            st.rerun(scope="app")

    follow()

    st.subheader("Notes")
    note_form(session=session, viewer=viewer, live_id=live.id, criteria=criteria, skills=skills)
    notes = list_notes(session=session, viewer=viewer, live_session_id=live.id)
    for note in notes:
        note_line(note, criteria=criteria, skills=skills, call_id=note.call_id)
    if not notes:
        st.caption("No notes yet.")
