"""Disputes: agents follow their own; reviewers, leads and admins accept or reject open ones."""

from functools import partial

import streamlit as st

import ui
from core.models import DisputeStatus, Role, utcnow
from qa.disputes import list_disputes, resolve_dispute
from qa.scoring import Result
from ui.actions import attempt, show_flash
from ui.disputes import dispute_card

viewer = ui.guard("disputes")
st.title("Disputes")
show_flash("disputes_flash")

_DECISIONS = {
    "accept_pass": "Accept: mark it passed",
    "accept_na": "Accept: mark it not applicable",
    "reject": "Reject: the result stands",
}

with ui.db_session() as session:
    if viewer.role == Role.AGENT:
        st.caption("To dispute a failed criterion, open the call and use the Disputes section.")
        mine = list_disputes(session=session, viewer=viewer)
        if not mine:
            st.info("You have not disputed any results.")
        for item in mine:
            with st.container(border=True):
                dispute_card(item, zone=viewer.time_zone)
        st.stop()

    show = st.segmented_control(
        "Show",
        ["Open", "Decided"],
        default="Open",
        key="disputes_show",
    )
    if show == "Decided":
        decided = [
            i
            for i in list_disputes(session=session, viewer=viewer)
            if i.dispute.status != DisputeStatus.OPEN
        ]
        if not decided:
            st.info("No dispute has been decided yet.")
        for item in decided:
            with st.container(border=True):
                dispute_card(item, zone=viewer.time_zone)
        st.stop()

    waiting = list_disputes(session=session, viewer=viewer, status=DisputeStatus.OPEN)
    if not waiting:
        st.info("No open disputes. Agents' disputes of failed criteria appear here.")
    for item in waiting:
        dispute_id = item.dispute.id
        with st.container(border=True):
            dispute_card(item, zone=viewer.time_zone)
            with st.form(f"decide_{dispute_id}"):
                decision = st.radio(
                    "Decision",
                    list(_DECISIONS),
                    index=None,
                    format_func=_DECISIONS.get,
                    key=f"dd_{dispute_id}",
                )
                reply = st.text_area(
                    "Reply to the agent (required to reject)",
                    max_chars=2000,
                    key=f"dr_{dispute_id}",
                )
                if st.form_submit_button("Decide", type="primary"):
                    if decision is None:
                        st.error("Choose accept or reject first.")
                        st.stop()
                    attempt(
                        session,
                        partial(
                            resolve_dispute,
                            session=session,
                            resolver=viewer,
                            dispute_id=dispute_id,
                            accept=decision != "reject",
                            new_result=Result.NA if decision == "accept_na" else Result.PASS,
                            reply=reply,
                            now=utcnow(),
                        ),
                        success=f"Dispute #{dispute_id} decided: {_DECISIONS[decision].lower()}.",
                        flash_key="disputes_flash",
                    )
