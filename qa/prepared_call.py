"""A call prepared for auto-QA: its sentences and turns, and their likeness to exemplar phrases."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from core.models import Speaker
from qa.metrics import CallMetrics
from qa.scorecard import PhraseGroup, Scorecard
from qa.transcript import Transcript, TranscriptSegment

__all__ = ["PreparedCall", "Sentence", "SentenceEncoder", "split_sentences"]


class SentenceEncoder(Protocol):
    """What scoring needs of an embedder (`index.embedder.Embedder` is one)."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


# Sentences (and their clauses, name-free forms and word windows) are compared by meaning with a
# scorecard's exemplar phrases; everything runs locally with the sentence embedder passed in.

# A sentence ends at . ! ? and, in redacted text, after a tag before a capital ("[PHONE] Is").
# A line break ends one too: the lines of a written message (a salutation, a sign-off).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=\])\s+(?=[A-Z])|\s*\n\s*")
# Clause boundaries inside a sentence: speech-to-text writes long run-on sentences, and a
# feeling or a promise is often one clause of them ("... and I'm really fed up").
_CLAUSE_BREAK = re.compile(r",\s+|;\s+|\s+(?=(?:and|but|because|so|or)\s)")
_MIN_CLAUSE_WORDS = 3
# Stretches of this many words or more are also read in windows of _WINDOW_WORDS words.
_LONG_STRETCH_WORDS = 12
_WINDOW_WORDS = 6
_WINDOW_STEP = 3
# Vectors of exemplar phrases, per embedder: a scorecard's phrases are encoded once per process.
_EXEMPLAR_VECTORS: weakref.WeakKeyDictionary[Any, dict[str, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


# One sentence of a segment, placed in time (from its words, or its share of the text).
@dataclass(frozen=True)
class Sentence:
    segment: int
    text: str
    start: float
    end: float


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, as speech-to-text punctuates them."""
    return [p for p in _SENTENCE_END.split(text.strip()) if p.strip()]


def _clauses(sentence: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSE_BREAK.split(sentence) if p.strip()]
    clauses: list[str] = []
    pending = ""
    for part in parts:
        pending = f"{pending}, {part}" if pending else part
        if len(pending.split()) >= _MIN_CLAUSE_WORDS:
            clauses.append(pending)
            pending = ""
    if pending and clauses:
        clauses[-1] = f"{clauses[-1]}, {pending}"
    return clauses if len(clauses) > 1 else []


def _windows(sentence: str) -> list[str]:
    """Overlapping runs of words from stretches too long to judge whole: speech-to-text often
    leaves out the commas that would split "I am sorry that sounds worrying especially ..."."""
    windows = []
    for stretch in _clauses(sentence) or [sentence]:
        words = stretch.split()
        if len(words) < _LONG_STRETCH_WORDS:
            continue
        last = len(words) - _WINDOW_WORDS
        starts = [*range(0, last, _WINDOW_STEP), last]
        windows += [" ".join(words[i : i + _WINDOW_WORDS]) for i in starts]
    return windows


_PROPER_NOUN = re.compile(r"(?<=\s)(?!I\b|I')[A-Z][\w'&]*")


def _without_names(sentence: str) -> str | None:
    """The sentence with its mid-sentence capitalised words (names) taken out, or None if it
    has none: "Thanks for calling Lumen Fibre, bye" means the same whatever the company."""
    stripped = _PROPER_NOUN.sub("", sentence)
    if stripped == sentence:
        return None
    stripped = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s{2,}", " ", stripped))
    stripped = re.sub(r",\s*([,.?!])", r"\1", stripped).strip(" ,")
    return stripped if len(stripped.split()) >= 2 else None


def _sentences(index: int, segment: TranscriptSegment) -> list[Sentence]:
    text = segment.text.strip()
    if not text:
        return []
    pieces = split_sentences(text)
    tokens = text.split()
    words_match = len(segment.words) == len(tokens) and tokens
    sentences, offset, token_index = [], 0, 0
    span = segment.end - segment.start
    for piece in pieces:
        offset = text.find(piece, offset)
        count = len(piece.split())
        if words_match:
            first = segment.words[token_index]
            last = segment.words[min(token_index + count, len(tokens)) - 1]
            start, end = first.start, last.end
        else:
            # No usable word timings: place the sentence by its share of the characters.
            start = segment.start + span * offset / max(len(text), 1)
            end = segment.start + span * (offset + len(piece)) / max(len(text), 1)
        sentences.append(Sentence(index, piece, start, end))
        offset += len(piece)
        token_index += count
    return sentences


class PreparedCall:
    """One call prepared for the check rules: sorted segments, turns, sentences and how close
    each sentence is to the scorecard's exemplar phrases."""

    def __init__(
        self,
        transcript: Transcript,
        scorecard: Scorecard,
        embedder: SentenceEncoder,
        metrics: CallMetrics,
    ) -> None:
        self.transcript = transcript
        self.metrics = metrics
        self.segments = sorted(transcript.segments, key=lambda s: (s.start, s.end))
        speakers = {s.speaker for s in self.segments}
        # Without agent/customer labels every segment may be either side; results are then
        # capped at low confidence so a person checks them.
        self.speakers_known = Speaker.AGENT in speakers
        # How sure speakers inferred by voice on a mono call are (None: from the channels).
        inferred = [s for s in self.segments if s.speaker_source == "inferred"]
        weights = [max(s.end - s.start, 0.01) for s in inferred]
        self.speaker_confidence = (
            sum(w * s.confidence for w, s in zip(weights, inferred, strict=True)) / sum(weights)
            if inferred
            else None
        )
        self.agent_speakers = {Speaker.AGENT} if self.speakers_known else {Speaker.UNKNOWN}
        self.customer_speakers = (
            {Speaker.CUSTOMER} if Speaker.CUSTOMER in speakers else {Speaker.UNKNOWN}
        )
        # A turn is a run of segments by one speaker; with unknown speakers, every segment.
        self.turn_of: list[int] = []
        turn, previous = -1, None
        for segment in self.segments:
            if segment.speaker != previous or not self.speakers_known:
                turn += 1
                previous = segment.speaker
            self.turn_of.append(turn)
        self._turn_segments: list[list[int]] = [[] for _ in range(turn + 1)]
        for index, turn_index in enumerate(self.turn_of):
            self._turn_segments[turn_index].append(index)
        self.sentences = [s for i, seg in enumerate(self.segments) for s in _sentences(i, seg)]
        self._segment_sentences: list[list[int]] = [[] for _ in self.segments]
        for index, sentence in enumerate(self.sentences):
            self._segment_sentences[sentence.segment].append(index)
        units = [(i, s.text) for i, s in enumerate(self.sentences)]
        units += [(i, c) for i, s in enumerate(self.sentences) for c in _clauses(s.text)]
        first_window = len(units)
        units += [(i, w) for i, s in enumerate(self.sentences) for w in _windows(s.text)]
        units += [
            (i, plain)
            for i, s in enumerate(self.sentences)
            if (plain := _without_names(s.text)) is not None
        ]
        self._unit_sentence = np.array([i for i, _ in units], dtype=np.int64)
        self._is_window = np.arange(len(units)) >= first_window
        phrases = {
            p
            for criterion in scorecard.criteria
            for group in criterion.check.phrases.values()
            for p in (*group.examples, *group.counter_examples)
        }
        try:
            cache = _EXEMPLAR_VECTORS.setdefault(embedder, {})
        except TypeError:  # an embedder that cannot be weakly referenced: no cache across calls
            cache = {}
        missing = sorted(p for p in phrases if p not in cache)
        # One batch per call: the call's sentences and any exemplar not encoded before.
        vectors = embedder.encode([text for _, text in units] + missing) if units or missing else []
        for phrase, vector in zip(missing, vectors[len(units) :], strict=True):
            cache[phrase] = vector
        self._units = np.asarray(vectors[: len(units)], dtype=np.float32)
        self._exemplars = cache
        self._strengths: dict[PhraseGroup, np.ndarray] = {}

    @property
    def unclear_agent_speech(self) -> list[TranscriptSegment]:
        """The agent's speech (any speech when speakers are unknown) that could not be
        transcribed: what they said there is not known."""
        return [s for s in self.segments if s.unclear and s.speaker in self.agent_speakers]

    def is_agent(self, index: int) -> bool:
        return self.segments[index].speaker in self.agent_speakers

    def is_customer(self, index: int) -> bool:
        return self.segments[index].speaker in self.customer_speakers

    def strength(self, group: PhraseGroup) -> np.ndarray:
        """Per sentence: how far its best unit is past the group's match boundary (>= 0 is a
        match): min(similarity - min_similarity, similarity - counter similarity - margin)."""
        if group not in self._strengths:
            best = np.full(len(self.sentences), -1.0)
            if len(self._units):
                examples = np.stack([self._exemplars[p] for p in group.examples])
                similarity = (self._units @ examples.T).max(axis=1)
                value = similarity - group.min_similarity
                if group.counter_examples:
                    counter = np.stack([self._exemplars[p] for p in group.counter_examples])
                    contrast = similarity - (self._units @ counter.T).max(axis=1) - group.margin
                    value = np.minimum(value, contrast)
                if not group.windows:
                    value = np.where(self._is_window, -1.0, value)
                np.maximum.at(best, self._unit_sentence, value)
            self._strengths[group] = best
        return self._strengths[group]

    @property
    def sentence_vectors(self) -> np.ndarray:
        """The embedding of each sentence (unit length), in `sentences` order."""
        return self._units[: len(self.sentences)]

    def sentences_of(self, segment: int) -> list[int]:
        return self._segment_sentences[segment]

    def turn_segments(self, turn: int) -> list[int]:
        return self._turn_segments[turn]
