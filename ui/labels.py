"""What people read for the app's internal names: criterion titles for ids, "n/a" for "na"."""

from __future__ import annotations

import streamlit as st

from coaching.workspace import criteria_of
from qa.scorecard import available_scorecards

__all__ = ["criterion_title", "criterion_titles", "result_label"]

_RESULT_LABELS = {"pass": "Pass", "fail": "Fail", "na": "n/a"}


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
