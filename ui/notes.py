"""A recorded call's notes: the list to replay moments from, and the form coaches stamp."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

import streamlit as st
from sqlmodel import Session

from core.clock import clock
from core.errors import InvalidInput, NotAllowed, NotFound
from core.models import Call, Channel, MonitoringNote, NoteKind, Role, Segment, User, utcnow
from core.skills import load_catalogue
from monitoring import (
    MAX_EXAMPLE_TITLE_CHARS,
    MAX_NOTE_CHARS,
    add_lesson_example,
    add_note,
    can_coach,
    list_notes,
)
from ui.actions import show_flash
from ui.call_view import is_timed, moment_text, play_from
from ui.learning import lesson_book
from ui.plain import plain
from ui.resources import app_settings

__all__ = ["NOTE_BADGES", "call_notes", "parse_clock"]

NOTE_BADGES = {
    NoteKind.PRAISE: ":green-badge[Praise]",
    NoteKind.NEEDS_WORK: ":orange-badge[Needs work]",
    NoteKind.NOTE: ":gray-badge[Note]",
}
_KIND_LABELS = {NoteKind.PRAISE: "Praise", NoteKind.NEEDS_WORK: "Needs work", NoteKind.NOTE: "Note"}
_CLOCK = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$")
_COACHES = (Role.REVIEWER, Role.LEAD, Role.ADMIN)


def parse_clock(text: str) -> float:
    """Seconds from a time as a player shows it: "1:23", "1:02:03", or plain seconds "83".

    Raises:
        InvalidInput: not a time.
    """
    match = _CLOCK.match(text.strip())
    if match is None:
        raise InvalidInput(f"{text.strip()!r} is not a time: write it as m:ss, e.g. 1:23.")
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def _note_label(
    note: MonitoringNote, author: str, *, coach: bool, place: Callable[[float], str]
) -> str:
    when = f"`{place(note.at_seconds)}`"
    if note.end_seconds is not None:
        when = f"`{place(note.at_seconds)}-{place(note.end_seconds)}`"
    about = note.criterion_id or note.skill
    parts = [f"{when} {NOTE_BADGES.get(note.kind, NOTE_BADGES[NoteKind.NOTE])}"]
    if about:
        parts.append(f"**{about.replace('_', ' ')}**")
    parts.append(plain(author))
    if coach:
        parts.append(":blue[shared with agent]" if note.shared else ":gray[private]")
    return " · ".join(parts) + f": {plain(note.text)}"


def _notes_list(
    session: Session,
    notes: Sequence[MonitoringNote],
    *,
    coach: bool,
    player: str,
    place: Callable[[float], str],
    playable: bool,
) -> None:
    """The notes, each placed by `place`; on a call (`playable`) each is a button that plays
    the call from it."""
    if playable:
        # Notes are tertiary buttons like the transcript's lines; read them left-aligned.
        st.html(
            "<style>.stButton button[kind='tertiary'] {justify-content: flex-start; "
            "text-align: left;}</style>"
        )
    for note in notes:
        author = session.get(User, note.author_id)
        label = _note_label(note, author.name if author else "someone", coach=coach, place=place)
        if not playable:
            st.markdown(label)
            continue
        st.button(
            label,
            key=f"{player}_note_{note.id}",
            type="tertiary",
            on_click=play_from,
            args=(player, note.at_seconds),
        )


def _stamp(key: str, moment: float | None) -> None:
    """Put the moment last paused at or played from into the time field, when it moved; after a
    save, empty the form for the next note."""
    if moment is not None and st.session_state.get(f"{key}_stamped") != moment:
        st.session_state[f"{key}_at"] = clock(moment)
        st.session_state[f"{key}_stamped"] = moment
    if st.session_state.pop(f"{key}_saved", False):
        for field in ("text", "end", "title"):
            st.session_state[f"{key}_{field}"] = ""
        st.session_state[f"{key}_example"] = False


def _message_choice(
    segments: Sequence[Segment], place: Callable[[float], str], *, timed: bool
) -> Callable:
    """How the note form names a message: its number, author, time (when `timed`) and first
    words."""

    def label(number: int) -> str:
        segment = segments[number]
        words = segment.text if len(segment.text) <= 60 else segment.text[:57].rstrip() + "..."
        when = f" · {place(segment.start)}" if timed else ""
        return f"{number + 1} · {segment.speaker.title()}{when} · {words}"

    return label


def _note_form(
    session: Session,
    viewer: User,
    call: Call,
    criteria: Sequence[str],
    *,
    key: str,
    place: Callable[[float], str],
    messages: Sequence[Segment] | None,
) -> None:
    """The note form, its moment placed by `place`; on a written conversation (`messages`)
    the note is on a message, with no end and no lesson clip."""
    lessons = {lesson.id: lesson.title for lesson in lesson_book().lessons}
    skills = {skill.id: skill.title for skill in load_catalogue()}
    at_text, message = "", 0
    with st.form(f"{key}_form"):
        # A message is named by its first words: its picker gets the wider column.
        at_field, kind_field = st.columns([1, 2] if messages is None else [3, 2])
        if messages is None:
            at_text = at_field.text_input("At (m:ss)", key=f"{key}_at", placeholder="0:00")
        else:
            message = at_field.selectbox(
                "On message",
                range(len(messages)),
                format_func=_message_choice(messages, place, timed=is_timed(call)),
                key=f"{key}_message",
            )
        kind = kind_field.radio(
            "Kind",
            list(_KIND_LABELS),
            index=list(_KIND_LABELS).index(NoteKind.NOTE),
            format_func=_KIND_LABELS.get,
            horizontal=True,
            key=f"{key}_kind",
        )
        text = st.text_area("Note", max_chars=MAX_NOTE_CHARS, key=f"{key}_text")
        criterion_field, skill_field = st.columns(2)
        criterion = criterion_field.selectbox(
            "Criterion",
            ["", *criteria],
            format_func=lambda c: c.replace("_", " ") if c else "-",
            key=f"{key}_criterion",
        )
        skill = skill_field.selectbox(
            "or skill", ["", *skills], format_func=lambda s: skills.get(s, "-"), key=f"{key}_skill"
        )
        shared = st.toggle("Share with the agent", key=f"{key}_shared")
        # Leads and admins curate lessons; reviewers mark a moment's end without the example.
        # A written conversation has no clip to cut: its note is on one message.
        curator = viewer.role in (Role.LEAD, Role.ADMIN)
        end_text, as_example, lesson_id, title = "", False, None, ""
        if messages is None:
            end_field, example_field = st.columns([1, 2])
            end_text = end_field.text_input("Ends at (m:ss)", key=f"{key}_end")
        if curator and messages is None:
            st.caption("A praise note with an end can become an example clip in a lesson.")
            as_example = example_field.checkbox("Use as lesson example", key=f"{key}_example")
            lesson_id = st.selectbox(
                "Lesson", list(lessons), format_func=lessons.get, index=None, key=f"{key}_lesson"
            )
            title = st.text_input(
                "Example title", max_chars=MAX_EXAMPLE_TITLE_CHARS, key=f"{key}_title"
            )
        if not st.form_submit_button("Save note", type="primary"):
            return
    try:
        at = parse_clock(at_text) if messages is None else messages[message].start
        end = parse_clock(end_text) if end_text.strip() else None
        if as_example and kind != NoteKind.PRAISE:
            raise InvalidInput("Only a praise note can become a lesson example.")
        if as_example and (end is None or lesson_id is None or not title.strip()):
            raise InvalidInput(
                "For a lesson example, fill in where it ends, pick the lesson and give it a title."
            )
        note = add_note(
            session=session,
            author=viewer,
            agent_id=call.agent_id,
            call_id=call.id,
            at_seconds=at,
            end_seconds=end,
            text=text,
            kind=kind,
            criterion_id=criterion or None,
            skill=skill or None,
            shared=shared,
            now=utcnow(),
        )
    except (InvalidInput, NotAllowed, NotFound) as exc:
        session.rollback()
        st.error(str(exc))
        return
    st.session_state[f"{key}_flash"] = f"Note saved at {place(at)}."
    if as_example:
        try:
            with st.spinner("Cutting the clip and bleeping redacted details..."):
                add_lesson_example(
                    session=session,
                    actor=viewer,
                    call_id=call.id,
                    lesson_id=lesson_id,
                    start=at,
                    end=end,
                    title=title,
                    note_id=note.id,
                    known_lessons=lessons,
                    data_dir=app_settings().data_dir,
                    now=utcnow(),
                )
        except (InvalidInput, NotAllowed, NotFound) as exc:
            session.rollback()
            st.session_state[f"{key}_problem"] = f"The note is saved, but not as an example: {exc}"
        else:
            st.session_state[f"{key}_flash"] += f" It now plays in '{lessons[lesson_id]}'."
    st.session_state[f"{key}_saved"] = True
    st.rerun()


def call_notes(
    *,
    session: Session,
    viewer: User,
    call: Call,
    criteria: Sequence[str],
    player: str,
    moment: float | None,
    segments: Sequence[Segment] = (),
) -> None:
    """The notes on a call: a coach reads all of them and adds more, stamped at `moment` (the
    playback time of player `player`); an agent reads the ones shared with them. Clicking a note
    plays the call from it. On a written conversation a note is on one of its `segments`
    (messages), placed by when it was sent."""
    written = call.channel != Channel.CALL
    coach = viewer.role in _COACHES
    notes = list_notes(session=session, viewer=viewer, call_id=call.id)
    if not coach and not notes:
        return
    key = f"{player}_notes"
    st.subheader("Notes")
    show_flash(f"{key}_flash")
    if problem := st.session_state.pop(f"{key}_problem", None):
        st.error(problem)
    place = partial(moment_text, call, zone=viewer.time_zone)  # a call's clock, a message's time
    if notes:
        if not written:
            st.caption("Click a note to play the call from that moment.")
        _notes_list(session, notes, coach=coach, player=player, place=place, playable=not written)
    elif coach:
        st.caption(f"No notes on this {'conversation' if written else 'call'} yet.")
    if not coach:
        return
    agent = call.agent
    if agent is None:
        st.caption("Assign the call to an agent to take notes on it.")
        return
    if not can_coach(viewer, agent):
        return
    if written:
        if not segments:
            return
        _stamp(key, None)
        _note_form(session, viewer, call, criteria, key=key, place=place, messages=segments)
        return
    _stamp(key, moment)
    st.caption("Pause the call (or click a line or a note) and the note is stamped at that moment.")
    _note_form(session, viewer, call, criteria, key=key, place=place, messages=None)
