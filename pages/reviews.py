"""Reviews (agents): quiz questions from past lessons, due again, one at a time (FSRS)."""

import streamlit as st

import ui
from core.models import utcnow
from training.progress import feedback_for
from training.reviews import answer_card, due_cards, next_due
from training.srs import Feel, describe_interval
from ui.learning import feedback_box, lesson_book, quiz_buttons

viewer = ui.guard("reviews")
st.title("Reviews")
if message := st.session_state.pop("reviews_toast", None):
    st.toast(message, icon=":material/check_circle:")
lessons = {lesson.id: lesson for lesson in lesson_book().lessons}
retention = ui.app_settings().desired_retention

with ui.db_session() as session:
    due = [
        card
        for card in due_cards(session=session, agent=viewer, now=utcnow())
        if card.lesson_id in lessons and card.question < len(lessons[card.lesson_id].quiz)
    ]
    # An answer chosen here for a card that is no longer due was overtaken: the same card was
    # answered meanwhile in another tab or on another device, and that answer counted.
    due_keys = {f"review_card_{card.id}" for card in due}
    overtaken = [k for k in st.session_state if k.startswith("review_card_") and k not in due_keys]
    for key in overtaken:
        del st.session_state[key]
    if overtaken:
        st.info(
            "That question was answered meanwhile on another device or tab; that answer counts."
        )
    if not due:
        now = utcnow()
        upcoming = next_due(session=session, agent=viewer, now=now)
        if upcoming is None:
            st.success("Nothing to review yet: finish a lesson and its questions come back here.")
        else:
            when = describe_interval(upcoming - now)
            st.success(f"All done for now. Your next review is due {when}.")
        st.stop()
    card = due[0]
    lesson = lessons[card.lesson_id]
    question = lesson.quiz[card.question]
    st.caption(f"{len(due)} to review · from “{lesson.title}”")
    chosen = st.session_state.get(f"review_card_{card.id}")
    if chosen is None:
        tapped = quiz_buttons(question, key=f"rc_{card.id}")
        if tapped is not None:
            st.session_state[f"review_card_{card.id}"] = tapped
            st.rerun()
        st.stop()

    st.markdown(f"**{question.question}**")
    feedback = feedback_for(lesson, card.question, chosen)
    feedback_box(question, feedback)

    def rate(feel: Feel | None) -> None:
        outcome = answer_card(
            session=session,
            agent=viewer,
            card_id=card.id,
            correct=feedback.correct,
            feel=feel,
            now=utcnow(),
            desired_retention=retention,
        )
        del st.session_state[f"review_card_{card.id}"]
        st.session_state["reviews_toast"] = f"Next time: {describe_interval(outcome.interval)}."
        st.rerun()

    if feedback.correct:
        st.caption("How did that feel?")
        easy, hard = st.columns(2)
        if easy.button("Easy", width="stretch", key="review_easy"):
            rate(Feel.EASY)
        if hard.button("Hard", width="stretch", key="review_hard"):
            rate(Feel.HARD)
    if st.button("Next", type="primary", width="stretch", key="review_next"):
        rate(None)
