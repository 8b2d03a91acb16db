"""Live flags: moments a lead listening to a call should know about as they happen.

Flags are raised from what the live pipeline hears and commits (`monitoring.streaming`):

- **dead air**: neither side has made a sound for longer than the silence threshold (the same
  `SILENCE_THRESHOLD_SECONDS` the call metrics use); raised once per silence, as it passes the
  threshold. A silence the agent announced as a hold ("bear with me while I check", "I'll put
  you on hold") is not dead air: it is flagged only as a **long hold** once it passes the
  check-back time without the agent coming back to the customer.
- **no recording disclosure**: 60 s into the call the agent has not said the call is recorded.
- **customer frustration**: the customer uses negative language ("this is ridiculous").
- **keyword**: anyone says a word from the configurable list (`LIVE_KEYWORDS`: cancel,
  complaint, supervisor, ...).

These are quick text and level rules, so they cost nothing next to the speech model; the full
scorecard runs on the call once it ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from core.models import Speaker
from monitoring.streaming import CommittedSegment, Heard, LiveEvent

__all__ = ["FlagRules", "LiveFlag", "LiveFlagger"]

# Said when the agent tells the customer the call is recorded or monitored.
_DISCLOSURE = re.compile(
    r"\b(?:being|be|is|are|may be|might be)\s+(?:recorded|monitored)\b"
    r"|\brecorded (?:for|and)\b|\bcall recording\b|\bmonitored (?:for|and)\b",
    re.IGNORECASE,
)
# Said when the agent announces a hold or a wait while they look something up.
_HOLD_ANNOUNCEMENT = re.compile(
    r"\b(?:put|place|pop|putting|placing|popping)\s+you\s+on\s+(?:a\s+)?(?:\w+\s+)?hold\b"
    r"|\bbear with me\b|\b(?:please\s+)?hold (?:on|the line)\b|\bplease hold\b"
    r"|\b(?:one|a|just a)\s+(?:moment|minute|second|sec)\b"
    r"|\bgive me\s+(?:a|one|two|a few)\s+(?:moment|minute|second|sec)s?\b"
    r"|\bwhile I\s+(?:check|look|find|pull|have a look|go and|speak|ask)\b",
    re.IGNORECASE,
)
# Negative language from a caller: the phrases QA reviewers mark as frustration.
_FRUSTRATION = re.compile(
    r"\b(?:ridiculous|unacceptable|useless|disgusting|disgrace(?:ful)?|pathetic|outrageous|"
    r"terrible|awful|joke|fed up|sick of|sick and tired|frustrat\w*|annoy\w*|angry|furious|"
    r"livid|fuming|waste of (?:my )?time|not happy|can't believe|cannot believe|"
    r"had enough|nobody (?:ever )?(?:helps|listens)|third time|again and again)\b",
    re.IGNORECASE,
)


# The rules' settings.
@dataclass(frozen=True)
class FlagRules:
    # Silence of both sides longer than this is dead air (SILENCE_THRESHOLD_SECONDS).
    silence_threshold: float = 10.0
    # A hold announced by the agent at most this long before the silence began covers it.
    hold_announced_within: float = 15.0
    # An announced hold is flagged once it lasts this long without the agent checking back.
    hold_check_back: float = 60.0
    # The agent must have disclosed recording by this call time.
    disclosure_by: float = 60.0
    # Words that raise a keyword flag (LIVE_KEYWORDS), matched as whole words or their
    # inflections ("cancel" matches "cancelling").
    keywords: tuple[str, ...] = ("cancel", "complaint", "supervisor", "manager")


# One live flag: what happened, where in the call (`at`), and when it was raised (`raised_at`).
@dataclass(frozen=True)
class LiveFlag:
    kind: str  # dead_air | long_hold | no_disclosure | frustration | keyword
    at: float
    raised_at: float
    message: str
    speaker: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class LiveFlagger:
    """Watches a live call's events and raises flags; `observe` returns the new ones."""

    def __init__(self, rules: FlagRules | None = None) -> None:
        self.rules = rules or FlagRules()
        self._keywords = [
            (word, re.compile(rf"\b{re.escape(word.lower())}\w*\b", re.IGNORECASE))
            for word in self.rules.keywords
            if word.strip()
        ]
        self._quiet_since: float | None = 0.0
        self._dead_air_raised = False
        self._hold_announced_at: float | None = None  # end of the agent's last hold announcement
        self._disclosed = False
        self._disclosure_checked = False
        self._agent_seen = False
        self.flags: list[LiveFlag] = []

    def observe(self, event: LiveEvent) -> list[LiveFlag]:
        """The flags `event` raises (also kept in `flags`)."""
        new = self._heard(event) if isinstance(event, Heard) else self._said(event)
        self.flags += new
        return new

    def observe_all(self, events: Iterable[LiveEvent]) -> list[LiveFlag]:
        for event in events:
            self.observe(event)
        return self.flags

    def _heard(self, event: Heard) -> list[LiveFlag]:
        flags = []
        if event.sound:
            self._quiet_since, self._dead_air_raised = None, False
        elif self._quiet_since is None:
            self._quiet_since = event.until - 0.5  # the chunk was quiet; assume it all was
        if (
            self._quiet_since is not None
            and not self._dead_air_raised
            and event.until - self._quiet_since > self._quiet_allowed()
        ):
            self._dead_air_raised = True
            flags.append(self._silence_flag(self._quiet_since, event))
        if (
            not self._disclosure_checked
            and event.until >= self.rules.disclosure_by
            and not self._disclosed
        ):
            self._disclosure_checked = True
            flags.append(
                LiveFlag(
                    kind="no_disclosure",
                    at=self.rules.disclosure_by,
                    raised_at=event.clock,
                    message=f"No recording disclosure in the first {self.rules.disclosure_by:g} s",
                    speaker=str(Speaker.AGENT),
                )
            )
        return flags

    def _on_announced_hold(self) -> bool:
        """Whether the current silence began soon after the agent announced a hold (the
        announcement may be committed a few seconds into the silence)."""
        return (
            self._quiet_since is not None
            and self._hold_announced_at is not None
            and self._hold_announced_at >= self._quiet_since - self.rules.hold_announced_within
        )

    def _quiet_allowed(self) -> float:
        if self._on_announced_hold():
            return self.rules.hold_check_back
        return self.rules.silence_threshold

    def _silence_flag(self, since: float, event: Heard) -> LiveFlag:
        if self._on_announced_hold():
            return LiveFlag(
                kind="long_hold",
                at=round(since, 1),
                raised_at=event.clock,
                message=f"Long hold: over {self.rules.hold_check_back:g} s without checking "
                "back with the customer",
                speaker=str(Speaker.AGENT),
            )
        return LiveFlag(
            kind="dead_air",
            at=round(since, 1),
            raised_at=event.clock,
            message=f"Dead air: no one has spoken for over {self.rules.silence_threshold:g} s",
        )

    def _said(self, segment: CommittedSegment) -> list[LiveFlag]:
        flags = []
        text = segment.text
        by_agent = segment.speaker in (Speaker.AGENT, Speaker.UNKNOWN)
        if by_agent and _HOLD_ANNOUNCEMENT.search(text):
            self._hold_announced_at = segment.end
        if by_agent and segment.start <= self.rules.disclosure_by and _DISCLOSURE.search(text):
            self._disclosed = True
        by_customer = segment.speaker in (Speaker.CUSTOMER, Speaker.UNKNOWN)
        if by_customer and (match := _FRUSTRATION.search(text)):
            flags.append(
                LiveFlag(
                    kind="frustration",
                    at=self._time_of(segment, match.start()),
                    raised_at=segment.committed_at,
                    message=f'Customer frustration: "{_quote(text, match.start())}"',
                    speaker=str(segment.speaker),
                )
            )
        for word, pattern in self._keywords:
            if match := pattern.search(text):
                flags.append(
                    LiveFlag(
                        kind="keyword",
                        at=self._time_of(segment, match.start()),
                        raised_at=segment.committed_at,
                        message=f'Keyword "{word}": "{_quote(text, match.start())}"',
                        speaker=str(segment.speaker),
                    )
                )
        return flags

    @staticmethod
    def _time_of(segment: CommittedSegment, offset: int) -> float:
        """Call time of the word at character `offset` of the segment's text."""
        # The text is the words joined, without the first word's leading space.
        position = -1 if segment.words and segment.words[0].word.startswith(" ") else 0
        for word in segment.words:
            position += len(word.word)
            if position > offset:
                return round(word.start, 1)
        return round(segment.start, 1)


def _quote(text: str, offset: int, width: int = 60) -> str:
    start = max(0, offset - width // 2)
    snippet = text[start : start + width].strip()
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")
