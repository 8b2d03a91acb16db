"""Written-conversation QA accuracy: agreement and Cohen's kappa of the `written` scorecard
against hand-labelled chats, emails and social media threads.

    tests/data/written/dev.json    the development part: the scorecard's exemplars, word lists
                                   and thresholds were chosen while reading it
    tests/data/written/test.json   the held-out part, written by other authors from the
                                   criteria's wording only; nothing is tuned on it
    tests/data/written/continuity_{dev,test}.json
                                   customers who wrote before, labelled for "picks up the
                                   earlier contact" only, split the same way

The peer is the majority-label baseline (always answering a criterion's most common label).
Run `python bench/written_qa.py` for the held-out figures (`--split dev -v` is the tuning view).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if (
    str(ROOT) not in sys.path
):  # `python bench/written_qa.py` puts bench/, not the project, on the path
    sys.path.insert(0, str(ROOT))

from bench.autoqa import LabelledCall, disagreements, measure, table  # noqa: E402
from core.config import get_settings  # noqa: E402
from index.embedder import get_embedder  # noqa: E402
from qa.commands.score import parse_transcripts  # noqa: E402
from qa.scorecard import load_scorecard  # noqa: E402

__all__ = ["LABELLED", "load_continuity", "load_written"]

LABELLED = ROOT / "tests" / "data" / "written"
SPLITS = ("dev", "test")


def _labelled(file_name: str, split: str) -> list[LabelledCall]:
    """The items of `file_name` with labels (a file may hold unlabelled earlier contacts)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
    data = json.loads((LABELLED / file_name).read_text(encoding="utf-8"))
    parsed = parse_transcripts(data)
    return [
        LabelledCall(ident or "", transcript, item["labels"])
        for (ident, transcript), item in zip(parsed, data, strict=True)
        if "labels" in item
    ]


def load_written(split: str = "test") -> list[LabelledCall]:
    """The hand-labelled written conversations of one part (`dev` or `test`)."""
    return _labelled(f"{split}.json", split)


def load_continuity(split: str = "test") -> list[LabelledCall]:
    """The labelled later conversations of one part of the continuity set, each carrying the
    same customer's earlier conversations of the file (`Transcript.earlier`)."""
    return _labelled(f"continuity_{split}.json", split)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorecard", default="written", help="scorecard name or YAML path")
    parser.add_argument(
        "--split", choices=SPLITS, default="test", help="test (held out, the default) or dev"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    scorecard = load_scorecard(args.scorecard)
    embedder = get_embedder(get_settings().embedding_model)
    embedder.encode(["warm-up"])  # model load time is not scoring time
    conversations = load_written(args.split)
    channels = sorted({c.transcript.channel for c in conversations})
    part = {"test": "held-out test part", "dev": "development part"}[args.split]
    print(
        f"# Written QA vs hand labels, {part} (scorecard {scorecard.name} "
        f"{scorecard.version_tag})\n"
    )
    measurement = measure(conversations, scorecard, embedder)
    title = f"tests/data/written/{args.split}.json ({', '.join(channels)})"
    print(table(title, measurement).replace(" calls, scored", " conversations, scored"))
    for channel in channels:
        part_of = [i for i, c in enumerate(conversations) if c.transcript.channel == channel]
        subset = measure([conversations[i] for i in part_of], scorecard, embedder)
        majority = subset.overall_majority_agreement
        print(
            f"{channel}: {len(part_of)} conversations, agreement "
            f"{subset.overall_agreement:.3f} (majority label {majority:.3f})"
        )
    if args.verbose:
        print("\nDisagreements:\n" + disagreements(measurement))
    later = load_continuity(args.split)
    continuity = measure(later, scorecard, embedder)
    print()
    print(
        table(f"tests/data/written/continuity_{args.split}.json", continuity).replace(
            " calls, scored", " conversations, scored"
        )
    )
    if args.verbose:
        print("\nDisagreements:\n" + disagreements(continuity))
    return 0


if __name__ == "__main__":
    sys.exit(main())
