import pytest
from sqlmodel import select

from core.audit import list_events
from core.auth import authenticate
from core.errors import InvalidInput, NotAllowed, NotFound, SignInFailed
from core.models import AuditEvent, Role, User
from core.people import (
    create_team,
    create_user,
    get_user,
    list_reviewers,
    list_users,
    reset_password,
    set_team_scorecard,
    update_profile,
    update_user,
)
from tests.conftest import NOW, PASSWORD


def _new_user(session, actor, **overrides):
    fields = {
        "name": "New Agent",
        "email": "new.agent@example.com",
        "role": Role.AGENT,
        "team_id": None,
        "password": "first-password",
    } | overrides
    return create_user(session=session, actor=actor, now=NOW, **fields)


def test_an_admin_creates_a_user_who_can_sign_in_and_the_change_is_audited(session, people):
    user = _new_user(session, people["admin"], team_id=people["a1"].team_id)
    assert authenticate(session=session, email="new.agent@example.com", password="first-password")
    event = list_events(session=session, viewer=people["admin"], entity="user")[0]
    assert (event.action, event.entity_id, event.actor_id) == (
        "create",
        user.id,
        people["admin"].id,
    )
    assert event.after["email"] == "new.agent@example.com"
    assert "password_hash" not in event.after


@pytest.mark.parametrize("role", ["lead", "reviewer", "a1"])
def test_only_admins_manage_users(session, people, role):
    with pytest.raises(NotAllowed):
        _new_user(session, people[role])
    assert session.exec(select(User).where(User.email == "new.agent@example.com")).first() is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "a1@example.com"}, "already exists"),
        ({"email": "not-an-email"}, "not an email address"),
        ({"name": "  "}, "needs a name"),
        ({"password": "short"}, "at least 8"),
        ({"team_id": 999}, "no team #999"),
    ],
)
def test_bad_user_details_are_refused_and_nothing_is_written(session, people, overrides, message):
    users_before = len(session.exec(select(User)).all())
    with pytest.raises(InvalidInput, match=message):
        _new_user(session, people["admin"], **overrides)
    session.rollback()
    assert len(session.exec(select(User)).all()) == users_before
    assert session.exec(select(AuditEvent)).all() == []


def test_deactivating_a_user_blocks_sign_in_and_records_before_and_after(session, people):
    update_user(
        session=session, actor=people["admin"], user_id=people["a1"].id, active=False, now=NOW
    )
    with pytest.raises(SignInFailed):
        authenticate(session=session, email="a1@example.com", password=PASSWORD)
    event = list_events(session=session, viewer=people["admin"])[0]
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_moving_a_user_between_teams_and_roles(session, people):
    team_b = people["b1"].team_id
    update_user(
        session=session,
        actor=people["admin"],
        user_id=people["a1"].id,
        role=Role.LEAD,
        team_id=team_b,
        now=NOW,
    )
    assert (people["a1"].role, people["a1"].team_id) == (Role.LEAD, team_b)


def test_an_admin_cannot_lock_themselves_out(session, people):
    with pytest.raises(NotAllowed):
        update_user(
            session=session,
            actor=people["admin"],
            user_id=people["admin"].id,
            active=False,
            now=NOW,
        )


def test_reset_password_replaces_the_old_one_and_audits_without_the_value(session, people):
    reset_password(
        session=session,
        actor=people["admin"],
        user_id=people["a1"].id,
        new_password="brand-new-password",
        now=NOW,
    )
    authenticate(session=session, email="a1@example.com", password="brand-new-password")
    with pytest.raises(SignInFailed):
        authenticate(session=session, email="a1@example.com", password=PASSWORD)
    event = list_events(session=session, viewer=people["admin"])[0]
    assert event.action == "reset_password"
    assert event.before is None and event.after is None


def test_reset_password_for_an_unknown_user(session, people):
    with pytest.raises(NotFound):
        reset_password(
            session=session, actor=people["admin"], user_id=999, new_password="whatever-1", now=NOW
        )


def test_who_sees_whom(session, people):
    def emails(viewer):
        return {u.email for u in list_users(session=session, viewer=people[viewer])}

    assert len(emails("admin")) == len(people)
    assert emails("lead") == {"lead@example.com", "a1@example.com", "a2@example.com"}
    assert emails("a1") == {"a1@example.com"}
    with pytest.raises(NotAllowed):
        get_user(session=session, viewer=people["a1"], user_id=people["a2"].id)


