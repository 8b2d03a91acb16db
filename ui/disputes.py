"""Dispute widgets: an agent disputing a criterion on their call, a dispute as a card."""

from __future__ import annotations

from functools import partial

import streamlit as st
from sqlmodel import Session

from core.models import Call, Channel, CriterionScore, Evaluation, User, utcnow
from qa.disputes import DisputeItem, list_disputes, raise_dispute
from ui.actions import attempt, show_flash
from ui.call_view import moment_text
from ui.labels import channel_label, criterion_title, result_label
from ui.plain import plain

__all__ = ["STATUS_BADGES", "dispute_card", "dispute_form"]

STATUS_BADGES = {
    "open": ":orange-badge[Open]",
    "accepted": ":green-badge[Accepted]",
    "rejected": ":red-badge[Rejected]",
}


def _kind(call: Call) -> str:
    return "call" if call.channel == Channel.CALL else channel_label(call.channel).lower()


def dispute_card(item: DisputeItem, *, link: bool = True, zone: str = "UTC") -> None:
    """One dispute: what was disputed, why, and the decision with its reply; `link` adds a
    link to the call."""
    d = item.dispute
    st.markdown(
        f"{STATUS_BADGES[d.status]} **{criterion_title(d.criterion_id)}** on "
        f"{_kind(item.call)} #{d.call_id} · {item.agent_name} · {d.created_at:%d %b %Y}"
    )
    if item.decided_by is not None:
        with st.expander("What the scoring saw"):
            if item.decided_by.reason:
                st.write(plain(item.decided_by.reason))
            for line in item.decided_by.evidence:
                where = moment_text(item.call, line["start"], zone=zone)
                st.caption(f"`{where}` {line['speaker']}: {plain(line['text'])}")
    st.write(f"“{plain(d.reason)}”")
    if d.status != "open":
        outcome = f"now {result_label(d.new_result)}" if d.new_result else "result stands"
        st.caption(f"{item.resolver_name} · {d.resolved_at:%d %b %Y} · {outcome}")
        if d.reply:
            st.write(f"Reply: {plain(d.reply)}")
    if not link:
        return
    st.page_link(
        "pages/calls.py",
        label=f"Open {_kind(item.call)} #{d.call_id}",
        icon=":material/call:",
        query_params={"call": str(d.call_id)},
    )


def dispute_form(
    *,
    session: Session,
    viewer: User,
    call: Call,
    evaluation: Evaluation | None,
    scores: list[CriterionScore],
) -> None:
    """On an agent's own scored call: their disputes on it and a form to dispute a failed
    criterion."""
    if evaluation is None or call.agent_id != viewer.id:
        return
    st.subheader("Disputes")
    show_flash("dispute_flash")
    disputed = set()
    for item in list_disputes(session=session, viewer=viewer):
        if item.dispute.call_id == call.id:
            with st.container(border=True):
                dispute_card(item, link=False, zone=viewer.time_zone)
            if item.dispute.evaluation_id == evaluation.id:
                disputed.add(item.dispute.criterion_id)
    failed = [
        s.criterion_id for s in scores if s.result == "fail" and s.criterion_id not in disputed
    ]
    if not failed:
        st.caption("No failed criterion is left to dispute on this call.")
        return
    with st.form(f"dispute_{call.id}", clear_on_submit=True):
        criterion = st.selectbox(
            "Dispute a failed criterion",
            failed,
            format_func=criterion_title,
            key=f"dispute_criterion_{call.id}",
        )
        reason = st.text_area(
            "Why you disagree",
            placeholder="e.g. I gave the disclosure at 0:12, the transcript missed it.",
            max_chars=2000,
            key=f"dispute_reason_{call.id}",
        )
        if st.form_submit_button("Send dispute", type="primary"):
            attempt(
                session,
                partial(
                    raise_dispute,
                    session=session,
                    agent=viewer,
                    call_id=call.id,
                    criterion_id=criterion,
                    reason=reason,
                    now=utcnow(),
                ),
                success="Dispute sent. A reviewer or your team lead will reply here.",
                flash_key="dispute_flash",
            )
