"""Lesson to chunks: short passages that each fit the embedding model's input whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from training.lessons import Lesson

__all__ = ["ChunkOptions", "chunk_lesson"]

_MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*>]|\d+\.)\s+", re.MULTILINE)


@dataclass(frozen=True)
class ChunkOptions:
    """How lessons are cut into passages for embedding.

    Attributes:
        max_words: words per chunk before the title prefix. all-MiniLM-L6-v2 reads at most 256
            word pieces and silently drops the rest; plain English runs at about 1.3 pieces a
            word, so 120 words plus a title stay well inside (a model test checks the library).
        quiz: also index the quiz, one chunk per question with its options and explanations;
            the questions restate the lesson's situations in other words.
    """

    max_words: int = 120
    quiz: bool = True

    @property
    def signature(self) -> str:
        """Recorded with the index; a different signature means the chunks must be re-made."""
        return f"v1 max_words={self.max_words} quiz={self.quiz}"


def _plain(markdown: str) -> list[str]:
    """The non-empty lines of a Markdown passage without emphasis, list or quote markers."""
    return [line.strip() for line in _MARKUP.sub("", markdown).splitlines() if line.strip()]


def _pack(lines: list[str], max_words: int) -> list[str]:
    """Join consecutive lines into passages of at most `max_words` words, splitting only
    a line that is longer than that on its own."""
    passages: list[str] = []
    current: list[str] = []
    for line in lines:
        words = line.split()
        while len(words) > max_words:
            passages.append(" ".join(words[:max_words]))
            words = words[max_words:]
        if current and len(current) + len(words) > max_words:
            passages.append(" ".join(current))
            current = []
        current += words
    if current:
        passages.append(" ".join(current))
    return passages


def chunk_lesson(lesson: Lesson, options: ChunkOptions = ChunkOptions()) -> tuple[str, ...]:
    """The passages to embed for one lesson: title with summary first, then each section
    (and quiz question), every passage prefixed with the lesson title so it keeps its topic."""
    chunks = [f"{lesson.title}. {lesson.summary}"]
    for section in lesson.sections:
        for passage in _pack(_plain(section.body), options.max_words):
            chunks.append(f"{lesson.title}. {section.heading}: {passage}")
    if options.quiz:
        for question in lesson.quiz:
            lines = [question.question]
            for option in question.options:
                lines += [option.text, option.why]
            for passage in _pack(lines, options.max_words):
                chunks.append(f"{lesson.title}. Quiz: {passage}")
    return tuple(chunks)
