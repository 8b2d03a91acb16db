"""Who speaks when on a mono recording: two voices told apart by a speaker encoder, and which
of them is the agent told from what each says.

Many call recorders write one channel, so the speaker cannot come from the channel. Speech
windows of 1.6 s (the GE2E encoder's input, `resemblyzer`, weights inside its package) are
embedded every 0.4 s, the embeddings clustered into two voices, and every word given the voice
of the windows around it. The agent is the voice that greets, offers help, asks the identity
questions and closes; the customer the one that asks for things; speaking first counts a
little. Each word carries a confidence: how clearly its windows sit with one voice, times how
clearly that voice is the agent or the customer.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.models import Speaker

__all__ = ["DiarizeOptions", "Diarization", "diarize_words"]

SAMPLE_RATE = 16_000
_FRAME = 160  # samples per 10 ms mel frame
_WINDOW_FRAMES = 160  # 1.6 s: the encoder's partial utterance

# What agents say and customers rarely do, and the other way round (own wording, general to
# support calls; not phrases of any labelled set).
_AGENT_SAYS = re.compile(
    r"thanks? (you )?for (calling|contacting|holding|waiting|your patience)|how (can|may) i help"
    r"|speaking\b|my name is|you('re| are) (through to|speaking (to|with))"
    r"|this call (is|may be|will be) recorded|date of birth|first line of (your|the) address"
    r"|post ?code|can you confirm"
    r"|could you confirm|security (question|check)|bear with me|let me (check|look|see|pull)"
    r"|i can see (that|your|you|the)|anything else i can|is there anything else"
    r"|have a (good|great|nice|lovely) (day|evening|afternoon|weekend)|i'?ll (put|transfer|pass)"
    r"|i'?ve (updated|changed|set up|booked|raised|applied|added|sent)|(what|what's|what is) "
    r"(the|your) (account|reference|customer|policy|order|booking)|account number\??$"
    r"|(can|could|may) i (take|have|get|ask)|(is|was) there anything else",
    re.IGNORECASE,
)
_CUSTOMER_SAYS = re.compile(
    r"i'?d like to|i want(ed)? to|i'?m (calling|ringing|phoning) (about|because|to)"
    r"|my (bill|account|meter|payment|card|order|booking|contract|direct debit)|can you help me"
    r"|i (need|have) (a|an|to)|i don'?t understand|why (is|has|did|have)"
    r"|i(('?ve)| have) been (charged|trying|waiting|billed|on hold)|is (this|that) (the )?\w+"
    r"|when will|is there (any|a) way|(my|our) (electricity|gas|power|internet|phone|husband|wife)",
    re.IGNORECASE,
)


# How mono calls are split between two voices.
@dataclass(frozen=True)
class DiarizeOptions:
    # Seconds between the starts of two embedded windows: 0.4 s gives each word several
    # windows to vote.
    hop_seconds: float = 0.4
    # Voices whose mean embeddings are closer than this (cosine) are one voice.
    same_voice_similarity: float = 0.95
    # Two windows next to each other in one speech region are mostly one speaker. When fewer
    # than this share of such pairs fall in the same cluster, the clusters follow what is said,
    # not who says it: one voice, or two too alike for the encoder. On the demo calls one voice
    # gave 0.75-0.91, two well-told-apart voices 0.91-0.98, and the four pairs of near-identical
    # synthetic voices 0.83-0.84 (their words 0.44-0.75 right).
    min_voice_consistency: float = 0.9
    # A third cluster this far from both others and holding this share of the speech means a
    # third voice (a transfer, a supervisor, someone in the room).
    third_voice_similarity: float = 0.72
    third_voice_share: float = 0.15
    # Words in a run shorter than this (seconds), between two runs of the other voice, are
    # given to the voice around them: a turn is rarely that short.
    min_turn_seconds: float = 0.6


# Who said each word of a mono call, and what to tell a reader about it.
@dataclass(frozen=True)
class Diarization:
    speakers: tuple[Speaker, ...]  # one per word, agent or customer
    confidences: tuple[float, ...]  # one per word, 0-1
    note: str | None  # "one voice found, or two too alike ...", "three voices found ...", or None
    agent_confidence: float  # how sure the agent is the agent (0.5: a guess)


class _Encoder:
    """The GE2E speaker encoder, loaded once per process and shared by its threads."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # resemblyzer 0.1.4 imports scipy.ndimage.morphology (deprecated in SciPy 1.x) and
            # webrtcvad, which imports pkg_resources (deprecated in setuptools).
            warnings.simplefilter("ignore")
            from resemblyzer import VoiceEncoder, audio

        self._audio = audio
        self._model = VoiceEncoder("cpu", verbose=False)
        self._lock = threading.Lock()

    def embed(self, wav: np.ndarray, starts: Sequence[int]) -> np.ndarray:
        """Unit embeddings of the 1.6 s windows starting at these mel frames."""
        import torch

        wav = self._audio.normalize_volume(wav, -30, increase_only=True)
        mel = self._audio.wav_to_mel_spectrogram(wav)
        if len(mel) < _WINDOW_FRAMES:
            mel = np.pad(mel, ((0, _WINDOW_FRAMES - len(mel)), (0, 0)))
        last = len(mel) - _WINDOW_FRAMES
        batch = np.stack([mel[min(s, last) : min(s, last) + _WINDOW_FRAMES] for s in starts])
        with self._lock, torch.no_grad():
            vectors = self._model(torch.from_numpy(batch)).numpy()
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=1)
def _encoder() -> _Encoder:
    return _Encoder()


