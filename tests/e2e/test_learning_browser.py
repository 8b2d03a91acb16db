"""An agent's learning on a phone (390x844), in a real browser: an assigned lesson from start to
finish, then a review that is due."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from core.config import PROJECT_ROOT
from core.db import create_db_engine
from core.models import Assignment, AssignmentSource, LessonAttempt, ReviewCard, User, utcnow
from tests.e2e.conftest import no_horizontal_scroll, screenshot, sign_in
from training.lessons import load_library
from training.srs import new_card_state

pytestmark = pytest.mark.e2e

AGENT = "amara.okafor@example.com"
LIBRARY = {
    lesson.id: lesson for lesson in load_library(PROJECT_ROOT / "training" / "lessons").lessons
}
LESSON = LIBRARY["ask-permission-before-hold"]
REVIEWED = LIBRARY["name-the-feeling"]  # done a few days ago; its first question is due
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def amara_has_work(e2e_database_url, app_url):
    engine = create_db_engine(e2e_database_url)
    now = utcnow()
    with Session(engine) as session:
        agent = session.exec(select(User).where(User.email == AGENT)).one()
        session.add(
            Assignment(
                agent_id=agent.id,
                lesson_id=LESSON.id,
                source=AssignmentSource.AUTO,
                reason="Hold etiquette failed on call #3 (20 Oct)",
                created_at=now,
                due_at=now + timedelta(days=7),
            )
        )
        earlier = now - timedelta(days=3)
        session.add(
            LessonAttempt(
                agent_id=agent.id,
                lesson_id=REVIEWED.id,
                started_at=earlier,
                last_active_at=earlier,
                completed_at=earlier,
            )
        )
        session.add(
            ReviewCard(
                agent_id=agent.id,
                lesson_id=REVIEWED.id,
                question=0,
                state=new_card_state(now=earlier),
                due_at=now - timedelta(hours=1),
                created_at=earlier,
            )
        )
        session.commit()
    engine.dispose()


def _fits(page, name):
    screenshot(page, name)
    assert no_horizontal_scroll(page, PHONE["width"]), f"{name}: horizontal scroll at 390 px"


def test_an_agent_does_an_assigned_lesson_and_a_due_review_on_a_phone(
    browser, app_url, amara_has_work
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, AGENT)

    # Home: the assigned lesson with its reason, the review due, the streak.
    page.get_by_text(LESSON.title).first.wait_for(timeout=20_000)
    page.get_by_text("Hold etiquette failed on call #3 (20 Oct)").first.wait_for()
    page.get_by_text("Reviews due").wait_for()
    _fits(page, "learn-01-home")

    page.get_by_role("button", name="Start").first.click()
    page.get_by_text(f"Step 1 of {len(LESSON.sections) + len(LESSON.quiz)}").wait_for(
        timeout=20_000
    )
    page.get_by_text(LESSON.sections[0].heading).first.wait_for()
    _fits(page, "learn-02-first-step")

    for number in range(1, len(LESSON.sections)):
        page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_text(f"Step {number + 1} of").wait_for(timeout=20_000)
        page.get_by_text(LESSON.sections[number].heading).first.wait_for()
    _fits(page, "learn-03-last-step")
    page.get_by_role("button", name="Start the quiz").click()

    for number, question in enumerate(LESSON.quiz):
        page.get_by_text(f"Question {number + 1} of {len(LESSON.quiz)}").wait_for(timeout=20_000)
        page.get_by_text(question.question).first.wait_for()
        page.get_by_role("button", name=question.answer.text).click()
        page.get_by_text("Right:").first.wait_for(timeout=20_000)
        _fits(page, f"learn-04-answer-{number + 1}")
        last = number == len(LESSON.quiz) - 1
        page.get_by_role("button", name="Finish" if last else "Next question").click()

    page.get_by_text("Lesson complete").wait_for(timeout=20_000)
    page.get_by_text(f"{len(LESSON.quiz)} of {len(LESSON.quiz)} right").wait_for()
    _fits(page, "learn-05-complete")

    # Back home, then the review that is due.
    page.get_by_role("button", name="Back to my lessons").click()
    page.get_by_text("My lessons").first.wait_for(timeout=20_000)
    page.goto(f"{app_url}/reviews")
    question = REVIEWED.quiz[0]
    page.get_by_text(question.question).first.wait_for(timeout=20_000)
    page.get_by_text("1 to review").wait_for()
    _fits(page, "learn-06-review")
    page.get_by_role("button", name=question.answer.text).click()
    page.get_by_text("Right:").first.wait_for(timeout=20_000)
    page.get_by_role("button", name="Easy").click()
    page.get_by_text("All done for now. Your next review is due in").wait_for(timeout=20_000)
    _fits(page, "learn-07-reviews-done")
    context.close()
