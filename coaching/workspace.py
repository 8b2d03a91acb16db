"""A lead's coaching workspace for one agent: QA trend, ranked weak spots, lessons to suggest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from core.access import audit_refusals
from core.errors import NotAllowed, NotFound
from core.models import (
    Call,
    CriterionScore,
    Evaluation,
    MonitoringNote,
    NoteKind,
    Role,
    Team,
    User,
)
from core.people import require_role
from monitoring.notes import can_coach, list_notes
from qa.disputes import DisputeItem, list_disputes
from qa.evaluations import official_scores
from qa.scorecard import ScorecardError, load_scorecard
from training.assignments import (
    AssignmentItem,
    AssignmentState,
    CriterionFocus,
    Recommender,
    list_assignments,
)
from training.matcher import LessonRecommendation, WeakSpot
from training.reviews import skill_mastery

__all__ = [
    "AgentWorkspace",
    "CallMoment",
    "CoachingRecommendation",
    "RankedWeakSpot",
    "ScoredCall",
    "TrendPeriod",
    "TrendPoint",
    "WorkspaceOptions",
    "agent_workspace",
    "coached_agent",
    "criteria_of",
    "criterion_trend",
    "rank_weak_spots",
    "recommend_for_agent",
    "scored_calls",
]


@dataclass(frozen=True)
class WorkspaceOptions:
    """How the workspace weighs an agent's failures and builds lesson searches.

    Attributes:
        half_life_days: a failure's weight halves every this many days, so a criterion failed
            twice this week outranks one failed three times last month. Two weeks is about the
            time between two one-to-ones.
        window_days: a weak spot is open while the criterion failed within this many days of
            the agent's latest scored call; older failures are history, not a weak spot.
        top_weak_spots: weak spots turned into lesson searches (and drafted into an agenda);
            a lead coaches a few things at a time.
        note_queries: the newest needs-work or criterion-tagged notes also searched for lessons.
    """

    half_life_days: float = 14.0
    window_days: int = 60
    top_weak_spots: int = 3
    note_queries: int = 5


# One scored call of the agent with its official evaluation's result per criterion.
@dataclass(frozen=True)
class ScoredCall:
    call: Call
    evaluation: Evaluation
    results: Mapping[str, CriterionScore]

    @property
    def when(self) -> datetime:
        """When the call happened (its import time if the start is unknown)."""
        return self.call.started_at or self.call.created_at


# A moment of a call to listen to: where a criterion failed or a note was taken.
@dataclass(frozen=True)
class CallMoment:
    call_id: int
    at_seconds: float
    when: datetime
    said: str = ""  # the transcript line there, if known


# A criterion the agent keeps failing, with how often, how recently, and where.
@dataclass(frozen=True)
class RankedWeakSpot:
    criterion_id: str
    focus: CriterionFocus
    failures: int  # calls in the window on which it failed
    scored: int  # calls in the window on which it passed or failed
    last_failed_at: datetime
    weight: float  # the ranking score, see `rank_weak_spots`
    moments: tuple[CallMoment, ...]  # the failures, newest first

    @property
    def title(self) -> str:
        return self.focus.title or self.criterion_id.replace("_", " ")

    def weak_spot(self) -> WeakSpot:
        """The lesson search for this weak spot: the criterion's wording and the latest failure's
        transcript line, boosted towards the criterion's skills."""
        return WeakSpot(
            text=" ".join(filter(None, [self.focus.title, self.focus.description])),
            skills=self.focus.skills,
            source=f"criterion:{self.criterion_id}",
            evidence=self.moments[0].said if self.moments else "",
        )


class TrendPeriod(StrEnum):
    WEEK = "week"
    CALL = "call"


# One criterion's results over one week (or on one call).
@dataclass(frozen=True)
class TrendPoint:
    criterion_id: str
    title: str
    period: str  # what the chart's axis shows, e.g. "02 Nov" or "#12 · 09 Nov"
    start: datetime  # when the period (or call) starts, for ordering
    passed: int
    failed: int

    @property
    def pass_rate(self) -> float:
        return self.passed / (self.passed + self.failed)


# A lesson to suggest, with what led to it and the reason the agent will read if it is assigned.
@dataclass(frozen=True)
class CoachingRecommendation:
    match: LessonRecommendation
    criterion_id: str | None
    note_id: int | None
    why: str  # for the lead: "Weak spot: Closing" or "Note: <the note's words>"
    assignment_reason: str  # never quotes a note, which may be private to leads


# Everything the coaching page shows about one agent.
@dataclass(frozen=True)
class AgentWorkspace:
    agent: User
    calls: list[ScoredCall]  # oldest first
    criteria: dict[str, CriterionFocus]  # what each criterion asks, by id
    weak_spots: list[RankedWeakSpot]  # open ones, highest weight first
    notes: list[MonitoringNote]
    disputes: list[DisputeItem]
    assignments: list[AssignmentItem]
    mastery: dict[str, float]  # skill -> chance the agent recalls it

    def title_of(self, criterion_id: str | None) -> str:
        """The criterion's title, or its id in words when the scorecard is gone."""
        if not criterion_id:
            return ""
        focus = self.criteria.get(criterion_id)
        return focus.title if focus and focus.title else criterion_id.replace("_", " ")


