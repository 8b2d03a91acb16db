"""The defects found trying the daily screens as a new user (issue 20), each checked in a real
browser: dashboards, KPI targets, an agent's call, people's words, search, practice calls,
admin forms, the phone menu and what the browser fetches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from analytics.targets import KPI, set_target
from core.calls import stored_path
from core.config import PROJECT_ROOT
from core.db import create_db_engine
from core.models import (
    Assignment,
    AssignmentSource,
    Dispute,
    Evaluation,
    LessonAttempt,
    Segment,
    Speaker,
    User,
    utcnow,
)
from qa.metrics import compute_metrics
from tests.coaching.conftest import call_on
from tests.e2e.conftest import screenshot, sign_in
from tests.qa.conftest import DEMO_CALLS, fake_transcript
from training.lessons import load_library

pytestmark = pytest.mark.e2e

AGENTS = [
    "Amara Okafor",
    "Ben Carter",
    "Chloe Nguyen",
    "Diego Ramirez",
    "Ella Fischer",
    "Farah Haddad",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LINK_IN_A_DISPUTE = "See [my proof](http://evil.example/x) and www.evil.example **now**"
PRACTICE_LINE = "This practice line mentions a refund voucher."


@pytest.fixture(scope="module")
def scored_team(e2e_database_url, app_url):
    """One scored call per demo agent (talk-to-listen 1.96 against a 1.50 ceiling), Chloe's
    disputed with a link in its reason, and a practice call of Amara's."""
    engine = create_db_engine(e2e_database_url)
    metrics = compute_metrics(fake_transcript(PROJECT_ROOT / "x.wav")).to_dict()
    metrics["talk_to_listen_ratio"] = 1.96
    made = {}
    with Session(engine) as session:
        people = {u.name: u for u in session.exec(select(User))}
        for number, name in enumerate(AGENTS):
            call = call_on(
                session,
                people[name],
                utcnow() - timedelta(days=2 + number),
                failed=["empathy"],
                na=["hold_etiquette"],
            )
            call.metrics = metrics
            session.add(call)
            session.add(
                Segment(
                    call_id=call.id,
                    start=3.0,
                    end=6.0,
                    speaker=Speaker.CUSTOMER,
                    text="I would like to cancel my contract today, please.",
                )
            )
            made[name] = call.id
        chloe = made["Chloe Nguyen"]
        evaluation = session.exec(select(Evaluation).where(Evaluation.call_id == chloe)).one()
        session.add(
            Dispute(
                call_id=chloe,
                evaluation_id=evaluation.id,
                agent_id=people["Chloe Nguyen"].id,
                criterion_id="empathy",
                reason=LINK_IN_A_DISPUTE,
                created_at=utcnow(),
            )
        )
        drill = call_on(session, people["Amara Okafor"], utcnow() - timedelta(hours=3))
        drill.practice = True
        session.add(drill)
        session.add(
            Segment(
                call_id=drill.id, start=1.0, end=4.0, speaker=Speaker.CUSTOMER, text=PRACTICE_LINE
            )
        )
        admin = next(u for u in people.values() if u.email == "admin@example.com")
        set_target(session=session, actor=admin, kpi=KPI.TALK_TO_LISTEN, value=1.5, now=utcnow())
        session.commit()
        made["practice"] = drill.id
    engine.dispose()
    return made


def _page(browser, app_url, email, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in(page, app_url, email)
    return context, page


def _axis_labels(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "[data-testid=stVegaLiteChart] svg",
        "charts => charts.map(c => [...c.querySelectorAll('.role-axis-label text')]"
        ".map(t => t.textContent))",
    )


def test_a_ceiling_kpi_reads_over_its_target_and_the_heatmap_names_every_agent(
    browser, app_url, scored_team
):
    context, page = _page(browser, app_url, "lena.brooks@example.com")
    page.goto(f"{app_url}/quality_dashboard")
    page.get_by_text("over the 1.50 ceiling").first.wait_for(timeout=30_000)
    page.locator("[data-testid=stVegaLiteChart] svg").nth(1).wait_for(timeout=30_000)
    heatmap = next(labels for labels in _axis_labels(page) if "Team" in labels)
    assert set(AGENTS) <= set(heatmap)  # every agent named at 1280 px, not every other one
    screenshot(page, "screens-01-quality-dashboard")
    context.close()


def test_the_streak_axis_counts_whole_days(browser, app_url, scored_team, e2e_database_url):
    engine = create_db_engine(e2e_database_url)
    with Session(engine) as session:  # Ella learned yesterday and today: a 2-day streak
        ella = session.exec(select(User).where(User.email == "ella.fischer@example.com")).one()
        for days_ago in (1, 0):
            done = utcnow() - timedelta(days=days_ago, minutes=5)
            session.add(
                LessonAttempt(
                    agent_id=ella.id,
                    lesson_id=f"lesson-{days_ago}",
                    started_at=done,
                    last_active_at=done,
                    completed_at=done,
                )
            )
        session.commit()
    engine.dispose()
    context, page = _page(browser, app_url, "lena.brooks@example.com")
    page.goto(f"{app_url}/learning_dashboard")
    page.get_by_text("Streaks").first.wait_for(timeout=30_000)
    page.locator("[data-testid=stVegaLiteChart] svg").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_000)
    days = page.eval_on_selector_all(
        "[data-testid=stVegaLiteChart] svg",
        "charts => charts.filter(c => c.textContent.includes('days in a row'))"
        ".flatMap(c => [...c.querySelectorAll('.role-axis-label text')].map(t => t.textContent))",
    )
    ticks = [label for label in days if label[:1].isdigit()]
    assert ticks == ["0", "1", "2"]  # not 0, 0.5, 1, 1.5, 2
    context.close()


