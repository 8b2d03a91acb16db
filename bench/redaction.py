"""Redaction benchmark: how much personal data `qa.redact` catches, per kind, and how much
ordinary talk it leaves alone, on recognizer-style turns it was never tuned on.

The labelled set (`tests/data/redaction/`) holds turns as a speech recognizer writes them on
telephone audio, each with the other party's turn before it: personal data items (misheard cue
words, numbers and codes read out in pieces, spelled names, dates in many shapes) and control
turns of ordinary talk (amounts, durations, appointment dates, product names, counts). It is
split: `dev.json` is what the redactor's rules were written and checked against, `test.json`
is held out and is what the README reports (`--split test`, the default).

A personal-data value counts as caught when every letter and digit of it is inside a redacted
span ("typed right" when that span also has the value's kind); a control phrase counts as kept
when no redacted span touches it. Peer: redacting nothing (controls all kept, nothing caught).
Goals (issue 17): recall at least 0.98 on DOB, CARD, ACCOUNT and SECURITY_ANSWER and at least
0.95 overall; at least 0.95 of control phrases kept.

What each part adds: `--no-context` reads every turn without the question before it,
`--exact-cues` matches cue phrases only as written (not misheard).

    .venv/bin/python bench/redaction.py [--split test|dev] [--no-context] [--exact-cues] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa.redact as redact  # noqa: E402
from qa.redact import Redaction, find_pii  # noqa: E402

DATA = ROOT / "tests" / "data" / "redaction"
STRICT = ("DOB", "CARD", "ACCOUNT", "SECURITY_ANSWER")  # goal 0.98 each


def _covering(spans: list[Redaction], start: int, end: int, text: str) -> list[Redaction] | None:
    """The spans that together cover every letter and digit of text[start:end], or None."""
    used = []
    for position in range(start, end):
        if not text[position].isalnum():
            continue
        span = next((s for s in spans if s.start <= position < s.end), None)
        if span is None:
            return None
        if span not in used:
            used.append(span)
    return used


def evaluate(
    items: list[dict],
    *,
    context: bool = True,
    verbose: bool = False,
    found: list[list[Redaction]] | None = None,
) -> dict:
    """Per kind: (values, caught, typed right); controls: (phrases, kept). `found`: the spans
    another redactor found in each item, scored instead of `find_pii`'s."""
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    controls = [0, 0]
    for n, item in enumerate(items):
        text = item["text"]
        if found is not None:
            spans = found[n]
        else:
            spans = find_pii(text, context=item.get("context", "") if context else "")
        for value in item["pii"]:
            start = text.index(value["value"])
            cover = _covering(spans, start, start + len(value["value"]), text)
            counts = per_kind[value["type"]]
            counts[0] += 1
            counts[1] += cover is not None
            counts[2] += bool(cover) and all(s.kind == value["type"] for s in cover)
            if verbose and cover is None:
                asked = item.get("context", "")
                print(f"  missed {value['type']}: {value['value']!r} in {text!r} after {asked!r}")
        for phrase in item.get("keep", ()):
            start = text.index(phrase)
            touched = any(s.start < start + len(phrase) and start < s.end for s in spans)
            controls[0] += 1
            controls[1] += not touched
            if verbose and touched:
                print(f"  over-redacted: {phrase!r} in {text!r} after {item.get('context', '')!r}")
    return {"kinds": dict(per_kind), "controls": controls}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--no-context", action="store_true", help="ignore the question before")
    parser.add_argument("--exact-cues", action="store_true", help="no misheard cue phrases")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    items = json.loads((DATA / f"{args.split}.json").read_text())["items"]
    if args.exact_cues:
        redact.CUES.similarity = 1.01  # nothing but an exact match is similar enough
    result = evaluate(items, context=not args.no_context, verbose=args.verbose)
    kinds, (phrases, kept) = result["kinds"], result["controls"]
    print(f"\n{args.split}: {len(items)} turns, {sum(k[0] for k in kinds.values())} values")
    print(f"{'kind':<16} {'values':>6} {'recall':>7} {'typed':>6}  goal")
    for kind in sorted(kinds):
        total, caught, typed = kinds[kind]
        goal = 0.98 if kind in STRICT else None
        mark = "" if goal is None else ("met" if caught / total >= goal else "NOT met")
        print(f"{kind:<16} {total:>6} {caught / total:>7.3f} {typed / total:>6.3f}  {mark}")
    total = sum(k[0] for k in kinds.values())
    caught = sum(k[1] for k in kinds.values())
    overall = caught / total
    print(
        f"{'overall':<16} {total:>6} {overall:>7.3f}  {'met' if overall >= 0.95 else 'NOT met':>13}"
    )
    share = kept / phrases if phrases else 1.0
    print(
        f"control phrases kept: {kept}/{phrases} = {share:.3f} "
        f"({'met' if share >= 0.95 else 'NOT met'}; peer redacting nothing: recall 0, kept 1.000)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