def test_team_names_are_unique(session, people):
    create_team(session=session, actor=people["admin"], name="Billing", now=NOW)
    with pytest.raises(InvalidInput, match="already exists"):
        create_team(session=session, actor=people["admin"], name="billing", now=NOW)


def test_only_admins_read_the_audit_trail(session, people):
    with pytest.raises(NotAllowed):
        list_events(session=session, viewer=people["lead"])


def test_an_admin_chooses_a_teams_scorecard_and_the_change_is_audited(session, people):
    team_id = people["a1"].team_id
    kwargs = {
        "session": session,
        "team_id": team_id,
        "available": ["default", "complaints"],
        "now": NOW,
    }
    with pytest.raises(InvalidInput, match="choose one of complaints, default"):
        set_team_scorecard(actor=people["admin"], scorecard="nope", **kwargs)
    with pytest.raises(NotAllowed):
        set_team_scorecard(actor=people["lead"], scorecard="complaints", **kwargs)
    team = set_team_scorecard(actor=people["admin"], scorecard="complaints", **kwargs)
    assert team.scorecard == "complaints"
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "team")).one()
    assert (event.before, event.after) == ({"scorecard": "default"}, {"scorecard": "complaints"})
    kwargs["available"] = ["written"]
    team = set_team_scorecard(actor=people["admin"], scorecard="written", written=True, **kwargs)
    assert (team.scorecard, team.written_scorecard) == ("complaints", "written")  # unchanged


def test_leads_pick_calibration_reviewers_from_active_staff(session, people):
    names = [u.email for u in list_reviewers(session=session, viewer=people["lead"])]
    # Reviewers first, whom pickers default to; then leads and admins.
    assert names == [f"{k}@example.com" for k in ("reviewer", "lead", "lead_b", "admin")]
    with pytest.raises(NotAllowed):
        list_reviewers(session=session, viewer=people["reviewer"])


def test_a_person_sets_their_own_time_zone_and_reminders_and_the_change_is_audited(session, people):
    agent = people["a1"]
    update_profile(session=session, user=agent, time_zone="Asia/Tokyo", reminders=False, now=NOW)
    session.expire_all()
    stored = session.get(User, agent.id)
    assert (stored.time_zone, stored.reminders) == ("Asia/Tokyo", False)
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.entity, event.entity_id, event.actor_id) == (
        "update",
        "user",
        agent.id,
        agent.id,
    )
    assert event.before == {"time_zone": "Europe/London", "reminders": True}
    assert event.after == {"time_zone": "Asia/Tokyo", "reminders": False}


def test_a_profile_change_audits_only_what_changed_and_nothing_when_nothing_did(session, people):
    lead = people["lead"]
    update_profile(session=session, user=lead, time_zone="Europe/London", reminders=True, now=NOW)
    assert session.exec(select(AuditEvent)).all() == []
    update_profile(session=session, user=lead, time_zone="Europe/Paris", now=NOW)
    event = session.exec(select(AuditEvent)).one()
    assert (event.before, event.after) == (
        {"time_zone": "Europe/London"},
        {"time_zone": "Europe/Paris"},
    )
    assert session.get(User, lead.id).reminders is True


def test_an_unknown_time_zone_is_refused_and_nothing_is_written(session, people):
    agent = people["a1"]
    with pytest.raises(InvalidInput, match="'Mars/Olympus_Mons' is not a time zone"):
        update_profile(
            session=session, user=agent, time_zone="Mars/Olympus_Mons", reminders=False, now=NOW
        )
    session.rollback()
    stored = session.get(User, agent.id)
    assert (stored.time_zone, stored.reminders) == ("Europe/London", True)
    assert session.exec(select(AuditEvent)).all() == []


def test_a_reset_password_signs_out_every_browser_of_that_person(session, people):
    from core.auth import resume_session, start_session

    token = start_session(session=session, user=people["a1"], now=NOW)
    reset_password(
        session=session,
        actor=people["admin"],
        user_id=people["a1"].id,
        new_password="brand-new-password",
        now=NOW,
    )
    with pytest.raises(SignInFailed, match="signed out"):
        resume_session(session=session, token=token, now=NOW, idle_minutes=30)
