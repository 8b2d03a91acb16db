from datetime import timedelta

import pytest
from sqlmodel import select

from core.config import PROJECT_ROOT
from core.models import Assignment, AssignmentSource, LessonTip, ReviewCard, TipStatus
from tests.conftest import NOW
from tests.pages.conftest import as_read, texts
from training.lessons import load_library

LESSON = next(
    lesson
    for lesson in load_library(PROJECT_ROOT / "training" / "lessons").lessons
    if lesson.id == "ask-permission-before-hold"
)
RIGHT = [next(i for i, o in enumerate(q.options) if o.correct) for q in LESSON.quiz]


@pytest.fixture
def assigned(session, people):
    assignment = Assignment(
        agent_id=people["a1"].id,
        lesson_id=LESSON.id,
        source=AssignmentSource.AUTO,
        reason="Hold etiquette failed on call #4 (20 Nov)",
        created_at=NOW,
        due_at=NOW + timedelta(days=3650),
    )
    session.add(assignment)
    session.commit()
    return assignment


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _open_lesson(at):
    at.query_params["lesson"] = LESSON.id
    return at.switch_page("pages/learn.py").run()


def test_my_lessons_lists_the_assignment_with_its_reason(signed_in, assigned):
    at = signed_in("a1").switch_page("pages/learn.py").run()
    page = texts(at)
    assert LESSON.title in page and "Hold etiquette failed on call #4 (20 Nov)" in page
    assert ":blue-badge[To do]" in page
    assert _button(at, "Start")


def test_an_agent_steps_through_a_lesson_answers_the_quiz_and_completes_it(
    signed_in, session, people, assigned
):
    at = _open_lesson(signed_in("a1"))
    screens = len(LESSON.sections) + len(LESSON.quiz)
    assert f"Step 1 of {screens}" in at.get("progress")[0].proto.text
    assert LESSON.sections[0].heading in [h.value for h in at.subheader]
    for _ in range(len(LESSON.sections) - 1):
        _button(at, "Next").click().run()
    _button(at, "Start the quiz").click().run()
    for number, right in enumerate(RIGHT):
        wrong = (right + 1) % len(LESSON.quiz[number].options)
        choice = wrong if number == 0 else right
        at.button(key=f"q_{LESSON.id}_{number}_{choice}").click().run()
        if number == 0:
            assert at.error[0].value.startswith("Not quite:")
            assert LESSON.quiz[0].options[right].text in at.info[0].value
        else:
            assert at.success[0].value.startswith("Right:")
        label = "Finish" if number == len(RIGHT) - 1 else "Next question"
        _button(at, label).click().run()

    assert "Lesson complete" in texts(at)
    assert f"{len(RIGHT) - 1} of {len(RIGHT)} right" in texts(at)
    session.expire_all()
    assert session.get(Assignment, assigned.id).completed_at is not None
    assert len(session.exec(select(ReviewCard)).all()) == len(RIGHT)

    at.text_area(key=f"tip_text_{LESSON.id}").input("I say 'let me check that for you'")
    _button(at, "Send tip").click().run()
    assert "once approved it shows in the lesson" in texts(at)
    assert session.exec(select(LessonTip)).one().status == TipStatus.PENDING


def test_a_lesson_resumes_on_the_screen_the_agent_left(signed_in, assigned):
    at = _open_lesson(signed_in("a1"))
    _button(at, "Next").click().run()
    _button(at, "Next").click().run()
    again = _open_lesson(signed_in("a1"))  # another visit, e.g. the next break
    assert "Step 3 of" in again.get("progress")[0].proto.text
    assert LESSON.sections[2].heading in [h.value for h in again.subheader]


def test_approved_tips_show_in_the_lesson_with_the_authors_name(signed_in, session, people):
    session.add(
        LessonTip(
            lesson_id=LESSON.id,
            author_id=people["a2"].id,
            text="Name the wait: two minutes.",
            status=TipStatus.APPROVED,
            created_at=NOW,
        )
    )
    session.add(
        LessonTip(
            lesson_id=LESSON.id, author_id=people["a2"].id, text="Not yet approved", created_at=NOW
        )
    )
    session.commit()
    at = _open_lesson(signed_in("a1"))
    for _ in range(len(LESSON.sections) - 1):
        _button(at, "Next").click().run()
    tips = [as_read(i.value) for i in at.info]
    assert tips == ["**Tip from A2 Person:** Name the wait: two minutes."]


def test_an_unknown_lesson_and_other_roles_are_refused(signed_in, people):
    at = signed_in("a1")
    at.query_params["lesson"] = "no-such-lesson"
    at.switch_page("pages/learn.py").run()
    assert at.error[0].value == "There is no lesson 'no-such-lesson'."
    lead = signed_in("lead").switch_page("pages/learn.py").run()
    assert lead.error[0].value == "Not allowed: this page is not available to your role."
