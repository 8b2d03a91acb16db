"""The Calls page's list: filters, sorting, a page of calls as a table whose rows open the call,
the pages, and the CSV of every call the filters match."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from analytics.facts import call_date_range
from core.clock import clock, wait
from core.models import Channel, Role, User
from core.people import list_agents, list_teams
from qa.call_list import MAX_PAGE, CallListFilter, CallRow, CallSort, CallState, list_call_rows
from ui.dashboards import csv_bytes, date_range
from ui.labels import channel_label, criterion_titles
from ui.paging import page_number, pager, table_key

__all__ = ["PAGE_SIZE", "call_list", "call_list_rows"]

PAGE_SIZE = 50
_KEY = "calls_list"


def call_list(*, session: Session, engine: Engine, viewer: User, today: date) -> int | None:
    """The filters, the sort, one page of calls and its pager, and the CSV download; the id of
    the call whose row was clicked, if one was."""
    with st.expander("Filter and sort the list", icon=":material/filter_list:"):
        filters = _filters(session, viewer, today)
        sort = st.selectbox("Sort", list(CallSort), key=f"{_KEY}_sort")
    page = page_number(key=_KEY, filters=(filters, sort))
    rows, total = list_call_rows(
        session=session,
        viewer=viewer,
        filters=filters,
        sort=sort,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    written = bool(filters.channels) and Channel.CALL not in filters.channels
    noun = "conversation" if written else "call"
    if not total:
        st.info(f"No {noun}s match these filters.")
        return None
    st.caption(f"{total} {noun}{'s' if total != 1 else ''} · click a row to open the {noun}")
    shown = st.dataframe(
        call_list_rows(rows),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=table_key(_KEY),
        column_config={
            "Score": st.column_config.ProgressColumn(format="%.0f", min_value=0, max_value=100),
            "Auto-fail": st.column_config.CheckboxColumn(),
        },
    )
    pager(total, size=PAGE_SIZE, key=_KEY, back="Previous", forward="Next")
    st.download_button(
        "Download CSV",
        data=_csv(engine, viewer, filters, sort),
        file_name="calls.csv",
        mime="text/csv",
        key=f"{_KEY}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    picked = shown.selection.rows if shown else []
    return rows[picked[0]].call_id if picked else None


def _length(row: CallRow) -> str:
    """A call's length on its clock; a written conversation's span, first to last message."""
    if row.seconds is None:
        return "-"
    return clock(row.seconds) if row.channel == Channel.CALL else wait(row.seconds)


def _untimed(row: CallRow) -> str:
    """A written conversation whose messages carried no times is dated by its import."""
    return " (imported)" if row.channel != Channel.CALL and row.seconds is None else ""


def call_list_rows(rows: Sequence[CallRow]) -> list[dict[str, object]]:
    """The calls as the table and its CSV show them."""
    return [
        {
            "Call": f"#{row.call_id}",
            # Beside the number, so a phone shows it without scrolling sideways.
            "Channel": channel_label(row.channel),
            "Agent": row.agent,
            "Date": row.when.strftime("%Y-%m-%d %H:%M") + _untimed(row),
            "Length": _length(row),
            "Score": row.score,
            "Auto-fail": row.auto_fail,
            "Status": f"{row.state} · practice" if row.practice else str(row.state),
            "CSAT": row.csat,
            "Failed import": row.error or "",
        }
        for row in rows
    ]


def _filters(session: Session, viewer: User, today: date) -> CallListFilter:
    team_id = agent_id = None
    if viewer.role in (Role.REVIEWER, Role.ADMIN):
        teams = {team.id: team.name for team in list_teams(session=session)}
        team_id = st.selectbox(
            "Team",
            [None, *teams],
            format_func=lambda t: "All teams" if t is None else teams[t],
            key=f"{_KEY}_team",
        )
    if viewer.role != Role.AGENT:
        agents = {
            a.id: a.name
            for a in list_agents(session=session, viewer=viewer)
            if team_id is None or a.team_id == team_id
        }
        agent_id = st.selectbox(
            "Agent",
            [None, *agents],
            format_func=lambda a: "All agents" if a is None else agents[a],
            key=f"{_KEY}_agent",
        )
    dates, states = st.columns(2)
    first, last = call_date_range(session=session, viewer=viewer) or (today, today)
    last = max(last, today)
    start, end = date_range(dates, first, last, key=f"{_KEY}_dates")
    picked = states.multiselect(
        "Status", list(CallState), placeholder="Any status", key=f"{_KEY}_states"
    )
    channels = st.multiselect(
        "Channel",
        list(Channel),
        format_func=channel_label,
        placeholder="Calls and written conversations",
        key=f"{_KEY}_channels",
    )
    criteria = criterion_titles()
    criterion, scores = st.columns(2)
    failed = criterion.selectbox(
        "Failed criterion",
        [None, *criteria],
        format_func=lambda c: "Any" if c is None else criteria[c],
        key=f"{_KEY}_failed",
    )
    low, high = scores.slider("Score", 0, 100, (0, 100), key=f"{_KEY}_scores")
    return CallListFilter(
        team_id=team_id,
        agent_id=agent_id,
        start=None if start == first else start,  # the whole span: calls without a date too
        end=None if end == last else end,
        states=frozenset(picked),
        channels=frozenset(channels),
        failed_criterion=failed,
        min_score=None if low == 0 else low,
        max_score=None if high == 100 else high,
    )


def _csv(
    engine: Engine, viewer: User, filters: CallListFilter, sort: CallSort
) -> Callable[[], bytes]:
    """Every call the filters match (not only the page shown), made when the button is
    clicked."""

    def build() -> bytes:
        rows: list[CallRow] = []
        with Session(engine) as session:
            while True:
                page, total = list_call_rows(
                    session=session,
                    viewer=viewer,
                    filters=filters,
                    sort=sort,
                    offset=len(rows),
                    limit=MAX_PAGE,
                )
                rows += page
                if not page or len(rows) >= total:
                    return csv_bytes(call_list_rows(rows))

    return build
