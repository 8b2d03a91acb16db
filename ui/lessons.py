"""The lesson library and its search index for the pages; the index is loaded once per process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import streamlit as st

from core.models import User, utcnow
from core.people import list_agents
from core.skills import load_catalogue
from index.embedder import get_embedder
from index.vectors import VectorOptions
from training.assignments import AutoAssigner, assign_lesson
from training.lesson_index import LESSON_INDEX_FOLDER, IndexOptions, LessonIndex
from training.lessons import Lesson, LibraryLoad, load_library, save_lesson
from training.tips import decide_tip, pending_tips
from ui.actions import attempt, show_flash
from ui.plain import plain
from ui.resources import app_settings, db_session, lesson_book

__all__ = [
    "assign_form",
    "auto_assigner",
    "lesson_library",
    "preload_lesson_index",
    "save_and_index",
    "skill_titles",
    "tips_for_approval",
]

logger = logging.getLogger(__name__)

# A lesson index opened ahead of need (`preload_lesson_index`), by the settings it depends on,
# until the page cache below takes it over; the lock makes a page wait for a load under way.
_PRELOADED: dict[tuple[str, str, str, int], LessonIndex] = {}
_OPENING = threading.Lock()


def _open_lesson_index(index_dir: str, lessons_dir: str, model: str, hnsw_min: int) -> LessonIndex:
    return LessonIndex.open(
        Path(index_dir),
        load_library(Path(lessons_dir)).lessons,
        embedder=get_embedder(model),
        options=IndexOptions(vectors=VectorOptions(hnsw_min_vectors=hnsw_min)),
    )


@st.cache_resource(show_spinner="Loading the lesson index (the first build takes a minute)...")
def _lesson_index(index_dir: str, lessons_dir: str, model: str, hnsw_min: int) -> LessonIndex:
    # The arguments are the settings the index depends on: changing one opens another index.
    with _OPENING:
        preloaded = _PRELOADED.pop((index_dir, lessons_dir, model, hnsw_min), None)
    return preloaded or _open_lesson_index(index_dir, lessons_dir, model, hnsw_min)


def _index_settings() -> tuple[str, str, str, int]:
    settings = app_settings()
    return (
        str(settings.index_dir / LESSON_INDEX_FOLDER),
        str(settings.lessons_dir),
        settings.embedding_model,
        settings.hnsw_min_vectors,
    )


_preloading = threading.Lock()
_preloaded = False


def preload_lesson_index() -> None:
    """Open the lesson index, and so load the embedding model, in a background thread, once
    per process (`PRELOAD_MODELS`): the first Lessons page, lesson assignment or conversation
    search then finds them loaded instead of waiting 9 s (past 30 s when a crowd signs in at
    once). A failure here is left for the page that needs the index to report."""
    global _preloaded
    settings = app_settings()
    if not settings.preload_models or not settings.lessons_dir.is_dir():
        return
    with _preloading:
        if _preloaded:
            return
        _preloaded = True
    key = _index_settings()

    def load() -> None:
        try:
            with _OPENING:
                _PRELOADED[key] = _open_lesson_index(*key)
        except Exception:  # noqa: BLE001 - reported by the page that opens it
            logger.exception("Preloading the lesson index failed")

    threading.Thread(target=load, name="preload-lesson-index", daemon=True).start()


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
    library = lesson_book()
    try:
        index = _lesson_index(*_index_settings())
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


def auto_assigner() -> AutoAssigner:
    """Assigns lessons for an evaluation's failed criteria (an ingest `on_evaluated` hook),
    matched in the shared lesson index."""
    _, index = lesson_library()
    return AutoAssigner(index, repeat_after_days=app_settings().lesson_repeat_after_days)


def assign_form(lesson: Lesson, *, lead: User, known: set[str], key: str) -> None:
    """A lead or admin assigns `lesson` to one of their agents with a due date."""
    show_flash(f"{key}_flash")
    with db_session() as session, st.expander("Assign this lesson"), st.form(key):
        agents = {a.id: a.name for a in list_agents(session=session, viewer=lead)}
        agent_id = st.selectbox("Agent", list(agents), format_func=agents.get, key=f"{key}_agent")
        due = st.date_input(
            "Due", utcnow().date() + timedelta(days=7), min_value=utcnow().date(), key=f"{key}_due"
        )
        reason = st.text_input("Why (the agent sees this)", key=f"{key}_why", max_chars=300)
        if st.form_submit_button("Assign", type="primary"):
            attempt(
                session,
                lambda: assign_lesson(
                    session=session,
                    lead=lead,
                    agent_id=agent_id,
                    lesson_id=lesson.id,
                    due_at=datetime.combine(due, time(23, 59), tzinfo=UTC),
                    known_lessons=known,
                    now=utcnow(),
                    reason=reason,
                ),
                success=f"{agents.get(agent_id)} has {lesson.title!r} to do by {due:%d %b}.",
                flash_key=f"{key}_flash",
            )


def tips_for_approval(titles: Mapping[str, str], *, lead: User) -> None:
    """Agents' tips waiting for this lead: approve to show them in the lesson, or turn down."""
    show_flash("tips_flash")
    with db_session() as session:
        waiting = pending_tips(session=session, viewer=lead)
        with st.expander(f"Tips from agents waiting for approval ({len(waiting)})"):
            if not waiting:
                st.caption("None waiting.")
            for tip, author in waiting:
                st.markdown(f"**{titles.get(tip.lesson_id, tip.lesson_id)}** · {plain(author)}")
                st.write(plain(tip.text))
                approve, reject = st.columns(2)
                for column, label, ok in ((approve, "Approve", True), (reject, "Turn down", False)):
                    if column.button(label, key=f"tip_{tip.id}_{ok}"):
                        attempt(
                            session,
                            lambda tip_id=tip.id, ok=ok: decide_tip(
                                session=session, lead=lead, tip_id=tip_id, approve=ok, now=utcnow()
                            ),
                            success="Tip approved: agents see it in the lesson."
                            if ok
                            else "Tip turned down.",
                            flash_key="tips_flash",
                        )
