"""My coaching (agents): coaching sessions with their agenda and commitments, and shared notes."""

import streamlit as st

import ui
from coaching import follow_up, list_coaching_sessions
from core.models import utcnow
from monitoring.notes import list_notes
from ui.coaching import Moments, note_list, session_card
from ui.labels import criterion_titles

viewer = ui.guard("my_coaching")
st.title("My coaching")
now = utcnow()
titles = criterion_titles()

with ui.db_session() as session:
    sessions = list_coaching_sessions(session=session, viewer=viewer)
    notes = list_notes(session=session, viewer=viewer, agent_id=viewer.id)  # shared ones only
    moments = Moments.of(
        [
            *(note.call_id for note in notes),
            *(agenda.call_id for item in sessions for agenda in item.agenda),
        ],
        session=session,
        viewer=viewer,
    )

    st.subheader("Coaching sessions")
    if not sessions:
        st.info(
            "No coaching sessions yet. After a one-to-one with your team lead, the agenda and "
            "what you agreed show here."
        )
    if upcoming := [i for i in sessions if i.coaching.follow_up_on >= now.date()]:
        next_one = min(i.coaching.follow_up_on for i in upcoming)
        st.caption(f"Next follow-up with your lead: {next_one:%a %d %b}.")
    for item in sessions:
        result = follow_up(session=session, viewer=viewer, coaching_id=item.coaching.id, now=now)
        session_card(item, result, titles=titles, moments=moments)

    st.subheader("Notes from your lead")
    if not notes:
        st.caption("Notes your lead shares about your calls show here, each linked to the moment.")
    note_list(notes, titles=titles, moments=moments, key="my_coaching_notes")
