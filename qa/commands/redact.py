"""`python -m qa redact FILE [--json]`: transcripts with personal data replaced by typed tags;
`python -m qa redact --rescan [--dry-run]`: what is already stored, redacted again."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from core.cli import run_with_database
from core.config import Settings
from core.db import migrate
from core.models import Channel, utcnow
from core.progress import ProgressBar
from index.segment_index import open_segment_index, sync_segment_index
from qa.commands.score import fail, read_transcript_file
from qa.conversation_formats import Imported, read_item
from qa.ingest import IngestOptions
from qa.redact import TAG, redact_transcript
from qa.rescan import rescan_stored_text
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
    parser.add_argument("file", metavar="FILE", nargs="?", help="transcript JSON")
    parser.add_argument(
        "--rescan",
        action="store_true",
        help="redact again everything stored (segments and words, auto-QA evidence, live "
        "transcripts, notes, lesson examples), re-embed what changed for search, audit it",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="with --rescan: count what would change, change nothing",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per transcript and line, in input order, same shape as the input "
        "with a 'redactions' count per kind",
    )
    parser.set_defaults(run=run)


def _as_input(item: dict[str, Any], redacted: Transcript) -> dict[str, Any]:
    """The input object with its segments' text and words redacted; other fields as given. A
    written conversation comes out in Callcoach's form, its messages' text redacted."""
    counts = Counter(tag for s in redacted.segments for tag in TAG.findall(s.text))
    if redacted.channel != Channel.CALL:
        read = read_item(item, 1)
        assert isinstance(read, Imported)  # it was read once already
        messages = [
            {
                "author": str(s.speaker),
                "text": s.text,
                "at": m.at.isoformat().replace("+00:00", "Z") if m.at else None,
            }
            for s, m in zip(redacted.segments, read.conversation.messages, strict=True)
        ]
        return {
            "id": redacted.source or None,
            "channel": str(redacted.channel),
            "messages": messages,
            "redactions": dict(sorted(counts.items())),
        }
    segments = []
    for given, segment in zip(item["segments"], redacted.segments, strict=True):
        out = dict(given) | {"text": segment.text}
        if "words" in given and given["words"] is not None:
            out["words"] = [asdict(w) for w in segment.words]
        segments.append(out)
    return dict(item) | {"segments": segments, "redactions": dict(sorted(counts.items()))}


def _rescan(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    bars: dict[str, ProgressBar] = {}

    def progress(what: str, done: int, total: int) -> None:
        bars.setdefault(what, ProgressBar(total, unit=what)).update(done)

    options = IngestOptions.from_settings(settings)  # where audio goes, what is kept
    try:
        migrate(engine)
        with Session(engine) as session:
            report = rescan_stored_text(
                session=session,
                actor=None,
                now=utcnow(),
                dry_run=args.dry_run,
                progress=progress,
                audio_dir=options.audio_dir,
                keep_originals=options.store_unredacted_audio,
                owned_dirs=options.owned_dirs,
            )
    except SQLAlchemyError as exc:
        return fail(f"the database could not be rescanned, nothing was changed: {exc}")
    if report.segment_ids and not args.dry_run:
        index = open_segment_index(settings=settings)
        try:
            index.forget(report.segment_ids)
        except OSError as exc:
            print(
                f"warning: the search index keeps the old lines until rebuilt: {exc}",
                file=sys.stderr,
            )
        sync_segment_index(
            engine=engine, index=index, warn=lambda m: print(f"warning: {m}", file=sys.stderr)
        )
    for problem in report.audio_errors:
        print(f"warning: redacted audio not made for {problem}", file=sys.stderr)
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(report.tags.items())) or "nothing new"
    rows = ", ".join(f"{n} {what}" for what, n in sorted(report.changed.items())) or "none"
    verb = "would redact" if args.dry_run else "redacted"
    print(f"{verb}: {counts}; records changed: {rows}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.rescan:
        if args.file:
            return fail("--rescan reads the database, not a FILE")
        return run_with_database(lambda settings, engine: _rescan(args, settings, engine))
    if args.dry_run:
        return fail("--dry-run goes with --rescan")
    if not args.file:
        return fail("give a transcript FILE, or --rescan")
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
