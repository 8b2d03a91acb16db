"""Training content: the skill catalogue and the lesson library."""

from training.catalogue import (
    CATALOGUE_PATH,
    CatalogueError,
    Skill,
    load_catalogue,
    parse_catalogue,
)
from training.lessons import (
    LESSON_TEMPLATE,
    SECTION_HEADINGS,
    Lesson,
    LessonFormatError,
    LessonProblem,
    LessonSection,
    Level,
    LibraryLoad,
    QuizOption,
    QuizQuestion,
    load_library,
    parse_lesson,
    save_lesson,
    validate_lesson_text,
)

__all__ = [
    "CATALOGUE_PATH",
    "LESSON_TEMPLATE",
    "SECTION_HEADINGS",
    "CatalogueError",
    "Lesson",
    "LessonFormatError",
    "LessonProblem",
    "LessonSection",
    "Level",
    "LibraryLoad",
    "QuizOption",
    "QuizQuestion",
    "Skill",
    "load_catalogue",
    "load_library",
    "parse_catalogue",
    "parse_lesson",
    "save_lesson",
    "validate_lesson_text",
]
