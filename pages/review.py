"""Review queue (reviewers, leads, admins): confirm or override auto-QA on queued calls, one
after another; leads share the queue out and set weekly targets."""

from datetime import timedelta

import streamlit as st

import ui
from core.calls import list_segments, playable_file
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Channel, Role, utcnow
from core.people import list_agents, list_reviewers
from qa.evaluations import criterion_scores
from qa.review import QueueView, review_queue, submit_review
from qa.reviewer_workload import reviewer_progress
from qa.scorecard import ScorecardError, load_scorecard
from ui.call_view import call_player, conversation_thread, transcript_lines
from ui.lessons import auto_assigner
from ui.review import (
    current_item,
    progress_line,
    queue_label,
    queue_navigator,
    review_grid,
    reviewer_names,
    share_out_panel,
    verdict_summary,
)

VIEWS = {
    QueueView.MINE: "My queue",
    QueueView.ASSIGNED_TO_ME: "Assigned to me",
    QueueView.UNASSIGNED: "Shared pool",
    QueueView.EVERYONE: "Everyone's",
}

viewer = ui.guard("review")
settings = ui.app_settings()
leads = viewer.role in (Role.LEAD, Role.ADMIN)
st.title("Review queue")
st.caption(
    "Every auto-failed and low-confidence call, plus a random "
    f"{settings.review_random_share:.0%} of the rest. Your verdict becomes the official score; "
    "the auto-QA result is kept."
)
if flash := st.session_state.pop("review_flash", None):
    st.success(flash)

with ui.db_session() as session:
    now = utcnow()
    progress_line(reviewer_progress(session=session, viewer=viewer, reviewer_id=viewer.id, now=now))
    reviewers = reviewer_names(list_reviewers(session=session, viewer=viewer)) if leads else {}
    reviewing, sharing = st.tabs(["Review", "Share out the queue"]) if leads else (st, None)

    agents = {a.id: a.name for a in list_agents(session=session, viewer=viewer)}
    view_column, agent_column, days_column = reviewing.columns(3)
    view = view_column.selectbox("Queue", list(VIEWS), format_func=VIEWS.get, key="review_view")
    agent_id = agent_column.selectbox(
        "Agent", [None, *agents], format_func=lambda a: agents.get(a, "All"), key="review_agent"
    )
    days = days_column.selectbox(
        "Calls from",
        [7, 30, 90, None],
        index=3,
        format_func=lambda d: f"the last {d} days" if d else "any time",
        key="review_days",
    )
    queue = review_queue(
        session=session,
        viewer=viewer,
        random_share=settings.review_random_share,
        agent_id=agent_id,
        since=now - timedelta(days=days) if days else None,
        view=view,
    )
    labels = {i.call.id: queue_label(i, reviewers | {viewer.id: "you"}) for i in queue}

    if sharing is not None:
        with sharing:
            share_out_panel(session, viewer, queue, reviewers, labels, now)

    with reviewing.container():
        if not queue:
            st.info("Nothing is waiting for review.")
            st.stop()
        item = current_item(queue)
        queue_navigator(queue, item, labels)
        call_id = item.call.id
        try:
            scorecard = load_scorecard(item.evaluation.scorecard)
        except ScorecardError as exc:
            st.error(f"The scorecard of this evaluation cannot be loaded: {exc}")
            st.stop()
        scores = criterion_scores(session=session, evaluation=item.evaluation)
        listen, judge = st.columns([2, 3], gap="medium")
        with listen:
            segments = list_segments(session=session, viewer=viewer, call_id=call_id)
            if item.call.channel == Channel.CALL:
                call_player(playable_file(item.call), key=f"rv_{call_id}")
            # A thread is read from its first message: no scrolling to the end, as chats do.
            with st.container(height=520, autoscroll=False):
                if item.call.channel == Channel.CALL:
                    transcript_lines(segments, key=f"rv_{call_id}")
                else:
                    conversation_thread(item.call, segments, zone=viewer.time_zone)
        with judge:
            verdict = st.container()
            with st.container(height=560):
                decisions = review_grid(
                    item, scores, scorecard, player=f"rv_{call_id}", zone=viewer.time_zone
                )
            changed, summary = verdict_summary(item, scores, decisions, scorecard)
            verdict.markdown(summary)
            submit = "Confirm auto-QA" if not changed else f"Submit review ({changed} changed)"
            if verdict.button(
                submit, type="primary", key=f"review_submit_{call_id}", width="stretch"
            ):
                try:
                    human = submit_review(
                        session=session,
                        reviewer=viewer,
                        call_id=call_id,
                        decisions=decisions,
                        scorecard=scorecard,
                        now=utcnow(),
                        on_evaluated=auto_assigner(),
                    )
                except (InvalidInput, NotAllowed, NotFound) as exc:
                    st.error(str(exc))
                else:
                    st.session_state["review_flash"] = (
                        f"Call #{call_id} reviewed: official score {human.score:.0f} / 100."
                    )
                    st.rerun()
