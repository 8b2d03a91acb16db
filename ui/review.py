"""The review workspace: a reviewer's week, moving through the queue, the criteria grid, and
the lead's panel that shares calls out to reviewers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import altair as alt
import pandas as pd
import streamlit as st
from sqlmodel import Session

from core.clock import clock
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Channel, CriterionScore, User
from qa.review import QueueItem, ReviewDecision
from qa.reviewer_workload import (
    MAX_WEEKLY_TARGET,
    ReviewerProgress,
    assign_reviews,
    set_weekly_target,
    team_workload,
)
from qa.scorecard import Scorecard
from qa.scoring import Result, overall_score
from ui.call_view import moment_text, play_from
from ui.labels import result_label
from ui.plain import plain

__all__ = [
    "assign_form",
    "current_item",
    "progress_line",
    "queue_label",
    "queue_navigator",
    "review_grid",
    "reviewer_names",
    "share_out_panel",
    "target_form",
    "verdict_summary",
    "workload_chart",
]

_CURRENT = "review_current"  # the call id on screen
_POSITION = "review_position"  # its place in the queue, to land on the next call after a review
_RESULTS = [r.value for r in Result]
# Rows read as a table: a rule under each, and evidence lines as tight as caption text.
_GRID_STYLE = """<style>
[class*="st-key-row_review_"] {border-bottom: 1px solid rgba(49, 51, 63, 0.15);
  padding-bottom: 0.4rem;}
[class*="st-key-review_"][class*="_evidence_"] button {min-height: 0; padding: 0;
  font-size: 0.875rem; text-align: left; justify-content: flex-start;}
