"""Learning per agent over a dashboard's filters: assignments done and overdue, streaks, mastery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from analytics.facts import DashboardFilter, day_bounds, scoped_filter
from core.access import audit_refusals
from core.models import Assignment, User
from core.people import list_agents
from training.reviews import learning_activity, skill_mastery
from training.streaks import learning_streak

__all__ = [
    "AgentLearning",
    "LearningTotals",
    "agent_learning",
]


# One agent's learning: the assignments made in the date range and what became of them (as of
# now), their streak and their mastery per skill.
@dataclass(frozen=True)
class AgentLearning:
    agent_id: int
    agent_name: str
    team_id: int | None
    assigned: int
    """Assignments made in the date range."""
    completed: int
    """Of those, the ones completed (whenever that was)."""
    overdue: int
    """Of those, the ones not completed and past their due date."""
    current_streak: int
    """Days in a row with a lesson or review, ending today or yesterday (agent's time zone)."""
    best_streak: int
    mastery: Mapping[str, float] = field(default_factory=dict)
    """Skill id -> mean recall probability of the agent's cards for it, now (skills with no
    cards are left out)."""
    lessons_done_for: Mapping[str, datetime] = field(default_factory=dict)
    """Criterion id -> when the agent first completed a lesson assigned for it (after a failed
    call), whatever the date range: a completion before it still splits the calls in it into
    before and after."""

    @property
    def open(self) -> int:
        """Assignments still to do and not yet overdue."""
        return self.assigned - self.completed - self.overdue

    @property
    def completion_rate(self) -> float | None:
        """Completed / assigned (0-1), None with nothing assigned."""
        return self.completed / self.assigned if self.assigned else None

    def row(self) -> dict[str, object]:
        """The agent's lessons and streak as a table row (CSV export)."""
        rate = self.completion_rate
        return {
            "agent": self.agent_name,
            "assigned": self.assigned,
            "completed": self.completed,
            "open": self.open,
            "overdue": self.overdue,
            "completion rate": None if rate is None else round(rate, 3),
            "current streak": self.current_streak,
            "best streak": self.best_streak,
        }

    def mastery_rows(self) -> list[dict[str, object]]:
        """One table row per skill the agent has cards for (CSV export)."""
        return [
            {"agent": self.agent_name, "skill": skill, "mastery": round(p, 3)}
            for skill, p in sorted(self.mastery.items())
        ]


# The agents' learning added up: the team figure a dashboard (or a target) compares with.
@dataclass(frozen=True)
class LearningTotals:
    agents: int
    assigned: int
    completed: int
    overdue: int
    best_current_streak: int
    """The longest current streak among the agents."""

    @classmethod
    def of(cls, rows: Sequence[AgentLearning]) -> LearningTotals:
        return cls(
            agents=len(rows),
            assigned=sum(r.assigned for r in rows),
            completed=sum(r.completed for r in rows),
            overdue=sum(r.overdue for r in rows),
            best_current_streak=max((r.current_streak for r in rows), default=0),
        )

    @property
    def open(self) -> int:
        return self.assigned - self.completed - self.overdue

    @property
    def completion_rate(self) -> float | None:
        """Completed / assigned over every agent (0-1), None with nothing assigned."""
        return self.completed / self.assigned if self.assigned else None


def _agents(session: Session, viewer: User, filters: DashboardFilter) -> list[User]:
    """The active agents in the viewer's scope that pass the team and agent filters."""
    filters = scoped_filter(viewer, filters)
    return [
        agent
        for agent in list_agents(session=session, viewer=viewer)
        if (filters.team_id is None or agent.team_id == filters.team_id)
        and (filters.agent_id is None or agent.id == filters.agent_id)
    ]


def _made_in_range(filters: DashboardFilter) -> list[ColumnElement[bool]]:
    """Conditions on `Assignment` for the filter's date range (whole UTC days, inclusive)."""
    start, after_end = day_bounds(filters)
    conditions = []
    if start is not None:
        conditions.append(col(Assignment.created_at) >= start)
    if after_end is not None:
        conditions.append(col(Assignment.created_at) < after_end)
    return conditions


@audit_refusals
def agent_learning(
    *,
    session: Session,
    viewer: User,
    filters: DashboardFilter,
    lesson_skills: Mapping[str, Sequence[str]],
    now: datetime,
) -> list[AgentLearning]:
    """Per agent in the viewer's scope and the filters (team, agent), by name: the assignments
    made in the date range, how many are completed and overdue now, their learning streak and
    skill mastery as of now, and when they first completed a lesson for each criterion. Agents
    see only themselves; leads their team. The scorecard filter does not apply: a lesson
    belongs to no scorecard.

    Args:
        lesson_skills: lesson id -> the skills it teaches (for mastery).
    """
    agents = _agents(session, viewer, filters)
    assignments: dict[int, list[Assignment]] = {agent.id: [] for agent in agents}
    query = select(Assignment).where(
        col(Assignment.agent_id).in_(list(assignments)), *_made_in_range(filters)
    )
    for assignment in session.exec(query):
        assignments[assignment.agent_id].append(assignment)
    done_for: dict[int, dict[str, datetime]] = {agent.id: {} for agent in agents}
    completed = (
        select(Assignment.agent_id, Assignment.criterion_id, Assignment.completed_at)
        .where(
            col(Assignment.agent_id).in_(list(assignments)),
            col(Assignment.criterion_id).is_not(None),
            col(Assignment.completed_at).is_not(None),
        )
        .order_by(col(Assignment.completed_at), col(Assignment.id))
    )
    for agent_id, criterion_id, completed_at in session.exec(completed):
        done_for[agent_id].setdefault(criterion_id, completed_at.astimezone(UTC))
    rows = []
    for agent in agents:
        mine = assignments[agent.id]
        streak = learning_streak(
            activity=learning_activity(session=session, agent=agent), now=now, tz=agent.time_zone
        )
        rows.append(
            AgentLearning(
                agent_id=agent.id,
                agent_name=agent.name,
                team_id=agent.team_id,
                assigned=len(mine),
                completed=sum(a.completed_at is not None for a in mine),
                overdue=sum(a.completed_at is None and a.due_at < now for a in mine),
                current_streak=streak.current,
                best_streak=streak.best,
                mastery=skill_mastery(
                    session=session, agent=agent, lesson_skills=lesson_skills, now=now
                ),
                lessons_done_for=done_for[agent.id],
            )
        )
    return rows
