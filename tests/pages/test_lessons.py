import pytest

from tests.pages.conftest import texts

HOLD = "put the caller on hold without asking"
BRAILLE = "offer the bill in braille or large print"


def _lessons_page(signed_in, key="lead"):
    return signed_in(key).switch_page("pages/lessons.py").run()


def _search(at, text):
    at.text_input(key="lessons_search").input(text).run()
    return at


@pytest.mark.model
def test_a_lead_searches_the_library_and_reads_the_best_lesson(signed_in, lessons_dir):
    at = _search(_lessons_page(signed_in), HOLD)
    assert not at.exception
    page = texts(at)
    assert "1. **Ask permission before putting the caller on hold**" in page
    assert at.selectbox(key="lessons_pick").value == "ask-permission-before-hold"
    assert "#### How to do it" in page and "Hold and transfer" in page


@pytest.mark.model
def test_saving_an_edit_changes_the_search_results(signed_in, lessons_dir):
    at = _search(_lessons_page(signed_in, "admin"), BRAILLE)
    assert at.selectbox(key="lessons_pick").value != "explain-without-jargon"

    at = _search(_lessons_page(signed_in, "admin"), "explain without jargon")
    at.selectbox(key="lessons_pick").select("explain-without-jargon").run()
    editor = at.text_area(key="lessons_edit_explain-without-jargon")
    editor.input(
        editor.value.replace("summary: ", "summary: Offer bills in braille or large print. ", 1)
    )
    at.button(key="lessons_save").click().run()
    assert "Saved 'Explain things without internal jargon'; search is up to date." in texts(at)
    assert "braille" in (lessons_dir / "explain-without-jargon.md").read_text()

    _search(at, BRAILLE)
    assert at.selectbox(key="lessons_pick").value == "explain-without-jargon"


@pytest.mark.model
def test_an_invalid_edit_shows_the_problems_and_saves_nothing(signed_in, lessons_dir):
    at = _search(_lessons_page(signed_in), HOLD)
    before = (lessons_dir / "ask-permission-before-hold.md").read_text()
    at.text_area(key="lessons_edit_ask-permission-before-hold").input(
        before.replace("minutes: 3", "minutes: 9").replace("## Quiz", "## Test")
    )
    at.button(key="lessons_save").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Not saved" in errors
    assert "minutes must be a whole number from 2 to 5, not 9" in errors
    assert "missing section '## Quiz'" in errors
    assert (lessons_dir / "ask-permission-before-hold.md").read_text() == before


@pytest.mark.model
def test_a_lead_adds_a_lesson_that_search_then_finds(signed_in, lessons_dir):
    at = _lessons_page(signed_in)
    template = at.text_area(key="lessons_new").value
    at.text_area(key="lessons_new").input(
        template.replace("id: new-lesson-id", "id: offer-accessible-formats")
        .replace("What the agent will do better", "Offer accessible formats")
        .replace("skills: []", "skills: [personalization]")
        .replace("One sentence an agent reads first.", "Offer bills in braille or large print.")
    )
    at.button(key="lessons_add").click().run()
    assert "Saved 'Offer accessible formats'" in texts(at)
    assert at.selectbox(key="lessons_pick").value == "offer-accessible-formats"
    assert (lessons_dir / "offer-accessible-formats.md").exists()
    _search(at, BRAILLE)
    assert at.selectbox(key="lessons_pick").value == "offer-accessible-formats"


@pytest.mark.parametrize("key", ["a1", "reviewer"])
def test_agents_and_reviewers_are_not_allowed(signed_in, key):
    at = _lessons_page(signed_in, key)
    assert [e.value for e in at.error] == ["Not allowed: this page is not available to your role."]
    assert not at.title and not at.text_input and not at.text_area


@pytest.mark.model
def test_a_lead_assigns_the_lesson_to_an_agent_in_their_team(
    signed_in, session, people, lessons_dir
):
    from sqlmodel import select

    from core.models import Assignment

    at = _lessons_page(signed_in)
    lesson_id = at.selectbox(key="lessons_pick").value
    agents = at.selectbox(key="lessons_assign_agent")
    assert set(agents.options) == {"A1 Person", "A2 Person"}  # the lead's team only
    agents.set_value(people["a2"].id)
    at.text_input(key="lessons_assign_why").input("Let's work on this before Friday")
    next(b for b in at.button if b.label == "Assign").click().run()
    assert "A2 Person has" in texts(at)
    made = session.exec(select(Assignment)).one()
    assert (made.agent_id, made.lesson_id) == (people["a2"].id, lesson_id)
    assert made.reason == "Let's work on this before Friday"
    next(b for b in at.button if b.label == "Assign").click().run()
    assert "already has this lesson open" in at.error[0].value


@pytest.mark.model
def test_a_lead_approves_an_agents_tip(signed_in, session, people, lessons_dir):
    from core.models import LessonTip, TipStatus
    from tests.conftest import NOW

    tip = LessonTip(
        lesson_id="ask-permission-before-hold",
        author_id=people["a1"].id,
        text="Say how long the hold will be.",
        created_at=NOW,
    )
    other_team = LessonTip(
        lesson_id="ask-permission-before-hold",
        author_id=people["b1"].id,
        text="Not for this lead",
        created_at=NOW,
    )
    session.add_all([tip, other_team])
    session.commit()
    at = _lessons_page(signed_in)
    assert "Say how long the hold will be." in texts(at)
    assert "Not for this lead" not in texts(at)
    at.button(key=f"tip_{tip.id}_True").click().run()
    assert "Tip approved" in texts(at)
    session.expire_all()
    assert session.get(LessonTip, tip.id).status == TipStatus.APPROVED
