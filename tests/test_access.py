"""Everyone trying someone else's data is refused, and every refusal is in the audit trail.

One world of two teams (see `world`). Each repository function that takes the signed-in user
has cases here: a refusal (the call raises `NotAllowed` and exactly one `access.refused` event
names the function attempted and the person who tried) or, for a list that leaves out what
the person may not see instead of refusing, the exact records it shows. A function with neither
must be listed in `OWN_RECORDS_ONLY` with the reason it cannot refuse, or the meta-test fails.
Then the pages: every page a role may not open, and the Calls and Live monitoring pages opened
by link on someone else's call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from analytics.conversation_search import SegmentFilter, search_segments
from analytics.facts import DashboardFilter, call_date_range, call_facts, default_filter
from analytics.learning import agent_learning
from analytics.reviewing import agreement_over_time, calibration_history
from analytics.targets import KPI, clear_target, set_target
from coaching import (
    AgendaItem,
    agent_workspace,
    coached_agent,
    create_coaching_session,
    follow_up,
    get_coaching_session,
    list_coaching_sessions,
    scored_calls,
    update_commitments,
)
from core.access import REFUSED
from core.audit import audit_choices, count_events, list_events
from core.auth import change_password
from core.calls import (
    assign_call,
    calls_with_ids,
    customer_journey,
    delete_failed_import,
    get_call,
    keep_as_real_call,
    list_calls,
    list_segments,
    retry_failed_import,
)
from core.errors import NotAllowed
from core.models import (
    Assignment,
    AuditEvent,
    CalibrationSession,
    Call,
    CoachingSession,
    Dispute,
    Evaluation,
    LessonAttempt,
    LessonExample,
    LessonTip,
    LiveSession,
    MonitoringNote,
    ReviewCard,
    Role,
    Segment,
    Speaker,
    User,
)
from core.people import (
    create_team,
    create_user,
    get_user,
    list_agents,
    list_reviewers,
    list_users,
    reset_password,
    set_team_scorecard,
    update_profile,
    update_user,
)
from index.segment_index import SegmentIndex
from monitoring.clips import add_lesson_example, remove_lesson_example
from monitoring.notes import add_note, list_notes, set_note_shared
from monitoring.sessions import (
    get_live_session,
    list_live_sessions,
    record_live_progress,
    start_live_session,
)
from monitoring.streaming import CommittedSegment
from qa.accuracy import auto_qa_accuracy, reviewed_calls
from qa.calibration import (
    calibration_criteria,
    calibration_report,
    close_calibration,
    create_calibration,
    list_calibrations,
    submit_calibration,
)
from qa.call_list import CallListFilter, list_call_rows
from qa.disputes import list_disputes, raise_dispute, resolve_dispute
from qa.evaluations import (
    ReviewDecision,
    add_human_evaluation,
    latest_auto_evaluation,
    latest_evaluation,
    official_scores,
)
from qa.review import review_queue, submit_review
from qa.reviewer_workload import (
    assign_reviews,
    reviewer_progress,
    set_weekly_target,
    team_workload,
)
from qa.scorecard import load_scorecard
from qa.scoring import Result
from qa.speakers import swap_speakers
from tests.coaching.conftest import call_on, days_ago
from tests.conftest import NOW, PASSWORD
from tests.fakes import CountingEmbedder
from tests.pages.conftest import sign_in, texts
from tests.qa.conftest import DEFAULT_CRITERIA
from tests.test_architecture import NOT_SCOPED, _scoped_functions
from tests.training.test_progress import LESSON
from training.assignments import (
    assign_lesson,
    assignment_moment,
    list_assignments,
    open_assignment_count,
)
from training.progress import (
    answer_question,
    complete_lesson,
    current_attempt,
    move_to,
    start_lesson,
)
from training.reviews import (
    answer_card,
    due_cards,
    due_count,
    learning_activity,
    next_due,
    skill_mastery,
)
from training.srs import new_card_state
from training.tips import add_tip, decide_tip, pending_tips
from ui.navigation import PAGES

FOLLOW_UP = date(2026, 12, 7)
LESSONS = {LESSON.id}
SCORECARD = load_scorecard("default")
ALL_PASS = [ReviewDecision(c, Result.PASS) for c in DEFAULT_CRITERIA]
NOT_ALLOWED_PAGE = "Not allowed: this page is not available to your role."


# Everyone's records, by the key of the person they belong to ("a1", "b1", ...).
@dataclass
class World:
    people: dict[str, User]
    calls: dict[str, Call]  # a1's, a2's and b1's, auto-scored with empathy failed; a2's
    # reviewed by the lead as well
    evaluation: Evaluation  # the auto-QA evaluation of a1's call
    disputes: dict[str, Dispute]  # a1's and b1's, each on their call's failed empathy
    notes: dict[str, MonitoringNote]  # "a1": private to leads; "a1_shared"; "b1"
    live: dict[str, LiveSession]  # a1's (started by lead) and b1's (by lead_b)
    coaching: dict[str, CoachingSession]  # lead with a1, lead_b with b1
    assignments: dict[str, Assignment]  # a1's and b1's, of LESSON
    attempt: LessonAttempt  # a1's, started
    cards: dict[str, ReviewCard]  # a1's and a2's, due now
    tips: dict[str, LessonTip]  # a1's and b1's, waiting for a lead
    calibration: CalibrationSession  # lead's, on a1's call; reviewer and lead invited
    example: LessonExample  # a moment of a1's call on LESSON
    data_dir: Path


def _card(session: Session, agent: User) -> ReviewCard:
    card = ReviewCard(
        agent_id=agent.id,
        lesson_id=LESSON.id,
        question=0,
        state=new_card_state(now=NOW),
        due_at=NOW,
        created_at=NOW,
    )
    session.add(card)
    return card


@pytest.fixture
def world(session: Session, people: dict[str, User], tmp_path: Path) -> World:
    """`people` (team A: lead, a1, a2; team B: lead_b, b1; admin; reviewer) plus "gone", a
    deactivated agent of team A, and the records above, made through the repository functions."""
    gone = User(
        name="Gone Person",
        email="gone@example.com",
        role=Role.AGENT,
        team_id=people["a1"].team_id,
        active=False,
        password_hash=people["a1"].password_hash,
        created_at=NOW,
    )
    session.add(gone)
    session.commit()
    everyone = {**people, "gone": gone}
    lead, lead_b, a1, b1 = people["lead"], people["lead_b"], people["a1"], people["b1"]
    calls = {
        key: call_on(session, people[key], days_ago(2), failed=["empathy"])
        for key in ("a1", "a2", "b1")
    }
    for call in calls.values():  # one customer who contacted both teams
        call.customer_ref = "cust:one-customer"
        session.add(call)
    session.commit()
    submit_review(
        session=session,
        reviewer=lead,
        call_id=calls["a2"].id,
        decisions=ALL_PASS,
        scorecard=SCORECARD,
        now=NOW,
    )
    disputes = {
        key: raise_dispute(
            session=session,
            agent=people[key],
            call_id=calls[key].id,
            criterion_id="empathy",
            reason="I did say sorry",
            now=NOW,
        )
        for key in ("a1", "b1")
    }

    def note(author: User, key: str, text: str, shared: bool = False) -> MonitoringNote:
        return add_note(
            session=session,
            author=author,
            agent_id=people[key].id,
            call_id=calls[key].id,
            at_seconds=5.0,
            text=text,
            shared=shared,
            now=NOW,
        )

    notes = {
        "a1": note(lead, "a1", "Rushed the greeting"),
        "a1_shared": note(lead, "a1", "Lovely empathy at 0:05", shared=True),
        "b1": note(lead_b, "b1", "Talked over the customer"),
    }
    live = {
        "a1": start_live_session(
            session=session, actor=lead, agent_id=a1.id, source="simulator", now=NOW
        ),
        "b1": start_live_session(
            session=session, actor=lead_b, agent_id=b1.id, source="simulator", now=NOW
        ),
    }
    coaching = {
        key: create_coaching_session(
            session=session,
            lead=coach,
            agent_id=agent.id,
            held_at=NOW,
            agenda=[AgendaItem("How the week went")],
            commitments=["Ask before every hold"],
            follow_up_on=FOLLOW_UP,
            now=NOW,
        )
        for key, coach, agent in (("a1", lead, a1), ("b1", lead_b, b1))
    }
    assignments = {
        key: assign_lesson(
            session=session,
            lead=coach,
            agent_id=agent.id,
            lesson_id=LESSON.id,
            due_at=NOW + timedelta(days=7),
            known_lessons=LESSONS,
            now=NOW,
        )
        for key, coach, agent in (("a1", lead, a1), ("b1", lead_b, b1))
    }
    attempt = start_lesson(session=session, agent=a1, lesson=LESSON, now=NOW)
    cards = {key: _card(session, people[key]) for key in ("a1", "a2")}
    example = LessonExample(
        lesson_id=LESSON.id,
        call_id=calls["a1"].id,
        start=1.0,
        end=4.0,
        title="A warm greeting",
        audio_path="examples/1.wav",
        added_by_id=lead.id,
        created_at=NOW,
    )
    session.add(example)
    session.add_all(  # a line on each call, for conversation search
        Segment(
            call_id=call.id, start=12, end=15, speaker=Speaker.CUSTOMER, text="Get me a supervisor"
        )
        for call in calls.values()
    )
    session.commit()
    tips = {
        key: add_tip(
            session=session,
            agent=people[key],
            lesson_id=LESSON.id,
            text="Say their name back to them",
            known_lessons=LESSONS,
            now=NOW,
        )
        for key in ("a1", "b1")
    }
    calibration = create_calibration(
        session=session,
        organiser=lead,
        call_id=calls["a1"].id,
        reviewer_ids=[people["reviewer"].id, lead.id],
        now=NOW,
    )
    return World(
        people=everyone,
        calls=calls,
        evaluation=latest_auto_evaluation(session=session, call_id=calls["a1"].id),
        disputes=disputes,
        notes=notes,
        live=live,
        coaching=coaching,
        assignments=assignments,
        attempt=attempt,
        cards=cards,
        tips=tips,
        calibration=calibration,
        example=example,
        data_dir=tmp_path / "data",
    )


def _name(function: Callable) -> str:
    return f"{function.__module__}.{function.__name__}"


def _user_parameter(function: Callable) -> str:
    """The parameter taking the signed-in user (`viewer`, `lead`, `agent`, ...)."""
    parameters = inspect.signature(function).parameters.values()
    return next(p.name for p in parameters if p.annotation in ("User", User))


def _call_as(function: Callable, session: Session, user: User, args: dict[str, Any]) -> Any:
    return function(session=session, **{_user_parameter(function): user}, **args)


def _refusals(session: Session) -> list[AuditEvent]:
    """The access.refused events committed so far, read on a connection of their own."""
    with Session(session.get_bind()) as own:
        query = select(AuditEvent).where(AuditEvent.action == REFUSED).order_by(AuditEvent.id)
        return list(own.exec(query))


# `who` calling `function` with `args` (another person's or team's records) is refused.
@dataclass(frozen=True)
class Refusal:
    function: Callable
    who: str
    what: str
    args: Callable[[World], dict[str, Any]]

    def __str__(self) -> str:
        return f"{self.function.__name__}: {self.who} on {self.what}"


REFUSALS = [
    # analytics
    Refusal(
        set_target, "lead", "the KPI targets", lambda w: {"kpi": KPI.CSAT, "value": 4.0, "now": NOW}
    ),
    Refusal(clear_target, "lead", "the KPI targets", lambda w: {"kpi": KPI.CSAT, "now": NOW}),
    *(
        Refusal(function, "a1", "the reviewers' results", lambda w: {"filters": DashboardFilter()})
        for function in (agreement_over_time, calibration_history)
    ),
    Refusal(reviewed_calls, "a1", "the reviewed calls", lambda w: {}),
    # coaching
    Refusal(
        create_coaching_session,
        "lead_b",
        "an agent of team A",
        lambda w: {
            "agent_id": w.people["a1"].id,
            "held_at": NOW,
            "agenda": [AgendaItem("Your greeting")],
            "commitments": [],
            "follow_up_on": FOLLOW_UP,
            "now": NOW,
        },
    ),
    Refusal(
        create_coaching_session,
        "a2",
        "a colleague",
        lambda w: {
            "agent_id": w.people["a1"].id,
            "held_at": NOW,
            "agenda": [AgendaItem("Your greeting")],
            "commitments": [],
            "follow_up_on": FOLLOW_UP,
            "now": NOW,
        },
    ),
    Refusal(
        follow_up,
        "lead_b",
        "team A's coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id, "now": NOW},
    ),
    Refusal(
        follow_up,
        "a2",
        "a colleague's coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id, "now": NOW},
    ),
    Refusal(
        get_coaching_session,
        "lead_b",
        "team A's coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id},
    ),
    Refusal(
        get_coaching_session,
        "a2",
        "a colleague's coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id},
    ),
    Refusal(
        get_coaching_session,
        "reviewer",
        "a coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id},
    ),
    Refusal(
        update_commitments,
        "lead_b",
        "team A's coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id, "commitments": ["Nothing"], "now": NOW},
    ),
    Refusal(
        update_commitments,
        "a1",
        "their own coaching session",
        lambda w: {"coaching_id": w.coaching["a1"].id, "commitments": ["Nothing"], "now": NOW},
    ),
    Refusal(
        agent_workspace,
        "lead_b",
        "an agent of team A",
        lambda w: {"agent_id": w.people["a1"].id, "now": NOW, "lesson_skills": {}},
    ),
    Refusal(
        agent_workspace,
        "a2",
        "a colleague",
        lambda w: {"agent_id": w.people["a1"].id, "now": NOW, "lesson_skills": {}},
    ),
    Refusal(
        coached_agent, "lead_b", "an agent of team A", lambda w: {"agent_id": w.people["a1"].id}
    ),
    Refusal(coached_agent, "reviewer", "an agent", lambda w: {"agent_id": w.people["a1"].id}),
    # core
    Refusal(list_events, "lead", "the audit trail", lambda w: {}),
    Refusal(list_events, "a1", "the audit trail", lambda w: {}),
    Refusal(count_events, "reviewer", "the audit trail", lambda w: {"actions": ["update"]}),
    Refusal(audit_choices, "lead", "the audit trail's people and actions", lambda w: {}),
    Refusal(
        assign_call,
        "a1",
        "a colleague's call",
        lambda w: {"call_id": w.calls["a2"].id, "agent_id": w.people["a1"].id, "now": NOW},
    ),
    Refusal(
        assign_call,
        "lead_b",
        "team A's call",
        lambda w: {"call_id": w.calls["a1"].id, "agent_id": w.people["b1"].id, "now": NOW},
    ),
    Refusal(
        keep_as_real_call,
        "a1",
        "their own practice call",
        lambda w: {"call_id": w.calls["a1"].id, "now": NOW},
    ),
    Refusal(
        keep_as_real_call,
        "reviewer",
        "a practice call",
        lambda w: {"call_id": w.calls["a1"].id, "now": NOW},
    ),
    Refusal(
        keep_as_real_call,
        "lead_b",
        "team A's practice call",
        lambda w: {"call_id": w.calls["a1"].id, "now": NOW},
    ),
    *(
        Refusal(
            swap_speakers,
            who,
            what,
            lambda w: {
                "call_id": w.calls["a1"].id,
                "now": NOW,
                "score": None,
                "silence_threshold": 10.0,
            },
        )
        for who, what in (("a1", "their own call"), ("lead_b", "team A's call"))
    ),
    *(
        Refusal(function, who, what, lambda w, key=key: {"call_id": w.calls[key].id, "now": NOW})
        for function in (retry_failed_import, delete_failed_import)
        for who, what, key in (("a1", "their own call", "a1"), ("lead_b", "team A's call", "a1"))
    ),
    Refusal(get_call, "a1", "a colleague's call", lambda w: {"call_id": w.calls["a2"].id}),
    Refusal(get_call, "lead_b", "team A's call", lambda w: {"call_id": w.calls["a1"].id}),
    Refusal(
        list_segments,
        "a1",
        "a colleague's call",
        lambda w: {"call_id": w.calls["a2"].id},
    ),
    Refusal(create_team, "lead", "a new team", lambda w: {"name": "Team C", "now": NOW}),
    Refusal(
        create_user,
        "lead",
        "a new admin",
        lambda w: {
            "name": "Sneaky Person",
            "email": "sneaky@example.com",
            "role": Role.ADMIN,
            "team_id": None,
            "password": PASSWORD,
            "now": NOW,
        },
    ),
    Refusal(get_user, "a1", "a colleague's profile", lambda w: {"user_id": w.people["a2"].id}),
    Refusal(get_user, "lead_b", "team A's agent", lambda w: {"user_id": w.people["a1"].id}),
    Refusal(list_reviewers, "a1", "the reviewers", lambda w: {}),
    Refusal(
        reset_password,
        "lead",
        "their agent's password",
        lambda w: {"user_id": w.people["a1"].id, "new_password": "another-horse-2", "now": NOW},
    ),
    Refusal(
        update_profile,
        "gone",
        "their deactivated account",
        lambda w: {"time_zone": "Asia/Tokyo", "reminders": False, "now": NOW},
    ),
    Refusal(
        change_password,
        "gone",
        "their deactivated account",
        lambda w: {
            "current": PASSWORD,
            "new": "another-horse-2",
            "repeated": "another-horse-2",
            "now": NOW,
        },
    ),
    Refusal(
        set_team_scorecard,
        "lead",
        "their team's scorecard",
        lambda w: {
            "team_id": w.people["lead"].team_id,
            "scorecard": "default",
            "available": {"default"},
            "now": NOW,
        },
    ),
    Refusal(
        update_user,
        "lead",
        "their own role",
        lambda w: {"user_id": w.people["lead"].id, "role": Role.ADMIN, "now": NOW},
    ),
    Refusal(
        update_user,
        "admin",
        "deactivating themselves",
        lambda w: {"user_id": w.people["admin"].id, "active": False, "now": NOW},
    ),
    # monitoring
    Refusal(
        add_lesson_example,
        "lead_b",
        "team A's call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "lesson_id": LESSON.id,
            "start": 1.0,
            "end": 4.0,
            "title": "A warm greeting",
            "known_lessons": LESSONS,
            "data_dir": w.data_dir,
            "now": NOW,
        },
    ),
    Refusal(
        add_lesson_example,
        "a1",
        "their own call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "lesson_id": LESSON.id,
            "start": 1.0,
            "end": 4.0,
            "title": "A warm greeting",
            "known_lessons": LESSONS,
            "data_dir": w.data_dir,
            "now": NOW,
        },
    ),
    Refusal(
        remove_lesson_example,
        "lead_b",
        "an example from team A's call",
        lambda w: {"example_id": w.example.id, "data_dir": w.data_dir, "now": NOW},
    ),
    Refusal(
        add_note,
        "lead_b",
        "an agent of team A",
        lambda w: {
            "agent_id": w.people["a1"].id,
            "at_seconds": 5.0,
            "text": "Rushed",
            "now": NOW,
        },
    ),
    Refusal(
        add_note,
        "a2",
        "a colleague",
        lambda w: {
            "agent_id": w.people["a1"].id,
            "at_seconds": 5.0,
            "text": "Rushed",
            "now": NOW,
        },
    ),
    Refusal(
        set_note_shared,
        "a1",
        "a note about them",
        lambda w: {"note_id": w.notes["a1"].id, "shared": True},
    ),
    Refusal(
        set_note_shared,
        "lead_b",
        "a note on team A",
        lambda w: {"note_id": w.notes["a1"].id, "shared": True},
    ),
    Refusal(
        get_live_session, "lead_b", "team A's live call", lambda w: {"live_id": w.live["a1"].id}
    ),
    Refusal(get_live_session, "a1", "their own live call", lambda w: {"live_id": w.live["a1"].id}),
    Refusal(
        start_live_session,
        "lead_b",
        "an agent of team A",
        lambda w: {"agent_id": w.people["a1"].id, "source": "simulator", "now": NOW},
    ),
    Refusal(
        start_live_session,
        "a2",
        "a colleague",
        lambda w: {"agent_id": w.people["a1"].id, "source": "simulator", "now": NOW},
    ),
    # qa
    Refusal(auto_qa_accuracy, "a1", "auto-QA accuracy", lambda w: {}),
    Refusal(
        calibration_criteria,
        "lead_b",
        "a calibration they were not asked to",
        lambda w: {"calibration_id": w.calibration.id},
    ),
    Refusal(
        calibration_report,
        "a1",
        "the calibration of their call",
        lambda w: {"calibration_id": w.calibration.id},
    ),
    Refusal(
        close_calibration,
        "lead_b",
        "another lead's calibration",
        lambda w: {"calibration_id": w.calibration.id, "now": NOW},
    ),
    Refusal(
        close_calibration,
        "reviewer",
        "a calibration they score in",
        lambda w: {"calibration_id": w.calibration.id, "now": NOW},
    ),
    Refusal(
        create_calibration,
        "lead_b",
        "team A's call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "reviewer_ids": [w.people["reviewer"].id, w.people["lead_b"].id],
            "now": NOW,
        },
    ),
    Refusal(
        create_calibration,
        "a1",
        "their own call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "reviewer_ids": [w.people["reviewer"].id, w.people["lead"].id],
            "now": NOW,
        },
    ),
    Refusal(list_calibrations, "a1", "the calibrations", lambda w: {}),
    Refusal(
        submit_calibration,
        "lead_b",
        "a calibration they were not asked to",
        lambda w: {"calibration_id": w.calibration.id, "decisions": ALL_PASS, "now": NOW},
    ),
    Refusal(
        submit_calibration,
        "admin",
        "a calibration they were not asked to",
        lambda w: {"calibration_id": w.calibration.id, "decisions": ALL_PASS, "now": NOW},
    ),
    Refusal(
        raise_dispute,
        "a2",
        "a colleague's call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "criterion_id": "empathy",
            "reason": "Unfair",
            "now": NOW,
        },
    ),
    Refusal(
        raise_dispute,
        "lead",
        "their agent's call",
        lambda w: {
            "call_id": w.calls["a2"].id,
            "criterion_id": "empathy",
            "reason": "Unfair",
            "now": NOW,
        },
    ),
    Refusal(
        resolve_dispute,
        "a1",
        "their own dispute",
        lambda w: {"dispute_id": w.disputes["a1"].id, "accept": True, "reply": None, "now": NOW},
    ),
    Refusal(
        resolve_dispute,
        "lead_b",
        "team A's dispute",
        lambda w: {"dispute_id": w.disputes["a1"].id, "accept": True, "reply": None, "now": NOW},
    ),
    Refusal(
        add_human_evaluation,
        "a2",
        "a colleague's evaluation",
        lambda w: {"base": w.evaluation, "decisions": {}, "scorecard": SCORECARD, "now": NOW},
    ),
    Refusal(
        latest_evaluation,
        "a2",
        "a colleague's call",
        lambda w: {"call_id": w.calls["a1"].id},
    ),
    Refusal(
        latest_evaluation,
        "lead_b",
        "team A's call",
        lambda w: {"call_id": w.calls["a1"].id},
    ),
    Refusal(review_queue, "a1", "the review queue", lambda w: {"random_share": 1.0}),
    Refusal(
        submit_review,
        "a1",
        "their own call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "decisions": ALL_PASS,
            "scorecard": SCORECARD,
            "now": NOW,
        },
    ),
    Refusal(
        submit_review,
        "lead_b",
        "team A's call",
        lambda w: {
            "call_id": w.calls["a1"].id,
            "decisions": ALL_PASS,
            "scorecard": SCORECARD,
            "now": NOW,
        },
    ),
    Refusal(
        assign_reviews,
        "lead_b",
        "team A's call",
        lambda w: {
            "call_ids": [w.calls["a1"].id],
            "reviewer_id": w.people["reviewer"].id,
            "now": NOW,
        },
    ),
    Refusal(
        assign_reviews,
        "reviewer",
        "the calls to share out",
        lambda w: {
            "call_ids": [w.calls["a1"].id],
            "reviewer_id": w.people["reviewer"].id,
            "now": NOW,
        },
    ),
    Refusal(
        set_weekly_target,
        "reviewer",
        "their own weekly target",
        lambda w: {"reviewer_id": w.people["reviewer"].id, "weekly": 0, "now": NOW},
    ),
    Refusal(
        reviewer_progress,
        "reviewer",
        "a lead's review progress",
        lambda w: {"reviewer_id": w.people["lead"].id, "now": NOW},
    ),
    Refusal(
        reviewer_progress,
        "a1",
        "their own review progress",
        lambda w: {"reviewer_id": w.people["a1"].id, "now": NOW},
    ),
    Refusal(team_workload, "reviewer", "every reviewer's week", lambda w: {"now": NOW}),
    # training
    Refusal(
        assign_lesson,
        "lead_b",
        "an agent of team A",
        lambda w: {
            "agent_id": w.people["a2"].id,
            "lesson_id": LESSON.id,
            "due_at": NOW + timedelta(days=7),
            "known_lessons": LESSONS,
            "now": NOW,
        },
    ),
    Refusal(
        assign_lesson,
        "a1",
        "a colleague",
        lambda w: {
            "agent_id": w.people["a2"].id,
            "lesson_id": LESSON.id,
            "due_at": NOW + timedelta(days=7),
            "known_lessons": LESSONS,
            "now": NOW,
        },
    ),
    Refusal(
        answer_question,
        "a2",
        "a colleague's lesson",
        lambda w: {"attempt": w.attempt, "lesson": LESSON, "question": 0, "option": 0, "now": NOW},
    ),
    Refusal(
        complete_lesson,
        "a2",
        "a colleague's lesson",
        lambda w: {"attempt": w.attempt, "lesson": LESSON, "now": NOW, "desired_retention": 0.9},
    ),
    Refusal(
        move_to,
        "a2",
        "a colleague's lesson",
        lambda w: {"attempt": w.attempt, "lesson": LESSON, "step": 1, "now": NOW},
    ),
    Refusal(start_lesson, "lead", "a lesson", lambda w: {"lesson": LESSON, "now": NOW}),
    Refusal(
        answer_card,
        "a2",
        "a colleague's review card",
        lambda w: {
            "card_id": w.cards["a1"].id,
            "correct": True,
            "feel": None,
            "now": NOW,
            "desired_retention": 0.9,
        },
    ),
    Refusal(
        answer_card,
        "lead",
        "their agent's review card",
        lambda w: {
            "card_id": w.cards["a1"].id,
            "correct": True,
            "feel": None,
            "now": NOW,
            "desired_retention": 0.9,
        },
    ),
    Refusal(
        add_tip,
        "lead",
        "a lesson",
        lambda w: {
            "lesson_id": LESSON.id,
            "text": "Smile",
            "known_lessons": LESSONS,
            "now": NOW,
        },
    ),
    Refusal(
        decide_tip,
        "lead_b",
        "a tip from team A",
        lambda w: {"tip_id": w.tips["a1"].id, "approve": True, "now": NOW},
    ),
    Refusal(
        decide_tip,
        "a1",
        "their own tip",
        lambda w: {"tip_id": w.tips["a1"].id, "approve": True, "now": NOW},
    ),
    Refusal(pending_tips, "a1", "the tips waiting for a lead", lambda w: {}),
    Refusal(
        search_segments,
        "a1",
        "a colleague's calls",
        lambda w: {"query": "supervisor", "filters": SegmentFilter(agent_id=w.people["a2"].id)},
    ),
    Refusal(
        search_segments,
        "lead_b",
        "team A's agent's calls",
        lambda w: {
            "query": "supervisor",
            "mode": "words",
            "filters": SegmentFilter(agent_id=w.people["a1"].id),
        },
    ),
]


@pytest.mark.parametrize("case", REFUSALS, ids=str)
def test_a_forbidden_access_is_refused_and_audited_once(case, session, world):
    actor, args = world.people[case.who], case.args(world)
    seen = {event.id for event in _refusals(session)}

    with pytest.raises(NotAllowed) as refused:
        _call_as(case.function, session, actor, args)
    session.rollback()

    new = [event for event in _refusals(session) if event.id not in seen]
    # Named after the action attempted, even when a check inside it (`get_call`,
    # `coached_agent`...) is what refused.
    assert [(e.entity, e.actor_id) for e in new] == [(_name(case.function), actor.id)]
    assert new[0].after["reason"] == str(refused.value)[:300]
    asked = {k: v for k, v in args.items() if k.endswith("_id") and v is not None}
    assert new[0].after["ids"] == asked


# `who` calling a list-style `function` is shown exactly `shown(world)`: their own or their
# team's records, never another's (`pick` turns one returned item into its record's id).
@dataclass(frozen=True)
class Filtered:
    function: Callable
    who: str
    what: str
    args: Callable[[World], dict[str, Any]]
    shown: Callable[[World], set[int]]
    pick: Callable[[Any], int] = field(default=lambda item: item.id)

    def __str__(self) -> str:
        return f"{self.function.__name__}: {self.who} on {self.what}"


FILTERED = [
    *(
        Filtered(
            list_call_rows,
            who,
            "every call in the calls list",
            lambda w: {"filters": CallListFilter()},
            lambda w, whose=whose: {
                c.id for c in w.calls.values() if c.agent_id in {w.people[p].id for p in whose}
            },
            pick=lambda row: row.call_id,
        )
        for who, whose in (("a1", ("a1",)), ("lead_b", ("b1",)))
    ),
    # analytics: an agent's dashboards are their own slice whatever the filter asks for
    Filtered(
        call_facts,
        "a1",
        "a colleague's scored calls",
        lambda w: {"filters": DashboardFilter(agent_id=w.people["a2"].id)},
        lambda w: {w.calls["a1"].id},
        pick=lambda facts: facts.call_id,
    ),
    Filtered(
        call_facts,
        "lead_b",
        "team A's scored calls",
        lambda w: {"filters": DashboardFilter(team_id=w.people["a1"].team_id)},
        lambda w: set(),
        pick=lambda facts: facts.call_id,
    ),
    Filtered(
        call_facts,
        "lead_b",
        "every scored call",
        lambda w: {"filters": DashboardFilter()},
        lambda w: {w.calls["b1"].id},
        pick=lambda facts: facts.call_id,
    ),
    Filtered(
        reviewed_calls,
        "lead_b",
        "team A's reviewed call",
        lambda w: {},
        lambda w: set(),
        pick=lambda reviewed: reviewed.call.id,
    ),
    Filtered(call_date_range, "gone", "every call's dates", lambda w: {}, lambda w: set(), pick=id),
    Filtered(
        default_filter,
        "lead_b",
        "a dashboard's team",
        lambda w: {"today": NOW.date()},
        lambda w: {w.people["lead_b"].team_id},
        pick=lambda filters: filters.team_id,
    ),
    Filtered(list_calls, "a1", "every call", lambda w: {}, lambda w: {w.calls["a1"].id}),
    Filtered(list_calls, "lead_b", "every call", lambda w: {}, lambda w: {w.calls["b1"].id}),
    Filtered(
        list_calls,
        "lead_b",
        "team A's agent's calls",
        lambda w: {"agent_id": w.people["a1"].id},
        lambda w: set(),
    ),
    *(
        Filtered(
            calls_with_ids,
            who,
            "every call asked for by id",
            lambda w: {"call_ids": [c.id for c in w.calls.values()]},
            lambda w, whose=whose: {w.calls[key].id for key in whose},
        )
        for who, whose in (("a1", ("a1",)), ("lead_b", ("b1",)), ("lead", ("a1", "a2")))
    ),
    Filtered(
        customer_journey,
        "a1",
        "the customer's other conversations",
        lambda w: {"call": w.calls["a1"]},
        lambda w: set(),
    ),
    Filtered(
        customer_journey,
        "lead",
        "the customer's other conversations",
        lambda w: {"call": w.calls["a1"]},
        lambda w: {w.calls["a2"].id},
    ),
    Filtered(
        customer_journey,
        "lead_b",
        "the customer's other conversations",
        lambda w: {"call": w.calls["b1"]},
        lambda w: set(),
    ),
    Filtered(list_agents, "lead_b", "the agents", lambda w: {}, lambda w: {w.people["b1"].id}),
    Filtered(list_agents, "a1", "the agents", lambda w: {}, lambda w: {w.people["a1"].id}),
    Filtered(
        list_users,
        "lead_b",
        "the users",
        lambda w: {},
        lambda w: {w.people["lead_b"].id, w.people["b1"].id},
    ),
    Filtered(list_users, "a1", "the users", lambda w: {}, lambda w: {w.people["a1"].id}),
    Filtered(
        list_notes, "a1", "notes about them", lambda w: {}, lambda w: {w.notes["a1_shared"].id}
    ),
    Filtered(
        list_notes,
        "lead_b",
        "team A's call's notes",
        lambda w: {"call_id": w.calls["a1"].id},
        lambda w: set(),
    ),
    Filtered(list_notes, "lead_b", "every note", lambda w: {}, lambda w: {w.notes["b1"].id}),
    Filtered(list_live_sessions, "lead_b", "live calls", lambda w: {}, lambda w: {w.live["b1"].id}),
    Filtered(list_live_sessions, "a1", "live calls", lambda w: {}, lambda w: set()),
    Filtered(
        list_disputes,
        "a1",
        "disputes",
        lambda w: {},
        lambda w: {w.disputes["a1"].id},
        pick=lambda item: item.dispute.id,
    ),
    Filtered(
        list_disputes,
        "lead_b",
        "disputes",
        lambda w: {},
        lambda w: {w.disputes["b1"].id},
        pick=lambda item: item.dispute.id,
    ),
    Filtered(
        official_scores,
        "lead_b",
        "team A's agent's scores",
        lambda w: {"agent_id": w.people["a1"].id},
        lambda w: set(),
        pick=lambda pair: pair[0].id,
    ),
    Filtered(
        official_scores,
        "a2",
        "a colleague's scores",
        lambda w: {"agent_id": w.people["a1"].id},
        lambda w: set(),
        pick=lambda pair: pair[0].id,
    ),
    Filtered(
        review_queue,
        "lead_b",
        "the review queue",
        lambda w: {"random_share": 1.0},
        lambda w: {w.calls["b1"].id},
        pick=lambda item: item.call.id,
    ),
    Filtered(
        list_assignments,
        "a1",
        "assignments",
        lambda w: {"now": NOW},
        lambda w: {w.assignments["a1"].id},
        pick=lambda item: item.assignment.id,
    ),
    Filtered(
        list_assignments,
        "lead_b",
        "assignments",
        lambda w: {"now": NOW},
        lambda w: {w.assignments["b1"].id},
        pick=lambda item: item.assignment.id,
    ),
    Filtered(
        pending_tips,
        "lead_b",
        "tips waiting",
        lambda w: {},
        lambda w: {w.tips["b1"].id},
        pick=lambda pair: pair[0].id,
    ),
    Filtered(
        list_coaching_sessions,
        "lead_b",
        "coaching sessions",
        lambda w: {},
        lambda w: {w.coaching["b1"].id},
        pick=lambda item: item.coaching.id,
    ),
    Filtered(
        list_coaching_sessions,
        "a2",
        "a colleague's coaching sessions",
        lambda w: {"agent_id": w.people["a1"].id},
        lambda w: set(),
        pick=lambda item: item.coaching.id,
    ),
    Filtered(
        list_coaching_sessions,
        "reviewer",
        "coaching sessions",
        lambda w: {},
        lambda w: set(),
        pick=lambda item: item.coaching.id,
    ),
    Filtered(
        scored_calls,
        "lead_b",
        "team A's agent's scored calls",
        lambda w: {"agent_id": w.people["a1"].id},
        lambda w: set(),
        pick=lambda scored: scored.call.id,
    ),
    Filtered(
        list_calibrations,
        "lead_b",
        "calibrations",
        lambda w: {},
        lambda w: set(),
        pick=lambda item: item.calibration.id,
    ),
    Filtered(
        due_cards, "a2", "due review cards", lambda w: {"now": NOW}, lambda w: {w.cards["a2"].id}
    ),
    Filtered(
        current_attempt,
        "a2",
        "a lesson a colleague started",
        lambda w: {"lesson_id": LESSON.id},
        lambda w: set(),
    ),
    Filtered(
        agent_learning,
        "a1",
        "a colleague's learning",
        lambda w: {
            "filters": DashboardFilter(agent_id=w.people["a2"].id),
            "lesson_skills": {},
            "now": NOW,
        },
        lambda w: {w.people["a1"].id},
        pick=lambda row: row.agent_id,
    ),
    Filtered(
        agent_learning,
        "lead_b",
        "team A's learning",
        lambda w: {
            "filters": DashboardFilter(team_id=w.people["a1"].team_id),
            "lesson_skills": {},
            "now": NOW,
        },
        lambda w: set(),
        pick=lambda row: row.agent_id,
    ),
    Filtered(
        agent_learning,
        "lead",
        "every agent's learning",
        lambda w: {"filters": DashboardFilter(), "lesson_skills": {}, "now": NOW},
        lambda w: {w.people["a1"].id, w.people["a2"].id},  # not the deactivated agent
        pick=lambda row: row.agent_id,
    ),
    Filtered(
        search_segments,
        "a2",
        "every call's words",
        lambda w: {"query": "supervisor", "mode": "words"},
        lambda w: {w.calls["a2"].id},
        pick=lambda hit: hit.call_id,
    ),
    Filtered(
        search_segments,
        "lead_b",
        "every call's words",
        lambda w: {"query": "SUPERVISOR", "mode": "words"},
        lambda w: {w.calls["b1"].id},
        pick=lambda hit: hit.call_id,
    ),
    Filtered(
        search_segments,
        "a1",
        "every call by meaning",
        lambda w: {
            "query": "get me a supervisor",
            "index": SegmentIndex(w.data_dir / "segments", embedder=CountingEmbedder()),
        },
        lambda w: {w.calls["a1"].id},
        pick=lambda hit: hit.call_id,
    ),
]


@pytest.mark.parametrize("case", FILTERED, ids=str)
def test_a_list_shows_only_what_the_person_may_see(case, session, world):
    found = _call_as(case.function, session, world.people[case.who], case.args(world))
    if isinstance(found, tuple):  # a page and the total (list_call_rows)
        found = found[0]
    items = found if isinstance(found, list) else [found] if found is not None else []
    assert {case.pick(item) for item in items} == case.shown(world)


def test_auto_qa_accuracy_counts_only_the_reviewed_calls_in_the_viewers_team(session, world):
    # a2's call is the one reviewed by a person; only team A's lead may count it.
    assert auto_qa_accuracy(session=session, viewer=world.people["lead"]).calls == 1
    assert auto_qa_accuracy(session=session, viewer=world.people["lead_b"]).calls == 0


# Scoped functions that cannot refuse: each reads only the signed-in agent's own records and
# takes no other person's id, so there is nobody else's data to ask for.
OWN_RECORDS_ONLY = [
    open_assignment_count,  # the agent's own open lessons (menu badge)
    due_count,  # the agent's own due review cards (menu badge)
    next_due,  # when the agent's own next review card falls due (Reviews page)
    assignment_moment,  # the call moment behind the agent's own assignment of a lesson
    learning_activity,  # the agent's own reviews and lesson steps (streaks)
    skill_mastery,  # the agent's own review cards, per skill
]


def test_every_scoped_function_has_an_access_case_or_cannot_refuse():
    scoped = {f"{module}.{name}" for module, name in set(_scoped_functions()) - NOT_SCOPED}
    cased = {_name(case.function) for case in [*REFUSALS, *FILTERED]}
    unable = {_name(function) for function in OWN_RECORDS_ONLY}
    assert sorted(scoped - cased - unable) == []
    assert sorted((cased | unable) - scoped) == []


@pytest.mark.parametrize("function", OWN_RECORDS_ONLY, ids=_name)
def test_a_function_that_cannot_refuse_takes_no_one_elses_id(function):
    parameters = inspect.signature(function).parameters
    assert [name for name in parameters if name.endswith("_id")] == []
    assert _user_parameter(function) == "agent"


# Pages


@pytest.fixture
def signed_in(app_db, people):
    """Sign in to the real app as one of `people` (tests/pages/conftest.py has the same)."""
    return lambda key: sign_in(people[key].email)


SIGNED_IN_AS = {Role.AGENT: "a1", Role.REVIEWER: "reviewer", Role.LEAD: "lead", Role.ADMIN: "admin"}
FORBIDDEN_PAGES = [
    pytest.param(who, key, id=f"{role}-{key}")
    for role, who in SIGNED_IN_AS.items()
    for key, spec in PAGES.items()
    if role not in spec.roles
]


@pytest.mark.parametrize(("who", "page"), FORBIDDEN_PAGES)
def test_a_page_the_role_may_not_open_says_so_and_is_audited(signed_in, session, people, who, page):
    at = signed_in(who)
    seen = {event.id for event in _refusals(session)}

    at.switch_page(PAGES[page].path).run()

    assert [e.value for e in at.error] == [NOT_ALLOWED_PAGE]
    assert not at.title and not at.metric
    new = [(e.entity, e.actor_id) for e in _refusals(session) if e.id not in seen]
    assert new == [(f"page:{PAGES[page].path}", people[who].id)]


def _everything_shown(at) -> str:
    """The page's text, buttons (transcript lines are buttons) and select boxes' options."""
    buttons = [b.label for b in at.button]
    options = [str(o) for box in at.selectbox for o in box.options]
    return "\n".join([texts(at), *buttons, *options])


def test_an_agent_opening_a_colleagues_call_by_link_sees_a_refusal_and_nothing_of_it(
    signed_in, session, people
):
    theirs = call_on(session, people["a2"], days_ago(1))
    session.add(
        Segment(
            call_id=theirs.id, start=1, end=4, speaker=Speaker.CUSTOMER, text="My card ends 4242"
        )
    )
    session.commit()
    link = {"call": str(theirs.id)}
    owner = signed_in("a2")
    owner.query_params.update(link)
    assert "My card ends 4242" in _everything_shown(owner.switch_page("pages/calls.py").run())
    seen = {event.id for event in _refusals(session)}

    at = signed_in("a1")
    at.query_params.update(link)
    at.switch_page("pages/calls.py").run()

    assert [e.value for e in at.error] == [
        f"You can't open call #{theirs.id}: it belongs to someone outside your view."
    ]
    shown = _everything_shown(at)
    assert "4242" not in shown and "A2 Person" not in shown and not at.metric
    new = [(e.entity, e.actor_id, e.entity_id) for e in _refusals(session) if e.id not in seen]
    assert new == [("core.calls.get_call", people["a1"].id, theirs.id)]


def test_a_lead_opening_another_teams_live_call_by_link_is_refused(signed_in, session, people):
    live = start_live_session(
        session=session, actor=people["lead"], agent_id=people["a1"].id, source="x", now=NOW
    )
    said = CommittedSegment(1.0, 3.0, Speaker.CUSTOMER, "My card ends 4242", (), 3.5)
    record_live_progress(session=session, live_id=live.id, call_seconds=4.0, segments=[said])
    link = {"live": str(live.id)}
    team_lead = signed_in("lead")
    team_lead.query_params.update(link)
    assert "My card ends 4242" in texts(team_lead.switch_page("pages/monitor.py").run())
    seen = {event.id for event in _refusals(session)}

    at = signed_in("lead_b")
    at.query_params.update(link)
    at.switch_page("pages/monitor.py").run()

    assert [e.value for e in at.error] == [
        f"You can't monitor live call #{live.id}: it is outside your team."
    ]
    assert "4242" not in _everything_shown(at) and not at.metric and not at.subheader
    new = [(e.entity, e.actor_id, e.entity_id) for e in _refusals(session) if e.id not in seen]
    assert new == [("monitoring.sessions.get_live_session", people["lead_b"].id, live.id)]