def test_an_out_of_range_target_saves_nothing_and_no_earlier_saved_message_stays(
    browser, app_url, scored_team
):
    context, page = _page(browser, app_url, "admin@example.com")
    page.goto(f"{app_url}/targets")
    score = page.get_by_role("spinbutton", name="Team QA score: at least")
    score.wait_for(timeout=30_000)
    score.fill("81")
    page.get_by_role("button", name="Save targets").click()
    page.get_by_text("Saved: 1 target changed.").wait_for(timeout=30_000)
    score.fill("150")
    page.get_by_role("button", name="Save targets").click()
    page.get_by_text("Nothing saved. Team QA score").wait_for(timeout=30_000)
    assert page.get_by_text("Saved:").count() == 0
    context.close()


def test_an_agent_reads_titles_and_words_and_a_link_in_a_dispute_stays_text(
    browser, app_url, scored_team
):
    call_id = scored_team["Chloe Nguyen"]
    context, page = _page(browser, app_url, "chloe.nguyen@example.com")
    page.goto(f"{app_url}/calls?call={call_id}")
    page.get_by_text("QA score, scored automatically").wait_for(timeout=30_000)
    page.get_by_text("Hold etiquette · n/a").first.wait_for()
    page.get_by_text("Empathy · Fail").first.wait_for()
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "1+test" not in main and "hold_etiquette" not in main and "confidence" not in main
    page.get_by_text("See [my proof](http").first.wait_for(timeout=30_000)
    links = page.eval_on_selector_all("[data-testid=stMain] a", "links => links.map(a => a.href)")
    assert not [href for href in links if "evil" in href]
    screenshot(page, "screens-02-agent-call")
    context.close()


def test_staff_search_finds_nothing_for_nonsense_and_groups_hits_by_call(
    browser, app_url, scored_team
):
    context, page = _page(browser, app_url, "raj.patel@example.com")
    page.goto(f"{app_url}/search")
    box = page.get_by_label("Search for")
    box.wait_for(timeout=30_000)
    box.fill("xyzzy qwerty")
    box.press("Enter")
    page.get_by_text("Nothing close enough in meaning").wait_for(timeout=120_000)
    box.fill("the customer wants to end their contract")
    box.press("Enter")
    page.get_by_text(f"found in {len(AGENTS)} calls").wait_for(timeout=60_000)
    page.get_by_text("similarity 0.").first.wait_for()
    assert page.get_by_text(PRACTICE_LINE).count() == 0  # practice calls are not searched
    screenshot(page, "screens-03-search")
    context.close()


