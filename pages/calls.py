"""Calls: the calls the viewer may see; one call's recording, notes, transcript and metrics.

`?call=ID&t=SECONDS` opens a call playing from that moment.
"""

from datetime import date

import streamlit as st

import ui
from core.calls import (
    assign_call,
    customer_journey,
    get_call,
    list_calls,
    list_segments,
    playable_file,
)
from core.clock import clock, wait
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import CallStatus, Channel, Role, utcnow
from core.people import list_agents
from qa.evaluations import criterion_scores, latest_evaluation
from qa.speakers import inferred_speaker_confidence
from ui.actions import show_flash
from ui.call_list import call_list
from ui.call_view import (
    call_label,
    call_player,
    conversation_thread,
    evaluation_panel,
    journey_panel,
    metrics_panel,
    moment_text,
    play_from,
    transcript_lines,
)
from ui.disputes import dispute_form
from ui.imports import failed_import_panel, practice_call_panel
from ui.notes import call_notes, parse_clock
from ui.speakers import inferred_speakers_panel

viewer = ui.guard("calls")
st.title("Calls")
show_flash("calls_flash")


with ui.db_session() as session:
    clicked = call_list(session=session, engine=ui.db_engine(), viewer=viewer, today=date.today())
    # A newly clicked row opens its call, as a link to it would; a row left ticked does not
    # override a call picked since.
    if clicked is not None and clicked != st.session_state.get("calls_clicked"):
        st.query_params["call"] = str(clicked)
    st.session_state["calls_clicked"] = clicked
    calls = list_calls(session=session, viewer=viewer)
    labels = {call.id: call_label(call) for call in calls}

    requested = st.query_params.get("call")
    if requested is not None and not requested.isdigit():
        st.error(f"{requested!r} is not a call number.")
        st.stop()
    if requested is not None and int(requested) not in labels:
        try:  # an older call than the picker lists: it joins the picker
            older = get_call(session=session, viewer=viewer, call_id=int(requested))
        except (NotFound, NotAllowed) as exc:
            st.error(str(exc))
            st.stop()
        labels[older.id] = call_label(older)
    if not calls:
        st.info("No calls to show yet.")
        st.stop()

    ids = list(labels)
    linked = int(requested) if requested and int(requested) in labels else None
    picked = st.session_state.get("calls_pick")  # gone when another page ran in between
    if linked is not None and (linked != st.session_state.get("calls_shown") or picked is None):
        # A link (?call=N) wins over what the picker held from before.
        st.session_state["calls_pick"] = linked
    elif picked not in labels:
        st.session_state["calls_pick"] = ids[0]
    chosen = st.selectbox("Call", ids, format_func=labels.get, key="calls_pick")
    st.query_params["call"] = str(chosen)
    st.session_state["calls_shown"] = chosen
    player = f"lines_{chosen}"
    if (link_time := st.query_params.pop("t", None)) is not None:  # once: then clicks lead
        try:
            play_from(player, parse_clock(link_time))
        except InvalidInput:
            st.warning(f"{link_time!r} is not a moment of the call; it plays from the start.")
    call = get_call(session=session, viewer=viewer, call_id=chosen)
    segments = list_segments(session=session, viewer=viewer, call_id=chosen)
    evaluation = latest_evaluation(session=session, viewer=viewer, call_id=chosen)
    scores = criterion_scores(session=session, evaluation=evaluation) if evaluation else []

    spoken = call.channel == Channel.CALL
    agent, duration, csat = st.columns(3)
    agent.metric("Agent", call.agent.name if call.agent else "Unassigned")
    # A call's clock; a written conversation's span from first to last message, as listed.
    length = "-" if not call.duration else clock(call.duration) if spoken else wait(call.duration)
    duration.metric("Length", length)
    csat.metric("CSAT", call.csat if call.csat else "-")
    if (confidence := inferred_speaker_confidence(segments)) is not None:
        inferred_speakers_panel(session=session, viewer=viewer, call=call, confidence=confidence)
    elif call.channels == 1 and segments:
        st.caption("Mono recording: speakers cannot be told apart, so lines are not attributed.")
    if call.status == CallStatus.FAILED:
        failed_import_panel(session=session, viewer=viewer, call=call)
        st.stop()
    if call.practice:
        practice_call_panel(session=session, viewer=viewer, call=call)

    if call.agent_id is None and viewer.role in (Role.LEAD, Role.ADMIN):
        agents = {a.id: a.name for a in list_agents(session=session, viewer=viewer)}
        with st.form("assign_call"):
            pick = st.selectbox("Assign to", list(agents), format_func=agents.get, key="assign")
            if st.form_submit_button("Assign"):
                try:
                    assign_call(
                        session=session, actor=viewer, call_id=call.id, agent_id=pick, now=utcnow()
                    )
                    st.rerun()
                except (InvalidInput, NotAllowed) as exc:
                    st.error(str(exc))

    coach = viewer.role in (Role.REVIEWER, Role.LEAD, Role.ADMIN)
    moment = call_player(playable_file(call), key=player, report_position=coach) if spoken else None
    call_notes(
        session=session,
        viewer=viewer,
        call=call,
        criteria=[score.criterion_id for score in scores],
        player=player,
        moment=moment,
        segments=segments,
    )
    if spoken:
        transcript_lines(segments, key=player)
    else:
        conversation_thread(call, segments, zone=viewer.time_zone)
    journey_panel(
        customer_journey(session=session, viewer=viewer, call=call), zone=viewer.time_zone
    )
    evaluation_panel(
        evaluation,
        scores,
        staff=coach,
        when=lambda seconds: moment_text(call, seconds, zone=viewer.time_zone),
    )
    dispute_form(session=session, viewer=viewer, call=call, evaluation=evaluation, scores=scores)
    if spoken:
        metrics_panel(segments, call.metrics)
