from collections import Counter
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from core.skills import load_catalogue
from training.lessons import (
    LESSON_TEMPLATE,
    LessonFormatError,
    Level,
    library_fingerprint,
    load_library,
    parse_lesson,
    save_lesson,
    validate_lesson_text,
)

LIBRARY = PROJECT_ROOT / "training" / "lessons"
SKILL_IDS = {skill.id for skill in load_catalogue()}
VALID = (LIBRARY / "ask-permission-before-hold.md").read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    return validate_lesson_text(text, skill_ids=SKILL_IDS)


def test_the_real_library_loads_without_problems_and_covers_every_skill_twice():
    library = load_library(LIBRARY)
    assert library.problems == ()
    assert len(library.lessons) >= 38
    main_skill = Counter(lesson.skills[0] for lesson in library.lessons)
    assert {skill for skill in SKILL_IDS if main_skill[skill] < 2} == set()
    for lesson in library.lessons:
        assert 3 <= len(lesson.quiz) <= 5


def test_a_lesson_is_parsed_into_its_parts():
    lesson = parse_lesson(VALID, skill_ids=SKILL_IDS)
    assert lesson.id == "ask-permission-before-hold"
    assert lesson.skills[0] == "hold_and_transfer"
    assert lesson.level is Level.FOUNDATION and 2 <= lesson.minutes <= 5
    assert [s.heading for s in lesson.sections] == [
        "Why it matters",
        "How to do it",
        "Say this / not this",
        "Example from a call",
    ]
    assert lesson.sections[1].body.startswith("1. ")
    question = lesson.quiz[0]
    assert question.number == 1 and question.question.endswith("?")
    assert sum(option.correct for option in question.options) == 1
    assert all(option.why for option in question.options)
    assert question.answer.correct
    assert lesson.markdown == VALID


def _quiz_question_1(text: str, new_block: str) -> str:
    """`text` with quiz question 1 replaced by `new_block`."""
    start = text.index("### 1.")
    end = text.index("### 2.")
    return text[:start] + new_block + "\n" + text[end:]


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (VALID.replace("minutes: 3", "minutes: [3"), "YAML front matter is not valid (line"),
        (VALID.replace("---\n", "", 1), "no YAML front matter"),
        (
            VALID.replace("skills: [hold_and_transfer", "skills: [holding"),
            "unknown skill 'holding'",
        ),
        (VALID.replace("minutes: 3", "minutes: 9"), "minutes must be a whole number from 2 to 5"),
        (VALID.replace("minutes: 3", "minutes: 1"), "not 1"),
        (VALID.replace("level: foundation", "level: expert"), "level must be one of"),
        (
            VALID.replace("id: ask-permission-before-hold", "id: Ask Permission"),
            "id 'Ask Permission'",
        ),
        (VALID.replace("## How to do it", "## Steps"), "missing section '## How to do it'"),
        (VALID.replace("## How to do it", "## Steps"), "unexpected section '## Steps'"),
        (
            _quiz_question_1(
                VALID,
                "### 1. Which is right?\n- [ ] One\n  Why: no.\n- [ ] Two\n  Why: no.\n",
            ),
            "quiz question 1 has 0 correct answers",
        ),
        (
            _quiz_question_1(
                VALID,
                "### 1. Which is right?\n- [x] One\n  Why: yes.\n- [x] Two\n  Why: yes.\n",
            ),
            "quiz question 1 has 2 correct answers",
        ),
        (
            _quiz_question_1(VALID, "### 1. Which is right?\n- [x] One\n- [ ] Two\n  Why: no.\n"),
            "quiz question 1, option 1 has no '  Why: ...' explanation",
        ),
        (
            VALID[: VALID.index("### 2.")],
            "the quiz needs 3 to 5 questions, found 1",
        ),
    ],
)
def test_each_kind_of_malformed_lesson_is_named_in_the_problems(broken, problem):
    problems = _problems(broken)
    assert any(problem in p for p in problems), problems
    with pytest.raises(LessonFormatError):
        parse_lesson(broken, skill_ids=SKILL_IDS)


