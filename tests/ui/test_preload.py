import threading

import ui.lessons
from core.config import get_settings
from tests.fakes import CountingEmbedder
from tests.training.test_lessons import VALID


def _wait_for_preload() -> None:
    for thread in threading.enumerate():
        if thread.name == "preload-lesson-index":
            thread.join(timeout=60)


def test_an_app_process_opens_the_lesson_index_before_a_page_needs_it(tmp_path, monkeypatch):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "ask-permission-before-hold.md").write_text(VALID)
    monkeypatch.setenv("LESSONS_DIR", str(lessons))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PRELOAD_MODELS", "true")
    get_settings.cache_clear()
    embedder = CountingEmbedder()
    monkeypatch.setattr(ui.lessons, "get_embedder", lambda model: embedder)
    monkeypatch.setattr(ui.lessons, "_preloaded", False)

    ui.lessons.preload_lesson_index()
    ui.lessons.preload_lesson_index()  # once per process
    _wait_for_preload()
    key = ui.lessons._index_settings()
    preloaded = ui.lessons._PRELOADED[key]
    assert embedder.encoded  # the lesson was embedded in the background

    ui.lessons._lesson_index.clear()
    assert ui.lessons._lesson_index(*key) is preloaded  # the page takes it over
    assert key not in ui.lessons._PRELOADED
    get_settings.cache_clear()


def test_no_preload_when_it_is_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONS_DIR", str(tmp_path))
    monkeypatch.setenv("PRELOAD_MODELS", "false")
    get_settings.cache_clear()
    monkeypatch.setattr(ui.lessons, "_preloaded", False)
    ui.lessons.preload_lesson_index()
    assert not [t for t in threading.enumerate() if t.name == "preload-lesson-index"]
    get_settings.cache_clear()
