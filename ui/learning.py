"""Agent learning widgets, phone first: lesson cards, quiz answers, progress charts."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import altair as alt
import streamlit as st
from sqlmodel import Session

from core.calls import get_call, playable_file
from core.clock import clock
from core.errors import NotAllowed, NotFound
from core.models import Call, Evaluation, User, utcnow
from monitoring import list_lesson_examples
from training.assignments import (
    AssignmentItem,
    AssignmentState,
    CallMoment,
    open_assignment_count,
)
from training.lessons import Lesson, QuizQuestion
from training.progress import AnswerFeedback
from training.reviews import due_count
from training.tips import MAX_TIP_CHARS, add_tip
from ui.actions import attempt, show_flash
from ui.plain import plain
from ui.resources import app_settings, db_session, lesson_book

__all__ = [
    "STATE_BADGES",
    "assignment_card",
    "feedback_box",
    "lesson_book",
    "lesson_examples",
    "menu_badges",
    "mastery_chart",
    "quiz_buttons",
    "score_trend_chart",
    "tip_form",
    "why_this_lesson",
]

STATE_BADGES = {
    AssignmentState.ASSIGNED: ":blue-badge[To do]",
    AssignmentState.IN_PROGRESS: ":orange-badge[In progress]",
    AssignmentState.OVERDUE: ":red-badge[Overdue]",
    AssignmentState.COMPLETED: ":green-badge[Done]",
}


def why_this_lesson(
    *, session: Session, viewer: User, moment: CallMoment, open_at_first: bool
) -> None:
    """Why the lesson was assigned, with the moment of the call that led to it playing from
    the evidence (open on the first screen, folded after)."""
    with st.expander("Why this lesson", expanded=open_at_first, icon=":material/call:"):
        st.caption(plain(moment.reason))
        try:
            call = get_call(session=session, viewer=viewer, call_id=moment.call_id)
        except (NotFound, NotAllowed):
            return  # the call was deleted, or reassigned to a colleague
        recording = playable_file(call)
        if recording.is_file():
            # The clip: from a second before the evidence to a few seconds after it.
            start = max(0, int(moment.start) - 1)
            end = int(moment.end) + 3 if moment.end is not None else None
            st.audio(str(recording), start_time=start, end_time=end)
        st.page_link(
            "pages/calls.py",
            label=f"Open call #{call.id} at {clock(moment.start)}",
            icon=":material/play_arrow:",
            query_params={"call": str(call.id), "t": str(int(moment.start))},
        )


def assignment_card(item: AssignmentItem, lessons: Mapping[str, Lesson], *, key: str) -> None:
    """One assigned lesson: title, length, why it was assigned, due date, a start button."""
    a = item.assignment
    lesson = lessons.get(a.lesson_id)
    with st.container(border=True):
        title = lesson.title if lesson else a.lesson_id
        st.markdown(f"{STATE_BADGES[item.state]} **{title}**")
        minutes = f"{lesson.minutes} min · " if lesson else ""
        st.caption(f"{minutes}due {a.due_at:%a %d %b} · {plain(a.reason)}")
        if lesson and item.state != AssignmentState.COMPLETED:
            label = "Resume" if a.started_at else "Start"
            if st.button(label, key=key, type="primary", width="stretch"):
                st.switch_page("pages/learn.py", query_params={"lesson": lesson.id})


def quiz_buttons(question: QuizQuestion, *, key: str, disabled: bool = False) -> int | None:
    """The question and one full-width button per option; the index tapped, if any."""
    st.markdown(f"**{question.question}**")
    tapped = None
    for number, option in enumerate(question.options):
        if st.button(option.text, key=f"{key}_{number}", width="stretch", disabled=disabled):
            tapped = number
    return tapped


def feedback_box(question: QuizQuestion, feedback: AnswerFeedback) -> None:
    """Right or wrong, the right answer, and why."""
    chosen = question.options[feedback.chosen]
    if feedback.correct:
        st.success(f"Right: {chosen.text}\n\n{feedback.explanation}")
    else:
        right = question.options[feedback.right]
        st.error(f"Not quite: {chosen.text}\n\n{feedback.explanation}")
        st.info(f"The better answer: {right.text}\n\n{right.why}")


def mastery_chart(mastery: Mapping[str, float], titles: Mapping[str, str]) -> alt.Chart:
    """Per skill, the chance the agent recalls what they learned, as bars from 0 to 100%."""
    data = [{"skill": titles.get(s, s), "recall": p} for s, p in mastery.items()]
    return (
        alt.Chart(alt.Data(values=data), height=alt.Step(22))
        .mark_bar(color="#2da44e")
        .encode(
            x=alt.X(
                "recall:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
                title="chance you remember",
            ),
            y=alt.Y("skill:N", sort="-x", title=None, axis=alt.Axis(labelLimit=140)),
            tooltip=["skill:N", alt.Tooltip("recall:Q", format=".0%")],
        )
    )


def score_trend_chart(scores: list[tuple[Call, Evaluation]]) -> alt.Chart:
    """QA score of each scored call over time, as a line with points."""
    data = [
        {
            "when": (call.started_at or call.created_at).isoformat(),
            "score": evaluation.score,
            "call": f"#{call.id}",
        }
        for call, evaluation in scores
    ]
    return (
        alt.Chart(alt.Data(values=data), height=180)
        .mark_line(point=True, color="#1f6feb")
        .encode(
            x=alt.X("when:T", title=None, axis=alt.Axis(format="%d %b")),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title="QA score"),
            tooltip=["call:N", alt.Tooltip("when:T", format="%d %b %Y"), "score:Q"],
        )
    )


def tip_form(*, session: Session, agent: User, lesson: Lesson, known: set[str]) -> None:
    """Let an agent share a tip or phrase for the lesson; a lead approves it before others see
    it."""
    show_flash("tip_flash")
    with st.form(f"tip_{lesson.id}", clear_on_submit=True):
        text = st.text_area(
            "Share a tip or a phrase that works for you",
            max_chars=MAX_TIP_CHARS,
            placeholder="e.g. I say 'let me take that off your plate' before I put them on hold.",
            key=f"tip_text_{lesson.id}",
        )
        if st.form_submit_button("Send tip", width="stretch"):
            attempt(
                session,
                partial(
                    add_tip,
                    session=session,
                    agent=agent,
                    lesson_id=lesson.id,
                    text=text,
                    known_lessons=known,
                    now=utcnow(),
                ),
                success="Thanks! Your lead will look at it; once approved it shows in the lesson.",
                flash_key="tip_flash",
            )


def lesson_examples(*, session: Session, lesson_id: str) -> None:
    """The lesson's examples from real calls: each one's title, its clip (redacted details
    bleeped) and the redacted lines heard in it."""
    examples = list_lesson_examples(session=session, lesson_id=lesson_id)
    if not examples:
        return
    st.subheader("From our team's calls")
    data_dir = app_settings().data_dir
    for example in examples:
        with st.container(border=True):
            st.markdown(f"**{example.title}**")
            clip = data_dir / example.audio_path
            if clip.is_file():
                st.audio(str(clip), format="audio/wav")
            else:
                st.caption("The recording of this example is missing.")
            for line in example.segments:
                speaker = str(line["speaker"]).title()
                st.caption(f"`{clock(line['start'])}` **{speaker}:** {line['text']}")


def menu_badges(user: User | None) -> dict[str, int]:
    """Counts shown beside an agent's menu entries: lessons to do and reviews due."""
    if user is None or user.role != "agent":
        return {}
    with db_session() as session:
        return {
            "learn": open_assignment_count(session=session, agent=user),
            "reviews": due_count(session=session, agent=user, now=utcnow()),
        }
