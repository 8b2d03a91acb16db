"""Speech to text: each channel's speech, found by voice-activity detection, through Whisper.

Stereo call recordings carry the agent on one channel and the customer on the other, so the
speaker of every word is known from where it was heard, not guessed. Only speech is decoded:
each channel's speech regions are packed into windows of up to 30 s, the windows of both channels
go through Whisper together in batches, and every word is mapped back to its channel and its time
in the call.
"""

from __future__ import annotations

import bisect
import os
import re
import threading
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.config import Settings
from core.models import Speaker
from qa.audio import AudioError, cut_off_message, probe_audio
from qa.diarize import DiarizeOptions, diarize_words
from qa.transcript import Transcript, TranscriptSegment, Word
from qa.whisper_models import BUNDLED, resolve_whisper_model

__all__ = [
    "TranscribeOptions",
    "Transcriber",
    "get_transcriber",
    "loop_reason",
]

SAMPLE_RATE = 16_000  # what Whisper expects; every input is resampled to it
_MAX_REPEATED_PIECES = 3
# A run of 1-6 letters or digits repeated 5 or more times inside one token and covering at
# least 12 of its characters ("U-R-F-E-K-N-T-E-N-T-E-N-T-E-N-T..." once its hyphens go) is a
# decoding loop: spelled names, references and card numbers do not repeat like that.
_CHARACTER_LOOP = re.compile(r"(\w{1,6}?)\1{4,}")
_MIN_CHARACTER_LOOP = 12
# A phrase of 2-8 words said 5 or more times in a row is a loop as well ("thank you for
# calling thank you for calling ..."); an upset caller may say "I'm sorry" four times, and
# single words have their own, laxer limit above.
_PHRASE_LOOP_COPIES = 5
# Re-decoding uses sampling; a fixed seed makes an import give the same transcript every time.
_FALLBACK_SEED = 20261205


# How recordings are transcribed. The defaults were chosen on the demo calls with
# `bench/transcribe.py` (see README): same or lower WER than plain faster-whisper, faster.
@dataclass(frozen=True)
class TranscribeOptions:
    # Beam search width. On the demo calls 3 was as accurate as 5 (WER 0.188 vs 0.192 with the
    # padding below) and faster; greedy decoding (1) raised WER by about ten points.
    beam_size: int = 3
    # Windows decoded together. 8 keeps both cores busy without growing memory much.
    batch_size: int = 8
    # Silero VAD speech probability above which a frame counts as speech.
    vad_threshold: float = 0.5
    # Speech regions this many dB quieter than the channel's loudest are background voices,
    # not the talker, and are not decoded. None: off. Measured with Whisper base on the
    # development calls 0, 2, 4, 6: 15 dB helped babble-20 (WER 0.473 -> 0.443, 52 s -> 43 s)
    # but hurt babble-10 (0.830 -> 0.859; 10 dB: 0.915) and changed nothing on telephone,
    # noise-10 or a quiet customer, so it stays off.
    background_gate_db: float | None = None
    # A pause shorter than this stays inside one speech region (one turn).
    min_silence_ms: int = 500
    # Audio kept on each side of a speech region, so word onsets are not clipped (400 ms: WER
    # 0.188 on the demo calls, 200 ms: 0.193, both at beam 3).
    speech_pad_ms: int = 400
    # Longest window Whisper can take in one pass.
    max_window_seconds: float = 30.0
    # Put both speakers' turns into shared windows in call order (fewer, fuller windows) instead
    # of windows per channel. Measured on the demo calls: slightly faster, but WER 0.212 against
    # 0.188, so off.
    interleave_speakers: bool = False
    # Silence put between two regions packed into one window, so words do not run together.
    region_gap_seconds: float = 0.2
    # A word repeated more often than this in a row is a decoding loop, not speech.
    max_repeated_words: int = 16
    # A decoded stretch whose text compresses better than this (gzip ratio) is repetitive
    # garbage, Whisper's own threshold; it is decoded again with temperature fallback.
    compression_ratio_threshold: float = 2.4
    # Whisper's threshold of average token log-probability: while a re-decoded stretch stays
    # below it, the next fallback temperature is tried (the best decoding is kept).
    log_prob_threshold: float = -1.0
    # Also re-decode stretches that are merely improbable (below log_prob_threshold) but no loop.
    # Off: measured with Whisper base on the development calls (0, 2, 4, 6), it changed nothing
    # on telephone (WER 0.323 both) and noise-10 dB (0.555 both) and made babble-10 dB worse and
    # slower (0.920 at 179 s against 0.884 at 142 s; a threshold of -1.5 gave 0.932): sampling
    # at higher temperatures invents words in babble rather than finding the spoken ones.
    redecode_improbable: bool = False
    # Sampling temperatures tried in turn when a stretch is decoded again, as Whisper does.
    fallback_temperatures: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
    # On mono recordings, tell the agent and the customer apart by voice (qa.diarize); off,
    # every segment's speaker is "unknown".
    diarize_mono: bool = True
    diarization: DiarizeOptions = DiarizeOptions()
    language: str = "en"
    # Shorter recordings are refused: not a call (setting MIN_CALL_SECONDS).
    min_call_seconds: float = 10.0
    # Recordings with less speech than this, over all channels, are refused: static, silence
    # or a click is not a call (setting MIN_SPEECH_SECONDS). Speech is what voice-activity
    # detection finds, without the padding added around it.
    min_speech_seconds: float = 3.0

    @classmethod
    def from_settings(cls, settings: Settings) -> TranscribeOptions:
        """The defaults, with the limits the settings give."""
        return cls(
            min_call_seconds=settings.min_call_seconds,
            min_speech_seconds=settings.min_speech_seconds,
        )


