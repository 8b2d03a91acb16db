"""What people read for the app's internal names: criterion titles for ids, "n/a" for "na",
"Voice" for a call's channel."""

from __future__ import annotations

import streamlit as st

from coaching.workspace import criteria_of
from core.models import Channel
from qa.scorecard import available_scorecards

__all__ = ["channel_label", "criterion_title", "criterion_titles", "result_label"]

_RESULT_LABELS = {"pass": "Pass", "fail": "Fail", "na": "n/a"}
_CHANNEL_LABELS = {
    Channel.CALL: "Voice",
    Channel.CHAT: "Chat",
    Channel.EMAIL: "Email",
    Channel.SOCIAL: "Social",
}


@st.cache_data(show_spinner=False)
def criterion_titles() -> dict[str, str]:
    """Each criterion's title by id, across the bundled scorecards."""
    return {cid: focus.title for cid, focus in criteria_of(available_scorecards()).items()}


def criterion_title(criterion_id: str) -> str:
    """The criterion's title ("Recording disclosure"); a criterion no scorecard names any more
    reads as its id in words ("Recording disclosure" from "recording_disclosure")."""
    return criterion_titles().get(criterion_id) or criterion_id.replace("_", " ").capitalize()


def result_label(result: str) -> str:
    """A criterion result as people read it: "Pass", "Fail", "n/a"."""
    return _RESULT_LABELS.get(result, result)


def channel_label(channel: str) -> str:
    """A conversation's channel as people read it: "Voice", "Chat", "Email", "Social"."""
    return _CHANNEL_LABELS.get(channel, str(channel).capitalize())
