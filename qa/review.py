"""The reviewer workflow: which calls get a human review, and a reviewer's verdict on one."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import calls_scope, counted_calls, get_call
from core.errors import InvalidInput
from core.models import (
    Call,
    CallStatus,
    Evaluation,
    EvaluationSource,
    ReviewAssignment,
    Role,
    User,
)
from core.people import require_role
from qa.evaluations import (
    ReviewDecision,
    add_human_evaluation,
    criterion_scores,
    latest_auto_evaluation,
    reviewed_calls,
)
from qa.scorecard import Scorecard

__all__ = [
    "QueueItem",
    "QueueView",
    "ReviewDecision",
    "in_random_sample",
    "review_queue",
    "submit_review",
]

_REVIEWERS = (Role.REVIEWER, Role.LEAD, Role.ADMIN)


# A call waiting for a human review, with its auto-QA evaluation, why it was picked and whom a
# lead gave it to (None: the shared pool).
@dataclass(frozen=True)
class QueueItem:
    call: Call
    evaluation: Evaluation
    reasons: tuple[str, ...]
    reviewer_id: int | None = None


# Which part of the queue a reviewer works through.
class QueueView(StrEnum):
    MINE = "mine"  # the calls a lead gave the viewer, then the shared pool
    ASSIGNED_TO_ME = "assigned"  # only the calls a lead gave the viewer
    UNASSIGNED = "unassigned"  # the shared pool
    EVERYONE = "everyone"  # every queued call, whoever has it


def in_random_sample(call_id: int, share: float) -> bool:
    """Whether a call falls in the random review share; stable for a call across runs."""
    digest = hashlib.sha256(f"callcoach-review-sample:{call_id}".encode()).hexdigest()
    return int(digest[:8], 16) / 0xFFFFFFFF < share


@audit_refusals
def review_queue(
    *,
    session: Session,
    viewer: User,
    random_share: float,
    agent_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    view: QueueView = QueueView.EVERYONE,
) -> list[QueueItem]:
    """Scored calls in the viewer's scope with no human review yet, picked by the sampling
    rule: every auto-failed call, every low-confidence one, and a random share of the rest.
    Newest first; in `QueueView.MINE` the calls assigned to the viewer come first.

    Raises:
        NotAllowed: the viewer is not a reviewer, lead or admin.
    """
    require_role(viewer, *_REVIEWERS)
    query = (
        select(Call, Evaluation, ReviewAssignment.reviewer_id)
        .join(Evaluation, col(Evaluation.call_id) == col(Call.id))
        .outerjoin(ReviewAssignment, col(ReviewAssignment.call_id) == col(Call.id))
        .where(calls_scope(viewer), Call.status == CallStatus.DONE)
        .where(counted_calls())  # a practice call is no one's quality
        .where(col(Call.id).not_in(reviewed_calls()))
        .where(Evaluation.source == EvaluationSource.AUTO)
        .order_by(col(Call.started_at).desc(), col(Evaluation.id).desc())
    )
    if agent_id is not None:
        query = query.where(Call.agent_id == agent_id)
    if since is not None:
        query = query.where(col(Call.started_at) >= since)
    if until is not None:
        query = query.where(col(Call.started_at) < until)
    assignee = col(ReviewAssignment.reviewer_id)
    if view == QueueView.MINE:
        query = query.where(or_(assignee == viewer.id, assignee.is_(None)))
    elif view == QueueView.ASSIGNED_TO_ME:
        query = query.where(assignee == viewer.id)
    elif view == QueueView.UNASSIGNED:
        query = query.where(assignee.is_(None))
    items: dict[int, QueueItem] = {}
    for call, evaluation, reviewer_id in session.exec(query):
        if call.id in items:
            continue  # an older auto-QA run of the same call
        reasons = tuple(
            reason
            for reason, applies in (
                ("auto-failed", evaluation.auto_fail),
                ("low confidence", evaluation.needs_review),
                ("random sample", in_random_sample(call.id, random_share)),
            )
            if applies
        )
        if reasons:
            items[call.id] = QueueItem(call, evaluation, reasons, reviewer_id)
    queue = list(items.values())
    if view == QueueView.MINE:
        queue.sort(key=lambda item: item.reviewer_id is None)  # stable: newest first within
    return queue


@audit_refusals
def submit_review(
    *,
    session: Session,
    reviewer: User,
    call_id: int,
    decisions: Sequence[ReviewDecision],
    scorecard: Scorecard,
    now: datetime,
    on_evaluated: Callable[[Session, Evaluation, datetime], object] | None = None,
) -> Evaluation:
    """Store a reviewer's evaluation of a call; it becomes the call's official score, the
    auto-QA one is kept. Audited with the overridden criteria.

    `on_evaluated` runs with the new evaluation before it is committed (e.g. lesson
    assignments for the criteria the reviewer failed).

    Raises:
        NotAllowed: the reviewer's role or scope does not cover this call.
        NotFound: no such call.
        InvalidInput: the call has no auto-QA evaluation yet, it was already reviewed (by
            someone else a moment ago, say), or a criterion is missing or unknown.
    """
    require_role(reviewer, *_REVIEWERS)
    get_call(session=session, viewer=reviewer, call_id=call_id)
    # Two reviewers may open the same queued call; the first review counts. A no-op write to
    # the call takes the write lock first (PostgreSQL: the row; SQLite: the database, where a
    # SELECT takes none), so the second waits for the first's commit and then sees its review.
    session.execute(update(Call).where(col(Call.id) == call_id).values(id=Call.id))
    earlier = session.exec(
        select(Evaluation)
        .where(Evaluation.call_id == call_id, Evaluation.source == EvaluationSource.HUMAN)
        .limit(1)
    ).first()
    if earlier is not None:
        who = session.get(User, earlier.reviewer_id) if earlier.reviewer_id else None
        raise InvalidInput(
            f"Call #{call_id} was already reviewed"
            + (f" by {who.name}" if who else "")
            + "; its official score stands and yours was not saved."
        )
    auto = latest_auto_evaluation(session=session, call_id=call_id)
    if auto is None:
        raise InvalidInput("This call has not been scored yet, so there is nothing to review.")
    known = {s.criterion_id for s in criterion_scores(session=session, evaluation=auto)}
    decided = {d.criterion_id: d for d in decisions}
    if unknown := sorted(set(decided) - known):
        raise InvalidInput(f"Unknown criteria: {', '.join(unknown)}")
    if missing := sorted(known - set(decided)):
        raise InvalidInput(f"Decide every criterion; missing: {', '.join(missing)}")
    human, overridden = add_human_evaluation(
        session=session,
        reviewer=reviewer,
        base=auto,
        decisions=decided,
        scorecard=scorecard,
        now=now,
    )
    record_event(
        session=session,
        actor=reviewer,
        action="review",
        entity="call",
        entity_id=call_id,
        now=now,
        before={"score": auto.score, "source": "auto"},
        after={"score": human.score, "source": "human", "overridden": overridden},
    )
    if on_evaluated is not None:
        on_evaluated(session, human, now)
    session.commit()
    return human
