"""`python -m qa redact FILE [--json]`: transcripts with personal data replaced by typed tags."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from qa.commands.score import fail, read_transcript_file
from qa.redact import TAG, redact_transcript
from qa.transcript import Transcript

__all__ = ["register"]


def register(subparsers) -> None:
    """Add `redact` to `python -m qa`."""
    parser = subparsers.add_parser(
        "redact",
        help="redact personal data from transcripts (JSON Lines with --json)",
        description="Redact each transcript in FILE (one JSON object or a list, segments as "
        "`qa transcribe --json` prints them, `words` optional; '-' reads stdin). Personal data "
        "in `text` and `words` becomes a tag of its kind: [DOB], [CARD], [POSTCODE], "
        "[ADDRESS], [SECURITY_ANSWER], [NAME], ...",
    )
    parser.add_argument("file", metavar="FILE", help="transcript JSON")
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per transcript and line, in input order, same shape as the input "
        "with a 'redactions' count per kind",
    )
    parser.set_defaults(run=run)


def _as_input(item: dict[str, Any], redacted: Transcript) -> dict[str, Any]:
    """The input object with its segments' text and words redacted; other fields as given."""
    segments = []
    for given, segment in zip(item["segments"], redacted.segments, strict=True):
        out = dict(given) | {"text": segment.text}
        if "words" in given and given["words"] is not None:
            out["words"] = [
                {"start": w.start, "end": w.end, "word": w.word, "probability": w.probability}
                for w in segment.words
            ]
        segments.append(out)
    counts = Counter(tag for s in redacted.segments for tag in TAG.findall(s.text))
    return dict(item) | {"segments": segments, "redactions": dict(sorted(counts.items()))}


def run(args: argparse.Namespace) -> int:
    try:
        items, transcripts = read_transcript_file(args.file)
    except ValueError as exc:
        return fail(str(exc))
    for item, (ident, transcript) in zip(items, transcripts, strict=True):
        redacted = redact_transcript(transcript)
        if args.json:
            print(json.dumps(_as_input(item, redacted)), flush=True)
            continue
        print(f"== {ident or redacted.source or 'transcript'}")
        for s in redacted.segments:
            print(f"[{s.start:7.2f}-{s.end:7.2f}] {s.speaker:>8}: {s.text}")
    return 0
