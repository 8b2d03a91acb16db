"""Running a user's action from a page: refusals shown as errors, success as a message after the
rerun."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlmodel import Session

from core.errors import InvalidInput, NotAllowed, NotFound

__all__ = ["attempt", "show_flash"]


def attempt(session: Session, action: Callable[[], Any], *, success: str, flash_key: str) -> None:
    """Run `action`; on a refusal (bad input, not allowed, not found) roll back and show why,
    otherwise keep `success` for `show_flash` and rerun the page so it shows the new state."""
    try:
        action()
    except (InvalidInput, NotAllowed, NotFound) as exc:
        session.rollback()
        st.error(str(exc))
    else:
        st.session_state[flash_key] = success
        st.rerun()


def show_flash(flash_key: str) -> None:
    """Show the success message an `attempt` left before the rerun, once."""
    if message := st.session_state.pop(flash_key, None):
        st.success(message)
