"""An agent sets their time zone and changes their password on Profile from a phone (390x844),
in a real browser."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from core.auth import hash_password
from core.db import create_db_engine
from core.models import User
from tests.e2e.conftest import DEMO_PASSWORD, no_horizontal_scroll, screenshot, sign_in
from ui.auth import COOKIE

pytestmark = pytest.mark.e2e

# An agent no other browser test signs in as; the tests put her profile back afterwards.
AGENT = "farah.haddad@example.com"
PHONE = {"width": 390, "height": 844}


def _farah(url: str, **changes) -> User:
    """Farah as stored, after setting `changes` (e.g. time_zone=...)."""
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            farah = session.exec(select(User).where(User.email == AGENT)).one()
            for key, value in changes.items():
                setattr(farah, key, value)
            session.commit()
            session.refresh(farah)
            session.expunge(farah)
            return farah
    finally:
        engine.dispose()


def _time_zone(url: str, zone: str | None = None) -> str:
    """Farah's stored time zone; with `zone`, set it first."""
    return _farah(url, **({"time_zone": zone} if zone else {})).time_zone


@pytest.fixture
def farah_in_london(e2e_database_url, app_url):
    before = _time_zone(e2e_database_url)
    _time_zone(e2e_database_url, "Europe/London")
    yield
    _time_zone(e2e_database_url, before)


def test_an_agent_changes_their_time_zone_on_a_phone(
    browser, app_url, e2e_database_url, farah_in_london
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, AGENT)

    # The menu is folded away on a phone: open it and pick Profile.
    page.get_by_test_id("stExpandSidebarButton").click()
    page.locator("[data-testid='stSidebarNav'] a", has_text="Profile").click()
    page.get_by_role("heading", name="Profile").wait_for(timeout=20_000)
    zone = page.get_by_role("combobox", name="Time zone")
    expect(zone).to_have_value("Europe/London")
    screenshot(page, "profile-01-open")
    assert no_horizontal_scroll(page, PHONE["width"]), "Profile: horizontal scroll at 390 px"

    # Search the long list by typing part of a city, then pick it.
    zone.click()
    zone.fill("Tokyo")
    page.get_by_role("option", name="Asia/Tokyo").click()
    page.get_by_role("button", name="Save").click()

    page.get_by_text("Saved. Your time zone is Asia/Tokyo, email reminders on.").wait_for(
        timeout=20_000
    )
    expect(zone).to_have_value("Asia/Tokyo")
    screenshot(page, "profile-02-saved")
    assert no_horizontal_scroll(page, PHONE["width"]), "Profile: horizontal scroll at 390 px"
    assert _time_zone(e2e_database_url) == "Asia/Tokyo"
    context.close()


@pytest.fixture
def farah_gets_the_demo_password_back(e2e_database_url, app_url):
    yield
    _farah(e2e_database_url, password_hash=hash_password(DEMO_PASSWORD))


def test_an_agent_changes_their_password_and_stays_signed_in_on_a_phone(
    browser, app_url, e2e_database_url, farah_gets_the_demo_password_back
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, AGENT)
    page.goto(f"{app_url}/profile")
    page.get_by_role("heading", name="Profile").wait_for(timeout=20_000)
    old_cookie = page.evaluate("document.cookie")

    page.get_by_role("textbox", name="Current password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("textbox", name="New password", exact=True).fill("farah-new-pass-1")
    page.get_by_role("textbox", name="Repeat the new password", exact=True).fill("farah-new-pass-1")
    page.get_by_role("button", name="Change password").click()
    page.get_by_text("Your password is changed.").wait_for(timeout=20_000)
    screenshot(page, "profile-03-password-changed")

    # Changing the password ended every session and opened a new one for this browser: its
    # cookie now holds the new one, so a reload keeps the agent signed in.
    page.wait_for_function(
        f"document.cookie.includes('{COOKIE}=') && document.cookie !== {old_cookie!r}",
        timeout=20_000,
    )
    page.goto(f"{app_url}/profile")
    page.get_by_role("heading", name="Profile").wait_for(timeout=20_000)
    assert page.get_by_text("Please sign in").count() == 0
    context.close()
