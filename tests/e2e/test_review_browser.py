"""Reviewing in a real browser (issue 20): the criteria grid, evidence that plays the call,
moving through the queue, and the clicks a review takes when the reviewer agrees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core.calls import stored_path
from core.db import create_db_engine
from core.models import (
    CriterionScore,
    Evaluation,
    EvaluationSource,
    Segment,
    Speaker,
    User,
    utcnow,
)
from qa.reviewer_workload import assign_reviews, set_weekly_target
from tests.coaching.conftest import call_on
from tests.e2e.conftest import screenshot, settled, sign_in
from tests.qa.conftest import DEMO_CALLS

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
RAJ, LENA = "raj.patel@example.com", "lena.brooks@example.com"
EVIDENCE_AT = 20.0
CONVERSATION = [
    (0.5, Speaker.AGENT, "Thank you for calling Northwind, this is Diego, how can I help?"),
    (6.0, Speaker.CUSTOMER, "Hi, I was charged twice for my broadband this month."),
    (12.0, Speaker.AGENT, "I can look into that. Can I take your postcode, please?"),
    (20.0, Speaker.AGENT, "Okay."),
    (25.0, Speaker.CUSTOMER, "It's really not okay, that's forty pounds I needed."),
]
MOST_CLICKS = 5  # the goal for a call where the reviewer agrees with auto-QA


@pytest.fixture(scope="module")
def raj_s_calls(e2e_database_url, app_url):
    """Two low-confidence calls of Diego's with a real recording, both handed to Raj, whose
    weekly target is 25."""
    engine = create_db_engine(e2e_database_url)
    with Session(engine) as session:
        people = {u.email: u for u in session.exec(select(User))}
        calls = []
        for days in (1, 2):
            call = call_on(
                session,
                people["diego.ramirez@example.com"],
                utcnow() - timedelta(hours=days),
                failed=["empathy"],
                at=EVIDENCE_AT,
            )
            call.recording_path = stored_path(DEMO_CALLS[0])
            evaluation = session.exec(select(Evaluation).where(Evaluation.call_id == call.id)).one()
            evaluation.needs_review = True
            session.add_all([call, evaluation])
            session.add_all(
                Segment(call_id=call.id, start=start, end=start + 4, speaker=speaker, text=text)
                for start, speaker, text in CONVERSATION
            )
            session.commit()
            calls.append(call.id)
        lena = people[LENA]
        assign_reviews(
            session=session, lead=lena, call_ids=calls, reviewer_id=people[RAJ].id, now=utcnow()
        )
        set_weekly_target(
            session=session, lead=lena, reviewer_id=people[RAJ].id, weekly=25, now=utcnow()
        )
    engine.dispose()
    return calls


class Clicks:
    """Clicks the reviewer makes, counted as they are made."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        locator.click()
        self.count += 1


def _player_time(page, call_id: int) -> float:
    return page.eval_on_selector(f".st-key-rv_{call_id}_player audio", "a => a.currentTime")


def test_agreeing_with_auto_qa_takes_at_most_five_clicks_and_evidence_plays_the_call(
    browser, app_url, raj_s_calls, e2e_database_url
):
    first, second = raj_s_calls
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, app_url, RAJ)
    click = Clicks()

    click(page.get_by_role("link", name="Review queue"))
    page.get_by_text("This week: 0 of 25 reviews · 2 assigned to you waiting").wait_for(
        timeout=30_000
    )
    grid = page.locator(f"[class*='st-key-row_review_{first}_']")
    grid.nth(9).wait_for(timeout=30_000)
    assert grid.count() == 10  # one row, one control per criterion
    page.get_by_text("Call 1 of").first.wait_for()
    page.locator("[data-testid=stAudio]").wait_for()
    settled(page)
    screenshot(page, "screens-07-review-grid")

    # The empathy row's evidence line plays the call from 0:20.
    # (Streamlit draws a hidden copy of a button's label to measure it.)
    evidence = page.locator(f".st-key-review_{first}_empathy_evidence_0 button:visible")
    click(evidence)
    page.wait_for_function(
        f"document.querySelector('.st-key-rv_{first}_player audio')?.currentTime >= {EVIDENCE_AT}",
        timeout=30_000,
    )
    assert _player_time(page, first) < EVIDENCE_AT + 10
    settled(page)

    click(page.get_by_role("button", name="Confirm auto-QA"))
    # (The first review of a server's life also loads the lesson index, for the lessons a
    # failed criterion assigns.)
    page.get_by_text(f"Call #{first} reviewed: official score").wait_for(timeout=120_000)
    # The next call of Raj's queue is on screen, and his week moved on.
    page.locator(f"[class*='st-key-row_review_{second}_']").first.wait_for(timeout=30_000)
    page.get_by_text("This week: 1 of 25 reviews · 1 assigned to you waiting").wait_for()
    assert click.count <= MOST_CLICKS, f"{click.count} clicks"

    engine = create_db_engine(e2e_database_url)
    with Session(engine) as session:
        human, auto = (
            session.exec(
                select(Evaluation).where(Evaluation.call_id == first, Evaluation.source == source)
            ).one()
            for source in (EvaluationSource.HUMAN, EvaluationSource.AUTO)
        )
        verdicts = {
            e.id: {
                s.criterion_id: s.result
                for s in session.exec(
                    select(CriterionScore).where(CriterionScore.evaluation_id == e.id)
                )
            }
            for e in (human, auto)
        }
        assert verdicts[human.id] == verdicts[auto.id] and human.score == auto.score
    engine.dispose()
    context.close()


def test_a_lead_sees_each_reviewer_s_week_against_their_target(browser, app_url, raj_s_calls):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, app_url, LENA)
    page.goto(f"{app_url}/review")
    page.get_by_role("tab", name="Share out the queue").click()
    page.get_by_text("Red ticks: each reviewer's weekly target").wait_for(timeout=30_000)
    page.locator("[data-testid=stVegaLiteChart] svg .role-axis-label text").first.wait_for()
    labels = page.eval_on_selector_all(
        "[data-testid=stVegaLiteChart] svg .role-axis-label text",
        "ts => ts.map(t => t.textContent)",
    )
    assert "Raj Patel" in labels
    settled(page)
    screenshot(page, "screens-08-review-workload")
    context.close()
