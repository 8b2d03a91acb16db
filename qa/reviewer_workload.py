"""Who reviews what: leads hand queued calls to reviewers and set each a weekly target, and
everyone sees how far a reviewer is through their week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from core.access import audit_refusals
from core.audit import record_event
from core.calls import calls_scope, get_call
from core.errors import InvalidInput, NotAllowed
from core.models import (
    Call,
    CallStatus,
    Evaluation,
    EvaluationSource,
    ReviewAssignment,
    ReviewTarget,
    Role,
    User,
)
from core.people import list_reviewers, require_role
from core.time_zones import time_zone
from qa.evaluations import reviewed_calls

__all__ = [
    "MAX_WEEKLY_TARGET",
    "ReviewerProgress",
    "assign_reviews",
    "reviewer_progress",
    "set_weekly_target",
    "team_workload",
    "week_start",
]

# More reviews than anyone does in a week (about one a minute for a 40-hour week): a figure
# above it is a typing slip, not a target.
MAX_WEEKLY_TARGET = 2_000

_ASSIGNERS = (Role.LEAD, Role.ADMIN)
_REVIEWERS = (Role.REVIEWER, Role.LEAD, Role.ADMIN)


# How far one reviewer is through their week: reviews done since Monday, the lead's target
# (None when none is set) and the calls assigned to them still waiting.
@dataclass(frozen=True)
class ReviewerProgress:
    reviewer: User
    reviewed_this_week: int
    weekly_target: int | None
    waiting: int

    @property
    def share_done(self) -> float | None:
        """Reviews done over the target, capped at 1; None without a target."""
        if not self.weekly_target:
            return None
        return min(1.0, self.reviewed_this_week / self.weekly_target)


def week_start(now: datetime, tz: str) -> datetime:
    """Monday 00:00 of the week holding `now` in the IANA time zone `tz`, in UTC.

    Raises:
        InvalidInput: `tz` is not a time zone name.
        ValueError: `now` is naive.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"{now.isoformat()} has no time zone; pass an aware datetime")
    zone = time_zone(tz)
    local = now.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)


def _reviewer(session: Session, reviewer_id: int) -> User:
    user = session.get(User, reviewer_id)
    if user is None or not user.active or user.role not in _REVIEWERS:
        raise InvalidInput(f"User #{reviewer_id} is not an active reviewer, lead or admin.")
    return user


def _manages(manager: User, person: User) -> bool:
    """Whether `manager` may set `person`'s target and see their week: admins anyone, a lead
    the reviewers (who serve every team) and themselves."""
    if manager.role == Role.ADMIN:
        return True
    return manager.role == Role.LEAD and (person.role == Role.REVIEWER or person.id == manager.id)


@audit_refusals
def assign_reviews(
    *,
    session: Session,
    lead: User,
    call_ids: Sequence[int],
    reviewer_id: int | None,
    now: datetime,
) -> int:
    """Put calls in one reviewer's queue, or back in the shared pool with `reviewer_id` None;
    each change is audited. Returns how many calls changed hands.

    Raises:
        NotAllowed: the lead's role or scope does not cover a call.
        NotFound: no such call.
        InvalidInput: the reviewer cannot review or cannot see a call (another team's), or a
            call is already reviewed, not scored yet or a practice call. Nothing is changed
            then.
    """
    require_role(lead, *_ASSIGNERS)
    reviewer = None if reviewer_id is None else _reviewer(session, reviewer_id)
    reviewed = set(session.exec(reviewed_calls().where(col(Evaluation.call_id).in_(call_ids))))
    scored = set(
        session.exec(
            select(Evaluation.call_id).where(
                col(Evaluation.call_id).in_(call_ids), Evaluation.source == EvaluationSource.AUTO
            )
        )
    )
    # Every call is checked before any changes hands: one bad call changes nothing.
    moves = []
    for call_id in dict.fromkeys(call_ids):
        call = get_call(session=session, viewer=lead, call_id=call_id)
        if call_id in reviewed:
            raise InvalidInput(f"Call #{call_id} is already reviewed; nothing was assigned.")
        if call.practice:
            raise InvalidInput(f"Call #{call_id} is a practice call; nothing was assigned.")
        if call.status != CallStatus.DONE or call_id not in scored:
            raise InvalidInput(f"Call #{call_id} is not scored yet; nothing was assigned.")
        if (
            reviewer is not None
            and not session.exec(
                select(Call.id).where(Call.id == call_id, calls_scope(reviewer))
            ).first()
        ):
            raise InvalidInput(
                f"{reviewer.name} cannot see call #{call_id} (another team's); nothing was "
                "assigned."
            )
        current = session.get(ReviewAssignment, call_id)
        before = None if current is None else current.reviewer_id
        if before != reviewer_id:
            moves.append((call_id, current, before))
    for call_id, current, before in moves:
        if current is not None:
            session.delete(current)
        if reviewer is not None:
            session.add(
                ReviewAssignment(
                    call_id=call_id,
                    reviewer_id=reviewer.id,
                    assigned_by_id=lead.id,
                    assigned_at=now,
                )
            )
        record_event(
            session=session,
            actor=lead,
            action="assign_review",
            entity="call",
            entity_id=call_id,
            now=now,
            before={"reviewer_id": before},
            after={"reviewer_id": reviewer_id},
        )
    session.commit()
    return len(moves)


