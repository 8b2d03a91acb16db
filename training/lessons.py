"""Lesson files: Markdown with YAML front matter, parsed, validated, loaded and saved."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import yaml

from core.errors import InvalidInput
from core.skills import CATALOGUE_PATH, load_catalogue

__all__ = [
    "LESSON_TEMPLATE",
    "MAX_MINUTES",
    "MIN_MINUTES",
    "QUIZ_HEADING",
    "QUIZ_QUESTIONS",
    "SECTION_HEADINGS",
    "Lesson",
    "LessonFormatError",
    "LessonProblem",
    "LessonSection",
    "Level",
    "LibraryLoad",
    "QuizOption",
    "QuizQuestion",
    "library_fingerprint",
    "load_library",
    "parse_lesson",
    "save_lesson",
    "validate_lesson_text",
]

# The body's `##` sections, in the order a lesson must have them.
SECTION_HEADINGS = (
    "Why it matters",
    "How to do it",
    "Say this / not this",
    "Example from a call",
    "Quiz",
)
QUIZ_HEADING = "Quiz"
MIN_MINUTES, MAX_MINUTES = 2, 5  # a lesson is read on a phone in a short break
QUIZ_QUESTIONS = range(3, 6)  # 3 to 5 questions
_FIELDS = ("id", "title", "skills", "minutes", "level", "summary")

# A new lesson's starting point in the editor; it is rejected until skills are filled in.
LESSON_TEMPLATE = """---
id: new-lesson-id
title: What the agent will do better
skills: []
minutes: 3
level: foundation
summary: One sentence an agent reads first.
---

## Why it matters
What goes wrong on calls without this, and what reviewers note.

## How to do it
1. First step.
2. Second step.

## Say this / not this
- Say: "A phrase that works."
- Not: "A phrase to avoid."

## Example from a call
**Customer:** ...
**Agent:** ...

## Quiz

### 1. A question about a real situation?
- [x] The right answer
  Why: Why it is right.
- [ ] A wrong answer
  Why: Why it is wrong.

### 2. Another question?
- [ ] A wrong answer
  Why: Why it is wrong.
- [x] The right answer
  Why: Why it is right.

### 3. A third question?
- [x] The right answer
  Why: Why it is right.
- [ ] A wrong answer
  Why: Why it is wrong.
"""
_LESSON_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_QUESTION = re.compile(r"^###\s+(\d+)\.\s+(\S.*)$")
_OPTION = re.compile(r"^- \[([ xX])\]\s+(\S.*)$")
_WHY = re.compile(r"^\s+Why:\s*(.*)$")
_STEP = re.compile(r"^\d+\.\s+\S", re.MULTILINE)


class Level(StrEnum):
    """How much experience a lesson assumes."""

    FOUNDATION = "foundation"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class LessonFormatError(InvalidInput):
    """A lesson's text breaks the lesson format; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


# One answer of a quiz question, with the explanation shown after answering.
@dataclass(frozen=True)
class QuizOption:
    text: str
    correct: bool
    why: str


# A multiple-choice question with exactly one correct option.
@dataclass(frozen=True)
class QuizQuestion:
    number: int
    question: str
    options: tuple[QuizOption, ...]

    @property
    def answer(self) -> QuizOption:
        """The one correct option."""
        return next(option for option in self.options if option.correct)


# A prose section of a lesson body: its `##` heading and Markdown text.
@dataclass(frozen=True)
class LessonSection:
    heading: str
    body: str


# A short lesson for one or more skills, read on a phone and checked with a quiz.
@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    skills: tuple[str, ...]  # catalogue ids, the main skill first
    minutes: int
    level: Level
    summary: str
    sections: tuple[LessonSection, ...]  # the prose sections in order; the quiz is in `quiz`
    quiz: tuple[QuizQuestion, ...]
    markdown: str  # the file's full text, as an editor shows it

    @property
    def file_name(self) -> str:
        """The file the lesson is stored in, inside the lessons folder."""
        return f"{self.id}.md"


# A lesson file that could not be loaded, and why.
@dataclass(frozen=True)
class LessonProblem:
    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


