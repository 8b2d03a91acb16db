"""Lesson assignments: from an evaluation's failed criteria (automatic) or a lead's hand."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from core.access import audit_refusals
from core.audit import record_event
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import (
    Assignment,
    AssignmentSource,
    Call,
    Channel,
    CriterionScore,
    Evaluation,
    LessonAttempt,
    Role,
    User,
)
from core.people import require_role
from qa.scorecard import ScorecardError, load_scorecard
from training.lesson_index import LessonIndex
from training.lessons import Lesson
from training.matcher import LessonRecommendation, MatchOptions, WeakSpot, recommend_lessons

__all__ = [
    "AUTO_DUE_DAYS",
    "AssignmentItem",
    "AssignmentState",
    "AutoAssigner",
    "CallMoment",
    "CriterionFocus",
    "Recommender",
    "assign_from_evaluation",
    "assign_lesson",
    "assignment_moment",
    "assignment_state",
    "list_assignments",
    "open_assignment_count",
    "recently_completed",
]

AUTO_DUE_DAYS = 7  # an automatic assignment is due a week after the call was scored
LESSONS_PER_EVALUATION = 3  # an agent gets a short list, not one lesson per failed criterion


# What a failed criterion asks of the agent, for the lesson search: from the scorecard.
class CriterionFocus(NamedTuple):
    title: str
    description: str
    skills: tuple[str, ...]


# Lessons for weak spots, skipping the given lesson ids: `training.matcher.recommend_lessons` bound
# to the lesson index (see `ui.lessons` and `demo`).
Recommender = Callable[[Sequence[WeakSpot], Collection[str]], list[LessonRecommendation]]


class AssignmentState(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"


def assignment_state(assignment: Assignment, *, now: datetime) -> AssignmentState:
    """Completed once done; else overdue past its due date; else in progress once started."""
    if assignment.completed_at is not None:
        return AssignmentState.COMPLETED
    if assignment.due_at < now:
        return AssignmentState.OVERDUE
    if assignment.started_at is not None:
        return AssignmentState.IN_PROGRESS
    return AssignmentState.ASSIGNED


def _open(session: Session, agent_id: int, lesson_id: str) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.agent_id == agent_id,
        Assignment.lesson_id == lesson_id,
        col(Assignment.completed_at).is_(None),
    )
    return session.exec(query).first()


def recently_completed(*, session: Session, agent_id: int, now: datetime, days: int) -> set[str]:
    """Ids of the lessons the agent completed in the last `days` days (not recommended again)."""
    query = select(LessonAttempt.lesson_id).where(
        LessonAttempt.agent_id == agent_id,
        col(LessonAttempt.completed_at) >= now - timedelta(days=days),
    )
    return set(session.exec(query))


def _add(session: Session, assignment: Assignment) -> bool:
    """Insert unless the agent already has this lesson open; the partial unique index settles
    a race between two writers."""
    if _open(session, assignment.agent_id, assignment.lesson_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(assignment)
            session.flush()
    except IntegrityError:
        return False
    return True


def assign_from_evaluation(
    *,
    session: Session,
    evaluation: Evaluation,
    criteria: Mapping[str, CriterionFocus],
    recommend: Recommender,
    now: datetime,
    repeat_after_days: int,
) -> list[Assignment]:
    """Assign the agent of an evaluated call lessons for its failed criteria (no duplicates of
    open assignments, nothing completed in the last `repeat_after_days` days). The caller
    commits.

    Args:
        criteria: per criterion id, what it asks and the catalogue skills a failure points
            to (from the evaluation's scorecard).
        recommend: finds lessons for weak spots.
    """
    call = session.get(Call, evaluation.call_id)
    if call is None or call.agent_id is None:
        return []
    failed = session.exec(
        select(CriterionScore).where(
            CriterionScore.evaluation_id == evaluation.id, CriterionScore.result == "fail"
        )
    ).all()
    written = call.channel != Channel.CALL
    # A written conversation's weak spot says so, so the search favours lessons on writing.
    setting = f"In a written {call.channel} conversation with a customer:" if written else ""
    spots = []
    for score in failed:
        focus = criteria.get(score.criterion_id, CriterionFocus(score.criterion_id, "", ()))
        said = " ".join(e.get("text", "") for e in score.evidence[:2])
        spots.append(
            WeakSpot(
                # What was expected and what went wrong; the criterion's wording carries the
                # search, the call's own lines only add to it.
                text=" ".join(
                    filter(None, [setting, focus.title, focus.description, score.reason])
                ),
                skills=focus.skills,
                source=f"criterion:{score.criterion_id}",
                evidence=said,
            )
        )
    if not spots:
        return []
    skip = recently_completed(
        session=session, agent_id=call.agent_id, now=now, days=repeat_after_days
    )
    when = (call.started_at or now).strftime("%d %b")
    titles = {cid: focus.title for cid, focus in criteria.items()}
    made = []
    for rec in recommend(spots, skip)[:LESSONS_PER_EVALUATION]:
        criterion_id = rec.source.removeprefix("criterion:")
        assignment = Assignment(
            agent_id=call.agent_id,
            lesson_id=rec.lesson_id,
            source=AssignmentSource.AUTO,
            reason=f"{titles.get(criterion_id, criterion_id)} failed on "
            f"{call.channel if written else 'call'} #{call.id} ({when})",
            evaluation_id=evaluation.id,
            criterion_id=criterion_id,
            created_at=now,
            due_at=now + timedelta(days=AUTO_DUE_DAYS),
        )
        if _add(session, assignment):
            made.append(assignment)
    return made


@audit_refusals
def assign_lesson(
    *,
    session: Session,
    lead: User,
    agent_id: int,
    lesson_id: str,
    due_at: datetime,
    known_lessons: Collection[str],
    now: datetime,
    reason: str | None = None,
) -> Assignment:
    """A lead (their team's agents) or admin assigns a lesson by hand. Audited.

    Raises:
        NotAllowed: not a lead or admin, or the agent is in another team.
        NotFound: no such agent.
        InvalidInput: unknown lesson, a due date in the past, or the lesson is already open
            for this agent.
    """
    require_role(lead, Role.LEAD, Role.ADMIN)
    agent = session.get(User, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent #{agent_id}.")
    if lead.role == Role.LEAD and agent.team_id != lead.team_id:
        raise NotAllowed(f"{agent.name} is not in your team.")
    if lesson_id not in known_lessons:
        raise InvalidInput(f"There is no lesson {lesson_id!r}.")
    if due_at <= now:
        raise InvalidInput("Pick a due date in the future.")
    if existing := _open(session, agent_id, lesson_id):
        raise InvalidInput(
            f"{agent.name} already has this lesson open, due {existing.due_at:%d %b}."
        )
    assignment = Assignment(
        agent_id=agent_id,
        lesson_id=lesson_id,
        source=AssignmentSource.LEAD,
        assigned_by_id=lead.id,
        reason=(reason or "").strip()[:300] or f"Assigned by {lead.name}",
        created_at=now,
        due_at=due_at,
    )
    if not _add(session, assignment):
        raise InvalidInput(f"{agent.name} already has this lesson open.")
    record_event(
        session=session,
        actor=lead,
        action="assign",
        entity="assignment",
        entity_id=assignment.id,
        now=now,
        after={"agent": agent_id, "lesson": lesson_id, "due": due_at.isoformat()},
    )
    session.commit()
    return assignment


# An assignment with what a list shows about it.
@dataclass(frozen=True)
class AssignmentItem:
    assignment: Assignment
    agent_name: str
    state: AssignmentState


@audit_refusals
def list_assignments(
    *, session: Session, viewer: User, now: datetime, agent_id: int | None = None
) -> list[AssignmentItem]:
    """Assignments the viewer may see (an agent their own, a lead their team's, reviewers and
    admins all), open ones first by due date, then completed ones newest first."""
    query = select(Assignment, User.name).join(User, col(User.id) == col(Assignment.agent_id))
    if not viewer.active:
        return []
    if viewer.role == Role.AGENT:
        query = query.where(Assignment.agent_id == viewer.id)
    elif viewer.role == Role.LEAD:
        query = query.where(User.team_id == viewer.team_id)
    if agent_id is not None:
        query = query.where(Assignment.agent_id == agent_id)
    rows = [
        AssignmentItem(a, name, assignment_state(a, now=now)) for a, name in session.exec(query)
    ]
    done = [r for r in rows if r.state == AssignmentState.COMPLETED]
    todo = [r for r in rows if r.state != AssignmentState.COMPLETED]
    todo.sort(key=lambda r: (r.assignment.due_at, r.assignment.id))
    done.sort(key=lambda r: r.assignment.completed_at, reverse=True)
    return todo + done


# The moment of a call that led to a lesson being assigned: where the failed criterion's
# evidence is (the start of the call when it has none).
@dataclass(frozen=True)
class CallMoment:
    call_id: int
    start: float
    end: float | None
    criterion_id: str
    reason: str


@audit_refusals
def assignment_moment(*, session: Session, agent: User, lesson: Lesson) -> CallMoment | None:
    """Why the agent has `lesson`: the call moment of their newest assignment of it that came
    from a failed criterion (open ones first); None when no call led to it."""
    query = (
        select(Assignment)
        .where(
            Assignment.agent_id == agent.id,
            Assignment.lesson_id == lesson.id,
            col(Assignment.evaluation_id).is_not(None),
            col(Assignment.criterion_id).is_not(None),
        )
        .order_by(col(Assignment.completed_at).is_not(None), col(Assignment.created_at).desc())
    )
    assignment = session.exec(query).first()
    if assignment is None:
        return None
    evaluation = session.get(Evaluation, assignment.evaluation_id)
    if evaluation is None:
        return None
    score = session.exec(
        select(CriterionScore).where(
            CriterionScore.evaluation_id == evaluation.id,
            CriterionScore.criterion_id == assignment.criterion_id,
        )
    ).first()
    evidence = score.evidence[0] if score is not None and score.evidence else {}
    return CallMoment(
        call_id=evaluation.call_id,
        start=float(evidence.get("start", 0.0)),
        end=float(evidence["end"]) if "end" in evidence else None,
        criterion_id=assignment.criterion_id,
        reason=assignment.reason,
    )


@audit_refusals
def open_assignment_count(*, session: Session, agent: User) -> int:
    """How many lessons the agent still has to do (the menu badge)."""
    query = select(func.count()).where(
        Assignment.agent_id == agent.id, col(Assignment.completed_at).is_(None)
    )
    return session.exec(query).one()


class AutoAssigner:
    """Assigns lessons for an evaluation's failed criteria, matched in the lesson index; an
    ingest `on_evaluated` hook (the caller commits).

    Args:
        index: the lesson index (`training.lesson_index.open_lesson_index`).
        repeat_after_days: lessons completed this recently are not assigned again (setting
            LESSON_REPEAT_AFTER_DAYS).
    """

    def __init__(self, index: LessonIndex, *, repeat_after_days: int) -> None:
        self.index = index
        self.repeat_after_days = repeat_after_days
        self._criteria: dict[str, dict[str, CriterionFocus]] = {}

    def _criteria_of(self, scorecard: str) -> dict[str, CriterionFocus]:
        if scorecard not in self._criteria:
            try:
                criteria = load_scorecard(scorecard).criteria
            except ScorecardError:
                criteria = ()  # an evaluation from a removed scorecard: match on wording only
            self._criteria[scorecard] = {
                c.id: CriterionFocus(c.title, c.description, tuple(c.skills)) for c in criteria
            }
        return self._criteria[scorecard]

    def recommend(
        self, spots: Sequence[WeakSpot], skip: Collection[str]
    ) -> list[LessonRecommendation]:
        options = MatchOptions(per_weak_spot=1, limit=LESSONS_PER_EVALUATION)
        return recommend_lessons(spots, index=self.index, recently_completed=skip, options=options)

    def __call__(self, session: Session, evaluation: Evaluation, now: datetime) -> list[Assignment]:
        return assign_from_evaluation(
            session=session,
            evaluation=evaluation,
            criteria=self._criteria_of(evaluation.scorecard),
            recommend=self.recommend,
            now=now,
            repeat_after_days=self.repeat_after_days,
        )
