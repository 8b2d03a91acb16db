"""A call transcript as Callcoach's own dataclasses: speaker-attributed segments with word timings.

Everything downstream (metrics, scoring, redaction, storage) takes these, never the speech
model's objects, so it is testable without a model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.models import Channel, Speaker

__all__ = ["Transcript", "TranscriptSegment", "Word"]


# One recognised word with its timing (seconds from the start of the call).
@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    probability: float = 1.0


# One stretch of speech by one speaker, in time order within the call.
@dataclass(frozen=True)
class TranscriptSegment:
    start: float
    end: float
    speaker: Speaker
    text: str
    words: tuple[Word, ...] = ()
    # Speech that could not be transcribed (every decoding was a loop): no text, and nothing
    # the speaker said or failed to say is read into it.
    unclear: bool = False
    # Where the speaker comes from: "channel" (stereo recordings) or "inferred" (told apart by
    # voice on a mono recording), and how sure that is (0-1).
    speaker_source: str = "channel"
    confidence: float = 1.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptSegment:
        """Build from the JSON form (`qa transcribe` output); `words` is optional.

        Raises:
            ValueError: a field is missing or has the wrong type; the message names it.
        """
        try:
            start, end = float(data["start"]), float(data["end"])
            text = str(data["text"])
            speaker = Speaker(data.get("speaker", Speaker.UNKNOWN))
            unclear = bool(data.get("unclear", False))
            speaker_source = str(data.get("speaker_source", "channel"))
            confidence = float(data.get("confidence", 1.0))
            words = tuple(
                Word(
                    float(w["start"]),
                    float(w["end"]),
                    str(w["word"]),
                    float(w.get("probability", 1.0)),
                )
                for w in data.get("words") or ()
            )
        except KeyError as exc:
            raise ValueError(f"segment is missing {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"segment has a bad value: {exc}") from None
        if end < start:
            raise ValueError(f"segment ends ({end}) before it starts ({start})")
        if speaker_source not in ("channel", "inferred"):
            raise ValueError(f"speaker_source {speaker_source!r} is not channel or inferred")
        return cls(
            start=start,
            end=end,
            speaker=speaker,
            text=text,
            words=words,
            unclear=unclear,
            speaker_source=speaker_source,
            confidence=confidence,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["speaker"] = str(self.speaker)
        data["words"] = [asdict(w) for w in self.words]
        return data


# A whole call: where it came from, how it sounds, and what was said by whom. A written
# conversation (`qa.conversation`) is one too, with one segment per message.
@dataclass(frozen=True)
class Transcript:
    source: str
    duration: float
    channels: int
    segments: tuple[TranscriptSegment, ...]
    language: str = "en"
    # On a mono recording: what telling the voices apart found worth saying, e.g. "one voice
    # found: the speakers may be wrong"; None otherwise.
    speaker_note: str | None = None
    channel: Channel = Channel.CALL
    # Whether segment times are real: seconds into the recording, or for a written conversation
    # seconds since its first message. False for messages that carried no times, which are
    # numbered in order instead (0, 1, 2, ...).
    timed: bool = True
    # The same customer's earlier conversations (any channel, oldest first), for the criterion
    # "picks up the earlier contact"; empty when there were none or nobody linked them.
    earlier: tuple[Transcript, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "duration": self.duration,
            "channels": self.channels,
            "language": self.language,
            "speaker_note": self.speaker_note,
            "segments": [s.to_dict() for s in self.segments],
        }