# The lessons of a folder that loaded, and the files that did not.
@dataclass(frozen=True)
class LibraryLoad:
    lessons: tuple[Lesson, ...]
    problems: tuple[LessonProblem, ...]

    def get(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if it loaded."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)


def _split_front_matter(lines: list[str]) -> tuple[list[str], list[str], int]:
    """Front matter lines, body lines and the body's first line number (1-based)."""
    if not lines or lines[0].strip() != "---":
        raise LessonFormatError(
            ["no YAML front matter: start the file with a line '---', the fields, then '---'"]
        )
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return lines[1:number], lines[number + 1 :], number + 2
    raise LessonFormatError(["YAML front matter is not closed with a line '---'"])


def _check_fields(data: object, skill_ids: Collection[str]) -> list[str]:
    if not isinstance(data, dict):
        return ["YAML front matter must be fields such as 'id: ...', 'title: ...'"]
    problems = [f"front matter has no '{key}'" for key in _FIELDS if data.get(key) in (None, "")]
    problems += [f"unknown front matter field '{key}'" for key in data if key not in _FIELDS]
    lesson_id, minutes, level = data.get("id"), data.get("minutes"), data.get("level")
    if lesson_id is not None and not (isinstance(lesson_id, str) and _LESSON_ID.match(lesson_id)):
        problems.append(f"id {lesson_id!r} must be lower-case words joined by hyphens")
    for key in ("title", "summary"):
        if data.get(key) is not None and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(f"{key} must be text")
    skills = data.get("skills")
    if skills is not None:
        if not isinstance(skills, list) or not skills:
            problems.append("skills must be a list of skill ids, e.g. [empathy, de_escalation]")
        else:
            problems += [
                f"unknown skill {s!r}"
                for s in skills
                if not isinstance(s, str) or s not in skill_ids
            ]
            if len(set(map(str, skills))) != len(skills):
                problems.append("a skill is listed twice")
    if minutes is not None and (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not MIN_MINUTES <= minutes <= MAX_MINUTES
    ):
        problems.append(
            f"minutes must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}, not {minutes!r}"
        )
    if level is not None and level not in [member.value for member in Level]:
        problems.append(f"level must be one of {', '.join(Level)}, not {level!r}")
    return problems


def _split_sections(lines: list[str], first_line: int) -> tuple[dict[str, tuple], list[str]]:
    """`{heading: (first line number, body lines)}` and the problems with the headings."""
    sections: dict[str, tuple[int, list[str]]] = {}
    problems: list[str] = []
    current: list[str] | None = None
    for number, line in enumerate(lines, start=first_line):
        if line.startswith("## "):
            heading = line[3:].strip()
            if heading not in SECTION_HEADINGS:
                problems.append(f"line {number}: unexpected section '## {heading}'")
                current = []
            elif heading in sections:
                problems.append(f"line {number}: section '## {heading}' appears twice")
                current = []
            else:
                current = []
                sections[heading] = (number + 1, current)
        elif current is not None:
            current.append(line)
        elif line.strip():
            problems.append(f"line {number}: text before the first section")
    problems += [f"missing section '## {h}'" for h in SECTION_HEADINGS if h not in sections]
    if not problems and list(sections) != list(SECTION_HEADINGS):
        problems.append(f"sections must come in this order: {', '.join(SECTION_HEADINGS)}")
    for heading, (_, body) in sections.items():
        if not "".join(body).strip():
            problems.append(f"section '## {heading}' is empty")
    return sections, problems


def _check_prose(sections: dict[str, tuple]) -> list[str]:
    problems = []
    steps = "\n".join(sections.get("How to do it", (0, []))[1])
    if steps.strip() and not _STEP.search(steps):
        problems.append("section '## How to do it' needs numbered steps ('1. ...')")
    phrases = [line.strip() for line in sections.get("Say this / not this", (0, []))[1]]
    if any(phrases) and not (
        any(p.startswith("- Say:") for p in phrases)
        and any(p.startswith("- Not:") for p in phrases)
    ):
        problems.append("section '## Say this / not this' needs a '- Say:' and a '- Not:' line")
    return problems


# A quiz question or option while it is being read; checked once the quiz is read whole.
@dataclass
class _DraftOption:
    text: str
    correct: bool
    line: int
    why: str | None = None


@dataclass
class _DraftQuestion:
    position: int
    text: str
    options: list[_DraftOption] = field(default_factory=list)


def _read_quiz(lines: list[str], first_line: int) -> tuple[list[_DraftQuestion], list[str]]:
    """The quiz's questions and options as written, and the problems with its lines."""
    drafts: list[_DraftQuestion] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=first_line):
        option = drafts[-1].options[-1] if drafts and drafts[-1].options else None
        if not line.strip():
            continue
        if line.startswith("###"):
            position = len(drafts) + 1
            match = _QUESTION.match(line)
            if not match:
                problems.append(f"line {number}: a quiz question must look like '### 1. Question?'")
            elif int(match[1]) != position:
                problems.append(f"line {number}: quiz question {position} is numbered {match[1]}")
            drafts.append(_DraftQuestion(position, match[2].strip() if match else line[3:]))
        elif found := _OPTION.match(line):
            if drafts:
                drafts[-1].options.append(_DraftOption(found[2].strip(), found[1] != " ", number))
            else:
                problems.append(f"line {number}: a quiz option comes before the first question")
        elif why := _WHY.match(line):
            if option is None:
                problems.append(f"line {number}: a 'Why:' line comes before any option")
            elif option.why is not None:
                problems.append(f"line {number}: an option has two 'Why:' lines")
            else:
                option.why = why[1].strip()
        elif line[:1].isspace() and option is not None and option.why:
            option.why += " " + line.strip()  # a long explanation wrapped onto more lines
        else:
            problems.append(f"line {number}: unexpected line in the quiz: {line.strip()[:60]!r}")
    return drafts, problems