@audit_refusals
def coached_agent(*, session: Session, viewer: User, agent_id: int) -> User:
    """The agent, if `viewer` coaches them: a lead their own team's agents, an admin anyone.

    Raises:
        NotAllowed: the viewer is not a lead or admin, or the agent is in another team.
        NotFound: no such agent.
    """
    require_role(viewer, Role.LEAD, Role.ADMIN)
    agent = session.get(User, agent_id)
    if agent is None or agent.role != Role.AGENT:
        raise NotFound(f"There is no agent #{agent_id}.")
    if not can_coach(viewer, agent):
        raise NotAllowed(f"You can't coach {agent.name}: they are not in your team.")
    return agent


def criteria_of(scorecards: Iterable[str]) -> dict[str, CriterionFocus]:
    """What each criterion of the named scorecards asks (the first scorecard naming a criterion
    wins); a removed scorecard adds nothing."""
    found: dict[str, CriterionFocus] = {}
    for name in dict.fromkeys(scorecards):
        try:
            criteria = load_scorecard(name).criteria
        except ScorecardError:
            continue
        for c in criteria:
            found.setdefault(c.id, CriterionFocus(c.title, c.description, tuple(c.skills)))
    return found


@audit_refusals
def scored_calls(*, session: Session, viewer: User, agent_id: int) -> list[ScoredCall]:
    """The agent's scored calls in the viewer's scope, oldest first, each with its official
    evaluation's per-criterion results."""
    pairs = official_scores(session=session, viewer=viewer, agent_id=agent_id)
    by_evaluation: dict[int, dict[str, CriterionScore]] = defaultdict(dict)
    ids = [evaluation.id for _, evaluation in pairs]
    if ids:
        query = select(CriterionScore).where(col(CriterionScore.evaluation_id).in_(ids))
        for score in session.exec(query):
            by_evaluation[score.evaluation_id][score.criterion_id] = score
    return [ScoredCall(call, ev, by_evaluation[ev.id]) for call, ev in pairs]


def criterion_trend(
    calls: Sequence[ScoredCall],
    *,
    by: TrendPeriod = TrendPeriod.WEEK,
    criteria: Mapping[str, CriterionFocus] | None = None,
) -> list[TrendPoint]:
    """Per criterion and week (Monday to Sunday, UTC) or per call, how many calls passed and
    failed it. Not-applicable results are left out, and so is a period where the criterion
    never applied."""
    counts: dict[tuple[str, datetime, str], list[int]] = defaultdict(lambda: [0, 0])
    for scored in calls:
        if by == TrendPeriod.WEEK:
            day = scored.when.replace(hour=0, minute=0, second=0, microsecond=0)
            start = day - timedelta(days=day.weekday())
            label = f"{start:%d %b}"
        else:
            start, label = scored.when, f"#{scored.call.id} · {scored.when:%d %b}"
        for criterion_id, score in scored.results.items():
            if score.result in ("pass", "fail"):
                counts[(criterion_id, start, label)][score.result == "fail"] += 1
    titles = criteria or {}
    return [
        TrendPoint(
            criterion_id=criterion_id,
            title=titles[criterion_id].title
            if criterion_id in titles
            else criterion_id.replace("_", " "),
            period=label,
            start=start,
            passed=passed,
            failed=failed,
        )
        for (criterion_id, start, label), (passed, failed) in sorted(
            counts.items(), key=lambda item: (item[0][1], item[0][0])
        )
    ]


def _moment(scored: ScoredCall, score: CriterionScore) -> CallMoment:
    first = score.evidence[0] if score.evidence else {}
    return CallMoment(
        call_id=scored.call.id,
        at_seconds=float(first.get("start", 0.0)),
        when=scored.when,
        said=str(first.get("text", "")),
    )


def rank_weak_spots(
    calls: Sequence[ScoredCall],
    *,
    criteria: Mapping[str, CriterionFocus],
    options: WorkspaceOptions = WorkspaceOptions(),
) -> list[RankedWeakSpot]:
    """The criteria the agent failed recently, most pressing first.

    Ages are counted back from the agent's latest scored call (not the clock), so an agent back
    from leave still has the weak spots they left with. A criterion is an open weak spot when it
    failed within `options.window_days` of that call, and it is ranked by

        weight = sum over those failures of 0.5 ** (age_days / options.half_life_days)

    so each failure counts (how often) and a recent one counts more (how recently): with a
    14-day half-life a failure on the latest call weighs 1, one two weeks earlier 0.5. Ties go
    to the criterion failed more often, then to the one failed last, then by id.
    """
    if not calls:
        return []
    latest = max(scored.when for scored in calls)
    since = latest - timedelta(days=options.window_days)
    failed: dict[str, list[tuple[ScoredCall, CriterionScore]]] = defaultdict(list)
    scored_on: dict[str, int] = defaultdict(int)
    for scored in calls:
        if scored.when < since:
            continue
        for criterion_id, score in scored.results.items():
            if score.result in ("pass", "fail"):
                scored_on[criterion_id] += 1
            if score.result == "fail":
                failed[criterion_id].append((scored, score))
    spots = []
    for criterion_id, failures in failed.items():
        failures.sort(key=lambda pair: (pair[0].when, pair[0].call.id), reverse=True)
        weight = sum(
            0.5 ** ((latest - scored.when).total_seconds() / 86400 / options.half_life_days)
            for scored, _ in failures
        )
        spots.append(
            RankedWeakSpot(
                criterion_id=criterion_id,
                focus=criteria.get(criterion_id, CriterionFocus("", "", ())),
                failures=len(failures),
                scored=scored_on[criterion_id],
                last_failed_at=failures[0][0].when,
                weight=weight,
                moments=tuple(_moment(scored, score) for scored, score in failures),
            )
        )
    spots.sort(
        key=lambda s: (-s.weight, -s.failures, -s.last_failed_at.timestamp(), s.criterion_id)
    )
    return spots


