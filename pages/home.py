"""Home: an agent's learning day (lessons, reviews, streak, mastery, QA trend); for everyone
else the state of the calls they can see."""

from collections import Counter

import streamlit as st

import ui
from core.calls import list_calls
from core.models import CallStatus, Role, utcnow
from core.people import update_profile
from qa.evaluations import official_scores
from training.assignments import AssignmentState, list_assignments
from training.reviews import due_count, learning_activity, skill_mastery
from training.streaks import learning_streak
from ui.home import below_target_lists
from ui.learning import assignment_card, lesson_book, mastery_chart, score_trend_chart
from ui.lessons import skill_titles

viewer = ui.guard("home")
st.title(f"Hello, {viewer.name.split()[0]}")

if viewer.role == Role.AGENT:
    now = utcnow()
    lessons = {lesson.id: lesson for lesson in lesson_book().lessons}
    with ui.db_session() as session:
        todo = [
            item
            for item in list_assignments(session=session, viewer=viewer, now=now)
            if item.state != AssignmentState.COMPLETED
        ]
        due = due_count(session=session, agent=viewer, now=now)
        streak = learning_streak(
            activity=learning_activity(session=session, agent=viewer), now=now, tz=viewer.time_zone
        )
        mastery = skill_mastery(
            session=session,
            agent=viewer,
            lesson_skills={lesson_id: lesson.skills for lesson_id, lesson in lessons.items()},
            now=now,
        )
        scores = official_scores(session=session, viewer=viewer, agent_id=viewer.id)

        lessons_box, reviews_box, streak_box = st.columns(3)
        lessons_box.metric("Lessons to do", len(todo))
        reviews_box.metric("Reviews due", due)
        streak_box.metric(
            "Streak",
            f"{streak.current} day{'s' if streak.current != 1 else ''}",
            help=f"Days in a row with a lesson or review. Best so far: {streak.best}.",
        )
        if due and st.button(f"Review {due} now", type="primary", width="stretch"):
            st.switch_page("pages/reviews.py")

        st.subheader("Today's lessons")
        if not todo:
            st.info("No lessons assigned. Well done, or check back after your next calls.")
        for item in todo[:3]:
            assignment_card(item, lessons, key=f"home_go_{item.assignment.id}")
        if len(todo) > 3:
            st.page_link("pages/learn.py", label=f"All {len(todo)} lessons")

        st.subheader("Your QA scores")
        if scores:
            st.altair_chart(score_trend_chart(scores), width="stretch")
        else:
            st.caption("No scored calls yet.")
        st.subheader("What sticks")
        if mastery:
            st.altair_chart(mastery_chart(mastery, skill_titles()), width="stretch")
        else:
            st.caption("Finish a lesson and its quiz to see how well each skill sticks.")

        wants = st.toggle(
            "Email reminders",
            value=viewer.reminders,
            key="home_reminders",
            help="A short daily email when reviews are due or a lesson is overdue.",
        )
        if wants != viewer.reminders:
            update_profile(session=session, user=viewer, reminders=wants, now=now)
            st.toast("Reminders on." if wants else "Reminders off.")
    st.stop()

scope = {
    Role.LEAD: "your team's calls and the unassigned queue",
    Role.REVIEWER: "all calls",
    Role.ADMIN: "all calls",
}[viewer.role]
st.caption(f"You are signed in as {viewer.role}; you see {scope}.")

with ui.db_session() as session:
    calls = list_calls(session=session, viewer=viewer)

by_status = Counter(call.status for call in calls)
total, done, waiting, failed = st.columns(4)
total.metric("Calls", len(calls))
done.metric("Transcribed", by_status[CallStatus.DONE])
waiting.metric("Waiting", by_status[CallStatus.PENDING] + by_status[CallStatus.PROCESSING])
failed.metric("Failed", by_status[CallStatus.FAILED])

if not calls:
    st.info("No calls yet. Recordings appear here once they are imported.")
    st.stop()
st.page_link("pages/calls.py", label="Open the calls", icon=":material/call:")

if viewer.role in (Role.LEAD, Role.ADMIN):
    below_target_lists(viewer)