</style>"""
_RESULT_BADGES = {
    "pass": ":green-badge[Pass]",
    "fail": ":red-badge[Fail]",
    "na": ":gray-badge[n/a]",
}


def queue_label(item: QueueItem, reviewers: dict[int, str]) -> str:
    """One queued call in a picker: number, agent, auto-QA score, why it is queued and whose."""
    who = item.call.agent.name if item.call.agent else "unassigned"
    holder = reviewers.get(item.reviewer_id, "someone") if item.reviewer_id else "shared pool"
    return (
        f"#{item.call.id} · {who} · auto {item.evaluation.score:.0f} · "
        f"{', '.join(item.reasons)} · {holder}"
    )


def progress_line(progress: ReviewerProgress) -> None:
    """A reviewer's week: reviews done against the lead's target, and what is waiting."""
    waiting = f"{progress.waiting} assigned to you waiting"
    if progress.share_done is None:
        st.caption(f"This week: {progress.reviewed_this_week} reviewed · {waiting}.")
        return
    st.progress(
        progress.share_done,
        text=(
            f"This week: {progress.reviewed_this_week} of {progress.weekly_target} reviews "
            f"· {waiting}"
        ),
    )


def current_item(queue: Sequence[QueueItem]) -> QueueItem:
    """The call on screen: the one last shown if it is still queued, else the one now at its
    place (the next call, once a review takes it out of the queue)."""
    ids = [item.call.id for item in queue]
    current = st.session_state.get(_CURRENT)
    if current in ids:
        position = ids.index(current)
    else:
        position = min(st.session_state.get(_POSITION, 0), len(queue) - 1)
    st.session_state[_CURRENT] = ids[position]
    st.session_state[_POSITION] = position
    return queue[position]


def _go_to(call_id: int, position: int) -> None:
    st.session_state[_CURRENT] = call_id
    st.session_state[_POSITION] = position


def _jump(ids: list[int]) -> None:
    picked = st.session_state["review_pick"]
    _go_to(picked, ids.index(picked))


def queue_navigator(queue: Sequence[QueueItem], item: QueueItem, labels: dict[int, str]) -> None:
    """Previous and next through the queue, where the call stands in it, and a picker to jump."""
    ids = [i.call.id for i in queue]
    position = ids.index(item.call.id)
    back, where, forward = st.columns([1, 4, 1], vertical_alignment="center")
    back.button(
        "Previous",
        icon=":material/arrow_back:",
        key="review_previous",
        disabled=position == 0,
        on_click=_go_to,
        args=(ids[max(position - 1, 0)], max(position - 1, 0)),
        width="stretch",
    )
    st.session_state["review_pick"] = item.call.id
    where.selectbox(
        f"Call {position + 1} of {len(queue)} waiting",
        ids,
        format_func=lambda c: labels[c],
        key="review_pick",
        on_change=_jump,
        args=(ids,),
    )
    forward.button(
        "Next",
        icon=":material/arrow_forward:",
        key="review_next",
        disabled=position == len(queue) - 1,
        on_click=_go_to,
        args=(ids[min(position + 1, len(ids) - 1)], min(position + 1, len(ids) - 1)),
        width="stretch",
    )


def _keep_a_verdict(key: str, auto: str) -> None:
    # Clicking the chosen option again clears a segmented control; a criterion always has a
    # verdict, so a cleared one goes back to auto-QA's.
    if st.session_state.get(key) is None:
        st.session_state[key] = auto


def review_grid(
    item: QueueItem,
    scores: Sequence[CriterionScore],
    scorecard: Scorecard,
    *,
    player: str,
    zone: str = "UTC",
) -> list[ReviewDecision]:
    """One row per criterion: its title, auto-QA's result and confidence, the lines that
    decided it (a click plays the call from there), pass / fail / n/a prefilled with auto-QA's
    result, and a comment only when the reviewer opens one. Returns the verdicts as they stand."""
    criteria = {c.id: c for c in scorecard.criteria}
    st.html(_GRID_STYLE)
    decisions = []
    for score in scores:
        criterion = criteria.get(score.criterion_id)
        title = criterion.title if criterion else score.criterion_id
        key = f"review_{item.call.id}_{score.criterion_id}"
        note_key = f"review_note_{item.call.id}_{score.criterion_id}"
        with st.container(key=f"row_{key}", gap="small"):
            text, verdict, comment = st.columns([5, 4, 1], vertical_alignment="top")
            critical = " :red-badge[critical]" if criterion and criterion.critical else ""
            text.markdown(f"**{title}**{critical}")
            for number, line in enumerate(score.evidence):
                who = line["speaker"].title()
                said = f":gray[{who}:] {plain(line['text'])}"
                if item.call.channel != Channel.CALL:  # a message: nothing to play
                    text.caption(f"`{moment_text(item.call, line['start'], zone=zone)}` {said}")
                    continue
                text.button(
                    f"`{clock(line['start'])}` {said}",
                    key=f"{key}_evidence_{number}",
                    type="tertiary",
                    help="Play the call from here",
                    on_click=play_from,
                    args=(player, float(line["start"])),
                )
            result = verdict.segmented_control(
                f"Your verdict on {title}",
                _RESULTS,
                default=score.result,
                format_func=result_label,
                key=key,
                label_visibility="collapsed",
                on_change=_keep_a_verdict,
                args=(key, score.result),
            )
            auto = f"auto-QA: {result_label(score.result)} · {score.confidence:.0%} sure"
            if (result or score.result) != score.result:
                verdict.caption(f":orange[**changed**] from {auto}")
            else:
                verdict.caption(auto)
            has_note = bool(st.session_state.get(note_key))
            with comment.popover(
                "",
                icon=":material/mark_chat_read:" if has_note else ":material/add_comment:",
                help="Your comment" if has_note else "Add a comment",
            ):
                note = st.text_area(f"Comment on {title}", key=note_key, max_chars=1000)
        decisions.append(
            ReviewDecision(score.criterion_id, Result(result or score.result), note or None)
        )
    return decisions


def verdict_summary(
    item: QueueItem,
    scores: Sequence[CriterionScore],
    decisions: Sequence[ReviewDecision],
    scorecard: Scorecard,
) -> tuple[int, str]:
    """How many verdicts differ from auto-QA's, and the score they give beside auto-QA's."""
    auto = {s.criterion_id: Result(s.result) for s in scores}
    changed = sum(1 for d in decisions if d.result != auto.get(d.criterion_id))
    score, auto_fail = overall_score({d.criterion_id: d.result for d in decisions}, scorecard)
    failed = " (auto-fail)" if auto_fail else ""
    return changed, (
        f"Score with your verdicts: **{score:.0f} / 100**{failed} · auto-QA gave "
        f"{item.evaluation.score:.0f}"
    )


def workload_chart(workload: Sequence[ReviewerProgress]) -> alt.LayerChart:
    """Each reviewer's reviews this week as a bar, their weekly target as a tick."""
    rows = pd.DataFrame(
        [
            {
                "reviewer": p.reviewer.name,
                "reviewed": p.reviewed_this_week,
                "target": p.weekly_target,
                "waiting": p.waiting,
            }
            for p in workload
        ]
    )
    axis = alt.Axis(labelLimit=0, labelOverlap=False)
    base = alt.Chart(rows).encode(y=alt.Y("reviewer:N", title=None, axis=axis))
    # Whole reviews from 0 to the larger of the work done and the targets (at least 5), so a
    # Monday morning with nothing done yet still draws an axis.
    top = max(
        5, *(p.reviewed_this_week for p in workload), *(p.weekly_target or 0 for p in workload)
    )
    bars = base.mark_bar(color="#1f6feb").encode(
        x=alt.X(
            "reviewed:Q",
            title="Reviews this week",
            scale=alt.Scale(domain=[0, top], nice=True),
            axis=alt.Axis(tickMinStep=1, format="d"),
        ),
        tooltip=["reviewer", "reviewed", "target", "waiting"],
    )
    targets = base.mark_tick(color="#d1242f", thickness=3, size=22).encode(
        x="target:Q", tooltip=["reviewer", "target"]
    )
    return (bars + targets).properties(height=alt.Step(32))