def test_the_calls_list_filters_and_a_row_opens_its_call(browser, app_url, scored_team):
    context, page = _page(browser, app_url, "lena.brooks@example.com")
    page.goto(f"{app_url}/calls")
    page.get_by_text("click a row to open the call").wait_for(timeout=30_000)
    page.locator("[data-testid=stDataFrame] canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_500)  # the grid draws its cells after it appears
    screenshot(page, "screens-06-calls-list")
    page.get_by_text("Filter and sort the list").click()
    page.locator(".st-key-calls_list_agent").click()
    page.get_by_role("option", name="Ben Carter").click()
    # other browser tests give Ben written conversations in the same database: voice only
    page.locator(".st-key-calls_list_channels").click()
    page.get_by_role("option", name="Voice").click()
    page.keyboard.press("Escape")
    page.get_by_text("1 call · click a row to open the call").wait_for(timeout=30_000)
    grid = page.locator("[data-testid=stDataFrame]").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection box
    page.wait_for_url(f"**/calls?call={scored_team['Ben Carter']}", timeout=30_000)
    agent = page.locator("[data-testid=stMetric]").filter(has_text="Agent")
    agent.filter(has_text="Ben Carter").wait_for(timeout=30_000)
    context.close()


def test_a_practice_call_is_marked_and_a_lead_may_keep_it(browser, app_url, scored_team):
    call_id = scored_team["practice"]
    context, page = _page(browser, app_url, "lena.brooks@example.com")
    page.goto(f"{app_url}/calls?call={call_id}")
    page.get_by_text("Practice call (a demo or microphone live call)").wait_for(timeout=30_000)
    page.get_by_role("button", name="Keep as a real call").wait_for()
    context.close()


def test_add_user_defaults_to_a_team_and_upload_takes_date_time_and_csat(
    browser, app_url, scored_team
):
    context, page = _page(browser, app_url, "admin@example.com")
    page.goto(f"{app_url}/users")
    page.get_by_text("Add a user").click(timeout=30_000)
    team = page.locator(".st-key-add_user_team")
    team.wait_for()
    assert "No team" not in team.inner_text()
    page.goto(f"{app_url}/upload")
    for label in ("Call date", "Call time", "CSAT"):
        page.get_by_text(label, exact=True).first.wait_for(timeout=30_000)
    context.close()


def test_opening_a_lesson_does_not_extend_the_streak(browser, app_url, e2e_database_url):
    lesson = load_library(PROJECT_ROOT / "training" / "lessons").lessons[0]
    engine = create_db_engine(e2e_database_url)
    with Session(engine) as session:
        ben = session.exec(select(User).where(User.email == "ben.carter@example.com")).one()
        session.add(
            Assignment(
                agent_id=ben.id,
                lesson_id=lesson.id,
                source=AssignmentSource.LEAD,
                reason="Practise before Friday",
                created_at=utcnow(),
                due_at=utcnow() + timedelta(days=3),
            )
        )
        session.commit()
    engine.dispose()
    context, page = _page(browser, app_url, "ben.carter@example.com", PHONE)
    page.get_by_role("button", name="Start").first.click()
    page.get_by_text("Step 1 of").wait_for(timeout=30_000)
    page.goto(app_url)
    page.get_by_text("Streak").first.wait_for(timeout=30_000)
    streak = page.locator("[data-testid=stMetric]").filter(has_text="Streak").inner_text()
    assert "0 days" in streak
    context.close()


_MENU_LINK_LEFT = (
    "document.querySelector('[data-testid=stSidebarNav] a').getBoundingClientRect().left"
)


def test_on_a_phone_the_menu_closes_when_a_page_is_picked(browser, app_url):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, "ella.fischer@example.com")
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Reviews").first
    page.locator('[data-testid="stExpandSidebarButton"]').first.click()
    page.wait_for_function(f"() => {_MENU_LINK_LEFT} >= 0")
    link.click()
    page.wait_for_url("**/reviews", timeout=30_000)
    page.wait_for_function(f"() => {_MENU_LINK_LEFT} < 0", timeout=10_000)  # slid away
    screenshot(page, "screens-04-phone-after-navigation")
    context.close()


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        ("amara.okafor@example.com", ["", "learn", "reviews", "calls", "learning_dashboard"]),
        ("lena.brooks@example.com", ["quality_dashboard", "coaching", "monitor", "search"]),
        ("admin@example.com", ["users", "targets", "audit"]),
    ],
)
def test_the_browser_fetches_nothing_from_outside_the_app(
    browser, app_url, scored_team, email, paths
):
    context, page = _page(browser, app_url, email)
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((app_url, "data:", "blob:"))
            else None
        ),
    )
    for path in paths:
        page.goto(f"{app_url}/{path}")
        page.locator("[data-testid=stMain]").wait_for(timeout=30_000)
        page.wait_for_timeout(2_000)
    assert outside == []
    context.close()


def test_a_lesson_shows_the_call_moment_behind_it_and_the_way_back_on_a_phone(
    browser, app_url, e2e_database_url
):
    lesson = load_library(PROJECT_ROOT / "training" / "lessons").lessons[1]
    engine = create_db_engine(e2e_database_url)
    with Session(engine) as session:
        diego = session.exec(select(User).where(User.email == "diego.ramirez@example.com")).one()
        call = call_on(session, diego, utcnow() - timedelta(days=1), failed=["empathy"], at=20.0)
        call.recording_path = stored_path(DEMO_CALLS[0])
        session.add(call)
        evaluation = session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).one()
        session.add(
            Assignment(
                agent_id=diego.id,
                lesson_id=lesson.id,
                source=AssignmentSource.AUTO,
                reason=f"Empathy failed on call #{call.id}",
                evaluation_id=evaluation.id,
                criterion_id="empathy",
                created_at=utcnow(),
                due_at=utcnow() + timedelta(days=7),
            )
        )
        session.commit()
        call_id = call.id
    engine.dispose()
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, "diego.ramirez@example.com")
    page.goto(f"{app_url}/learn?lesson={lesson.id}")
    page.get_by_text("Why this lesson").wait_for(timeout=30_000)
    page.get_by_text(f"Empathy failed on call #{call_id}").wait_for()
    page.locator("[data-testid=stAudio]").wait_for()  # the clip, from the evidence
    page.get_by_role("link", name=f"Open call #{call_id} at 0:20").wait_for()
    screenshot(page, "screens-05-lesson-why-phone")
    page.get_by_role("button", name="My lessons").click()
    page.get_by_role("heading", name="My lessons").wait_for(timeout=30_000)
    page.wait_for_url(lambda url: "lesson=" not in url, timeout=10_000)
    page.get_by_text(lesson.title).first.wait_for()  # its card in the list
    context.close()
