"""Demo learning history: agents do (or leave) their lessons between calls, and review after."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.config import Settings
from core.errors import InvalidInput
from core.models import Assignment, Evaluation, LessonAttempt, ReviewLog, User
from qa.ingest import EvaluatedHook
from training.assignments import assign_lesson
from training.lessons import Lesson, load_library
from training.progress import answer_question, complete_lesson, move_to, start_lesson
from training.reviews import answer_card, due_cards

__all__ = ["HABITS", "Habit", "LearningHistory", "LearningSeed"]

LEAD = "lena.brooks@example.com"
# Lena's extra lessons for Amara in the days before the demo is loaded: Amara is getting ready
# for the complaints queue, so her streak is live whenever the demo is loaded.
STRETCH_AGENT = "amara.okafor@example.com"
STRETCH_LESSONS = ("calm-an-angry-caller", "own-the-complaint", "log-and-escalate-complaints")
STRETCH_DAYS_AGO = 5
SCREEN_SECONDS = 40  # time on each screen of the lesson player


# How a demo agent handles the lessons their calls bring them.
@dataclass(frozen=True)
class Habit:
    does: int
    """Of each call's lessons, how many they complete, in the order assigned."""
    after_days: int
    """They do the first this many days after the lesson was assigned, then one a day."""
    leaves_started: int = 0
    """Of the rest of the call's lessons, how many they open and leave halfway."""
    review_days: int = 0
    """After each lesson, they answer the reviews due once a day for this many days."""
    misses: int = 0
    """Every `misses`-th answer, quiz or review, is wrong; 0 never."""
    hour: int = 11
    """Lessons at this hour (UTC); the day's reviews five hours later."""


HABITS = {
    # Keen: every lesson the next day, reviews for two weeks, and Lena's extra lessons.
    "amara.okafor@example.com": Habit(does=3, after_days=1, review_days=14, misses=7, hour=10),
    # After his coaching session (8 Oct) he works through all three lessons of his bad call.
    "ben.carter@example.com": Habit(does=3, after_days=2, review_days=10, misses=5, hour=12),
    # Does two of each call's lessons, opens the third and leaves it.
    "chloe.nguyen@example.com": Habit(
        does=2, after_days=3, leaves_started=1, review_days=3, misses=3, hour=9
    ),
    # One lesson per call, then lets the rest go overdue.
    "diego.ramirez@example.com": Habit(does=1, after_days=2, review_days=5, misses=4, hour=14),
    # Opened her lesson, not finished yet.
    "ella.fischer@example.com": Habit(does=0, after_days=1, leaves_started=1),
    # Farah has no habit: nothing done.
}


# What the demo learning history added.
@dataclass(frozen=True)
class LearningSeed:
    completed: int
    started: int
    reviews: int


