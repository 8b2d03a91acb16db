"""`python -m qa score FILE [--scorecard NAME_OR_PATH]`: auto-QA of transcripts as JSON Lines."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from core.config import ConfigError, get_settings
from core.models import Channel, Speaker
from index.embedder import get_embedder
from qa.autoqa import configured_judge
from qa.conversation import ConversationError
from qa.conversation_formats import (
    Imported,
    Refused,
    is_written,
    json_items,
    read_csv,
    read_item,
    with_earlier_contacts,
)
from qa.judge import JudgeError
from qa.packages import ModelError
from qa.scorecard import ScorecardError, load_scorecard
from qa.scoring import evaluate
from qa.transcript import Transcript, TranscriptSegment

__all__ = ["fail", "parse_transcripts", "read_transcript_file", "register", "run"]

_SPEAKERS = tuple(str(s) for s in Speaker)


class _BadInput(ValueError):
    """The FILE is not what `qa score` reads; the message says where."""


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _BadInput(f"{where} must be a number, got {json.dumps(value)}")
    return float(value)


def _segment(data: Any, where: str) -> TranscriptSegment:
    if not isinstance(data, dict):
        raise _BadInput(f"{where} must be an object")
    for key in ("start", "end", "text"):
        if key not in data:
            raise _BadInput(f"{where} is missing {key!r}")
    _number(data["start"], f"{where}.start")
    _number(data["end"], f"{where}.end")
    if not isinstance(data["text"], str):
        raise _BadInput(f"{where}.text must be a string")
    if data.get("speaker", "unknown") not in _SPEAKERS:
        raise _BadInput(f"{where}.speaker must be one of {', '.join(_SPEAKERS)}")
    words = data.get("words")
    if words is not None:
        if not isinstance(words, list):
            raise _BadInput(f"{where}.words must be a list")
        for j, word in enumerate(words):
            if not isinstance(word, dict) or not isinstance(word.get("word"), str):
                raise _BadInput(f"{where}.words[{j}] must be an object with a string 'word'")
            _number(word.get("start"), f"{where}.words[{j}].start")
            _number(word.get("end"), f"{where}.words[{j}].end")
    try:
        return TranscriptSegment.from_dict(data)
    except ValueError as exc:
        raise _BadInput(f"{where}: {exc}") from None


def _transcript(data: Any, where: str) -> tuple[str | None, Transcript]:
    if not isinstance(data, dict):
        raise _BadInput(f"{where} must be an object with 'segments'")
    if "segments" not in data:
        raise _BadInput(f"{where} has no 'segments'")
    if not isinstance(data["segments"], list):
        raise _BadInput(f"{where}.segments must be a list")
    segments = tuple(
        _segment(item, f"{where}.segments[{i}]") for i, item in enumerate(data["segments"])
    )
    speakers = {s.speaker for s in segments}
    if "channels" in data:
        channels = data["channels"]
        if isinstance(channels, bool) or channels not in (1, 2):
            raise _BadInput(f"{where}.channels must be 1 or 2")
    else:
        # Stereo recorders give each side its own channel; both sides labelled means stereo.
        channels = 2 if {Speaker.AGENT, Speaker.CUSTOMER} <= speakers else 1
    last_end = max((s.end for s in segments), default=0.0)
    duration = _number(data["duration"], f"{where}.duration") if "duration" in data else last_end
    ident = data.get("id", data.get("source"))
    if ident is not None and not isinstance(ident, str | int):
        raise _BadInput(f"{where}.id must be a string")
    transcript = Transcript(
        source=str(data.get("source") or ident or ""),
        duration=max(duration, last_end),
        channels=int(channels),
        segments=segments,
    )
    return (None if ident is None else str(ident)), transcript


def _callcoach_form(read: Imported | Refused) -> dict[str, Any]:
    """A conversation read from CSV as the JSON item it would be in Callcoach's form."""
    assert isinstance(read, Imported)  # a refused one stopped the file already
    conversation = read.conversation
    return {
        "id": conversation.id,
        "channel": str(conversation.channel),
        "messages": [
            {"author": str(m.author), "text": m.text, "at": m.at.isoformat() if m.at else None}
            for m in conversation.messages
        ],
    }


def _imported(read: Imported | Refused) -> Imported:
    if isinstance(read, Refused):
        raise _BadInput(read.message)
    return read


def parse_transcripts(data: Any) -> list[tuple[str | None, Transcript]]:
    """The transcripts of a `qa score` input document (one object or a list), with their ids:
    call transcripts (`segments`) and written conversations (Callcoach's `messages`, Zendesk
    tickets, Intercom conversations: `qa.conversation_formats`). Conversations of the same
    `customer` carry the earlier ones (`Transcript.earlier`).

    Raises:
        ValueError: the document is not a transcript or list of transcripts; the message names
            the transcript and field.
    """
    items = json_items(data)
    if not items:
        raise _BadInput("the file holds an empty list")
    written = {
        i: _imported(read_item(item, i + 1)) for i, item in enumerate(items) if is_written(item)
    }
    return _with_conversations(
        [
            None if i in written else _transcript(item, f"transcript {i + 1}")
            for i, item in enumerate(items)
        ],
        written,
    )