def _parse_quiz(lines: list[str], first_line: int) -> tuple[list[QuizQuestion], list[str]]:
    drafts, problems = _read_quiz(lines, first_line)
    if len(drafts) not in QUIZ_QUESTIONS:
        problems.append(
            f"the quiz needs {QUIZ_QUESTIONS.start} to {QUIZ_QUESTIONS.stop - 1} questions, "
            f"found {len(drafts)}"
        )
    for draft in drafts:
        if len(draft.options) < 2:
            problems.append(f"quiz question {draft.position} needs at least 2 options")
        correct = sum(option.correct for option in draft.options)
        if correct != 1:
            problems.append(
                f"quiz question {draft.position} has {correct} correct answers; "
                "mark exactly one option with '- [x]'"
            )
        for number, option in enumerate(draft.options, start=1):
            if not option.why:
                problems.append(
                    f"line {option.line}: quiz question {draft.position}, option {number} has "
                    "no '  Why: ...' explanation"
                )
    questions = [
        QuizQuestion(
            draft.position,
            draft.text,
            tuple(QuizOption(o.text, o.correct, o.why or "") for o in draft.options),
        )
        for draft in drafts
    ]
    return questions, problems


def parse_lesson(text: str, *, skill_ids: Collection[str]) -> Lesson:
    """Parse and validate one lesson's Markdown.

    Args:
        text: the whole file: YAML front matter (id, title, skills, minutes, level, summary),
            then the sections of `SECTION_HEADINGS`; the quiz has `### N. question` headings and
            `- [ ]` / `- [x]` options, each followed by an indented `Why:` line.
        skill_ids: the catalogue's skill ids; a lesson may only name these.

    Raises:
        LessonFormatError: the text breaks the format; `problems` names each problem.
    """
    lines = text.lstrip("\ufeff").splitlines()
    front, body, body_line = _split_front_matter(lines)
    try:
        data = yaml.safe_load("\n".join(front))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise LessonFormatError([f"YAML front matter is not valid{where}: {reason}"]) from None
    problems = _check_fields(data, skill_ids)
    sections, section_problems = _split_sections(body, body_line)
    problems += section_problems + _check_prose(sections)
    quiz_line, quiz_lines = sections.get(QUIZ_HEADING, (0, []))
    questions, quiz_problems = _parse_quiz(quiz_lines, quiz_line) if quiz_lines else ([], [])
    problems += quiz_problems
    if problems:
        raise LessonFormatError(problems)
    return Lesson(
        id=data["id"],
        title=data["title"].strip(),
        skills=tuple(data["skills"]),
        minutes=data["minutes"],
        level=Level(data["level"]),
        summary=data["summary"].strip(),
        sections=tuple(
            LessonSection(heading, "\n".join(sections[heading][1]).strip())
            for heading in SECTION_HEADINGS
            if heading != QUIZ_HEADING
        ),
        quiz=tuple(questions),
        markdown="\n".join(lines).strip() + "\n",
    )