@audit_refusals
def agent_workspace(
    *,
    session: Session,
    viewer: User,
    agent_id: int,
    now: datetime,
    lesson_skills: Mapping[str, Sequence[str]],
    options: WorkspaceOptions = WorkspaceOptions(),
) -> AgentWorkspace:
    """Everything a lead looks at before coaching an agent.

    Args:
        lesson_skills: lesson id -> the skills it teaches (for skill mastery).

    Raises:
        NotAllowed: the viewer is not a lead or admin, or the agent is in another team.
        NotFound: no such agent.
    """
    agent = coached_agent(session=session, viewer=viewer, agent_id=agent_id)
    calls = scored_calls(session=session, viewer=viewer, agent_id=agent.id)
    team = session.get(Team, agent.team_id) if agent.team_id else None
    used = [scored.evaluation.scorecard for scored in reversed(calls)]  # newest wording first
    criteria = criteria_of([team.scorecard, *used] if team else used)
    return AgentWorkspace(
        agent=agent,
        calls=calls,
        criteria=criteria,
        weak_spots=rank_weak_spots(calls, criteria=criteria, options=options),
        notes=list_notes(session=session, viewer=viewer, agent_id=agent.id),
        disputes=[
            item
            for item in list_disputes(session=session, viewer=viewer)
            if item.dispute.agent_id == agent.id
        ],
        assignments=list_assignments(session=session, viewer=viewer, now=now, agent_id=agent.id),
        mastery=skill_mastery(session=session, agent=agent, lesson_skills=lesson_skills, now=now),
    )


def _note_spot(note: MonitoringNote, criteria: Mapping[str, CriterionFocus]) -> WeakSpot:
    focus = criteria.get(note.criterion_id or "")
    skills = focus.skills if focus else ()
    if note.skill and note.skill not in skills:
        skills = (*skills, note.skill)
    # The note's own words are the search; a tagged criterion's skills boost its lessons.
    return WeakSpot(text=note.text, skills=skills, source=f"note:{note.id}")


def _wants_lesson(note: MonitoringNote) -> bool:
    if note.kind == NoteKind.PRAISE:
        return False
    return note.kind == NoteKind.NEEDS_WORK or bool(note.criterion_id or note.skill)


def recommend_for_agent(
    workspace: AgentWorkspace,
    *,
    recommend: Recommender,
    also_skip: Collection[str] = (),
    options: WorkspaceOptions = WorkspaceOptions(),
) -> list[CoachingRecommendation]:
    """Lessons for the agent's top weak spots and for the lead's notes, best first.

    The searches are the top `options.top_weak_spots` weak spots and the text of the newest
    `options.note_queries` needs-work or criterion-tagged notes (praise is left out), with
    identical searches made once. Lessons the agent has open already, and `also_skip` (e.g.
    lessons completed recently), are not suggested.
    """
    spots = [spot.weak_spot() for spot in workspace.weak_spots[: options.top_weak_spots]]
    notes = sorted(
        (note for note in workspace.notes if _wants_lesson(note)),
        key=lambda note: (note.created_at, note.id),
        reverse=True,
    )
    spots += [_note_spot(note, workspace.criteria) for note in notes[: options.note_queries]]
    unique: dict[str, WeakSpot] = {}
    for spot in spots:
        unique.setdefault(" ".join(spot.query.casefold().split()), spot)
    skip = {
        item.assignment.lesson_id
        for item in workspace.assignments
        if item.state != AssignmentState.COMPLETED
    } | set(also_skip)
    by_note = {note.id: note for note in notes}
    made = []
    for match in recommend(list(unique.values()), skip):
        kind, _, ref = match.source.partition(":")
        note = by_note.get(int(ref)) if kind == "note" and ref.isdigit() else None
        criterion_id = ref if kind == "criterion" else (note.criterion_id if note else None)
        topic = workspace.title_of(criterion_id)
        made.append(
            CoachingRecommendation(
                match=match,
                criterion_id=criterion_id,
                note_id=note.id if note else None,
                why=f"Note: {match.reason.removeprefix('matched on: ')}"
                if note
                else f"Weak spot: {topic}",
                assignment_reason=f"Coaching: {topic}" if topic else "Coaching: from your lead",
            )
        )
    return made
