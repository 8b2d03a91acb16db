"""Signing in as each demo role in a real browser shows that role's navigation."""

import pytest

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

QUALITY = {"Review queue", "Disputes", "Calibration", "Auto-QA accuracy"}
MINE = {"QA dashboard", "Learning dashboard", "Conversation search"}
INSIGHTS = {*MINE, "What drives CSAT"}
NAVIGATION = {
    "amara.okafor@example.com": {
        "Home",
        "Profile",
        "My lessons",
        "Reviews",
        "My coaching",
        "Calls",
        "Disputes",
        *MINE,
    },
    "raj.patel@example.com": {
        "Home",
        "Profile",
        "Calls",
        "Upload calls",
        "Live monitoring",
        *QUALITY,
        *INSIGHTS,
    },
    "lena.brooks@example.com": {
        "Home",
        "Profile",
        "Calls",
        "Upload calls",
        "Live monitoring",
        "Coaching",
        "Lessons",
        *QUALITY,
        *INSIGHTS,
    },
    "admin@example.com": {
        "Home",
        "Profile",
        "Calls",
        "Upload calls",
        "Live monitoring",
        "Coaching",
        "Lessons",
        "Users & teams",
        "KPI targets",
        "Audit trail",
        *QUALITY,
        *INSIGHTS,
    },
}


@pytest.mark.parametrize("email", list(NAVIGATION))
def test_each_role_sees_its_own_navigation(browser, app_url, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, app_url, email)
    links = page.locator("[data-testid='stSidebarNav'] a")
    links.first.wait_for()
    # The title follows the icon; a count badge follows the title ("My lessons · 2").
    titles = {link.inner_text().split("\n")[-1].split(" · ")[0].strip() for link in links.all()}
    assert titles == NAVIGATION[email]
    screenshot(page, f"home-{email.split('@')[0]}")
    context.close()


def test_an_agent_opening_an_admin_page_by_url_sees_not_allowed(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, app_url, "amara.okafor@example.com")
    page.goto(f"{app_url}/users")  # the session survives a reload: the cookie carries it
    page.get_by_text("Not allowed").wait_for(timeout=20_000)
    assert page.get_by_text("Users & teams").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "agent-not-allowed-mobile")
    context.close()


def test_a_wrong_password_keeps_the_visitor_out(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(app_url)
    page.get_by_label("Email").fill("amara.okafor@example.com")
    page.get_by_role("textbox", name="Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("don't match an account").wait_for(timeout=20_000)
    context.close()