def test_a_valid_lesson_has_no_problems_and_the_template_asks_for_skills():
    assert _problems(VALID) == []
    assert _problems(LESSON_TEMPLATE) == [
        "skills must be a list of skill ids, e.g. [empathy, de_escalation]"
    ]
    assert _problems(LESSON_TEMPLATE.replace("skills: []", "skills: [empathy]")) == []


def test_a_broken_file_is_reported_by_name_and_the_others_still_load(tmp_path: Path):
    (tmp_path / "ask-permission-before-hold.md").write_text(VALID)
    (tmp_path / "broken.md").write_text(VALID.replace("minutes: 3", "minutes: 7"))
    (tmp_path / "renamed.md").write_text(VALID)
    library = load_library(tmp_path, skill_ids=SKILL_IDS)
    assert [lesson.id for lesson in library.lessons] == ["ask-permission-before-hold"]
    assert [str(p) for p in library.problems] == [
        "broken.md: minutes must be a whole number from 2 to 5, not 7",
        "renamed.md: id 'ask-permission-before-hold' does not match the file name",
    ]


def test_the_fingerprint_changes_exactly_when_a_lesson_is_added_edited_or_removed(
    tmp_path: Path,
):
    lesson = tmp_path / "ask-permission-before-hold.md"
    lesson.write_text(VALID)
    (tmp_path / "notes.txt").write_text("not a lesson")
    first = library_fingerprint(tmp_path)
    assert library_fingerprint(tmp_path) == first  # nothing changed
    (tmp_path / "notes.txt").write_text("still not a lesson, but longer")
    assert library_fingerprint(tmp_path) == first  # only lessons count
    lesson.write_text(VALID.replace("minutes: 3", "minutes: 4"))
    edited = library_fingerprint(tmp_path)
    assert edited != first
    (tmp_path / "second.md").write_text(VALID)
    added = library_fingerprint(tmp_path)
    assert added != edited
    (tmp_path / "second.md").unlink()
    assert library_fingerprint(tmp_path) == edited


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path):
    library = load_library(tmp_path / "nowhere", skill_ids=SKILL_IDS)
    assert library.lessons == () and "lessons folder not found" in str(library.problems[0])


def test_saving_writes_the_lesson_file_and_nothing_else(tmp_path: Path):
    edited = VALID.replace("minutes: 3", "minutes: 4")
    lesson = save_lesson(folder=tmp_path, text=edited, replaces=None, skill_ids=SKILL_IDS)
    assert [p.name for p in tmp_path.iterdir()] == ["ask-permission-before-hold.md"]
    assert load_library(tmp_path, skill_ids=SKILL_IDS).lessons == (lesson,)
    assert lesson.minutes == 4


def test_an_invalid_lesson_is_not_saved(tmp_path: Path):
    with pytest.raises(LessonFormatError, match="unknown skill 'holding'"):
        save_lesson(
            folder=tmp_path,
            text=VALID.replace("skills: [hold_and_transfer", "skills: [holding"),
            skill_ids=SKILL_IDS,
        )
    assert list(tmp_path.iterdir()) == []


def test_a_new_lesson_may_not_take_an_existing_id(tmp_path: Path):
    save_lesson(folder=tmp_path, text=VALID, skill_ids=SKILL_IDS)
    with pytest.raises(LessonFormatError, match="already exists"):
        save_lesson(folder=tmp_path, text=VALID, skill_ids=SKILL_IDS)
    save_lesson(
        folder=tmp_path, text=VALID, replaces="ask-permission-before-hold", skill_ids=SKILL_IDS
    )


def test_changing_a_lessons_id_moves_its_file(tmp_path: Path):
    save_lesson(folder=tmp_path, text=VALID, skill_ids=SKILL_IDS)
    renamed = VALID.replace("id: ask-permission-before-hold", "id: ask-before-hold")
    save_lesson(
        folder=tmp_path, text=renamed, replaces="ask-permission-before-hold", skill_ids=SKILL_IDS
    )
    assert [p.name for p in tmp_path.iterdir()] == ["ask-before-hold.md"]
