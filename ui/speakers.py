"""Inferred speakers on the call page: how sure they are, and a one-click swap for staff."""

from __future__ import annotations

import streamlit as st
from sqlmodel import Session

from core.models import Call, Role, User, utcnow
from qa.speakers import swap_speakers
from ui.actions import attempt
from ui.models import auto_qa
from ui.resources import app_settings

__all__ = ["inferred_speakers_panel"]


def inferred_speakers_panel(
    *, session: Session, viewer: User, call: Call, confidence: float
) -> None:
    """Say that the speakers of this mono call were inferred and how sure that is; reviewers,
    leads and admins swap agent and customer in one click (audited, the call scored again)."""
    note = f" {call.speaker_note[0].upper()}{call.speaker_note[1:]}." if call.speaker_note else ""
    st.caption(
        f"Mono recording: speakers inferred (confidence {confidence:.0%}) from their voices and "
        f"what each says.{note}"
    )
    if viewer.role not in (Role.REVIEWER, Role.LEAD, Role.ADMIN):
        return
    if st.button(
        "Swap agent and customer", key=f"swap_speakers_{call.id}", icon=":material/swap_horiz:"
    ):
        attempt(
            session,
            lambda: swap_speakers(
                session=session,
                actor=viewer,
                call_id=call.id,
                now=utcnow(),
                score=auto_qa(),
                silence_threshold=app_settings().silence_threshold_seconds,
            ),
            success="Agent and customer swapped; the call was scored again.",
            flash_key="calls_flash",
        )