def _window_starts(regions: Sequence[tuple[float, float]], hop: float) -> list[float]:
    """Window centres every `hop` seconds inside the speech regions (one for a short one)."""
    centres: list[float] = []
    for start, end in regions:
        count = max(1, int((end - start) / hop))
        step = (end - start) / count
        centres += [start + step * (i + 0.5) for i in range(count)]
    return centres


def _two_voices(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (0/1) and the two unit centroids; deterministic."""
    from sklearn.cluster import KMeans

    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int), np.vstack([vectors[:1], vectors[:1]])
    # Two voices of one call share much (line, room, language): clustering what sets each
    # window apart from the call's average voice separates them better than the raw vectors.
    centred = vectors - vectors.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    labels = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(centred)
    centroids = np.stack([vectors[labels == k].mean(axis=0) for k in (0, 1)])
    return labels, centroids / np.linalg.norm(centroids, axis=1, keepdims=True)


def _consistency(labels: np.ndarray, centres: Sequence[float], regions) -> float:
    """Share of neighbouring windows of one speech region that fall in the same cluster."""
    region_of = np.searchsorted([start for start, _end in regions], centres, side="right")
    same = [
        labels[i] == labels[i + 1]
        for i in range(len(labels) - 1)
        if region_of[i] == region_of[i + 1]
    ]
    return float(np.mean(same)) if same else 1.0


def _third_voice(vectors: np.ndarray, options: DiarizeOptions) -> bool:
    from sklearn.cluster import KMeans

    if len(vectors) < 12:
        return False
    labels = KMeans(n_clusters=3, n_init=10, random_state=0).fit_predict(vectors)
    centroids = np.stack([vectors[labels == k].mean(axis=0) for k in range(3)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    for k in range(3):
        share = float(np.mean(labels == k))
        others = [float(centroids[k] @ centroids[j]) for j in range(3) if j != k]
        if share >= options.third_voice_share and max(others) < options.third_voice_similarity:
            return True
    return False


def _smooth(labels: list[int], times: list[tuple[float, float]], min_turn: float) -> list[int]:
    """Give short runs between two runs of the other voice to that voice."""
    labels = labels[:]
    runs, start = [], 0
    for i in range(1, len(labels) + 1):
        if i == len(labels) or labels[i] != labels[start]:
            runs.append((start, i))
            start = i
    for number, (first, stop) in enumerate(runs[1:-1], start=1):
        span = times[stop - 1][1] - times[first][0]
        before, after = labels[runs[number - 1][0]], labels[runs[number + 1][0]]
        if span < min_turn and before == after != labels[first]:
            labels[first:stop] = [before] * (stop - first)
    return labels


def _first_voice(voices: Sequence[int], words: Sequence[tuple[float, float, str]]) -> int:
    """The voice of the first run of words lasting a second or more: who answered the call (a
    first word or two may sit with the wrong voice)."""
    start = 0
    for i in range(1, len(voices) + 1):
        if i == len(voices) or voices[i] != voices[start]:
            if words[i - 1][1] - words[start][0] >= 1.0:
                return voices[start]
            start = i
    return voices[0]


def _agent_voice(texts: Sequence[str], first_voice: int) -> tuple[int, float]:
    """Which voice (0/1) is the agent, and how sure (0.5-1), from what each says."""
    score = [0.0, 0.0]
    for voice in (0, 1):
        score[voice] += len(_AGENT_SAYS.findall(texts[voice]))
        score[voice] -= len(_CUSTOMER_SAYS.findall(texts[voice]))
    score[first_voice] += 1.0  # agents answer the call
    margin = score[0] - score[1]
    agent = 0 if margin >= 0 else 1
    return agent, round(1 / (1 + np.exp(-abs(margin))), 3)


def diarize_words(
    audio: np.ndarray,
    words: Sequence[tuple[float, float, str]],
    regions: Sequence[tuple[float, float]],
    options: DiarizeOptions = DiarizeOptions(),
) -> Diarization:
    """Give each word of a mono call to the agent or the customer.

    Args:
        audio: the call at 16 kHz, mono.
        words: (start, end, text) in call time, in time order.
        regions: the speech regions (seconds) voice-activity detection found.
        options: windows, voice thresholds and smoothing.
    """
    if not words:
        return Diarization((), (), None, 0.5)
    centres = _window_starts(regions or [(words[0][0], words[-1][1])], options.hop_seconds)
    starts = [max(int(c * 100) - _WINDOW_FRAMES // 2, 0) for c in centres]
    vectors = _encoder().embed(audio, starts)
    labels, centroids = _two_voices(vectors)
    similarity = vectors @ centroids.T  # windows x 2
    one_voice = (
        float(centroids[0] @ centroids[1]) > options.same_voice_similarity
        or _consistency(labels, centres, regions) < options.min_voice_consistency
    )
    centre_array = np.array(centres)

    word_voice, word_sure = [], []
    for start, end, _text in words:
        middle = (start + end) / 2
        near = np.abs(centre_array - middle) <= 0.8  # windows that heard this word
        if not near.any():
            near = np.abs(centre_array - middle) == np.abs(centre_array - middle).min()
        votes = similarity[near].mean(axis=0)
        word_voice.append(int(np.argmax(votes)))
        word_sure.append(float(min(1.0, 0.5 + abs(votes[0] - votes[1]) * 2.5)))
    word_voice = _smooth(word_voice, [(w[0], w[1]) for w in words], options.min_turn_seconds)

    texts = ["", ""]
    for voice, (_s, _e, text) in zip(word_voice, words, strict=True):
        texts[voice] += text
    agent, role_sure = _agent_voice(texts, _first_voice(word_voice, words))
    note = None
    if one_voice:
        note = "one voice found, or two too alike to tell apart: the speakers may be wrong"
        role_sure = min(role_sure, 0.5)
    elif _third_voice(vectors, options):
        note = "three voices found: a third person's words are given to the agent or customer"
    speakers = tuple(Speaker.AGENT if voice == agent else Speaker.CUSTOMER for voice in word_voice)
    confidences = tuple(round(sure * role_sure, 3) for sure in word_sure)
    return Diarization(speakers, confidences, note, role_sure)
