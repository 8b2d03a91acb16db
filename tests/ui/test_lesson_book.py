from core.config import get_settings
from tests.training.test_lessons import VALID


def test_the_app_reads_a_lesson_edit_on_the_next_run_and_nothing_when_unchanged(
    tmp_path, monkeypatch
):
    from ui.resources import lesson_book

    monkeypatch.setenv("LESSONS_DIR", str(tmp_path))
    get_settings.cache_clear()
    lesson = tmp_path / "ask-permission-before-hold.md"
    lesson.write_text(VALID)
    first = lesson_book()
    assert lesson_book() is first  # unchanged files: not parsed again
    lesson.write_text(VALID.replace("minutes: 3", "minutes: 4"))
    assert lesson_book().lessons[0].minutes == 4

    monkeypatch.setenv("PAGE_CACHES", "false")
    get_settings.cache_clear()
    assert lesson_book() is not lesson_book()  # read on every run, as before the cache
    get_settings.cache_clear()