def target_form(reviewers: dict[int, str], targets: dict[int, int | None]) -> tuple | None:
    """A lead's controls for one reviewer's weekly target, showing that reviewer's current
    one; (reviewer id, target or None to remove it) when saved."""
    with st.container(border=True):
        left, right = st.columns(2)
        # Outside a form, so the figure beside it is the picked reviewer's own target.
        reviewer_id = left.selectbox(
            "Reviewer", list(reviewers), format_func=reviewers.get, key="target_reviewer"
        )
        current = targets.get(reviewer_id)
        weekly = right.number_input(
            "Reviews a week",
            value=current or 0,
            step=5,
            key=f"target_weekly_{reviewer_id}",
            help=f"0 to {MAX_WEEKLY_TARGET}; 0 means no reviews expected this week.",
        )
        save, remove = st.columns(2)
        if save.button("Save target", key="target_save", width="stretch"):
            return reviewer_id, int(weekly)
        if remove.button(
            "Remove target", key="target_remove", width="stretch", disabled=current is None
        ):
            return reviewer_id, None
    return None


def assign_form(
    queue: Sequence[QueueItem], reviewers: dict[int, str], labels: dict[int, str]
) -> tuple | None:
    """A lead's form handing queued calls to a reviewer or back to the shared pool;
    (call ids, reviewer id or None) when submitted."""
    with st.form("review_assign_form"):
        call_ids = st.multiselect(
            "Calls",
            [i.call.id for i in queue],
            format_func=lambda c: labels[c],
            key="assign_calls",
            placeholder="Pick queued calls",
        )
        reviewer_id = st.selectbox(
            "Give them to",
            [*reviewers, None],
            format_func=lambda r: reviewers[r] if r is not None else "Shared pool (anyone)",
            key="assign_reviewer",
        )
        if st.form_submit_button("Assign"):
            return call_ids, reviewer_id
    return None


def reviewer_names(people: Sequence[User]) -> dict[int, str]:
    """Reviewer ids to names, for pickers."""
    return {p.id: p.name for p in people}


def share_out_panel(
    session: Session,
    lead: User,
    queue: Sequence[QueueItem],
    reviewers: dict[int, str],
    labels: dict[int, str],
    now: datetime,
) -> None:
    """A lead's view of every reviewer's week (chart and figures), the weekly-target form and
    the form handing queued calls out."""
    workload = team_workload(session=session, viewer=lead, now=now)
    st.altair_chart(workload_chart(workload))
    st.caption("Bars: reviews done since Monday. Red ticks: each reviewer's weekly target.")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Reviewer": p.reviewer.name,
                    "Reviewed this week": p.reviewed_this_week,
                    "Weekly target": "not set" if p.weekly_target is None else p.weekly_target,
                    "Assigned, waiting": p.waiting,
                }
                for p in workload
            ]
        ),
        hide_index=True,
    )
    try:
        targets = {p.reviewer.id: p.weekly_target for p in workload}
        if saved := target_form(reviewers, targets):
            set_weekly_target(
                session=session, lead=lead, reviewer_id=saved[0], weekly=saved[1], now=now
            )
            st.session_state["review_flash"] = (
                f"{reviewers[saved[0]]}: {saved[1]} a week."
                if saved[1] is not None
                else f"{reviewers[saved[0]]}: no weekly target."
            )
            st.rerun()
        if handed := assign_form(queue, reviewers, labels):
            moved = assign_reviews(
                session=session, lead=lead, call_ids=handed[0], reviewer_id=handed[1], now=now
            )
            whom = reviewers.get(handed[1], "the shared pool")
            st.session_state["review_flash"] = f"{moved} call(s) now with {whom}."
            st.rerun()
    except (InvalidInput, NotAllowed, NotFound) as exc:
        st.error(str(exc))