class LearningHistory:
    """Plays the demo agents' learning (`HABITS`) between the demo lesson assignments.

    `wrap` the assignment hook given to `demo.quality.assign_demo_lessons`: before each call's
    lessons are assigned, every agent's learning up to that moment is done first, so the
    assignment rules (no second open copy of a lesson, nothing completed recently) see it, as
    they would have at the time. `finish` then adds Lena's extra lessons for Amara and plays
    the rest up to now. All through the training functions, with the times passed in.

    Nothing is done when any lesson attempt or review exists already (the demo was loaded
    before), or when this run assigned no lessons.
    """

    def __init__(self, *, engine: Engine, settings: Settings) -> None:
        with Session(engine) as session:
            self.active = not (
                session.exec(select(LessonAttempt)).first()
                or session.exec(select(ReviewLog)).first()
            )
        self.lessons = {lesson.id: lesson for lesson in load_library(settings.lessons_dir).lessons}
        self.retention = settings.desired_retention
        self._events: list[tuple[datetime, int, str, int, str]] = []  # (when, seq, kind, ...)
        self._order = itertools.count()
        self._free_day: dict[int, date] = {}
        self._review_times: dict[int, set[datetime]] = defaultdict(set)
        self._answers: dict[int, int] = defaultdict(int)
        self._planned = False
        self._counts = {"completed": 0, "started": 0, "reviews": 0}

    def wrap(self, assign: EvaluatedHook) -> EvaluatedHook:
        """`assign`, with the agents' learning up to each assignment's moment done first."""

        def hook(session: Session, evaluation: Evaluation, now: datetime) -> object:
            if self.active:
                self._catch_up(session, until=now)
            made = assign(session, evaluation, now) or ()
            if self.active:
                self._plan(session, list(made), now)
            return made

        return hook

    def finish(self, *, engine: Engine, now: datetime) -> LearningSeed:
        """Add Lena's extra lessons for Amara and play everyone's learning up to `now`."""
        if not (self.active and self._planned):
            return LearningSeed(0, 0, 0)
        with Session(engine, expire_on_commit=False) as session:
            assigned_at = now - timedelta(days=STRETCH_DAYS_AGO)
            self._catch_up(session, until=assigned_at)
            people = {u.email: u for u in session.exec(select(User))}
            if LEAD in people and STRETCH_AGENT in people:
                self._plan(session, self._stretch(session, people, assigned_at), assigned_at)
            self._catch_up(session, until=now)
        return LearningSeed(**self._counts)

    def _stretch(
        self, session: Session, people: dict[str, User], now: datetime
    ) -> list[Assignment]:
        made = []
        for lesson_id in STRETCH_LESSONS:
            try:
                made.append(
                    assign_lesson(
                        session=session,
                        lead=people[LEAD],
                        agent_id=people[STRETCH_AGENT].id,
                        lesson_id=lesson_id,
                        due_at=now + timedelta(days=14),
                        known_lessons=self.lessons,
                        now=now,
                        reason="Getting you ready for the complaints queue",
                    )
                )
            except InvalidInput:  # renamed in the library, or already open
                continue
        return made

    def _plan(self, session: Session, made: Sequence[Assignment], now: datetime) -> None:
        """Schedule what the agent does with one call's (or one hand-out's) new lessons."""
        lessons = [a for a in made if a.lesson_id in self.lessons]
        if not lessons:
            return
        self._planned = True
        agent = session.get(User, lessons[0].agent_id)
        habit = HABITS.get(agent.email) if agent else None
        if habit is None:
            return
        day = max(
            self._free_day.get(agent.id, date.min), (now + timedelta(days=habit.after_days)).date()
        )
        for number, assignment in enumerate(lessons[: habit.does + habit.leaves_started]):
            when = datetime.combine(day, time(habit.hour), tzinfo=UTC)
            finish = number < habit.does
            self._push(when, "complete" if finish else "start", agent.id, assignment.lesson_id)
            if finish:
                reviews = [when + timedelta(minutes=20)] + [
                    datetime.combine(day + timedelta(days=d), time(habit.hour + 5), tzinfo=UTC)
                    for d in range(1, habit.review_days + 1)
                ]
                for moment in set(reviews) - self._review_times[agent.id]:
                    self._review_times[agent.id].add(moment)
                    self._push(moment, "reviews", agent.id, "")
            day += timedelta(days=1)
        self._free_day[agent.id] = day

    def _push(self, when: datetime, kind: str, agent_id: int, lesson_id: str) -> None:
        heapq.heappush(self._events, (when, next(self._order), kind, agent_id, lesson_id))

    def _catch_up(self, session: Session, *, until: datetime) -> None:
        while self._events and self._events[0][0] < until:
            when, _, kind, agent_id, lesson_id = heapq.heappop(self._events)
            agent = session.get(User, agent_id)
            if kind == "reviews":
                self._review(session, agent, when)
            else:
                self._lesson(session, agent, self.lessons[lesson_id], when, kind == "complete")

    def _wrong(self, agent: User) -> bool:
        """Whether the agent's next answer is wrong (every `misses`-th one)."""
        misses = HABITS[agent.email].misses
        self._answers[agent.id] += 1
        return bool(misses) and self._answers[agent.id] % misses == 0

    def _lesson(
        self, session: Session, agent: User, lesson: Lesson, done_at: datetime, finish: bool
    ) -> None:
        """Go through the lesson screen by screen, ending at `done_at`; with `finish`, answer
        the quiz and complete it, else leave it halfway through the prose."""
        screens = len(lesson.sections) + len(lesson.quiz)
        began = done_at - timedelta(seconds=SCREEN_SECONDS * screens)

        def at(screen: int) -> datetime:
            return began + timedelta(seconds=SCREEN_SECONDS * screen)

        attempt = start_lesson(session=session, agent=agent, lesson=lesson, now=began)
        last = len(lesson.sections) if finish else max(1, len(lesson.sections) // 2)
        for step in range(1, last):
            move_to(
                session=session,
                agent=agent,
                attempt=attempt,
                lesson=lesson,
                step=step,
                now=at(step),
            )
        if not finish:
            self._counts["started"] += 1
            return
        for number, question in enumerate(lesson.quiz):
            right = next(i for i, option in enumerate(question.options) if option.correct)
            answer_question(
                session=session,
                agent=agent,
                attempt=attempt,
                lesson=lesson,
                question=number,
                option=(right + 1) % len(question.options) if self._wrong(agent) else right,
                now=at(len(lesson.sections) + number),
            )
        complete_lesson(
            session=session,
            agent=agent,
            attempt=attempt,
            lesson=lesson,
            now=done_at,
            desired_retention=self.retention,
        )
        self._counts["completed"] += 1

    def _review(self, session: Session, agent: User, when: datetime) -> None:
        """Answer every card due at `when`, as the Reviews page offers them."""
        for number, card in enumerate(due_cards(session=session, agent=agent, now=when)):
            answer_card(
                session=session,
                agent=agent,
                card_id=card.id,
                correct=not self._wrong(agent),
                feel=None,
                now=when + timedelta(seconds=20 * number),
                desired_retention=self.retention,
            )
            self._counts["reviews"] += 1
