"""Written conversations (chat, email, social): the JSON form Callcoach reads them in, and the
transcript the scoring rules judge them as, one segment per message.

    {"id": "c-104", "channel": "chat", "messages": [
        {"author": "customer", "text": "Hi, my order never came", "at": "2026-11-03T14:02:11Z"},
        {"author": "agent", "text": "Hi Sam, I'm Priya ...", "at": "2026-11-03T14:02:50Z"}]}

`at` is an ISO 8601 time (without a zone: UTC) or null. A conversation whose messages all carry
times is judged on its response times too; one where any is missing is not (those criteria do
not apply).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.models import WRITTEN_CHANNELS, Channel, Speaker
from qa.transcript import Transcript, TranscriptSegment

__all__ = ["Conversation", "ConversationError", "Message", "is_conversation", "parse_conversation"]

_AUTHORS = (Speaker.AGENT, Speaker.CUSTOMER)


class ConversationError(ValueError):
    """A conversation is not in the documented form; the message names the field."""


# One message of a written conversation.
@dataclass(frozen=True)
class Message:
    author: Speaker
    """`agent` or `customer`."""
    text: str
    at: datetime | None
    """When it was sent (aware, UTC), if the channel said."""


# A chat, email thread or social media thread between a customer and the contact center.
@dataclass(frozen=True)
class Conversation:
    id: str | None
    channel: Channel
    messages: tuple[Message, ...]

    @property
    def timed(self) -> bool:
        """Every message carries its time, so response times can be judged."""
        return all(m.at is not None for m in self.messages)

    def transcript(self) -> Transcript:
        """The conversation as the scoring rules read it: segment i is message i, starting at
        the seconds since the first message (its position when the messages carry no times)."""
        if self.timed:
            first = self.messages[0].at
            starts = [(m.at - first).total_seconds() for m in self.messages]  # type: ignore[operator]
        else:
            starts = [float(i) for i in range(len(self.messages))]
        segments = tuple(
            TranscriptSegment(start=start, end=start, speaker=m.author, text=m.text)
            for start, m in zip(starts, self.messages, strict=True)
        )
        return Transcript(
            source=self.id or "",
            duration=starts[-1],
            # Who wrote each message is known, as on a recording with a channel per side.
            channels=2,
            segments=segments,
            channel=self.channel,
            timed=self.timed,
        )


def is_conversation(data: Any) -> bool:
    """Whether a JSON item is a written conversation (it has `messages`) rather than a call
    transcript (`segments`)."""
    return isinstance(data, dict) and "messages" in data


def _time(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConversationError(f"{where} must be an ISO 8601 time or null")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ConversationError(
            f"{where} is not an ISO 8601 time (e.g. 2026-11-03T14:02:11Z): {value!r}"
        ) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _message(data: Any, where: str) -> Message:
    if not isinstance(data, dict):
        raise ConversationError(f"{where} must be an object with 'author' and 'text'")
    for key in ("author", "text"):
        if key not in data:
            raise ConversationError(f"{where} is missing {key!r}")
    if data["author"] not in _AUTHORS:
        raise ConversationError(f"{where}.author must be 'agent' or 'customer'")
    if not isinstance(data["text"], str):
        raise ConversationError(f"{where}.text must be a string")
    return Message(
        author=Speaker(data["author"]), text=data["text"], at=_time(data.get("at"), f"{where}.at")
    )


def parse_conversation(data: Any, where: str = "conversation") -> Conversation:
    """A conversation from its JSON form.

    Raises:
        ConversationError: a field is missing or malformed, or the messages' times go
            backwards; the message names the field (`where` prefixes it).
    """
    if not isinstance(data, dict):
        raise ConversationError(f"{where} must be an object with 'channel' and 'messages'")
    ident = data.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
        raise ConversationError(f"{where}.id must be a string")
    channels = ", ".join(str(c) for c in WRITTEN_CHANNELS)
    if "channel" not in data:
        raise ConversationError(f"{where} is missing 'channel' ({channels})")
    if data["channel"] not in WRITTEN_CHANNELS:
        call = " (a call is a transcript with 'segments')" if data["channel"] == "call" else ""
        raise ConversationError(
            f"{where}.channel must be one of {channels}, got {data['channel']!r}{call}"
        )
    messages_data = data["messages"]
    if not isinstance(messages_data, list) or not messages_data:
        raise ConversationError(f"{where}.messages must be a non-empty list")
    messages = tuple(
        _message(item, f"{where}.messages[{i}]") for i, item in enumerate(messages_data)
    )
    for i in range(1, len(messages)):
        before, at = messages[i - 1].at, messages[i].at
        if before is not None and at is not None and at < before:
            raise ConversationError(
                f"{where}.messages[{i}].at is before the message above it: messages must be "
                "in the order they were sent"
            )
    return Conversation(
        id=None if ident is None else str(ident),
        channel=Channel(data["channel"]),
        messages=messages,
    )
