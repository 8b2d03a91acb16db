"""The calls list: one row per call the viewer may see, with its official score and where it
stands, filtered, sorted and paged in SQL so it stays quick with tens of thousands of calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, case, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.calls import calls_scope
from core.clock import as_utc
from core.errors import InvalidInput
from core.models import (
    Call,
    CallStatus,
    Channel,
    CriterionScore,
    Dispute,
    DisputeStatus,
    Evaluation,
    EvaluationSource,
    User,
)

__all__ = ["CallListFilter", "CallRow", "CallSort", "CallState", "MAX_PAGE", "list_call_rows"]

MAX_PAGE = 500


class CallState(StrEnum):
    """Where a call stands, the first that holds in this order."""

    FAILED = "failed import"
    IMPORTING = "importing"
    DISPUTED = "disputed"  # an agent's dispute on it is open
    REVIEWED = "reviewed"  # a person scored it
    NEEDS_REVIEW = "needs review"  # auto-QA asked for a person
    SCORED = "scored"  # auto-QA only


class CallSort(StrEnum):
    NEWEST = "newest first"
    OLDEST = "oldest first"
    LOWEST_SCORE = "lowest score first"
    HIGHEST_SCORE = "highest score first"
    LONGEST = "longest first"
    AGENT = "agent A-Z"


# What the list is narrowed to; every field is optional. Dates are inclusive, UTC days.
@dataclass(frozen=True)
class CallListFilter:
    team_id: int | None = None
    agent_id: int | None = None
    start: date | None = None
    end: date | None = None
    states: frozenset[CallState] = frozenset()  # empty: every state
    channels: frozenset[Channel] = frozenset()  # empty: calls and written conversations alike
    failed_criterion: str | None = None  # the official evaluation failed this criterion
    min_score: float | None = None
    max_score: float | None = None


# One call as the list shows it.
@dataclass(frozen=True)
class CallRow:
    call_id: int
    agent: str
    when: datetime
    seconds: float | None
    score: float | None  # the official evaluation's: the newest human one, else auto-QA's
    auto_fail: bool
    state: CallState
    csat: int | None
    practice: bool
    error: str | None  # why a failed import failed
    channel: Channel = Channel.CALL


def _newest(source: EvaluationSource):
    return (
        select(Evaluation.call_id, func.max(Evaluation.id).label("evaluation_id"))
        .where(Evaluation.source == source)
        .group_by(col(Evaluation.call_id))
        .subquery()
    )


@audit_refusals
def list_call_rows(
    *,
    session: Session,
    viewer: User,
    filters: CallListFilter = CallListFilter(),
    sort: CallSort = CallSort.NEWEST,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[CallRow], int]:
    """A page of the calls the viewer may see that pass `filters`, in `sort` order, and how
    many calls pass in all.

    Raises:
        InvalidInput: a page size outside 1 to MAX_PAGE, a negative offset, or a score range
            whose low end is above its high end.
    """
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"Pages hold 1 to {MAX_PAGE} calls, from call 0 on.")
    low, high = filters.min_score, filters.max_score
    if low is not None and high is not None and low > high:
        raise InvalidInput(f"The lowest score ({low:g}) is above the highest ({high:g}).")
    human, auto = _newest(EvaluationSource.HUMAN), _newest(EvaluationSource.AUTO)
    official = aliased(Evaluation)
    official_id = func.coalesce(human.c.evaluation_id, auto.c.evaluation_id)
    disputed = exists().where(
        col(Dispute.call_id) == col(Call.id), col(Dispute.status) == DisputeStatus.OPEN
    )
    state = case(
        (col(Call.status) == CallStatus.FAILED, CallState.FAILED.value),
        (col(Call.status) != CallStatus.DONE, CallState.IMPORTING.value),
        (disputed, CallState.DISPUTED.value),
        (human.c.evaluation_id.is_not(None), CallState.REVIEWED.value),
        (col(official.needs_review).is_(True), CallState.NEEDS_REVIEW.value),
        else_=CallState.SCORED.value,
    ).label("state")
    when = func.coalesce(col(Call.started_at), col(Call.created_at))
    query = (
        select(Call, User.name, official.score, official.auto_fail, state)
        .outerjoin(User, col(User.id) == col(Call.agent_id))
        .outerjoin(human, human.c.call_id == col(Call.id))
        .outerjoin(auto, auto.c.call_id == col(Call.id))
        .outerjoin(official, col(official.id) == official_id)
        .where(calls_scope(viewer), *_conditions(filters, when, official, official_id))
    )
    if filters.states:
        query = query.where(state.in_([s.value for s in filters.states]))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = {
        CallSort.NEWEST: (when.desc(),),
        CallSort.OLDEST: (when.asc(),),
        CallSort.LOWEST_SCORE: (col(official.score).is_(None), col(official.score).asc()),
        CallSort.HIGHEST_SCORE: (col(official.score).is_(None), col(official.score).desc()),
        CallSort.LONGEST: (col(Call.duration).is_(None), col(Call.duration).desc()),
        CallSort.AGENT: (col(User.name).is_(None), col(User.name).asc()),
    }[CallSort(sort)]
    page = session.exec(query.order_by(*order, col(Call.id).desc()).offset(offset).limit(limit))
    rows = [
        CallRow(
            call_id=call.id,
            agent=name or "Unassigned",
            when=as_utc(call.started_at or call.created_at),
            seconds=call.duration,
            score=score,
            auto_fail=bool(auto_fail),
            state=CallState(row_state),
            csat=call.csat,
            practice=call.practice,
            error=call.error if row_state == CallState.FAILED else None,
            channel=Channel(call.channel),
        )
        for call, name, score, auto_fail, row_state in page
    ]
    return rows, total


def _conditions(
    filters: CallListFilter, when: ColumnElement, official, official_id: ColumnElement
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.agent_id is not None:
        conditions.append(col(Call.agent_id) == filters.agent_id)
    if filters.team_id is not None:
        team = select(User.id).where(User.team_id == filters.team_id)
        conditions.append(col(Call.agent_id).in_(team))
    if filters.start is not None:
        conditions.append(when >= datetime.combine(filters.start, time(), tzinfo=UTC))
    if filters.end is not None:
        after = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UTC)
        conditions.append(when < after)
    if filters.channels:
        conditions.append(col(Call.channel).in_([str(c) for c in filters.channels]))
    if filters.min_score is not None:
        conditions.append(col(official.score) >= filters.min_score)
    if filters.max_score is not None:
        conditions.append(col(official.score) <= filters.max_score)
    if filters.failed_criterion is not None:
        conditions.append(
            exists().where(
                and_(
                    col(CriterionScore.evaluation_id) == official_id,
                    col(CriterionScore.criterion_id) == filters.failed_criterion,
                    col(CriterionScore.result) == "fail",
                )
            )
        )
    return conditions
