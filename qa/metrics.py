"""Speech metrics of one call from its timings: talk time, silences, overtalk, holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.models import Speaker
from qa.transcript import Transcript, TranscriptSegment

__all__ = [
    "PAUSE_SECONDS",
    "CallMetrics",
    "Overtalk",
    "Period",
    "compute_metrics",
    "silence_periods",
    "speech_periods",
]

# A stretch of the call as (start, end) in seconds from its beginning.
Period = tuple[float, float]

# Gaps between words shorter than this are pauses inside speech, not silence: people breathe
# and hesitate mid-sentence, and speech-analytics products count that as talk time.
PAUSE_SECONDS = 0.5


# One stretch in which both speakers talk at once.
@dataclass(frozen=True)
class Overtalk:
    start: float
    end: float
    started_by: Speaker
    """Who began talking while the other was already speaking (the one who talked over)."""

    @property
    def seconds(self) -> float:
        return self.end - self.start


# The speech metrics of one call; every duration is in seconds.
@dataclass(frozen=True)
class CallMetrics:
    duration: float
    """Length of the call: the transcript's duration, or the end of the last speech if longer."""
    agent_talk_seconds: float
    """Time in which the agent speaks: the union of the agent's word (or segment) times, with
    pauses shorter than PAUSE_SECONDS inside speech counted as talk."""
    customer_talk_seconds: float
    """The same for the customer."""
    talk_to_listen_ratio: float | None
    """agent_talk_seconds / customer_talk_seconds; None when the customer never speaks."""
    silence_seconds: float
    """Dead air in total: time between the first and the last speech in which nobody speaks
    (gaps shorter than PAUSE_SECONDS are pauses, not silence). Ringing before the first word and
    the tail after the last one are not counted."""
    longest_silence_seconds: float
    """The longest single silence (0 when there is none)."""
    long_silence_count: int
    """How many silences last longer than silence_threshold."""
    overtalk_count: int | None
    """How many times both speakers talk at once, whoever started it. None on mono calls
    (channels 1) or when agent and customer are not both identified: overlaps cannot be seen."""
    overtalk_seconds: float | None
    """Total time in which both speakers talk at once; None as for overtalk_count."""
    agent_overtalk_count: int | None
    """The overtalk stretches the agent started: the agent began speaking while the customer was
    still talking. None as for overtalk_count."""
    agent_overtalk_seconds: float | None
    """Total length of the stretches the agent started; None as for overtalk_count."""
    agent_words_per_minute: float | None
    """Agent speech rate: the agent's words divided by agent_talk_seconds, per minute. Words are
    the recognised words when present, else the whitespace-separated words of the text. None
    when the agent never speaks."""
    longest_agent_monologue_seconds: float
    """The longest stretch of agent speech without the customer saying anything, pauses shorter
    than silence_threshold included (from the start of the first word to the end of the last)."""
    hold_periods: tuple[Period, ...]
    """Long two-sided silences: every silence of at least hold_min_seconds, as (start, end).
    Timing only: whether the agent announced it is for scoring to judge."""
    silences: tuple[Period, ...]
    """Every silence (nobody speaks for at least PAUSE_SECONDS), as (start, end), in time order."""
    overtalk_periods: tuple[Overtalk, ...]
    """Every overtalk stretch in time order; empty where overtalk_count is None."""
    silence_threshold: float
    """The threshold long_silence_count used (setting `silence_threshold_seconds`)."""
    hold_min_seconds: float
    """The shortest silence hold_periods counted."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain numbers (seconds to the millisecond), lists and strings."""
        data: dict[str, Any] = {
            name: _rounded(getattr(self, name))
            for name in self.__dataclass_fields__
            if name not in ("hold_periods", "silences", "overtalk_periods")
        }
        data["hold_periods"] = [[_rounded(t) for t in p] for p in self.hold_periods]
        data["silences"] = [[_rounded(t) for t in p] for p in self.silences]
        data["overtalk_periods"] = [
            {"start": _rounded(o.start), "end": _rounded(o.end), "started_by": str(o.started_by)}
            for o in self.overtalk_periods
        ]
        return data


