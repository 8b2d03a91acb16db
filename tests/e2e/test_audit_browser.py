"""The audit trail on a laptop (1280x800), in a real browser: the admin filters it by an action,
reads the change in words, opens one change and downloads what the filter keeps."""

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from analytics.targets import KPI, set_target
from core.db import create_db_engine
from core.models import AuditEvent, User, utcnow
from demo.targets import seed_targets
from tests.e2e.conftest import screenshot, settled, sign_in

pytestmark = pytest.mark.e2e

ADMIN = "admin@example.com"
LAPTOP = {"width": 1280, "height": 800}
RAISED = "value: 0.85 → 0.9; added kpi: pass_rate"


@pytest.fixture
def targets_changed(e2e_database_url, app_url) -> int:
    """The demo's KPI targets, set by the admin, then the pass rate raised from 0.85 to 0.9.
    Returns how many `target.set` events the trail holds, and how many events in all."""
    engine = create_db_engine(e2e_database_url)
    seed_targets(engine=engine, admin_email=ADMIN, now=utcnow())
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.email == ADMIN)).one()
        set_target(session=session, actor=admin, kpi=KPI.PASS_RATE, value=0.9, now=utcnow())
        count = select(func.count()).select_from(AuditEvent)
        kept = session.exec(count.where(AuditEvent.action == "target.set")).one()
        total = session.exec(count).one()
    engine.dispose()
    assert total > kept  # the demo's users were added too: the filter has something to drop
    return kept


def _cells(page, *, once: str) -> list[str]:
    """The texts of the table's cells once one of them reads `once` and nothing on the page
    is left from the run before. The grid draws on a canvas; this is its accessible copy,
    which holds the rows on screen and is drawn anew (empty for a moment) when the table
    changes, so it is read in the same step as the wait."""
    handle = page.wait_for_function(
        """(once) => {
            if (document.querySelector('[data-stale="true"]')) return false;
            const cells = [...document.querySelectorAll(
                '[data-testid="stDataFrame"] [role="gridcell"]')].map(cell => cell.textContent);
            return cells.includes(once) && cells;
        }""",
        arg=once,
        timeout=20_000,
    )
    return handle.json_value()


def test_the_admin_filters_the_trail_by_an_action_and_reads_the_change(
    browser, app_url, targets_changed
):
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = context.new_page()
    sign_in(page, app_url, ADMIN)
    page.goto(f"{app_url}/audit")
    page.get_by_text("events match").wait_for(timeout=20_000)
    _cells(page, once="target.set")  # the newest events, unfiltered
    # Other events too (the demo's users, added by the system; whatever earlier tests did).
    assert int(page.get_by_text("events match").inner_text().split()[0]) > targets_changed
    screenshot(page, "audit-01-trail")

    page.locator('[data-testid="stMultiSelect"]').filter(has_text="Action").click()
    page.get_by_role("option", name="target.set", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_text(f"{targets_changed} events match").wait_for(timeout=20_000)
    cells = _cells(page, once=RAISED)
    assert cells.count("target.set") == targets_changed and "create" not in cells
    assert RAISED in cells  # the newest: the pass rate raised
    screenshot(page, "audit-02-filtered")

    # The newest change, opened: its whole record before and after.
    grid = page.locator('[data-testid="stDataFrame"]').bounding_box()
    page.mouse.click(grid["x"] + 16, grid["y"] + 35 + 17)  # the first row's checkbox
    page.get_by_text("target.set · kpitarget #").wait_for(timeout=20_000)
    records = page.locator('[data-testid="stJson"]')
    records.nth(1).get_by_text("pass_rate").wait_for(timeout=20_000)
    before, after = records.all_inner_texts()
    assert "0.85" in before and "0.9" in after and "pass_rate" in after
    screenshot(page, "audit-03-change")

    settled(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == targets_changed
    assert {row["Action"] for row in rows} == {"target.set"}
    assert rows[0]["Change"] == RAISED and '"value": 0.85' in rows[0]["Before"]
    context.close()
