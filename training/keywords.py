"""Keyword relevance (BM25) of whole lessons: the word-matching half of lesson search."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from training.lessons import Lesson

__all__ = ["KeywordIndex", "keyword_text", "words"]

_WORD = re.compile(r"[a-z0-9]+")
# Function words carry no topic; without them "the", "to" and "was" would dominate short notes.
_STOP_WORDS = frozenset(
    "a about after all also am an and any are as at be been before but by can cant could couldnt "
    "did didnt do does doesnt dont for from had has have he her him his i if im in into is isnt "
    "it its ive just me my no not of on or our out she so than that the their them then there "
    "they theyre this to too up us very was wasnt we were what when which who will with wont "
    "would wouldnt you youre your".split()
)
_APOSTROPHES = str.maketrans("", "", "'\u2019")  # "didn't" -> "didnt", a single word


def words(text: str) -> list[str]:
    """The lower-case words of `text` that can say what it is about (stop words removed)."""
    plain = text.lower().translate(_APOSTROPHES)
    return [word for word in _WORD.findall(plain) if word not in _STOP_WORDS]


def keyword_text(lesson: Lesson) -> str:
    """Everything a lesson says, as plain text: title, summary, skills, sections and quiz."""
    parts = [lesson.title, lesson.summary, " ".join(s.replace("_", " ") for s in lesson.skills)]
    parts += [section.body for section in lesson.sections]
    for question in lesson.quiz:
        parts.append(question.question)
        parts += [f"{option.text} {option.why}" for option in question.options]
    return "\n".join(parts)


class KeywordIndex:
    """Okapi BM25 over a fixed list of documents, kept as an inverted index.

    Args:
        documents: one text per document; scores come back in this order.
        k1: how fast repeated words stop adding weight (1.2 is the usual BM25 choice).
        b: how much a long document is discounted (0.75 is the usual BM25 choice).
    """

    def __init__(self, documents: Sequence[str], *, k1: float = 1.2, b: float = 0.75) -> None:
        counts = [Counter(words(document)) for document in documents]
        self.size = len(documents)
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number, count in enumerate(counts):
            for word, frequency in count.items():
                postings[word].append((number, frequency))
        # Per word: the documents it occurs in and its BM25 weight in each.
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for word, hits in postings.items():
            ids = np.array([number for number, _ in hits], dtype=np.int64)
            frequency = np.array([f for _, f in hits], dtype=np.float32)
            idf = math.log(1 + (self.size - len(hits) + 0.5) / (len(hits) + 0.5))
            norm = k1 * (1 - b + b * lengths[ids] / average)
            self._postings[word] = (ids, idf * frequency * (k1 + 1) / (frequency + norm))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for `query`, as float32 in document order."""
        total = np.zeros(self.size, dtype=np.float32)
        for word in words(query):
            if word in self._postings:
                ids, weights = self._postings[word]
                total[ids] += weights
        return total
