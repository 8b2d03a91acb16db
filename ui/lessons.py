"""The lesson library and its search index for the pages; the index is loaded once per process."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from index.embedder import get_embedder
from index.lesson_index import LESSON_INDEX_FOLDER, IndexOptions, LessonIndex
from index.vectors import VectorOptions
from training.catalogue import load_catalogue
from training.lessons import Lesson, LibraryLoad, load_library, save_lesson
from ui.resources import app_settings

__all__ = ["lesson_library", "save_and_index", "skill_titles"]


@st.cache_resource(show_spinner="Loading the lesson index (the first build takes a minute)...")
def _lesson_index(index_dir: str, lessons_dir: str, model: str, hnsw_min: int) -> LessonIndex:
    # The arguments are the settings the index depends on: changing one opens another index.
    return LessonIndex.open(
        Path(index_dir),
        load_library(Path(lessons_dir)).lessons,
        embedder=get_embedder(model),
        options=IndexOptions(vectors=VectorOptions(hnsw_min_vectors=hnsw_min)),
    )


def lesson_library() -> tuple[LibraryLoad, LessonIndex]:
    """The lessons as they are on disk now, and the search index in step with them.

    The index is loaded (or built) once per process; each call re-reads the lesson files and
    re-embeds only what changed, so an edit made anywhere shows up in search. Stops the page
    with a message when the lessons folder is missing or the embedding model cannot be loaded.
    """
    settings = app_settings()
    if not settings.lessons_dir.is_dir():  # syncing an empty library would empty the index
        st.error(f"The lessons folder {settings.lessons_dir} does not exist (LESSONS_DIR).")
        st.stop()
    library = load_library(settings.lessons_dir)
    try:
        index = _lesson_index(
            str(settings.index_dir / LESSON_INDEX_FOLDER),
            str(settings.lessons_dir),
            settings.embedding_model,
            settings.hnsw_min_vectors,
        )
    except OSError as exc:
        st.error(f"Lesson search is unavailable: cannot load the embedding model ({exc}).")
        st.stop()
    index.sync(library.lessons)
    return library, index


def save_and_index(text: str, *, replaces: str | None) -> Lesson:
    """Validate and save a lesson's Markdown, then update the search index.

    Raises:
        LessonFormatError: the text breaks the lesson format; nothing is saved.
    """
    lesson = save_lesson(folder=app_settings().lessons_dir, text=text, replaces=replaces)
    lesson_library()
    return lesson


def skill_titles() -> dict[str, str]:
    """Each catalogue skill's title by id."""
    return {skill.id: skill.title for skill in load_catalogue()}
