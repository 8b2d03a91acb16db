"""Audit trail (admins): every change to people, scores and settings, newest first."""

import streamlit as st

import ui
from core.audit import list_events
from core.people import list_users

viewer = ui.guard("audit")
st.title("Audit trail")

with ui.db_session() as session:
    names = {u.id: u.email for u in list_users(session=session, viewer=viewer)}
    events = list_events(session=session, viewer=viewer)

if not events:
    st.info("Nothing has been changed yet.")
    st.stop()

st.dataframe(
    [
        {
            "When (UTC)": event.at.strftime("%Y-%m-%d %H:%M:%S"),
            "Who": names.get(event.actor_id, "system"),
            "Action": event.action,
            "What": f"{event.entity} #{event.entity_id}",
            "Before": event.before,
            "After": event.after,
        }
        for event in events
    ],
    hide_index=True,
)
