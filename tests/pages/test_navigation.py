import pytest

from core.models import Role, User
from tests.pages.conftest import APP, texts
from ui.navigation import menu_for

MENU = {
    Role.AGENT: [
        "home",
        "learn",
        "reviews",
        "calls",
        "disputes",
        "quality_dashboard",
        "learning_dashboard",
        "search",
        "my_coaching",
        "profile",
    ],
    Role.REVIEWER: [
        "home",
        "calls",
        "review",
        "disputes",
        "calibration",
        "accuracy",
        "quality_dashboard",
        "learning_dashboard",
        "drivers",
        "search",
        "upload",
        "monitor",
        "profile",
    ],
    Role.LEAD: [
        "home",
        "calls",
        "review",
        "disputes",
        "calibration",
        "accuracy",
        "quality_dashboard",
        "learning_dashboard",
        "drivers",
        "search",
        "upload",
        "monitor",
        "coaching",
        "lessons",
        "profile",
    ],
    Role.ADMIN: [
        "home",
        "calls",
        "review",
        "disputes",
        "calibration",
        "accuracy",
        "quality_dashboard",
        "learning_dashboard",
        "drivers",
        "search",
        "upload",
        "monitor",
        "coaching",
        "lessons",
        "users",
        "targets",
        "audit",
        "profile",
    ],
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_own_pages_in_the_menu(role):
    assert menu_for(User(role=role)) == MENU[role]


def test_a_signed_out_visitor_is_offered_only_the_sign_in_page():
    assert menu_for(None) == ["sign_in"]


@pytest.mark.parametrize(
    ("key", "role"),
    [("a1", "agent"), ("reviewer", "reviewer"), ("lead", "lead"), ("admin", "admin")],
)
def test_signing_in_lands_on_home_with_the_role_named(signed_in, people, key, role):
    at = signed_in(key)
    assert not at.exception
    assert "Hello," in texts(at)
    assert f"Signed in as **{people[key].name}** ({role})" in texts(at)
    assert at.button(key="sign_out")


@pytest.mark.parametrize("page", ["pages/users.py", "pages/audit.py"])
@pytest.mark.parametrize("key", ["a1", "lead", "reviewer"])
def test_an_admin_page_opened_by_url_by_another_role_says_not_allowed_and_nothing_else(
    signed_in, key, page
):
    at = signed_in(key)
    at.switch_page(page).run()
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]
    assert not at.title and not at.dataframe and not at.text_input


def test_a_signed_out_visitor_cannot_reach_a_page(app_db, people):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/sign_in.py").run()
    assert at.text_input(key="sign_in_email")
