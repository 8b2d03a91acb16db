"""Streaming Whisper: a live call's audio turned into text that, once committed, never changes.

Whisper decodes whole windows, not word by word, so live text comes from decoding the not yet
committed audio of each speaker again every couple of seconds and committing only what is
stable:

- **Local agreement.** A word is committed once two consecutive passes agree on it and on
  everything before it (the LocalAgreement-2 policy of Macháček et al., "Turning Whisper into
  Real-Time Transcription System", 2023).
- **End of turn.** When a speaker has been silent for `end_of_turn_seconds`, their turn is over
  and all of it is committed at once: in a call the other side is talking then, so waiting for
  another pass would only add lag.
- **Numbers are held back** until a non-number word follows or the turn ends, so a card or
  account number is committed, and redacted, in one piece. Likewise, when the other speaker
  has just asked for an email address, the whole answer is committed at the end of the turn,
  so "james dot whitfield at example dot com" is redacted as one address, not shown in pieces.

Committed text is PII-redacted (`qa.redact`) before it leaves this module. Stereo calls are
transcribed per channel, so every word's speaker is known.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from core.models import Speaker
from monitoring.sources import SAMPLE_RATE, AudioChunk, CallAudioSource
from qa.redact import redact_segment
from qa.transcript import TranscriptSegment, Word
from qa.whisper_models import BUNDLED, resolve_whisper_model

__all__ = [
    "CommittedSegment",
    "Heard",
    "LiveEvent",
    "StreamingOptions",
    "StreamingTranscriber",
    "agreed_prefix",
]


# How live text is decoded and committed. Defaults measured with `bench/live.py` (README).
@dataclass(frozen=True)
class StreamingOptions:
    # A decoding pass runs once this much new audio has arrived (or the last pass took longer).
    update_seconds: float = 2.0
    # Beam size of the passes within a turn. Measured with bench/live.py on the first 3 demo
    # calls at 1 s passes: greedy (1) WER 0.264, lag p50 2.56 s; 2: WER 0.241, 2.63 s; 3: WER
    # 0.249, 2.80 s (offline 0.208). Beam 2 is the only one within 5 points of offline.
    beam_size: int = 2
    # The pass that ends a speaker's turn commits all of the rest of it at once, so it is
    # decoded like the offline transcript (beam 3): one short stretch per turn. Alone, it moved
    # greedy passes' WER from 0.264 to 0.260.
    turn_end_beam_size: int = 3
    # Silence after a speaker's speech that ends their turn and commits all of it.
    end_of_turn_seconds: float = 0.8
    # Past this much audio in one turn, the committed sentences are cut off the audio decoded.
    trim_after_seconds: float = 6.0
    # Uncommitted audio kept at most; past it the agreed words are committed and the audio cut.
    max_buffer_seconds: float = 15.0
    # Silero VAD speech probability above which a frame counts as speech.
    vad_threshold: float = 0.5
    # RMS level above which a chunk counts as sound (not dead air), about -40 dBFS.
    sound_rms: float = 0.01
    language: str = "en"


# Audio of the call has been heard up to `until` seconds; `sound` if any side made a sound in
# the last chunk (for dead-air flags).
@dataclass(frozen=True)
class Heard:
    until: float
    sound: bool
    clock: float  # call time now


# Words committed for one speaker: final, redacted. `committed_at` is the call time at which they
# were committed, so each word's lag is `committed_at - word.end`.
@dataclass(frozen=True)
class CommittedSegment:
    start: float
    end: float
    speaker: Speaker
    text: str
    words: tuple[Word, ...]
    committed_at: float
    turn_end: bool = False  # the speaker's turn ended with these words

    @property
    def lags(self) -> list[float]:
        return [round(self.committed_at - w.end, 3) for w in self.words]

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "speaker": str(self.speaker),
            "text": self.text,
            "words": [
                {"start": w.start, "end": w.end, "word": w.word, "probability": w.probability}
                for w in self.words
            ],
            "committed_at": self.committed_at,
            "turn_end": self.turn_end,
        }


LiveEvent = Heard | CommittedSegment

_NUMBER_WORDS = frozenset(
    "zero oh o one two three four five six seven eight nine ten double triple".split()
)


def _key(word: str) -> str:
    return re.sub(r"[^\w']", "", word.lower())


def _is_number(word: str) -> bool:
    key = _key(word)
    return bool(key) and (key.isdigit() or key in _NUMBER_WORDS)


_ASKS_FOR_EMAIL = re.compile(r"\be-?mail\b", re.IGNORECASE)


def agreed_prefix(previous: list[Word], current: list[Word]) -> int:
    """How many leading words of `current` the previous pass also produced, in order (compared
    without case and punctuation)."""
    count = 0
    for before, now in zip(previous, current, strict=False):
        if _key(before.word) != _key(now.word):
            break
        count += 1
    return count


# One speaker's audio that is not committed yet, and what the last pass made of it.
@dataclass
class _Channel:
    speaker: Speaker
    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    audio_start: float = 0.0  # call time of audio[0]
    hypothesis: list[Word] = field(default_factory=list)
    committed_until: float = 0.0
    committed_tail: list[str] = field(default_factory=list)  # last committed words, raw
    # What this speaker said since the other's last finished turn, raw (an email address asked
    # for there holds the other's answer until their turn ends).
    said: str = ""
    new_since_pass: bool = False

    @property
    def audio_end(self) -> float:
        return self.audio_start + len(self.audio) / SAMPLE_RATE

    def cut(self, at: float) -> None:
        """Drop the audio before call time `at`."""
        drop = min(int((at - self.audio_start) * SAMPLE_RATE), len(self.audio))
        if drop > 0:
            self.audio = self.audio[drop:]
            self.audio_start += drop / SAMPLE_RATE


class StreamingTranscriber:
    """Turns a live call's audio into committed, redacted text as the call goes on.

    The Whisper model loads on first use and is shared by the threads of the process (each live
    call runs in its own thread; passes take turns on the model).
    """

    def __init__(
        self,
        model: str = BUNDLED,
        *,
        cpu_threads: int = 2,
        options: StreamingOptions | None = None,
    ) -> None:
        self.model_name = model
        self.cpu_threads = cpu_threads
        self.options = options or StreamingOptions()
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from faster_whisper import WhisperModel

                self._model = WhisperModel(
                    resolve_whisper_model(self.model_name),
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=self.cpu_threads,
                )
        return self._model

    def warm_up(self) -> None:
        """Load the model now, so the first pass of a call is not slowed by it."""
        self._decode(np.zeros(SAMPLE_RATE, dtype=np.float32), 0.0)

    def _decode(self, audio: np.ndarray, offset: float, *, beam_size: int = 1) -> list[Word]:
        model = self._load()
        with self._lock:  # one pass at a time on the shared model: both cores go to it
            segments, _info = model.transcribe(
                audio,
                language=self.options.language,
                beam_size=beam_size,
                word_timestamps=True,
                vad_filter=False,
                condition_on_previous_text=False,
                without_timestamps=False,
            )
            words = [w for s in segments for w in (s.words or ())]
        return [
            Word(
                start=round(offset + w.start, 3),
                end=round(offset + w.end, 3),
                word=w.word,
                probability=round(w.probability, 3),
            )
            for w in words
        ]

    def _speech(self, audio: np.ndarray) -> list[tuple[float, float]]:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        vad = VadOptions(
            threshold=self.options.vad_threshold, min_silence_duration_ms=300, speech_pad_ms=200
        )
        return [
            (r["start"] / SAMPLE_RATE, r["end"] / SAMPLE_RATE)
            for r in get_speech_timestamps(audio, vad)
        ]

    def _pass(
        self, channel: _Channel, *, final: bool, hold_turn: bool = False
    ) -> tuple[list[Word], bool]:
        """Decode the channel's uncommitted audio; return the words to commit now and whether
        the speaker's turn ended. With `hold_turn` (the other side asked for an email address)
        nothing is committed before the turn ends."""
        channel.new_since_pass = False
        if len(channel.audio) < SAMPLE_RATE // 4:
            return [], False
        speech = self._speech(channel.audio)
        if not speech:
            # Nothing said: keep only the last second, in case a word is starting.
            channel.cut(channel.audio_end - 1.0)
            channel.hypothesis = []
            return [], False
        first_speech = channel.audio_start + speech[0][0]
        last_speech_end = channel.audio_start + speech[-1][1]
        channel.cut(first_speech - 0.2)
        turn_end = final or channel.audio_end - last_speech_end >= self.options.end_of_turn_seconds
        beam = self.options.turn_end_beam_size if turn_end else self.options.beam_size
        # No prompt with the committed text: Whisper tiny then tends to repeat the prompt.
        words = self._decode(channel.audio, channel.audio_start, beam_size=beam)
        words = self._unseen(channel, words)
        if turn_end:
            commit = words
        else:
            commit = [] if hold_turn else words[: agreed_prefix(channel.hypothesis, words)]
            while commit and _is_number(commit[-1].word):
                commit = commit[:-1]
            if not commit and channel.audio_end - channel.audio_start > (
                self.options.max_buffer_seconds
            ):
                # A long turn the passes keep revising: commit what is well behind us.
                horizon = channel.audio_end - 2 * self.options.update_seconds
                commit = [w for w in words if w.end <= horizon]
        channel.hypothesis = words[len(commit) :]
        if commit:
            channel.committed_until = commit[-1].end
            channel.committed_tail = [*channel.committed_tail, *(w.word for w in commit)][-48:]
        if turn_end:
            channel.cut(last_speech_end)
            channel.hypothesis = []
        elif commit:
            self._trim(channel, commit)
        return commit, turn_end

    def _trim(self, channel: _Channel, commit: list[Word]) -> None:
        """Keep each pass short in a long turn: past `trim_after_seconds`, drop the audio up to
        the last committed sentence end (so the next pass starts on a sentence), and past
        `max_buffer_seconds` up to the last committed word."""
        length = channel.audio_end - channel.audio_start
        sentence_ends = [w.end for w in commit if w.word.rstrip().endswith((".", "?", "!"))]
        if length > self.options.trim_after_seconds and sentence_ends:
            channel.cut(sentence_ends[-1])
        elif length > self.options.max_buffer_seconds:
            channel.cut(channel.committed_until)

    @staticmethod
    def _unseen(channel: _Channel, words: list[Word]) -> list[Word]:
        """The words not committed yet: after the last committed word's time, and not a repeat
        of the last committed words (timestamps of a word move a little between passes)."""
        fresh = [w for w in words if w.start >= channel.committed_until - 0.1]
        tail = [_key(w) for w in channel.committed_tail]
        for size in range(min(5, len(fresh), len(tail)), 0, -1):
            if [_key(w.word) for w in fresh[:size]] == tail[-size:]:
                return fresh[size:]
        return fresh

    def stream(self, source: CallAudioSource) -> Iterator[LiveEvent]:
        """Follow the call from `source` until it ends, yielding what is heard and committed.

        On a real-time source, lag is measured on the wall clock; on a source running faster
        than real time, on a virtual clock that advances with the audio and with the time each
        pass takes, as if the audio had arrived in real time.
        """
        if source.channels == 2:
            agent = source.agent_channel
            speakers = [Speaker.AGENT if i == agent else Speaker.CUSTOMER for i in (0, 1)]
        else:
            speakers = [Speaker.UNKNOWN]
        channels = [_Channel(speaker) for speaker in speakers]
        began = time.monotonic()
        virtual = 0.0
        heard = 0.0
        last_pass_at = 0.0
        last_pass_took = 0.0
        previous = ""  # mono: the segment before, whoever said it

        def asked_email(channel: _Channel) -> bool:
            return any(_ASKS_FOR_EMAIL.search(c.said) for c in channels if c is not channel)

        def clock() -> float:
            return time.monotonic() - began if source.realtime else virtual

        def run_passes(final: bool) -> Iterator[CommittedSegment]:
            nonlocal virtual, last_pass_at, last_pass_took, previous
            started = time.monotonic()
            results = [
                (channel, *self._pass(channel, final=final, hold_turn=asked_email(channel)))
                for channel in channels
                if channel.new_since_pass or final
            ]
            last_pass_took = time.monotonic() - started
            virtual += last_pass_took
            last_pass_at = heard
            committed_at = round(clock(), 3)
            for channel, words, turn_end in sorted(
                results, key=lambda r: r[1][0].start if r[1] else 0.0
            ):
                if not words:
                    continue
                channel.said = (channel.said + "".join(w.word for w in words))[-200:]
                # What the other party last said (their question) tells what this answer holds.
                asked = " ".join(other.said for other in channels if other is not channel)
                if turn_end:  # answered: the other side's question no longer holds anything
                    for other in channels:
                        if other is not channel:
                            other.said = ""
                raw = TranscriptSegment(
                    start=words[0].start,
                    end=words[-1].end,
                    speaker=channel.speaker,
                    text="".join(w.word for w in words).strip(),
                    words=tuple(words),
                )
                redacted = redact_segment(raw, context=asked if len(channels) > 1 else previous)
                previous = raw.text
                yield CommittedSegment(
                    start=redacted.start,
                    end=redacted.end,
                    speaker=redacted.speaker,
                    text=redacted.text,
                    words=redacted.words,
                    committed_at=committed_at,
                    turn_end=turn_end,
                )

        for chunk in source.chunks():
            self._take(chunk, channels)
            heard = chunk.end
            virtual = max(virtual, heard)
            rms = float(np.sqrt(np.mean(np.square(chunk.samples)))) if chunk.samples.size else 0.0
            yield Heard(until=heard, sound=rms >= self.options.sound_rms, clock=round(clock(), 3))
            if heard - last_pass_at >= max(self.options.update_seconds, last_pass_took):
                yield from run_passes(final=False)
        yield from run_passes(final=True)

    @staticmethod
    def _take(chunk: AudioChunk, channels: list[_Channel]) -> None:
        for channel, samples in zip(channels, chunk.samples, strict=False):
            if not len(channel.audio):
                channel.audio_start = chunk.start
            channel.audio = np.concatenate([channel.audio, samples.astype(np.float32)])
            channel.new_since_pass = True
