import shutil
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT, get_settings
from tests.pages.conftest import texts

HOLD = "put the caller on hold without asking"
BRAILLE = "offer the bill in braille or large print"


@pytest.fixture
def lessons_dir(app_db, tmp_path, monkeypatch, built_lesson_index) -> Path:
    """The app reads lessons from a copy of the library and a copy of the prebuilt index."""
    lessons = tmp_path / "lessons"
    shutil.copytree(PROJECT_ROOT / "training" / "lessons", lessons)
    shutil.copytree(built_lesson_index, tmp_path / "data" / "index" / "lessons")
    monkeypatch.setenv("LESSONS_DIR", str(lessons))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    return lessons


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
