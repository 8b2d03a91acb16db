from dataclasses import replace

import pytest

from training.chunking import ChunkOptions, chunk_lesson
from training.lessons import LessonSection


def test_a_lesson_becomes_title_and_summary_then_its_sections_and_quiz(lessons):
    lesson = lessons[0]
    chunks = chunk_lesson(lesson)
    assert chunks[0] == f"{lesson.title}. {lesson.summary}"
    for heading in ("Why it matters", "How to do it", "Say this / not this", "Quiz"):
        assert any(chunk.startswith(f"{lesson.title}. {heading}: ") for chunk in chunks)
    assert not any("**" in chunk or "- [x]" in chunk for chunk in chunks)
    assert len(chunk_lesson(lesson, ChunkOptions(quiz=False))) == len(chunks) - len(lesson.quiz)


def test_a_long_section_is_split_without_losing_a_word(lessons):
    body = "\n".join(
        f"Step {n} of a very long procedure with several words in it." for n in range(40)
    )
    lesson = replace(lessons[0], sections=(LessonSection("How to do it", body),), quiz=())
    chunks = chunk_lesson(lesson, ChunkOptions(max_words=50))[1:]
    prefix = f"{lesson.title}. How to do it: "
    assert len(chunks) > 1 and all(chunk.startswith(prefix) for chunk in chunks)
    assert all(len(chunk.removeprefix(prefix).split()) <= 50 for chunk in chunks)
    assert " ".join(chunk.removeprefix(prefix) for chunk in chunks).split() == body.split()


@pytest.mark.model
def test_no_chunk_of_the_library_is_cut_off_by_the_model(library, embedder):
    longest = max(
        embedder.count_tokens(chunk) for lesson in library for chunk in chunk_lesson(lesson)
    )
    assert longest <= embedder.max_tokens
