"""My lessons (agents): assigned lessons, and the lesson player, one short screen at a time."""

import streamlit as st

import ui
from core.models import utcnow
from training.assignments import AssignmentState, assignment_moment, list_assignments
from training.progress import (
    answer_question,
    complete_lesson,
    feedback_for,
    lesson_screens,
    move_to,
    start_lesson,
)
from training.tips import approved_tips
from ui.actions import show_flash
from ui.learning import (
    assignment_card,
    feedback_box,
    lesson_book,
    lesson_examples,
    quiz_buttons,
    tip_form,
    why_this_lesson,
)
from ui.plain import plain

viewer = ui.guard("learn")
lessons = {lesson.id: lesson for lesson in lesson_book().lessons}
retention = ui.app_settings().desired_retention
lesson_id = st.query_params.get("lesson")

with ui.db_session() as session:
    if lesson_id is None:
        st.title("My lessons")
        show_flash("learn_flash")
        items = list_assignments(session=session, viewer=viewer, now=utcnow())
        todo = [i for i in items if i.state != AssignmentState.COMPLETED]
        if not todo:
            st.info("Nothing assigned right now. New lessons appear here after your calls.")
        for item in todo:
            assignment_card(item, lessons, key=f"go_{item.assignment.id}")
        if done := [i for i in items if i.state == AssignmentState.COMPLETED]:
            with st.expander(f"Done ({len(done)})"):
                for item in done:
                    assignment_card(item, lessons, key=f"d_{item.assignment.id}")
        st.stop()

    lesson = lessons.get(lesson_id)
    if lesson is None:
        st.error(f"There is no lesson {lesson_id!r}.")
        st.page_link("pages/learn.py", label="Back to my lessons", icon=":material/arrow_back:")
        st.stop()

    finished = st.session_state.get("learn_finished")
    if finished and finished["lesson"] == lesson.id:
        st.title("Lesson complete")
        st.subheader(lesson.title)
        score, minutes = st.columns(2)
        score.metric("Quiz", f"{finished['correct']} of {finished['total']} right")
        minutes.metric("Time", f"{max(1, round(finished['seconds'] / 60))} min")
        st.caption("The quiz questions come back in Reviews, spaced out so they stick.")
        tip_form(session=session, agent=viewer, lesson=lesson, known=set(lessons))
        if st.button("Back to my lessons", type="primary", width="stretch", key="learn_back"):
            del st.session_state["learn_finished"]
            st.query_params.clear()
            st.switch_page("pages/learn.py")
        st.stop()

    attempt = start_lesson(session=session, agent=viewer, lesson=lesson, now=utcnow())
    screens, prose = lesson_screens(lesson), len(lesson.sections)
    step = attempt.step
    # A button, not a link: a link to this same page would keep ?lesson= and stay here.
    if st.button("My lessons", icon=":material/arrow_back:", type="tertiary", key="learn_list"):
        st.query_params.clear()
        st.rerun()
    st.caption(f"{lesson.title} · {lesson.minutes} min")
    st.progress((step + 1) / screens, text=f"Step {step + 1} of {screens}")
    if moment := assignment_moment(session=session, agent=viewer, lesson=lesson):
        why_this_lesson(session=session, viewer=viewer, moment=moment, open_at_first=step == 0)

    def go(to: int) -> None:
        move_to(
            session=session, agent=viewer, attempt=attempt, lesson=lesson, step=to, now=utcnow()
        )
        st.rerun()

    if step < prose:
        section = lesson.sections[step]
        st.subheader(section.heading)
        st.markdown(section.body.replace("\n", "  \n"))
        if step == prose - 1:
            for tip, author in approved_tips(session=session, lesson_id=lesson.id):
                st.info(
                    f"**Tip from {plain(author)}:** {plain(tip.text)}", icon=":material/lightbulb:"
                )
            lesson_examples(session=session, lesson_id=lesson.id)
        back, forward = st.columns(2)
        if step > 0 and back.button("Back", width="stretch", key="learn_prev"):
            go(step - 1)
        label = "Start the quiz" if step == prose - 1 else "Next"
        if forward.button(label, type="primary", width="stretch", key="learn_next"):
            go(step + 1)
        st.stop()

    number = step - prose
    question = lesson.quiz[number]
    st.subheader(f"Question {number + 1} of {len(lesson.quiz)}")
    answered = attempt.answers.get(str(number))
    if answered is None:
        tapped = quiz_buttons(question, key=f"q_{lesson.id}_{number}")
        if tapped is not None:
            answer_question(
                session=session,
                agent=viewer,
                attempt=attempt,
                lesson=lesson,
                question=number,
                option=tapped,
                now=utcnow(),
            )
            st.rerun()
        st.stop()
    st.markdown(f"**{question.question}**")
    feedback_box(question, feedback_for(lesson, number, answered))
    if step < screens - 1:
        if st.button("Next question", type="primary", width="stretch", key="learn_next"):
            go(step + 1)
    elif st.button("Finish", type="primary", width="stretch", key="learn_finish"):
        done = complete_lesson(
            session=session,
            agent=viewer,
            attempt=attempt,
            lesson=lesson,
            now=utcnow(),
            desired_retention=retention,
        )
        st.session_state["learn_finished"] = {
            "lesson": lesson.id,
            "correct": done.quiz_correct,
            "total": done.quiz_total,
            "seconds": done.seconds_spent,
        }
        st.rerun()
