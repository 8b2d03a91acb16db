"""Widgets every dashboard shares: the team/agent/date/channel/scorecard filter and CSV
downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from analytics.facts import DashboardFilter, default_filter
from core.models import Channel, Role, User
from core.people import list_agents, list_teams
from qa.autoqa import DEFAULT_SCORECARD
from qa.scorecard import available_scorecards
from ui.labels import channel_label
from ui.resources import db_session

__all__ = ["csv_bytes", "dashboard_filters", "date_range", "download_table", "scored_noun"]

_ALL = "All"


def dashboard_filters(viewer: User, *, key: str) -> DashboardFilter:
    """A row of filters (team, agent, date range, channel, scorecard) and what was picked.

    Agents only pick dates, a channel and a scorecard: their dashboards show their own calls.
    Leads pick among their own team's agents; reviewers and admins among every team. The date
    range starts from the viewer's first call and runs to today
    (`analytics.facts.default_filter`). The scorecards offered are those of the channel picked
    (every one for all channels), the call scorecard first.
    """
    today = date.today()
    with db_session() as session:
        default = default_filter(session=session, viewer=viewer, today=today)
        agents = [] if viewer.role == Role.AGENT else list_agents(session=session, viewer=viewer)
        teams = list_teams(session=session)
    if viewer.role == Role.LEAD:
        teams = [team for team in teams if team.id == viewer.team_id]

    # The date range needs the widest box to show both dates.
    widths = [1.1, 1.1, 1.6, 1.0, 0.9] if viewer.role != Role.AGENT else [2, 1, 1]
    columns = st.columns(widths)
    team_id = agent_id = None
    if viewer.role != Role.AGENT:
        team_names = {team.id: team.name for team in teams}
        team_id = columns[0].selectbox(
            "Team",
            [None, *team_names] if viewer.role != Role.LEAD else list(team_names),
            format_func=lambda tid: team_names.get(tid, "All teams"),
            key=f"{key}_team",
        )
        choices = {a.id: a.name for a in agents if team_id is None or a.team_id == team_id}
        agent_id = columns[1].selectbox(
            "Agent",
            [None, *choices],
            format_func=lambda aid: choices.get(aid, "All agents"),
            key=f"{key}_agent",
        )
    start, end = date_range(columns[-3], default.start, default.end, key=f"{key}_dates")
    channel = columns[-2].selectbox(
        "Channel",
        [None, *Channel],
        format_func=lambda c: "All channels" if c is None else channel_label(c),
        key=f"{key}_channel",
    )
    scorecards = _scorecards(channel)
    scorecard = columns[-1].selectbox("Scorecard", scorecards, key=f"{key}_scorecard")
    return DashboardFilter(
        team_id=team_id,
        agent_id=agent_id,
        start=start,
        end=end,
        scorecard=scorecard,
        channel=channel,
    )


@st.cache_data(show_spinner=False)
def _scorecards(channel: Channel | None) -> list[str]:
    """The scorecards that judge `channel` (every one for None), the call scorecard first."""
    return sorted(available_scorecards(channel), key=lambda name: name != DEFAULT_SCORECARD)


def scored_noun(filters: DashboardFilter) -> str:
    """What a dashboard's scored items are called: "calls", or "conversations" when the
    filter's channel or scorecard is a written one."""
    if filters.channel is not None:
        return "calls" if filters.channel == Channel.CALL else "conversations"
    calls_only = filters.scorecard is None or filters.scorecard in _scorecards(Channel.CALL)
    return "calls" if calls_only else "conversations"


def date_range(box, first: date, last: date, *, key: str) -> tuple[date, date]:
    """A "Dates" range picker in `box`, starting at first-last; while only one end is picked
    (the picker's first click) that day is both ends, and an emptied picker means first-last."""
    picked = box.date_input("Dates", value=(first, last), format="YYYY-MM-DD", key=key)
    if isinstance(picked, Sequence) and picked:
        return picked[0], picked[-1]
    return first, last


def csv_bytes(rows: Sequence[Mapping[str, object]]) -> bytes:
    """The rows as CSV (UTF-8 with a byte-order mark, so spreadsheet apps read accents)."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def download_table(
    rows: Sequence[Mapping[str, object]], *, name: str, key: str, show: bool = False
) -> None:
    """A "Download CSV" button for a dashboard's table (`name`.csv); with `show`, the table too,
    folded under the chart."""
    if show:
        with st.expander("Table"):
            st.dataframe(list(rows), hide_index=True)
    st.download_button(
        "Download CSV",
        data=csv_bytes(rows),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
        disabled=not rows,
    )
