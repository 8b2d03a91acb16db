"""Lessons (leads and admins): search and read the lesson library, edit a lesson or add one."""

import streamlit as st

import ui
from training.lessons import LESSON_TEMPLATE, LessonFormatError
from ui.lessons import assign_form, lesson_library, save_and_index, skill_titles, tips_for_approval

viewer = ui.guard("lessons")
st.title("Lessons")
if flash := st.session_state.pop("lessons_flash", None):
    st.success(flash)
if show := st.session_state.pop("lessons_show", None):
    # Set before the widgets exist: after a save, show the saved lesson.
    st.session_state["lessons_search"] = ""
    st.session_state["lessons_pick"] = show

library, index = lesson_library()
skills = skill_titles()
for problem in library.problems:
    st.warning(f"Not loaded - {problem}")

query = st.text_input(
    "Search", key="lessons_search", placeholder="e.g. put the caller on hold without asking"
)
if query.strip():
    hits = index.search(query, k=5)
    ids = [hit.lesson_id for hit in hits]
    st.markdown(
        "\n".join(f"{n}. **{hit.title}**" for n, hit in enumerate(hits, start=1))
        or "No lessons match."
    )
else:
    ids = [lesson.id for lesson in sorted(library.lessons, key=lambda lesson: lesson.title)]
    st.caption(f"{len(ids)} lessons. Search by what went wrong on a call.")


def save(text: str, *, replaces: str | None) -> None:
    try:
        lesson = save_and_index(text, replaces=replaces)
    except LessonFormatError as exc:
        st.error("Not saved. Fix these problems:\n\n" + "\n".join(f"- {p}" for p in exc.problems))
    else:
        st.session_state["lessons_flash"] = f"Saved {lesson.title!r}; search is up to date."
        st.session_state["lessons_show"] = lesson.id
        st.rerun()


titles = {lesson.id: lesson.title for lesson in library.lessons}
if ids:
    lesson = library.get(st.selectbox("Lesson", ids, format_func=titles.get, key="lessons_pick"))
    st.markdown(f"### {lesson.title}")
    st.caption(
        f"{lesson.minutes} min · {lesson.level} · "
        + ", ".join(skills.get(skill, skill) for skill in lesson.skills)
    )
    st.markdown(f"*{lesson.summary}*")
    for section in lesson.sections:  # hard line breaks keep a call's turns on their own lines
        st.markdown(f"#### {section.heading}\n\n" + section.body.replace("\n", "  \n"))
    with st.expander(f"Quiz ({len(lesson.quiz)} questions)"):
        for question in lesson.quiz:
            st.markdown(
                f"**{question.number}. {question.question}**\n\n"
                + "\n".join(
                    f"- {'✅' if option.correct else '▫️'} {option.text}  \n  *{option.why}*"
                    for option in question.options
                )
            )
    assign_form(lesson, lead=viewer, known=set(titles), key="lessons_assign")
    with st.expander("Edit this lesson"):
        edited = st.text_area(
            "Lesson Markdown", lesson.markdown, height=480, key=f"lessons_edit_{lesson.id}"
        )
        if st.button("Save lesson", key="lessons_save", type="primary"):
            save(edited, replaces=lesson.id)

tips_for_approval(titles, lead=viewer)

with st.expander("Add a lesson"):
    st.caption("Skills: " + ", ".join(f"`{skill}`" for skill in skills))
    new = st.text_area("New lesson Markdown", LESSON_TEMPLATE, height=480, key="lessons_new")
    if st.button("Add lesson", key="lessons_add"):
        save(new, replaces=None)
