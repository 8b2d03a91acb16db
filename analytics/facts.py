"""The scored calls a dashboard reads, in the viewer's scope and the dashboard's filters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.calls import calls_scope, counted_calls
from core.models import (
    Call,
    CallStatus,
    Channel,
    CriterionScore,
    Evaluation,
    EvaluationSource,
    Role,
    User,
)

__all__ = [
    "CallFacts",
    "DashboardFilter",
    "call_date_range",
    "call_facts",
    "day_bounds",
    "default_filter",
    "filter_condition",
    "scoped_filter",
    "week_start",
]


# What a dashboard is narrowed to: a team, an agent, a date range (inclusive), a scorecard and a
# channel (calls, chat, email or social).
@dataclass(frozen=True)
class DashboardFilter:
    team_id: int | None = None
    agent_id: int | None = None
    start: date | None = None
    """First day included (UTC), or from the first call."""
    end: date | None = None
    """Last day included (UTC), or up to the newest call."""
    scorecard: str | None = None
    """Only evaluations on this scorecard, or every scorecard."""
    channel: Channel | None = None
    """Only conversations in this channel, or every channel."""


# One scored call with its official evaluation (the newest human one, else the newest auto-QA).
@dataclass(frozen=True)
class CallFacts:
    call_id: int
    agent_id: int | None
    agent_name: str
    team_id: int | None
    when: datetime
    """When the call started (or was imported, when the start is unknown), UTC."""
    scorecard: str
    score: float
    auto_fail: bool
    reviewed: bool
    """The official evaluation is a person's (a review or an accepted dispute)."""
    channel: Channel = Channel.CALL
    results: Mapping[str, str] = field(default_factory=dict)
    """Criterion id -> "pass", "fail" or "na"."""
    csat: int | None = None
    metrics: Mapping | None = None
    """Speech metrics as `qa.metrics.CallMetrics.to_dict()`."""


def week_start(moment: datetime | date) -> date:
    """The Monday of the (ISO, UTC) week `moment` falls in."""
    day = moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def scoped_filter(viewer: User, filters: DashboardFilter) -> DashboardFilter:
    """`filters` as the viewer may use them: an agent always sees only their own slice."""
    if viewer.role == Role.AGENT:
        return replace(filters, team_id=None, agent_id=viewer.id)
    return filters


def day_bounds(filters: DashboardFilter) -> tuple[datetime | None, datetime | None]:
    """The filter's date range as UTC instants: the start of its first day and the start of
    the day after its last (None where the range is open)."""
    start = None if filters.start is None else datetime.combine(filters.start, time.min, UTC)
    end = filters.end
    after_end = None if end is None else datetime.combine(end + timedelta(days=1), time.min, UTC)
    return start, after_end


def _when() -> ColumnElement:
    return func.coalesce(col(Call.started_at), col(Call.created_at))


def filter_condition(viewer: User, filters: DashboardFilter) -> ColumnElement[bool]:
    """The SQL condition on `Call` (joined with its agent's `User` row when a team is asked for)
    selecting the calls in the viewer's scope that pass the filters; practice calls never."""
    filters = scoped_filter(viewer, filters)
    conditions = [calls_scope(viewer), counted_calls()]
    if filters.agent_id is not None:
        conditions.append(Call.agent_id == filters.agent_id)
    if filters.channel is not None:
        conditions.append(Call.channel == filters.channel)
    if filters.team_id is not None:
        team_agents = select(User.id).where(User.team_id == filters.team_id)
        conditions.append(col(Call.agent_id).in_(team_agents))
    start, after_end = day_bounds(filters)
    if start is not None:
        conditions.append(_when() >= start)
    if after_end is not None:
        conditions.append(_when() < after_end)
    return and_(*conditions)


@audit_refusals
def call_facts(*, session: Session, viewer: User, filters: DashboardFilter) -> list[CallFacts]:
    """The scored calls the viewer may see that pass `filters`, oldest first, each with its
    official evaluation and per-criterion results. Agents get only their own calls, whatever
    the filter says (`filter_condition` scopes it)."""
    query = (
        select(Call, Evaluation, User.name, User.team_id)
        .join(Evaluation, col(Evaluation.call_id) == col(Call.id))
        .outerjoin(User, col(User.id) == col(Call.agent_id))
        .where(filter_condition(viewer, filters), Call.status == CallStatus.DONE)
        .order_by(col(Evaluation.id))
    )
    if filters.scorecard is not None:
        query = query.where(Evaluation.scorecard == filters.scorecard)
    official: dict[int, tuple[Call, Evaluation, str | None, int | None]] = {}
    for call, evaluation, name, team_id in session.exec(query):
        known = official.get(call.id)
        # Later ids are newer; a human evaluation outranks every auto-QA one.
        if known is None or not (
            known[1].source == EvaluationSource.HUMAN and evaluation.source == EvaluationSource.AUTO
        ):
            official[call.id] = (call, evaluation, name, team_id)
    results: dict[int, dict[str, str]] = defaultdict(dict)
    ids = [evaluation.id for _, evaluation, _, _ in official.values()]
    for start in range(0, len(ids), 500):  # keep the IN list small for every backend
        rows = session.exec(
            select(
                CriterionScore.evaluation_id, CriterionScore.criterion_id, CriterionScore.result
            ).where(col(CriterionScore.evaluation_id).in_(ids[start : start + 500]))
        )
        for evaluation_id, criterion_id, result in rows:
            results[evaluation_id][criterion_id] = result
    facts = [
        CallFacts(
            call_id=call.id,
            agent_id=call.agent_id,
            agent_name=name or "Unassigned",
            team_id=team_id,
            when=(call.started_at or call.created_at).astimezone(UTC),
            scorecard=evaluation.scorecard,
            score=evaluation.score,
            auto_fail=evaluation.auto_fail,
            channel=call.channel,
            reviewed=evaluation.source == EvaluationSource.HUMAN,
            results=results[evaluation.id],
            csat=call.csat,
            metrics=call.metrics,
        )
        for call, evaluation, name, team_id in official.values()
    ]
    return sorted(facts, key=lambda f: (f.when, f.call_id))


@audit_refusals
def call_date_range(*, session: Session, viewer: User) -> tuple[date, date] | None:
    """The first and last day (UTC) of the calls the viewer may see, or None without calls:
    the dashboards' default date range."""
    low, high = session.exec(
        select(func.min(_when()), func.max(_when())).where(calls_scope(viewer))
    ).one()
    if low is None:
        return None
    as_utc = [moment if moment.tzinfo else moment.replace(tzinfo=UTC) for moment in (low, high)]
    return as_utc[0].astimezone(UTC).date(), as_utc[1].astimezone(UTC).date()


@audit_refusals
def default_filter(
    *, session: Session, viewer: User, today: date, scorecard: str | None = "default"
) -> DashboardFilter:
    """What the dashboards show before anything is picked: the viewer's team (a lead's) and
    every day from their first call to today, so lessons and reviews since the newest call
    count too."""
    span = call_date_range(session=session, viewer=viewer)
    first = span[0] if span else today
    last = max(span[1], today) if span else today
    team_id = viewer.team_id if viewer.role == Role.LEAD else None
    return DashboardFilter(team_id=team_id, start=first, end=last, scorecard=scorecard)
