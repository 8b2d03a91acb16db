"""The lead's home: the agents and criteria furthest below their KPI targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import streamlit as st

from analytics.facts import DashboardFilter, call_date_range, call_facts
from analytics.quality import ShortOfTarget, agents_below_target, criteria_below_target
from analytics.targets import KPIS, load_targets
from coaching.workspace import criteria_of
from core.models import User
from ui.resources import db_session

__all__ = ["RECENT_DAYS", "below_target_lists"]

RECENT_DAYS = 90  # "lately": a quarter of calls, up to the newest one


def below_target_lists(viewer: User) -> None:
    """Who and what is furthest below target over the recent calls the viewer can see, with a
    link to the dashboard; says so when no targets are set or everything is on target."""
    with db_session() as session:
        targets = load_targets(session=session)
        span = call_date_range(session=session, viewer=viewer)
        if span is None:
            return
        start = max(span[0], span[1] - timedelta(days=RECENT_DAYS - 1))
        calls = call_facts(
            session=session, viewer=viewer, filters=DashboardFilter(start=start, end=span[1])
        )
    st.subheader("Furthest below target")
    if not targets.overall and not targets.criteria:
        st.caption("No KPI targets set yet: an admin sets them on the KPI targets page.")
        return
    st.caption(f"Scored calls from {start:%d %b} to {span[1]:%d %b %Y} ({len(calls)} calls).")
    titles = {cid: focus.title for cid, focus in criteria_of({c.scorecard for c in calls}).items()}
    agents, criteria = st.columns(2)
    with agents:
        _shortfalls("**Agents** (QA score)", agents_below_target(calls, targets), {}, "agent")
    with criteria:
        _shortfalls(
            "**Criteria** (pass rate)", criteria_below_target(calls, targets), titles, "criterion"
        )
    st.page_link(
        "pages/quality_dashboard.py", label="Open the QA dashboard", icon=":material/monitoring:"
    )


def _shortfalls(
    heading: str, rows: Sequence[ShortOfTarget], titles: Mapping[str, str], what: str
) -> None:
    """One list of who or what is short of target: figure, shortfall, target and calls."""
    st.markdown(heading)
    for row in rows:
        spec = KPIS[row.kpi]
        st.markdown(
            f"- {titles.get(row.name, row.name)}: {spec.show(row.figure)}, "
            f"{spec.show_gap(row.shortfall)} below {spec.show(row.target)} ({row.calls} calls)"
        )
    if not rows:
        st.caption(f"Every {what} is on target.")