# Where one speech region of one channel sits in the packed audio and in the call.
@dataclass(frozen=True)
class _Placement:
    packed_start: float
    packed_end: float
    call_start: float
    speaker: Speaker


def _speech_regions(audio: np.ndarray, options: TranscribeOptions) -> list[tuple[int, int]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    vad = VadOptions(
        threshold=options.vad_threshold,
        min_silence_duration_ms=options.min_silence_ms,
        speech_pad_ms=options.speech_pad_ms,
        max_speech_duration_s=options.max_window_seconds - 1,
    )
    regions = [(r["start"], r["end"]) for r in get_speech_timestamps(audio, vad)]
    return _loud_enough(audio, regions, options.background_gate_db)


def _loud_enough(
    audio: np.ndarray, regions: list[tuple[int, int]], gate_db: float | None
) -> list[tuple[int, int]]:
    """The regions not far quieter than the channel's own talker: a voice more than `gate_db`
    below the loudest regions is someone in the background (None: every region)."""
    if gate_db is None or len(regions) < 2:
        return regions
    levels = np.array([10 * np.log10(np.mean(audio[a:b] ** 2) + 1e-12) for a, b in regions])
    talker = np.percentile(levels, 90)
    return [r for r, level in zip(regions, levels, strict=True) if level >= talker - gate_db]


def _window(start: int, end: int) -> dict[str, float]:
    return {"start": start / SAMPLE_RATE, "end": end / SAMPLE_RATE}


def _pack(
    channels: list[tuple[np.ndarray, Speaker]], options: TranscribeOptions
) -> tuple[np.ndarray, list[dict[str, float]], list[_Placement]]:
    """Pack the speech regions of all channels into windows of one array.

    With `interleave_speakers`, turns of both speakers share windows in the order they were
    spoken; otherwise each channel's regions fill windows of their own.

    Returns the packed audio, the windows as Whisper clip timestamps, and where each region came
    from.
    """
    regions = sorted(
        (
            (channel, start, end, audio, speaker)
            for channel, (audio, speaker) in enumerate(channels)
            for start, end in _speech_regions(audio, options)
        ),
        key=lambda r: (r[1], r[2]) if options.interleave_speakers else (r[0], r[1]),
    )
    gap = np.zeros(int(options.region_gap_seconds * SAMPLE_RATE), dtype=np.float32)
    limit = options.max_window_seconds * SAMPLE_RATE
    pieces: list[np.ndarray] = []
    windows: list[dict[str, float]] = []
    placements: list[_Placement] = []
    cursor = 0  # samples written so far
    window_start: int | None = None
    window_channel: int | None = None
    for channel, start, end, audio, speaker in regions:
        joined = window_start is not None and cursor > window_start
        needed = (end - start) + (len(gap) if joined else 0)
        # Per-channel windows never take the next channel's first turn: Whisper stops at an
        # agent's goodbye, and the customer speech after it in the window was never decoded.
        other_channel = not options.interleave_speakers and channel != window_channel
        if window_start is None or other_channel or cursor + needed - window_start > limit:
            if window_start is not None:
                windows.append(_window(window_start, cursor))
            window_start, window_channel = cursor, channel
        elif joined:
            pieces.append(gap)
            cursor += len(gap)
        pieces.append(audio[start:end])
        placements.append(
            _Placement(
                packed_start=cursor / SAMPLE_RATE,
                packed_end=(cursor + end - start) / SAMPLE_RATE,
                call_start=start / SAMPLE_RATE,
                speaker=speaker,
            )
        )
        cursor += end - start
    if window_start is not None:
        windows.append(_window(window_start, cursor))
    packed = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return packed, windows, placements


def _without_repetition_loops(
    words: list[tuple[float, float, str, float]], max_repeats: int
) -> list[tuple[float, float, str, float]]:
    """Drop a word repeated more than `max_repeats` times in a row.

    Whisper can fall into a loop on long digit strings ("one one one ..." or ".0 .0 .0 ..."
    until the window ends), worst on 8 kHz audio. A payment card, the longest run a caller
    reads out, repeats one digit at most 16 times, so longer runs are the loop, not speech.
    """
    kept: list[tuple[float, float, str, float]] = []
    run_key, run_length = "", 0
    for word in words:
        key = "".join(ch for ch in word[2].lower() if ch.isalnum())
        run_length = run_length + 1 if key and key == run_key else 1
        run_key = key
        # A piece glued to the previous word (".0", "-1": no leading space) is part of one
        # written number, never said over and over; more than a few in a row is the loop.
        limit = max_repeats if word[2].startswith(" ") else _MAX_REPEATED_PIECES
        if run_length <= limit:
            kept.append(word)
    return kept


def _normalised_words(text: str) -> list[str]:
    return [w for w in ("".join(c for c in t.lower() if c.isalnum()) for t in text.split()) if w]


def loop_reason(text: str) -> str | None:
    """Why `text` is a decoding loop rather than speech, or None if it reads like speech.

    Whisper falls into loops on noisy or band-limited audio: letters or syllables glued into
    one token ("U-R-F-E-K-N-T-E-N-T-E-N-T-E..."), or a phrase over and over.
    """
    for token in text.split():
        glued = "".join(c for c in token if c.isalnum())
        match = _CHARACTER_LOOP.search(glued)
        if match and len(match.group(0)) >= _MIN_CHARACTER_LOOP:
            return f"characters {match.group(1)!r} repeated"
    words = _normalised_words(text)
    for size in range(2, 9):
        for start in range(len(words) - size * _PHRASE_LOOP_COPIES + 1):
            phrase = words[start : start + size]
            copies = 1
            while words[start + copies * size : start + (copies + 1) * size] == phrase:
                copies += 1
            if copies >= _PHRASE_LOOP_COPIES:
                return f"the phrase {' '.join(phrase)!r} repeated {copies} times"
    return None


def _compression_ratio(text: str) -> float:
    """gzip compression ratio of the text, as Whisper measures repetitiveness."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def _garbage(text: str, options: TranscribeOptions) -> bool:
    """Text that must not reach scoring even as the best decoding there is: a loop."""
    return (
        loop_reason(text) is not None
        or _compression_ratio(text) > options.compression_ratio_threshold
    )


def _needs_redecoding(text: str, avg_logprob: float, options: TranscribeOptions) -> bool:
    """Garbage, or (when the options say so) so improbable that Whisper would decode it again."""
    improbable = options.redecode_improbable and avg_logprob < options.log_prob_threshold
    return _garbage(text, options) or improbable


# A stretch of packed audio decoded: its words (packed times) or, when no decoding made sense
# of it, nothing but its place.
@dataclass(frozen=True)
class _Decoded:
    start: float
    end: float
    words: tuple[tuple[float, float, str, float], ...]
    unclear: bool = False


def _segments_from_words(
    words: list[tuple[float, float, str, float]], placements: list[_Placement]
) -> list[TranscriptSegment]:
    """Map packed-audio words back to call time; one segment per speech region."""
    starts = [p.packed_start for p in placements]
    by_region: dict[int, list[Word]] = {}
    for start, end, text, probability in words:
        middle = (start + end) / 2
        index = max(0, bisect.bisect_right(starts, middle) - 1)
        place = placements[index]
        shift = place.call_start - place.packed_start
        clipped_start = min(max(start, place.packed_start), place.packed_end)
        clipped_end = min(max(end, clipped_start), place.packed_end)
        by_region.setdefault(index, []).append(
            Word(
                start=round(clipped_start + shift, 3),
                end=round(clipped_end + shift, 3),
                word=text,
                probability=round(probability, 3),
            )
        )
    segments = []
    for index, region_words in by_region.items():
        text = "".join(w.word for w in region_words).strip()
        if not text:
            continue
        segments.append(
            TranscriptSegment(
                start=region_words[0].start,
                end=region_words[-1].end,
                speaker=placements[index].speaker,
                text=text,
                words=tuple(region_words),
            )
        )
    return sorted(segments, key=lambda s: (s.start, s.end))


def _unclear_segments(
    stretches: list[tuple[float, float]], placements: list[_Placement]
) -> list[TranscriptSegment]:
    """Stretches of packed audio no decoding made sense of, as marked segments in call time:
    one per speech region they cover, with no text, so the speech is still counted (talk time,
    no false dead air) but nothing is read into it."""
    marked = []
    for start, end in stretches:
        for place in placements:
            low, high = max(start, place.packed_start), min(end, place.packed_end)
            if high - low < 0.05:
                continue
            shift = place.call_start - place.packed_start
            marked.append(
                TranscriptSegment(
                    start=round(low + shift, 3),
                    end=round(high + shift, 3),
                    speaker=place.speaker,
                    text="",
                    unclear=True,
                )
            )
    return marked


def _split_by_voice(
    audio: np.ndarray,
    segments: list[TranscriptSegment],
    placements: list[_Placement],
    options: DiarizeOptions,
) -> tuple[list[TranscriptSegment], str | None]:
    """A mono call's segments cut where the voice changes, each given to the agent or the
    customer by `qa.diarize` (speaker_source "inferred", with its confidence), and the note
    diarization left."""
    clear = sorted((s for s in segments if not s.unclear), key=lambda s: s.start)
    words = [w for segment in clear for w in segment.words]
    regions = [(p.call_start, p.call_start + p.packed_end - p.packed_start) for p in placements]
    found = diarize_words(audio, [(w.start, w.end, w.word) for w in words], regions, options)
    split: list[TranscriptSegment] = []
    position = 0
    for segment in clear:
        count = len(segment.words)
        run: list[int] = []
        for offset in range(count):
            index = position + offset
            if run and found.speakers[index] != found.speakers[run[0]]:
                split.append(_voice_segment(words, run, found))
                run = []
            run.append(index)
        if run:
            split.append(_voice_segment(words, run, found))
        position += count
    middles = np.array([(w.start + w.end) / 2 for w in words])
    for segment in (s for s in segments if s.unclear):
        nearest = int(np.argmin(np.abs(middles - (segment.start + segment.end) / 2)))
        split.append(
            replace(
                segment,
                speaker=found.speakers[nearest],
                speaker_source="inferred",
                confidence=found.confidences[nearest],
            )
        )
    return split, found.note


def _voice_segment(words: list[Word], run: list[int], found) -> TranscriptSegment:
    said = [words[i] for i in run]
    return TranscriptSegment(
        start=said[0].start,
        end=said[-1].end,
        speaker=found.speakers[run[0]],
        text="".join(w.word for w in said).strip(),
        words=tuple(said),
        speaker_source="inferred",
        confidence=round(float(np.mean([found.confidences[i] for i in run])), 3),
    )


def _check_speech(placements: list[_Placement], options: TranscribeOptions) -> None:
    """Refuse a recording with less speech than `min_speech_seconds`.

    Raises:
        AudioError: no speech, or too little to be a call.
    """
    padding = 2 * options.speech_pad_ms / 1000
    speech = sum(max(p.packed_end - p.packed_start - padding, 0.0) for p in placements)
    if speech >= options.min_speech_seconds:
        return
    if speech == 0:
        raise AudioError("no speech found")
    raise AudioError(
        f"no call: only {speech:.1f} s of speech found (calls have at least "
        f"{options.min_speech_seconds:g} s, MIN_SPEECH_SECONDS)"
    )


class Transcriber:
    """Transcribes call recordings into speaker-attributed transcripts with word timings.

    The Whisper model loads on first use and is shared by the threads of the process.
    """

    def __init__(
        self,
        model: str = BUNDLED,
        *,
        cpu_threads: int = 2,
        options: TranscribeOptions | None = None,
    ) -> None:
        self.model_name = model
        self.cpu_threads = cpu_threads
        self.options = options or TranscribeOptions()
        self._pipeline = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._pipeline is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from faster_whisper import BatchedInferencePipeline, WhisperModel

                model = WhisperModel(
                    resolve_whisper_model(self.model_name),
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=self.cpu_threads,
                )
                self._pipeline = BatchedInferencePipeline(model)
        return self._pipeline

    def warm_up(self) -> None:
        """Load the model now, so the first call is not slowed by it."""
        self._load()

    def _decode(self, packed: np.ndarray, windows: list[dict[str, float]]) -> list[_Decoded]:
        """Decode the windows in batches; a stretch that came out as a loop or repetitive (or
        improbable, with `redecode_improbable`) is decoded again on its own with temperature
        fallback (the batched decoder has none), and marked unclear if it is still a loop."""
        pipeline = self._load()
        segments, _info = pipeline.transcribe(
            packed,
            language=self.options.language,
            beam_size=self.options.beam_size,
            batch_size=self.options.batch_size,
            word_timestamps=True,
            clip_timestamps=windows,
            vad_filter=False,
        )
        decoded: list[_Decoded] = []
        for segment in segments:
            words = tuple((w.start, w.end, w.word, w.probability) for w in segment.words or ())
            if _needs_redecoding(segment.text, segment.avg_logprob, self.options):
                again = self._decode_again(packed, segment.start, segment.end)
                if again or _garbage(segment.text, self.options):
                    decoded += again or [_Decoded(segment.start, segment.end, (), unclear=True)]
                    continue
            decoded.append(_Decoded(segment.start, segment.end, words))
        return decoded

    def _decode_again(self, packed: np.ndarray, start: float, end: float) -> list[_Decoded]:
        """One stretch of packed audio decoded alone, Whisper's way: beam search, then sampling
        at rising temperatures while the text is repetitive or improbable."""
        import ctranslate2

        ctranslate2.set_random_seed(_FALLBACK_SEED)
        piece = packed[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        segments, _info = self._load().model.transcribe(
            piece,
            language=self.options.language,
            beam_size=self.options.beam_size,
            temperature=(0.0, *self.options.fallback_temperatures),
            compression_ratio_threshold=self.options.compression_ratio_threshold,
            log_prob_threshold=self.options.log_prob_threshold,
            condition_on_previous_text=False,
            word_timestamps=True,
            vad_filter=False,
        )
        decoded = []
        for segment in segments:
            if _garbage(segment.text, self.options):
                decoded.append(_Decoded(start + segment.start, start + segment.end, (), True))
                continue
            words = tuple(
                (start + w.start, start + w.end, w.word, w.probability) for w in segment.words or ()
            )
            decoded.append(_Decoded(start + segment.start, start + segment.end, words))
        return decoded

    def decode(self, path: Path, *, agent_channel: int) -> tuple[list[tuple], float, int]:
        """Decode `path` to 16 kHz float audio, one array per speaker.

        Returns (channels as (audio, speaker) pairs, duration in seconds, channel count).

        Raises:
            AudioError: unreadable, empty, or cut off before the length its header declares.
        """
        from faster_whisper import decode_audio

        info = probe_audio(path)
        stereo = info.channels >= 2
        try:
            decoded = decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=stereo)
        except Exception as exc:  # PyAV raises many error types for broken files
            raise AudioError(f"the audio could not be decoded ({exc})") from None
        arrays = list(decoded) if stereo else [decoded]
        duration = len(arrays[0]) / SAMPLE_RATE
        if duration == 0:
            raise AudioError("the file contains no audio samples")
        if problem := cut_off_message(duration, info.duration):
            raise AudioError(problem)
        if not stereo:
            return [(arrays[0], Speaker.UNKNOWN)], duration, 1
        agent, customer = (arrays[0], arrays[1]) if agent_channel == 0 else (arrays[1], arrays[0])
        return [(agent, Speaker.AGENT), (customer, Speaker.CUSTOMER)], duration, info.channels

    def transcribe(self, path: Path, *, agent_channel: int = 0) -> Transcript:
        """Transcribe one recording.

        Args:
            path: an audio file in any format FFmpeg reads (WAV, FLAC, MP3, OGG/Opus, M4A).
            agent_channel: on stereo recordings, the channel that carries the agent (0 = left).

        Raises:
            AudioError: the file cannot be read as audio, is cut off, or is not a call (shorter
                than `min_call_seconds`, less speech than `min_speech_seconds`, nothing
                transcribed); the message says which.
        """
        channels, duration, channel_count = self.decode(path, agent_channel=agent_channel)
        if duration < self.options.min_call_seconds:
            raise AudioError(
                f"too short for a call: {duration:.1f} s (calls are at least "
                f"{self.options.min_call_seconds:g} s, MIN_CALL_SECONDS)"
            )
        packed, windows, placements = _pack(channels, self.options)
        _check_speech(placements, self.options)
        decoded = self._decode(packed, windows) if windows else []
        words = [word for stretch in decoded if not stretch.unclear for word in stretch.words]
        if not any(text.strip() for _start, _end, text, _p in words):
            raise AudioError("no speech found: nothing in the recording could be transcribed")
        segments = _segments_from_words(
            _without_repetition_loops(words, self.options.max_repeated_words), placements
        ) + _unclear_segments([(s.start, s.end) for s in decoded if s.unclear], placements)
        note = None
        if channel_count == 1 and self.options.diarize_mono:
            segments, note = _split_by_voice(
                channels[0][0], segments, placements, self.options.diarization
            )
        return Transcript(
            source=str(path),
            duration=round(duration, 3),
            channels=channel_count,
            language=self.options.language,
            segments=tuple(sorted(segments, key=lambda s: (s.start, s.end))),
            speaker_note=note,
        )


@lru_cache(maxsize=2)
def get_transcriber(
    model: str = BUNDLED, cpu_threads: int = 2, options: TranscribeOptions | None = None
) -> Transcriber:
    """One shared transcriber per model, thread count and options in this process."""
    return Transcriber(model, cpu_threads=cpu_threads, options=options)