def _with_conversations(
    calls: list[tuple[str | None, Transcript] | None], written: dict[int, Imported]
) -> list[tuple[str | None, Transcript]]:
    """`calls` with each None filled by the written conversation of that place, linked to the
    same customer's earlier ones."""
    linked = dict(zip(written, with_earlier_contacts(list(written.values())), strict=True))
    return [
        (written[i].conversation.id, linked[i]) if parsed is None else parsed
        for i, parsed in enumerate(calls)
    ]


def read_transcript_file(file: str) -> tuple[list[Any], list[tuple[str | None, Transcript]]]:
    """The transcripts in FILE ('-': stdin): the JSON items as read, and each parsed.

    Raises:
        ValueError: the file cannot be read, is not JSON or holds no transcripts; the message
            names the file, the transcript and the field.
    """
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text("utf-8")
    except UnicodeDecodeError:
        # Audio, a spreadsheet, a zip: say what the command wants, not the codec's complaint.
        raise _BadInput(
            f"{file} is not a transcript JSON file (it is not text); to score a recording, "
            "transcribe it first with `python -m qa transcribe`"
        ) from None
    except OSError as exc:
        raise _BadInput(f"cannot read {file}: {exc}") from None
    if file.lower().endswith(".csv"):
        try:
            read = read_csv(text)
            conversations = {i: _imported(r) for i, r in enumerate(read)}
            parsed = _with_conversations([None] * len(read), conversations)
        except (ConversationError, _BadInput) as exc:
            raise _BadInput(f"{file}: {exc}") from None
        return [_callcoach_form(r) for r in read], parsed
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadInput(
            f"{file} is not a transcript JSON file: it is not valid JSON ({exc})"
        ) from None
    try:
        return json_items(data), parse_transcripts(data)
    except _BadInput as exc:
        raise _BadInput(f"{file}: {exc}") from None


def fail(message: str) -> int:
    """Say what is wrong on stderr, in one line; exit code 2."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        _items, transcripts = read_transcript_file(args.file)
    except ValueError as exc:
        return fail(str(exc))
    try:
        scorecards = {
            "call": load_scorecard(args.scorecard),
            "written": load_scorecard(args.written_scorecard),
        }
        settings = get_settings()
    except (ScorecardError, ConfigError) as exc:
        return fail(str(exc))
    for number, (_, transcript) in enumerate(transcripts, start=1):
        kind = "call" if transcript.channel == Channel.CALL else "written"
        scorecard = scorecards[kind]
        if transcript.channel not in scorecard.channels:
            option = "--scorecard" if kind == "call" else "--written-scorecard"
            judged = ", ".join(str(c) for c in scorecard.channels)
            return fail(
                f"item {number} is a {transcript.channel}, and scorecard {scorecard.name!r} "
                f"judges {judged}: choose another with {option}"
            )
    try:
        judge = configured_judge(settings)
    except (ModelError, JudgeError) as exc:
        return fail(f"the auto-QA judge (QA_JUDGE=hybrid) cannot be loaded: {exc}")
    embedder = get_embedder(settings.embedding_model)
    for ident, transcript in transcripts:
        written = transcript.channel != Channel.CALL
        scorecard = scorecards["written" if written else "call"]
        result = evaluate(transcript, scorecard, embedder=embedder, judge=judge)
        line = {
            "id": ident,
            "score": result.score,
            "auto_fail": result.auto_fail,
            "criteria": {
                r.criterion_id: {
                    "result": str(r.result),
                    "confidence": r.confidence,
                    "evidence": [
                        e.to_message_dict() if written else e.to_dict() for e in r.evidence
                    ],
                }
                for r in result.criteria
            },
        }
        print(json.dumps(line), flush=True)
    return 0


def register(subparsers) -> None:
    """Add `score` to `python -m qa`."""
    parser = subparsers.add_parser(
        "score",
        help="score transcripts against a QA scorecard (JSON Lines out)",
        description="Score each call transcript and written conversation in FILE (one JSON "
        "object or a list; '-' reads stdin) and print one JSON line per item, in input order.",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="call transcripts as `qa transcribe` prints them, and written conversations "
        '({"id", "channel": "chat"|"email"|"social", "messages": [{"author", "text", "at"}]})',
    )
    parser.add_argument(
        "--scorecard",
        default="default",
        metavar="NAME_OR_PATH",
        help="the calls' scorecard: a bundled name or a YAML file (default: %(default)s)",
    )
    parser.add_argument(
        "--written-scorecard",
        default="written",
        metavar="NAME_OR_PATH",
        help="the written conversations' scorecard (default: %(default)s)",
    )
    parser.set_defaults(run=run)
