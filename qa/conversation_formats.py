"""Written conversations as help desks export them: Callcoach's own JSON, CSV (one row per
message), Zendesk tickets with their comments, and Intercom conversations.

Every reader gives `Imported` items (the conversation, and what an import stores beside it:
the agent's email, the customer's reference, CSAT, when it started) and `Refused` items (which
one, and why) for those it cannot read, so one bad conversation never stops the rest.

- **Callcoach JSON**: `qa.conversation`'s form (one object or a list), with optional
  `agent_email`, `customer` (a reference: email, handle or account) and `csat` (1-5).
- **CSV**: columns `conversation_id, channel, sent_at, author, author_email, text` (author
  `agent` or `customer`), rows in the order sent; optional `csat`.
- **Zendesk**: a ticket export, `{"ticket": {...}, "comments": [...], "users": [...]}` (the
  Ticket Comments API with users sideloaded) or a list of them. Internal notes (`public: false`)
  are left out; a comment's author is an agent when that user's `role` is `agent` or `admin`.
  The channel comes from `ticket.via.channel` (chat and messaging: chat; twitter, facebook,
  instagram, whatsapp: social; anything else: email); CSAT `good` is 5 and `bad` is 1.
- **Intercom**: a conversation, `{"type": "conversation", "source": {...},
  "conversation_parts": {"conversation_parts": [...]}}`, or a list of them. The opening message
  is `source`; parts of type `comment` (and `open`/`close`/`assignment` parts with a body) are
  messages, notes are left out, and so are bots' parts. HTML bodies are turned into text.
  CSAT is `conversation_rating.rating`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from qa.conversation import Conversation, ConversationError, is_conversation, parse_conversation
from qa.transcript import Transcript

__all__ = [
    "CSV_COLUMNS",
    "Imported",
    "Refused",
    "is_written",
    "json_items",
    "oversized",
    "read_conversations",
    "read_csv",
    "read_export",
    "read_item",
    "read_json",
    "with_earlier_contacts",
]

CSV_COLUMNS = ("conversation_id", "channel", "sent_at", "author", "author_email", "text")


# A conversation read from an export, with what an import keeps beside it.
@dataclass(frozen=True)
class Imported:
    conversation: Conversation
    agent_email: str | None = None
    customer: str | None = None
    """The customer's reference as the export gives it (an email, a handle); an import stores
    only its hash."""
    csat: int | None = None


# A conversation an export holds that could not be read.
@dataclass(frozen=True)
class Refused:
    where: str
    """Which one: "conversation 3", "CSV conversation 'c-17'", "Zendesk ticket 4411"."""
    message: str
    """What is wrong, naming the item and field ("Zendesk ticket 4411.messages[2].at is not an
    ISO 8601 time ...")."""


def _refused(where: str, exc: Exception) -> Refused:
    text = str(exc)
    return Refused(where, text if text.startswith(where) else f"{where}: {text}")


Read = list[Imported | Refused]


def _csat(value: Any, where: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConversationError(f"{where} csat must be a whole number 1-5, got {value!r}") from None
    if not 1 <= number <= 5:
        raise ConversationError(f"{where} csat must be 1-5, got {number}")
    return number


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# --- Callcoach JSON ---------------------------------------------------------------------


def _callcoach(item: dict[str, Any], where: str) -> Imported:
    return Imported(
        conversation=parse_conversation(item, where),
        agent_email=_text(item.get("agent_email")),
        customer=_text(item.get("customer")),
        csat=_csat(item.get("csat"), where),
    )


# --- CSV ---------------------------------------------------------------------------------


def read_csv(text: str) -> Read:
    """The conversations of a CSV export, in the order they first appear.

    Raises:
        ConversationError: the header lacks a column (nothing can be read).
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise ConversationError(
            f"the CSV has no {', '.join(missing)} column (columns: {', '.join(CSV_COLUMNS)})"
        )
    rows: dict[str, list[dict[str, str]]] = {}
    for row in reader:
        key = (row.get("conversation_id") or "").strip()
        rows.setdefault(key, []).append(row)
    found: Read = []
    for key, group in rows.items():
        where = f"CSV conversation {key!r}" if key else "CSV rows without a conversation_id"
        try:
            if not key:
                raise ConversationError("every row needs a conversation_id")
            channels = {(r.get("channel") or "").strip() for r in group}
            if len(channels) > 1:
                raise ConversationError(f"rows give more than one channel: {sorted(channels)}")
            data = {
                "id": key,
                "channel": channels.pop(),
                "messages": [
                    {
                        "author": (r.get("author") or "").strip().lower(),
                        "text": r.get("text") or "",
                        "at": _text(r.get("sent_at")),
                    }
                    for r in group
                ],
            }
            agents = [_text(r.get("author_email")) for r in group if r.get("author") == "agent"]
            customers = [
                _text(r.get("author_email")) for r in group if r.get("author") == "customer"
            ]
            ratings = {r.get("csat") for r in group if _text(r.get("csat"))}
            found.append(
                Imported(
                    conversation=parse_conversation(data, where),
                    agent_email=next((a for a in agents if a), None),
                    customer=next((c for c in customers if c), None),
                    csat=_csat(ratings.pop() if ratings else None, where),
                )
            )
        except ConversationError as exc:
            found.append(_refused(where, exc))
    return found


# --- Zendesk -----------------------------------------------------------------------------

_ZENDESK_CHAT = {
    "chat",
    "chat_transcript",
    "native_messaging",
    "messaging",
    "sunshine_conversations",
}
_ZENDESK_SOCIAL = {"twitter", "facebook", "instagram", "instagram_dm", "whatsapp", "any_channel"}
_ZENDESK_CSAT = {"good": 5, "bad": 1}


def _is_zendesk(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("ticket"), dict) and "comments" in item


def _zendesk(item: dict[str, Any], where: str) -> Imported:
    ticket = item["ticket"]
    via = (ticket.get("via") or {}).get("channel") or ""
    channel = "chat" if via in _ZENDESK_CHAT else "social" if via in _ZENDESK_SOCIAL else "email"
    users = {u.get("id"): u for u in item.get("users") or () if isinstance(u, dict)}
    if not isinstance(item["comments"], list):
        raise ConversationError("comments must be a list")
    messages, agent_email = [], None
    for comment in item["comments"]:
        if not isinstance(comment, dict) or comment.get("public") is False:
            continue  # an internal note is not part of the conversation
        user = users.get(comment.get("author_id"))
        if user is None:
            raise ConversationError(
                f"comment {comment.get('id')} is by user {comment.get('author_id')}, who is "
                "not in the file's users (export with users sideloaded)"
            )
        author = "agent" if user.get("role") in ("agent", "admin") else "customer"
        if author == "agent" and agent_email is None:
            agent_email = _text(user.get("email"))
        messages.append(
            {
                "author": author,
                "text": comment.get("plain_body") or comment.get("body") or "",
                "at": comment.get("created_at"),
            }
        )
    requester = users.get(ticket.get("requester_id")) or {}
    assignee = users.get(ticket.get("assignee_id")) or {}
    rating = (ticket.get("satisfaction_rating") or {}).get("score")
    data = {"id": str(ticket.get("id")), "channel": channel, "messages": messages}
    return Imported(
        conversation=parse_conversation(data, where),
        agent_email=_text(assignee.get("email")) or agent_email,
        customer=_text(requester.get("email")) or _text(requester.get("name")),
        csat=_ZENDESK_CSAT.get(rating) if isinstance(rating, str) else None,
    )


# --- Intercom ----------------------------------------------------------------------------

_INTERCOM_SOCIAL = {"twitter", "facebook", "instagram", "whatsapp"}
_INTERCOM_PARTS = {"comment", "open", "close", "assignment", "assign_and_reopen"}
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"(?i)<br\s*/?>|</p>|</div>|</li>")


def _plain(body: Any) -> str:
    """Intercom's HTML body as text: paragraphs and line breaks become new lines."""
    if not isinstance(body, str):
        return ""
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _is_intercom(item: Any) -> bool:
    return isinstance(item, dict) and item.get("type") == "conversation" and "source" in item


def _unix(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return None


def _intercom(item: dict[str, Any], where: str) -> Imported:
    source = item.get("source") or {}
    kind = (
        source.get("delivered_as") if source.get("type") == "conversation" else source.get("type")
    )
    channel = "email" if kind == "email" else "social" if kind in _INTERCOM_SOCIAL else "chat"
    parts = (item.get("conversation_parts") or {}).get("conversation_parts") or []
    entries = [(source, item.get("created_at"))] + [
        (p, p.get("created_at"))
        for p in parts
        if isinstance(p, dict) and p.get("part_type") in _INTERCOM_PARTS
    ]
    messages, agent_email, customer = [], None, None
    for entry, created in entries:
        author = entry.get("author") or {}
        text = _plain(entry.get("body"))
        if not text or author.get("type") == "bot":
            continue  # an assignment without words, or the bot before a person took over
        role = "agent" if author.get("type") == "admin" else "customer"
        if role == "agent":
            agent_email = agent_email or _text(author.get("email"))
        else:
            customer = customer or _text(author.get("email")) or _text(author.get("id"))
        messages.append({"author": role, "text": text, "at": _unix(created)})
    rating = (item.get("conversation_rating") or {}).get("rating")
    data = {"id": str(item.get("id")), "channel": channel, "messages": messages}
    return Imported(
        conversation=parse_conversation(data, where),
        agent_email=agent_email,
        customer=customer,
        csat=_csat(rating, where),
    )


# --- any JSON export -----------------------------------------------------------------------


def is_written(item: Any) -> bool:
    """Whether a JSON item is a written conversation in a form `read_item` reads."""
    return is_conversation(item) or _is_zendesk(item) or _is_intercom(item)


def read_item(item: Any, number: int) -> Imported | Refused:
    """One conversation of a JSON export (`number` counts from 1 in the file)."""
    if _is_zendesk(item):
        where, read = f"Zendesk ticket {item['ticket'].get('id')}", _zendesk
    elif _is_intercom(item):
        where, read = f"Intercom conversation {item.get('id')}", _intercom
    elif is_conversation(item):
        where, read = f"conversation {number}", _callcoach
    else:
        return Refused(
            f"item {number}",
            f"item {number} is not a conversation (Callcoach's with 'messages', a Zendesk "
            "ticket with 'comments', or an Intercom conversation)",
        )
    try:
        return read(item, where)
    except ConversationError as exc:
        return _refused(where, exc)


def json_items(data: Any) -> list[Any]:
    """The items of a JSON document: a list, one object, or the list inside Zendesk's
    `{"tickets": [...]}` and Intercom's `{"conversations": [...]}`."""
    if isinstance(data, dict) and not is_written(data):
        for key in ("tickets", "conversations"):
            if isinstance(data.get(key), list):
                return data[key]
    return data if isinstance(data, list) else [data]


def read_json(data: Any) -> Read:
    """The conversations of a JSON export: Callcoach's, Zendesk's or Intercom's."""
    return [read_item(item, number) for number, item in enumerate(json_items(data), start=1)]


def read_conversations(text: str, *, csv_file: bool) -> Read:
    """The conversations of an export's text: CSV when `csv_file`, otherwise JSON.

    Raises:
        ConversationError: the text is not JSON, or the CSV lacks a column.
    """
    if csv_file:
        return read_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConversationError(f"not valid JSON ({exc})") from None
    return read_json(data)


def oversized(max_bytes: int) -> Refused:
    """The refusal of an export file larger than `max_bytes`."""
    limit = max_bytes // (1024 * 1024)
    return Refused(
        "the file", f"the file cannot be read: it is larger than {limit} MB; split the export"
    )


def read_export(name: str, data: bytes, *, max_bytes: int) -> list[tuple[str, Imported | Refused]]:
    """The conversations of one export file (`name` says CSV by its suffix), each paired with
    the name; a file that cannot be read at all (too big, not text, not JSON, a CSV without a
    column, nothing in it) is one refusal naming why."""
    if len(data) > max_bytes:
        return [(name, oversized(max_bytes))]
    try:
        text = data.decode("utf-8-sig")
        read = read_conversations(text, csv_file=name.lower().endswith(".csv"))
    except UnicodeDecodeError:
        read = [Refused("the file", "the file is not text (a JSON or CSV export)")]
    except ConversationError as exc:
        read = [Refused("the file", f"the file cannot be read: {exc}")]
    if not read:
        read = [Refused("the file", "the file holds no conversations")]
    return [(name, item) for item in read]


def _before(earlier: Conversation, later: Conversation, order: tuple[int, int]) -> bool:
    first, then = earlier.messages[0].at, later.messages[0].at
    if first is not None and then is not None:
        return first < then or (first == then and order[0] < order[1])
    return order[0] < order[1]  # without times, the order they were given in


def with_earlier_contacts(items: Sequence[Imported]) -> list[Transcript]:
    """Each conversation's transcript, carrying (`Transcript.earlier`) the same customer's
    conversations among `items` that came before it: started earlier, or when either has no
    times, given earlier. Conversations without a customer reference stand alone."""
    transcripts = [item.conversation.transcript() for item in items]
    customers = [" ".join((item.customer or "").lower().split()) for item in items]
    linked = []
    for i, item in enumerate(items):
        earlier = [
            (other.conversation.messages[0].at, j)
            for j, other in enumerate(items)
            if customers[i]
            and j != i
            and customers[j] == customers[i]
            and _before(other.conversation, item.conversation, (j, i))
        ]
        ordered = sorted(earlier, key=lambda pair: (pair[0] is None, pair[0] or 0, pair[1]))
        linked.append(replace(transcripts[i], earlier=tuple(transcripts[j] for _, j in ordered)))
    return linked
