"""Coaching (leads and admins): one agent's QA trend, weak spots, notes, lessons and sessions."""

import streamlit as st

import ui
from coaching import (
    TrendPeriod,
    agent_workspace,
    criterion_trend,
    draft_agenda,
    follow_up,
    list_coaching_sessions,
    recommend_for_agent,
)
from core.models import Channel, utcnow
from core.people import list_agents
from training.assignments import recently_completed
from ui.coaching import (
    Moments,
    assignment_list,
    commitments_form,
    lesson_recommender,
    note_list,
    recommendation_list,
    session_card,
    session_form,
    trend_chart,
    weak_spot_list,
)
from ui.disputes import dispute_card
from ui.learning import mastery_chart
from ui.lessons import lesson_library, skill_titles

viewer = ui.guard("coaching")
st.title("Coaching")
library, index = lesson_library()
lessons = {lesson.id: lesson for lesson in library.lessons}
now = utcnow()

with ui.db_session() as session:
    agents = {a.id: a.name for a in list_agents(session=session, viewer=viewer)}
    if not agents:
        st.info("There are no agents in your team yet.")
        st.stop()
    if (wanted := st.query_params.get("agent", "")).isdigit() and int(wanted) in agents:
        st.session_state.setdefault("coaching_agent", int(wanted))  # e.g. from live monitoring
    agent_id = st.selectbox("Agent", list(agents), format_func=agents.get, key="coaching_agent")
    ws = agent_workspace(
        session=session,
        viewer=viewer,
        agent_id=agent_id,
        now=now,
        lesson_skills={lesson_id: lesson.skills for lesson_id, lesson in lessons.items()},
    )
    titles = {cid: ws.title_of(cid) for cid in ws.criteria}
    past = list_coaching_sessions(session=session, viewer=viewer, agent_id=agent_id)
    draft = draft_agenda(ws, earlier=[item.coaching for item in past])
    moments = Moments.of(
        [
            *(spot.moments[0].call_id for spot in ws.weak_spots),
            *(note.call_id for note in ws.notes),
            *(item.call_id for item in draft),
            *(item.call_id for done in past for item in done.agenda),
        ],
        session=session,
        viewer=viewer,
    )
    quality, notes, learning, sessions = st.tabs(["Quality", "Notes", "Lessons", "Sessions"])

    with quality:
        st.subheader("Pass rate per criterion")
        if ws.calls:
            per = st.segmented_control("Per", list(TrendPeriod), default="week", key="coaching_by")
            points = criterion_trend(ws.calls, by=per or TrendPeriod.WEEK, criteria=ws.criteria)
            st.altair_chart(trend_chart(points, by=per or TrendPeriod.WEEK), width="stretch")
        else:
            st.caption(f"{ws.agent.name} has no scored calls yet.")
        st.subheader("Open weak spots")
        spoken_only = all(scored.call.channel == Channel.CALL for scored in ws.calls)
        weak_spot_list(ws.weak_spots, moments, noun="calls" if spoken_only else "conversations")
        st.subheader("Disputes")
        if not ws.disputes:
            st.caption("No disputes.")
        for item in ws.disputes:
            with st.container(border=True):
                dispute_card(item, zone=viewer.time_zone)

    with notes:
        if not ws.notes:
            st.info("No monitoring notes yet. Take them while listening to a call, live or not.")
        note_list(
            ws.notes,
            titles=titles,
            moments=moments,
            session=session,
            viewer=viewer,
            key="coaching_notes",
        )

    with learning:
        st.subheader("Recommended lessons")
        skip = recently_completed(
            session=session,
            agent_id=agent_id,
            now=now,
            days=ui.app_settings().lesson_repeat_after_days,
        )
        recommendation_list(
            recommend_for_agent(ws, recommend=lesson_recommender(index), also_skip=skip),
            session=session,
            lead=viewer,
            agent=ws.agent,
            known=set(lessons),
            key="coaching_assign",
        )
        st.subheader("Assigned lessons")
        assignment_list(ws.assignments, {i: lesson.title for i, lesson in lessons.items()})
        st.subheader("What sticks")
        if ws.mastery:
            st.altair_chart(mastery_chart(ws.mastery, skill_titles()), width="stretch")
        else:
            st.caption("No lesson quizzes answered yet.")

    with sessions:
        st.subheader("New coaching session")
        session_form(
            draft,
            session=session,
            lead=viewer,
            agent=ws.agent,
            titles=titles,
            moments=moments,
            key="coaching_new",
        )
        st.subheader("Past sessions")
        if not past:
            st.caption("No coaching sessions yet.")
        for item in past:
            result = follow_up(
                session=session, viewer=viewer, coaching_id=item.coaching.id, now=now
            )
            session_card(item, result, titles=titles, moments=moments)
            commitments_form(item, session=session, lead=viewer, key=f"coaching_{item.coaching.id}")
