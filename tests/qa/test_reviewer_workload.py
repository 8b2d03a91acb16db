from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import AuditEvent, ReviewAssignment
from qa.review import QueueView, ReviewDecision, review_queue, submit_review
from qa.reviewer_workload import (
    assign_reviews,
    reviewer_progress,
    set_weekly_target,
    team_workload,
    week_start,
)
from qa.scorecard import load_scorecard
from qa.scoring import Result
from tests.conftest import NOW
from tests.qa.conftest import scored_call

SCORECARD = load_scorecard("default")


def _confirm(session, reviewer, call, now):
    decisions = [ReviewDecision(c.id, Result.PASS) for c in SCORECARD.criteria]
    submit_review(
        session=session,
        reviewer=reviewer,
        call_id=call.id,
        decisions=decisions,
        scorecard=SCORECARD,
        now=now,
    )


def _queue(session, viewer, view):
    items = review_queue(session=session, viewer=viewer, random_share=0.0, view=view)
    return [item.call.id for item in items]


@pytest.fixture
def queued(session, people):
    return [scored_call(session, people["a1"], n, auto_fail=True) for n in (1, 2, 3)]


def test_a_week_starts_on_monday_at_midnight_where_the_reviewer_lives():
    sunday_night_utc = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert week_start(sunday_night_utc, "Europe/London") == datetime(2026, 11, 23, tzinfo=UTC)
    # Already Monday morning in Sydney (UTC+11): that week began at 13:00 UTC on Sunday.
    assert week_start(sunday_night_utc, "Australia/Sydney") == datetime(
        2026, 11, 29, 13, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        week_start(datetime(2026, 11, 29), "Europe/London")


def test_assigned_calls_head_their_reviewer_s_queue_and_leave_the_shared_pool(
    session, people, queued
):
    first, second, third = queued
    moved = assign_reviews(
        session=session,
        lead=people["lead"],
        call_ids=[third.id, third.id],
        reviewer_id=people["reviewer"].id,
        now=NOW,
    )
    assert moved == 1
    reviewer = people["reviewer"]
    assert _queue(session, reviewer, QueueView.MINE)[0] == third.id
    assert _queue(session, reviewer, QueueView.ASSIGNED_TO_ME) == [third.id]
    assert third.id not in _queue(session, reviewer, QueueView.UNASSIGNED)
    assert third.id not in _queue(session, people["admin"], QueueView.MINE)  # someone else's
    assert len(_queue(session, people["admin"], QueueView.EVERYONE)) == 3

    # Back to the pool, audited both ways; assigning it there again changes nothing.
    assign_reviews(
        session=session, lead=people["lead"], call_ids=[third.id], reviewer_id=None, now=NOW
    )
    assert session.get(ReviewAssignment, third.id) is None
    assert (
        assign_reviews(
            session=session, lead=people["lead"], call_ids=[third.id], reviewer_id=None, now=NOW
        )
        == 0
    )
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "assign_review")).all()
    assert [(e.before, e.after) for e in events] == [
        ({"reviewer_id": None}, {"reviewer_id": reviewer.id}),
        ({"reviewer_id": reviewer.id}, {"reviewer_id": None}),
    ]


def test_only_leads_and_admins_assign_and_only_calls_they_may_see(session, people, queued):
    reviewer = people["reviewer"].id
    with pytest.raises(NotAllowed):
        assign_reviews(
            session=session,
            lead=people["reviewer"],
            call_ids=[queued[0].id],
            reviewer_id=reviewer,
            now=NOW,
        )
    other_team = scored_call(session, people["b1"], 9, auto_fail=True)
    with pytest.raises(NotAllowed):
        assign_reviews(
            session=session,
            lead=people["lead"],
            call_ids=[other_team.id],
            reviewer_id=reviewer,
            now=NOW,
        )
    with pytest.raises(NotFound):
        assign_reviews(
            session=session, lead=people["lead"], call_ids=[999], reviewer_id=reviewer, now=NOW
        )
    with pytest.raises(InvalidInput, match="not an active reviewer"):
        assign_reviews(
            session=session,
            lead=people["lead"],
            call_ids=[queued[0].id],
            reviewer_id=people["a1"].id,
            now=NOW,
        )
    assert session.exec(select(ReviewAssignment)).all() == []


def test_a_reviewed_call_is_not_handed_out_and_nothing_of_the_batch_is(session, people, queued):
    _confirm(session, people["reviewer"], queued[1], NOW)
    with pytest.raises(InvalidInput, match=f"Call #{queued[1].id} is already reviewed"):
        assign_reviews(
            session=session,
            lead=people["lead"],
            call_ids=[queued[0].id, queued[1].id],
            reviewer_id=people["reviewer"].id,
            now=NOW,
        )
    session.rollback()
    assert session.exec(select(ReviewAssignment)).all() == []


