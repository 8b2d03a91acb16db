"""Live monitoring: calls transcribed while they happen, live flags, and timestamped notes."""

from monitoring.clips import (
    MAX_EXAMPLE_TITLE_CHARS,
    ClipOptions,
    add_lesson_example,
    list_lesson_examples,
    remove_lesson_example,
)
from monitoring.notes import (
    MAX_NOTE_CHARS,
    add_note,
    attach_notes_to_call,
    can_coach,
    list_notes,
    set_note_shared,
)

__all__ = [
    "MAX_EXAMPLE_TITLE_CHARS",
    "ClipOptions",
    "add_lesson_example",
    "list_lesson_examples",
    "remove_lesson_example",
    "MAX_NOTE_CHARS",
    "add_note",
    "attach_notes_to_call",
    "can_coach",
    "list_notes",
    "set_note_shared",
]