def _rounded(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def _merge(periods: Iterable[Period], max_gap: float) -> list[Period]:
    merged: list[list[float]] = []
    for start, end in sorted(periods):
        if merged and start - merged[-1][1] < max_gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def speech_periods(
    segments: Sequence[TranscriptSegment], speakers: Iterable[Speaker] | None = None
) -> list[Period]:
    """When the given speakers (all when None) talk: word times where a segment has them,
    else segment times; pauses shorter than PAUSE_SECONDS are joined into the speech."""
    wanted = None if speakers is None else set(speakers)
    periods: list[Period] = []
    for segment in segments:
        if wanted is not None and segment.speaker not in wanted:
            continue
        if segment.words:
            periods.extend((w.start, w.end) for w in segment.words if w.end > w.start)
        elif segment.end > segment.start:
            periods.append((segment.start, segment.end))
    return _merge(periods, PAUSE_SECONDS)


def silence_periods(speech: Sequence[Period]) -> list[Period]:
    """The gaps between sorted, merged speech periods: when nobody speaks."""
    return [(a[1], b[0]) for a, b in zip(speech, speech[1:], strict=False) if b[0] > a[1]]


def _length(periods: Iterable[Period]) -> float:
    return sum(end - start for start, end in periods)


def _overtalk(agent: Sequence[Period], customer: Sequence[Period]) -> list[Overtalk]:
    found = []
    for a_start, a_end in agent:
        for c_start, c_end in customer:
            start, end = max(a_start, c_start), min(a_end, c_end)
            if end > start:
                # Whoever started later began while the other was talking. A tie is given to the
                # customer: nobody talked over anybody.
                by = Speaker.AGENT if a_start > c_start else Speaker.CUSTOMER
                found.append(Overtalk(start, end, by))
    return sorted(found, key=lambda o: o.start)


def _longest_monologue(agent: Sequence[Period], customer: Sequence[Period], max_pause: float):
    longest = 0.0
    run: list[float] | None = None
    for start, end in agent:
        customer_between = run is not None and any(
            c_start < start and c_end > run[1] for c_start, c_end in customer
        )
        if run is None or start - run[1] >= max_pause or customer_between:
            run = [start, end]
        else:
            run[1] = max(run[1], end)
        longest = max(longest, run[1] - run[0])
    return longest


def _word_count(segments: Iterable[TranscriptSegment]) -> int:
    return sum(len(s.words) if s.words else len(s.text.split()) for s in segments)


def compute_metrics(
    transcript: Transcript, *, silence_threshold: float = 10.0, hold_min_seconds: float = 15.0
) -> CallMetrics:
    """The speech metrics of a call (see CallMetrics for every definition).

    Args:
        transcript: the call; segments may come in any order.
        silence_threshold: silences longer than this count in long_silence_count (setting
            `silence_threshold_seconds`, default 10 s) and bound the pauses inside a monologue.
        hold_min_seconds: silences at least this long are listed as hold periods. 15 s: shorter
            pauses are an agent reading a screen, not a hold.
    """
    segments = sorted(transcript.segments, key=lambda s: (s.start, s.end))
    agent = speech_periods(segments, [Speaker.AGENT])
    customer = speech_periods(segments, [Speaker.CUSTOMER])
    everyone = speech_periods(segments)
    silences = silence_periods(everyone)
    agent_talk, customer_talk = _length(agent), _length(customer)
    two_sided = transcript.channels >= 2 and bool(agent) and bool(customer)
    overtalk = _overtalk(agent, customer) if two_sided else []
    by_agent = [o for o in overtalk if o.started_by is Speaker.AGENT]
    agent_segments = [s for s in segments if s.speaker is Speaker.AGENT]
    return CallMetrics(
        duration=max([transcript.duration] + [end for _, end in everyone]),
        agent_talk_seconds=agent_talk,
        customer_talk_seconds=customer_talk,
        talk_to_listen_ratio=agent_talk / customer_talk if customer_talk else None,
        silence_seconds=_length(silences),
        longest_silence_seconds=max((end - start for start, end in silences), default=0.0),
        long_silence_count=sum(1 for start, end in silences if end - start > silence_threshold),
        overtalk_count=len(overtalk) if two_sided else None,
        overtalk_seconds=sum(o.seconds for o in overtalk) if two_sided else None,
        agent_overtalk_count=len(by_agent) if two_sided else None,
        agent_overtalk_seconds=sum(o.seconds for o in by_agent) if two_sided else None,
        agent_words_per_minute=(
            _word_count(agent_segments) / (agent_talk / 60) if agent_talk else None
        ),
        longest_agent_monologue_seconds=_longest_monologue(agent, customer, silence_threshold),
        hold_periods=tuple(p for p in silences if p[1] - p[0] >= hold_min_seconds),
        silences=tuple(silences),
        overtalk_periods=tuple(overtalk),
        silence_threshold=silence_threshold,
        hold_min_seconds=hold_min_seconds,
    )