@audit_refusals
def set_weekly_target(
    *, session: Session, lead: User, reviewer_id: int, weekly: int | None, now: datetime
) -> None:
    """Set how many reviews a reviewer should do each week; None removes the target. Audited.

    Raises:
        NotAllowed: the lead is not a lead or admin, or is a lead setting another lead's or an
            admin's target.
        InvalidInput: the reviewer cannot review, or the target is below 0 or above
            `MAX_WEEKLY_TARGET`.
    """
    require_role(lead, *_ASSIGNERS)
    if not _manages(lead, _reviewer(session, reviewer_id)):
        raise NotAllowed("Leads set targets for reviewers and themselves; ask an admin.")
    if weekly is not None and not 0 <= weekly <= MAX_WEEKLY_TARGET:
        raise InvalidInput(f"A weekly target is between 0 and {MAX_WEEKLY_TARGET} reviews.")
    current = session.get(ReviewTarget, reviewer_id)
    before = None if current is None else current.weekly
    if before == weekly:
        return
    if current is not None:
        session.delete(current)
        session.flush()
    if weekly is not None:
        session.add(
            ReviewTarget(reviewer_id=reviewer_id, weekly=weekly, set_by_id=lead.id, set_at=now)
        )
    record_event(
        session=session,
        actor=lead,
        action="review_target",
        entity="user",
        entity_id=reviewer_id,
        now=now,
        before={"weekly": before},
        after={"weekly": weekly},
    )
    session.commit()


def _progress(session: Session, reviewer: User, now: datetime) -> ReviewerProgress:
    since = week_start(now, reviewer.time_zone)
    # Every evaluation a person makes is a review of a call, a queued one or a disputed one.
    done = session.exec(
        select(func.count(func.distinct(Evaluation.call_id))).where(
            Evaluation.source == EvaluationSource.HUMAN,
            Evaluation.reviewer_id == reviewer.id,
            col(Evaluation.created_at) >= since,
        )
    ).one()
    waiting = session.exec(
        select(func.count())
        .select_from(ReviewAssignment)
        .where(
            ReviewAssignment.reviewer_id == reviewer.id,
            col(ReviewAssignment.call_id).not_in(reviewed_calls()),
        )
    ).one()
    target = session.get(ReviewTarget, reviewer.id)
    return ReviewerProgress(reviewer, done, None if target is None else target.weekly, waiting)


@audit_refusals
def reviewer_progress(
    *, session: Session, viewer: User, reviewer_id: int, now: datetime
) -> ReviewerProgress:
    """One reviewer's week so far; reviewers see their own, leads and admins anyone's.

    Raises:
        NotAllowed: the viewer may not see this reviewer's progress.
        InvalidInput: the person cannot review.
    """
    require_role(viewer, *_REVIEWERS)
    person = _reviewer(session, reviewer_id)
    if viewer.id != reviewer_id and not _manages(viewer, person):
        raise NotAllowed("You can only see your own review progress.")
    return _progress(session, person, now)


@audit_refusals
def team_workload(*, session: Session, viewer: User, now: datetime) -> list[ReviewerProgress]:
    """Every active reviewer's week so far, by name, for a lead or admin to share work out.

    Raises:
        NotAllowed: the viewer is not a lead or admin.
    """
    require_role(viewer, *_ASSIGNERS)
    people = list_reviewers(session=session, viewer=viewer)
    return [_progress(session, p, now) for p in people if _manages(viewer, p)]