def test_progress_counts_this_week_s_reviews_against_the_target(session, people, queued):
    reviewer = people["reviewer"]
    assign_reviews(
        session=session,
        lead=people["lead"],
        call_ids=[c.id for c in queued],
        reviewer_id=reviewer.id,
        now=NOW,
    )
    set_weekly_target(
        session=session, lead=people["lead"], reviewer_id=reviewer.id, weekly=4, now=NOW
    )
    _confirm(session, reviewer, queued[0], NOW - timedelta(days=1))  # last week (Sunday)
    _confirm(session, reviewer, queued[1], NOW + timedelta(hours=1))
    progress = reviewer_progress(
        session=session, viewer=reviewer, reviewer_id=reviewer.id, now=NOW + timedelta(hours=2)
    )
    assert (progress.reviewed_this_week, progress.weekly_target, progress.waiting) == (1, 4, 1)
    assert progress.share_done == 0.25
    workload = team_workload(session=session, viewer=people["lead"], now=NOW + timedelta(hours=2))
    assert {p.reviewer.id: p.reviewed_this_week for p in workload}[reviewer.id] == 1
    with pytest.raises(NotAllowed):
        reviewer_progress(
            session=session,
            viewer=reviewer,
            reviewer_id=people["admin"].id,
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        team_workload(session=session, viewer=reviewer, now=NOW)


def test_a_target_is_checked_removable_and_audited(session, people):
    reviewer = people["reviewer"].id
    for bad in (-1, 100_000):
        with pytest.raises(InvalidInput, match="between 0 and"):
            set_weekly_target(
                session=session, lead=people["lead"], reviewer_id=reviewer, weekly=bad, now=NOW
            )
    set_weekly_target(
        session=session, lead=people["lead"], reviewer_id=reviewer, weekly=30, now=NOW
    )
    set_weekly_target(
        session=session, lead=people["lead"], reviewer_id=reviewer, weekly=30, now=NOW
    )
    set_weekly_target(
        session=session, lead=people["admin"], reviewer_id=reviewer, weekly=None, now=NOW
    )
    progress = reviewer_progress(
        session=session, viewer=people["lead"], reviewer_id=reviewer, now=NOW
    )
    assert progress.weekly_target is None and progress.share_done is None
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "review_target")).all()
    assert [(e.before, e.after) for e in events] == [
        ({"weekly": None}, {"weekly": 30}),
        ({"weekly": 30}, {"weekly": None}),
    ]
    with pytest.raises(NotAllowed):
        set_weekly_target(
            session=session, lead=people["reviewer"], reviewer_id=reviewer, weekly=5, now=NOW
        )


def test_a_practice_call_is_not_handed_out(session, people, queued):
    drill = queued[0]
    drill.practice = True
    session.add(drill)
    session.commit()
    with pytest.raises(InvalidInput, match="practice call"):
        assign_reviews(
            session=session,
            lead=people["lead"],
            call_ids=[drill.id],
            reviewer_id=people["reviewer"].id,
            now=NOW,
        )


def test_a_call_goes_only_to_someone_who_can_see_it(session, people, queued):
    with pytest.raises(InvalidInput, match="cannot see call"):
        assign_reviews(
            session=session,
            lead=people["admin"],
            call_ids=[queued[0].id],
            reviewer_id=people["lead_b"].id,  # team B's lead; the call is team A's
            now=NOW,
        )
    assert session.exec(select(ReviewAssignment)).all() == []


def test_one_bad_call_in_a_batch_changes_nothing(session, people, queued):
    other_team = scored_call(session, people["b1"], 9, auto_fail=True)
    with pytest.raises(NotAllowed):
        assign_reviews(
            session=session,
            lead=people["lead"],
            call_ids=[queued[0].id, other_team.id],
            reviewer_id=people["reviewer"].id,
            now=NOW,
        )
    # Not even pending in the session: the first call was not handed out before the refusal.
    assert session.exec(select(ReviewAssignment)).all() == []
    assert not session.exec(select(AuditEvent).where(AuditEvent.action == "assign_review")).all()


def test_a_lead_sets_targets_for_reviewers_and_themselves_only(session, people):
    set_weekly_target(
        session=session, lead=people["lead"], reviewer_id=people["lead"].id, weekly=5, now=NOW
    )
    for other in ("admin", "lead_b"):
        with pytest.raises(NotAllowed):
            set_weekly_target(
                session=session,
                lead=people["lead"],
                reviewer_id=people[other].id,
                weekly=5,
                now=NOW,
            )
        with pytest.raises(NotAllowed):
            reviewer_progress(
                session=session, viewer=people["lead"], reviewer_id=people[other].id, now=NOW
            )
    shown = {p.reviewer.id for p in team_workload(session=session, viewer=people["lead"], now=NOW)}
    assert shown == {people["reviewer"].id, people["lead"].id}


def test_a_deactivated_reviewer_s_calls_go_back_to_the_shared_pool(session, people, queued):
    from core.people import update_user

    assign_reviews(
        session=session,
        lead=people["lead"],
        call_ids=[queued[0].id],
        reviewer_id=people["reviewer"].id,
        now=NOW,
    )
    update_user(
        session=session, actor=people["admin"], user_id=people["reviewer"].id, active=False, now=NOW
    )
    assert session.get(ReviewAssignment, queued[0].id) is None
    assert queued[0].id in _queue(session, people["lead"], QueueView.UNASSIGNED)
