"""Home: who you are and the state of the calls you can see."""

from collections import Counter

import streamlit as st

import ui
from core.calls import list_calls
from core.models import CallStatus, Role

viewer = ui.guard("home")

st.title(f"Hello, {viewer.name.split()[0]}")
scope = {
    Role.AGENT: "your calls",
    Role.LEAD: "your team's calls and the unassigned queue",
    Role.REVIEWER: "all calls",
    Role.ADMIN: "all calls",
}[viewer.role]
st.caption(f"You are signed in as {viewer.role}; you see {scope}.")

with ui.db_session() as session:
    calls = list_calls(session=session, viewer=viewer)

by_status = Counter(call.status for call in calls)
total, done, waiting, failed = st.columns(4)
total.metric("Calls", len(calls))
done.metric("Transcribed", by_status[CallStatus.DONE])
waiting.metric("Waiting", by_status[CallStatus.PENDING] + by_status[CallStatus.PROCESSING])
failed.metric("Failed", by_status[CallStatus.FAILED])

if not calls:
    st.info("No calls yet. Recordings appear here once they are imported.")
else:
    st.page_link("pages/calls.py", label="Open the calls", icon=":material/call:")
