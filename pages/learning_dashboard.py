"""Learning dashboard: lesson completion, overdue lessons, streaks and skill mastery per agent,
and learning to performance: mastery against pass rates, pass rates before and after lessons."""

import streamlit as st

import ui
from analytics.facts import call_facts
from analytics.impact import criterion_impact, skill_performance
from analytics.learning import LearningTotals, agent_learning
from analytics.targets import KPI, load_targets
from core.models import utcnow
from ui import learning_charts as charts
from ui.dashboards import dashboard_filters, download_table
from ui.learning import lesson_book
from ui.lessons import skill_titles
from ui.targets import target_metric, targets_caption

viewer = ui.guard("learning_dashboard")
st.title("Learning dashboard")
filters = dashboard_filters(viewer, key="learn_dash")
now = utcnow()
lesson_skills = {lesson.id: lesson.skills for lesson in lesson_book().lessons}
with ui.db_session() as session:
    agents = agent_learning(
        session=session, viewer=viewer, filters=filters, lesson_skills=lesson_skills, now=now
    )
    calls = call_facts(session=session, viewer=viewer, filters=filters)
    targets = load_targets(session=session)
if not agents:
    st.info("No agents in these filters. Pick another team or agent.")
    st.stop()

totals = LearningTotals.of(agents)
titles = skill_titles()
boxes = st.columns(4)
target_metric(
    boxes[0],
    "Lesson completion",
    KPI.LESSON_COMPLETION,
    totals.completion_rate,
    targets,
    help=f"{totals.completed} of {totals.assigned} lessons assigned in these dates are done.",
)
boxes[1].metric("Overdue lessons", totals.overdue, help="Past their due date and not done.")
boxes[2].metric("Open lessons", totals.open, help="Still to do, not yet due.")
boxes[3].metric(
    "Current streak" if len(agents) == 1 else "Longest current streak",
    f"{totals.best_current_streak} days",
    help="Days in a row with a lesson or review, up to today.",
)
targets_caption(targets)

lessons_tab, mastery_tab, impact_tab = st.tabs(["Lessons", "Mastery", "Learning to performance"])
with lessons_tab:
    st.subheader("Lessons assigned in these dates")
    st.altair_chart(charts.lesson_status_chart(agents), width="stretch")
    st.subheader("Streaks")
    st.altair_chart(charts.streak_chart(agents), width="stretch")
    download_table([a.row() for a in agents], name="lessons-and-streaks", key="learn_dash_csv")
with mastery_tab:
    st.caption("The chance each agent recalls what they learned for a skill, today.")
    mastery = [row for a in agents for row in a.mastery_rows()]
    if mastery:
        st.altair_chart(charts.mastery_heatmap(agents, titles), width="stretch")
    else:
        st.info("No lessons completed yet, so nothing to remember.")
    download_table(mastery, name="skill-mastery", key="learn_dash_mastery_csv")
with impact_tab:
    st.subheader("Mastery against pass rate")
    st.caption(
        "Per skill, each agent's mastery against how often they pass the criteria that point "
        "to it, over their calls in these dates."
    )
    points = skill_performance(agents=agents, calls=calls)
    if any(p.mastery is not None for p in points):
        st.altair_chart(charts.mastery_vs_pass_rate_chart(points, titles), width="stretch")
    else:
        st.info("No agent has both lessons and scored calls for a skill in these filters.")
    download_table([p.row() for p in points], name="mastery-vs-pass-rate", key="learn_dash_perf")
    st.subheader("Before and after lessons")
    st.caption(
        "Each criterion's pass rate on the calls of the agents who completed a lesson assigned "
        "for it, before and after they completed it. The call that led to the lesson counts as "
        "before."
    )
    impacts = criterion_impact(agents=agents, calls=calls)
    if impacts:
        st.altair_chart(charts.before_after_chart(impacts), width="stretch")
        for impact in impacts:
            st.markdown(f"**{impact.title}**: {impact.summary()}")
    else:
        st.info("No agent in these filters has completed a lesson assigned from a failed call.")
    download_table([i.row() for i in impacts], name="before-after-lessons", key="learn_dash_ba")
