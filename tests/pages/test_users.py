from sqlmodel import select

from core.auth import authenticate
from core.models import AuditEvent, Role, Team, User
from tests.pages.conftest import sign_in, texts


def _users_page(signed_in):
    return signed_in("admin").switch_page("pages/users.py").run()


def test_the_admin_sees_every_user(signed_in, people):
    at = _users_page(signed_in)
    emails = set(at.dataframe[0].value["Email"])
    assert emails == {u.email for u in people.values()}


def test_the_admin_adds_a_user_who_can_then_sign_in(signed_in, session):
    at = _users_page(signed_in)
    at.text_input(key="add_user_name").input("Nia Clarke")
    at.text_input(key="add_user_email").input("nia.clarke@example.com")
    at.selectbox(key="add_user_role").select(Role.AGENT)
    at.text_input(key="add_user_password").input("nia-first-pass")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert "Nia Clarke can now sign in" in texts(at)
    assert "nia.clarke@example.com" in set(at.dataframe[0].value["Email"])
    assert authenticate(session=session, email="nia.clarke@example.com", password="nia-first-pass")
    # The team was left at its default: a team, not "No team".
    nia = session.exec(select(User).where(User.email == "nia.clarke@example.com")).one()
    assert session.get(Team, nia.team_id).name == "Team A"
    assert "Hello, Nia" in texts(sign_in("nia.clarke@example.com", "nia-first-pass"))


def test_a_duplicate_email_is_refused_with_a_message_and_nothing_written(signed_in, session):
    at = _users_page(signed_in)
    before = len(session.exec(select(User)).all())
    at.text_input(key="add_user_name").input("Copy Cat")
    at.text_input(key="add_user_email").input("a1@example.com")
    at.text_input(key="add_user_password").input("whatever-123")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert "already exists" in texts(at)
    assert len(session.exec(select(User)).all()) == before


def test_the_admin_deactivates_an_agent_and_the_change_is_audited(signed_in, session, people):
    at = _users_page(signed_in)
    at.selectbox(key="edit_user_pick").select(people["a1"].id).run()
    at.checkbox(key=f"edit_user_active_{people['a1'].id}").uncheck()
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert "Saved a1@example.com" in texts(at)
    session.expire_all()
    assert session.get(User, people["a1"].id).active is False
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert (event.before, event.after) == ({"active": True}, {"active": False})  # nothing else
    assert "don't match" not in texts(sign_in("a1@example.com"))  # refused for another reason
    assert "deactivated" in texts(sign_in("a1@example.com"))


def test_the_audit_trail_shows_the_change(signed_in, people):
    at = _users_page(signed_in)
    at.selectbox(key="edit_user_pick").select(people["a2"].id).run()
    at.selectbox(key=f"edit_user_role_{people['a2'].id}").select(Role.LEAD)
    next(b for b in at.button if b.label == "Save changes").click().run()
    at.switch_page("pages/audit.py").run()
    table = at.dataframe[0].value
    assert list(table["Action"]) == ["update"]
    assert list(table["Who"]) == ["admin@example.com"]


def test_the_admin_chooses_a_scorecard_per_team(signed_in, session, people):
    at = _users_page(signed_in)
    team_id = people["b1"].team_id
    picker = at.selectbox(key=f"team_scorecard_{team_id}")
    assert picker.value == "default" and "complaints" in picker.options
    picker.set_value("complaints")
    next(b for b in at.button if b.label == "Save scorecards").click().run()
    assert "Team scorecards saved." in texts(at)
    session.expire_all()
    assert session.get(Team, team_id).scorecard == "complaints"
    assert session.get(Team, people["a1"].team_id).scorecard == "default"
    # Written conversations have their own scorecards; a call one is not offered for them.
    written = at.selectbox(key=f"team_written_scorecard_{team_id}")
    assert written.value == "written" and written.options == ["written"]
    assert "written" not in picker.options
