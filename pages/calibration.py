"""Calibration: leads pick a call and reviewers; each scores it blind; then all compare."""

import streamlit as st

import ui
from core.calls import list_calls, list_segments, playable_file
from core.models import CallStatus, Role, utcnow
from core.people import list_reviewers
from qa.calibration import (
    calibration_criteria,
    calibration_report,
    close_calibration,
    create_calibration,
    list_calibrations,
    submit_calibration,
)
from qa.scorecard import ScorecardError, load_scorecard
from ui.actions import attempt, show_flash
from ui.calibration import blind_form, calibration_label, calibration_state, report_view
from ui.call_view import call_label, player_and_transcript

viewer = ui.guard("calibration")
st.title("Calibration")
st.caption(
    "Reviewers score the same call without seeing each other's answers or the auto-QA result; "
    "the results are revealed when everyone has scored or the lead closes the session."
)
show_flash("calibration_flash")


def run(action, success: str) -> None:
    attempt(session, action, success=success, flash_key="calibration_flash")


with ui.db_session() as session:
    if viewer.role in (Role.LEAD, Role.ADMIN):
        with st.expander("Start a calibration session"), st.form("new_calibration"):
            calls = list_calls(session=session, viewer=viewer, status=CallStatus.DONE)
            people = {u.id: u.name for u in list_reviewers(session=session, viewer=viewer)}
            labels = {c.id: call_label(c) for c in calls}
            call_id = st.selectbox(
                "Call", list(labels), format_func=labels.get, key="calibration_call"
            )
            picked = st.multiselect(
                "Reviewers", list(people), format_func=people.get, key="calibration_people"
            )
            if st.form_submit_button("Start", type="primary"):
                run(
                    lambda: create_calibration(
                        session=session,
                        organiser=viewer,
                        call_id=call_id,
                        reviewer_ids=picked,
                        now=utcnow(),
                    ),
                    f"Calibration on call #{call_id} started; the reviewers see it here.",
                )

    items = {
        item.calibration.id: item for item in list_calibrations(session=session, viewer=viewer)
    }
    if not items:
        st.info("No calibration sessions yet.")
        st.stop()
    pick = st.selectbox(
        "Session",
        list(items),
        format_func=lambda i: calibration_label(items[i]),
        key="calibration_pick",
    )
    item = items[pick]
    st.markdown(calibration_state(item))
    try:
        scorecard = load_scorecard(item.calibration.scorecard)
    except ScorecardError as exc:
        st.error(f"The scorecard of this session cannot be loaded: {exc}")
        st.stop()
    titles = {c.id: c.title for c in scorecard.criteria}

    if item.revealed:
        report_view(calibration_report(session=session, viewer=viewer, calibration_id=pick), titles)
        st.stop()
    waiting = [name for name, submitted in item.raters if not submitted]
    st.info(f"Waiting for: {', '.join(waiting)}.")
    if viewer.id == item.calibration.created_by_id or viewer.role == Role.ADMIN:
        if st.button("Close now and show the results", key="calibration_close"):
            run(
                lambda: close_calibration(
                    session=session, organiser=viewer, calibration_id=pick, now=utcnow()
                ),
                "Session closed.",
            )
    if item.my_rater is None or item.my_rater.submitted_at is not None:
        st.stop()
    segments = list_segments(session=session, viewer=viewer, call_id=item.call.id)
    player_and_transcript(item.call, playable_file(item.call), segments, key=f"cal_{pick}")
    criteria = calibration_criteria(session=session, viewer=viewer, calibration_id=pick)
    if decisions := blind_form(f"calibration_form_{pick}", criteria, titles):
        run(
            lambda: submit_calibration(
                session=session,
                reviewer=viewer,
                calibration_id=pick,
                decisions=decisions,
                now=utcnow(),
            ),
            "Your scores are in.",
        )