def _catalogue_ids(skill_ids: Collection[str] | None) -> Collection[str]:
    return skill_ids if skill_ids is not None else {skill.id for skill in load_catalogue()}


def validate_lesson_text(text: str, *, skill_ids: Collection[str] | None = None) -> list[str]:
    """Every problem with a lesson's Markdown, for an editor to show; empty when it is valid.

    `skill_ids` defaults to the bundled skill catalogue.
    """
    try:
        parse_lesson(text, skill_ids=_catalogue_ids(skill_ids))
    except LessonFormatError as exc:
        return list(exc.problems)
    return []


def library_fingerprint(folder: Path) -> tuple:
    """What changes when any lesson in `folder` (or the skill catalogue it checks against) is
    added, removed or edited: every file's name, size and modification time. A few stats, where
    loading the library parses every file."""
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    stamps = []
    for path in [CATALOGUE_PATH, *files]:
        try:
            stat = path.stat()
        except OSError:
            continue  # removed while listed: its absence is what the next look sees
        stamps.append((path.name, stat.st_size, stat.st_mtime_ns))
    return (str(folder), *stamps)


def load_library(folder: Path, *, skill_ids: Collection[str] | None = None) -> LibraryLoad:
    """Load every `*.md` lesson in `folder`, in file-name order.

    A file that breaks the format (or whose `id` is not its file name) is reported in
    `problems` with the file name and the problem; the other lessons still load.
    `skill_ids` defaults to the bundled skill catalogue.
    """
    if not folder.is_dir():
        return LibraryLoad((), (LessonProblem(str(folder), "lessons folder not found"),))
    known = _catalogue_ids(skill_ids)
    lessons: list[Lesson] = []
    problems: list[LessonProblem] = []
    for path in sorted(folder.glob("*.md")):
        try:
            lesson = parse_lesson(path.read_text(encoding="utf-8"), skill_ids=known)
        except LessonFormatError as exc:
            problems += [LessonProblem(path.name, problem) for problem in exc.problems]
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(LessonProblem(path.name, f"cannot be read: {exc}"))
        else:
            if lesson.file_name != path.name:
                problems.append(
                    LessonProblem(path.name, f"id '{lesson.id}' does not match the file name")
                )
            else:
                lessons.append(lesson)
    return LibraryLoad(tuple(lessons), tuple(problems))


def save_lesson(
    *,
    folder: Path,
    text: str,
    replaces: str | None = None,
    skill_ids: Collection[str] | None = None,
) -> Lesson:
    """Validate a lesson's Markdown and write it to `folder/<id>.md` atomically.

    Args:
        folder: the lessons folder.
        text: the lesson's full Markdown.
        replaces: the id of the lesson being edited, or None for a new lesson. When the edit
            changes the id, the old file is removed after the new one is written.
        skill_ids: the catalogue's skill ids; defaults to the bundled catalogue.

    Raises:
        LessonFormatError: the text breaks the format, or its id belongs to another lesson;
            nothing is written.
    """
    lesson = parse_lesson(text, skill_ids=_catalogue_ids(skill_ids))
    target = folder / lesson.file_name
    if lesson.id != replaces and target.exists():
        raise LessonFormatError([f"a lesson with id '{lesson.id}' already exists; pick another"])
    folder.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a reader never sees a half-written lesson.
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{lesson.id}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(lesson.markdown)
        os.chmod(temp_name, 0o644)  # mkstemp makes files only their owner can read
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    if replaces and replaces != lesson.id:
        (folder / f"{replaces}.md").unlink(missing_ok=True)
    return lesson
