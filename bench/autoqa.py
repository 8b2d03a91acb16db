"""Auto-QA accuracy: agreement and Cohen's kappa of `qa.scoring` against hand-labelled calls.

Every labelled set has a development part, which scorecard exemplars, thresholds and weights
may be built from, and a held-out test part, which nothing is tuned on:

    tests/data/autoqa/dev.json       51 transcripts (tests/data/README.md); the scorecard's
                                     phrases were written while reading them
    tests/data/autoqa/test.json      calls written later without looking at the scorecard, in
    tests/data/autoqa/test_asr.json  other styles; test_asr.json is made by
                                     tests/data/autoqa/make_asr_calls.py: scripts spoken,
                                     degraded to telephone conditions and transcribed by Whisper
    data/demo/references/*.json      the demo calls' reference scripts, split like the
                                     transcription bench (bench/telephone.py: dev = even
                                     positions, test = odd)

The peer is the majority-label baseline: always answering a criterion's most common label (raw
agreement flatters it; kappa does not). A call whose team scorecard has no recording
disclosure (`"disclosure_required": false`) is scored without that criterion.

Run `python bench/autoqa.py` for the held-out figures (`--split dev` is the tuning view; `-v`
lists every disagreement; `--asr` also scores the demo recordings of the split as the product
sees them: transcribed by Whisper and redacted).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/autoqa.py` puts bench/, not the project, on the path
    sys.path.insert(0, str(ROOT))

from bench.telephone import SPLITS, split_calls  # noqa: E402
from core.config import get_settings  # noqa: E402
from index.embedder import get_embedder  # noqa: E402
from qa.agreement import (  # noqa: E402
    CriterionAgreement,
    ReliabilityBin,
    agreement_by_criterion,
    reliability,
)
from qa.commands.score import parse_transcripts  # noqa: E402
from qa.scorecard import Scorecard, load_scorecard  # noqa: E402
from qa.scoring import EvaluationResult, SentenceEncoder, evaluate  # noqa: E402
from qa.transcript import Transcript  # noqa: E402

__all__ = [
    "LabelledCall",
    "Measurement",
    "load_demo_references",
    "load_labelled",
    "measure",
    "transcribe_demo_calls",
]

LABELLED = ROOT / "tests" / "data" / "autoqa"
LABELLED_FILES = {"dev": ("dev.json",), "test": ("test.json", "test_asr.json")}
# How sure a result must be to count as "confident" in the reliability line.
CONFIDENT = 0.9
DEMO_REFERENCES = ROOT / "data" / "demo" / "references"
DEMO_CALLS = ROOT / "data" / "demo" / "calls"


# A transcript with a person's label per criterion.
@dataclass(frozen=True)
class LabelledCall:
    id: str
    transcript: Transcript
    labels: dict[str, str]
    disclosure_required: bool = True
    """False for a team whose scorecard has no recording disclosure (no label for it)."""


# The outcome of scoring a labelled set.
@dataclass(frozen=True)
class Measurement:
    rows: list[CriterionAgreement]
    evaluations: list[EvaluationResult]
    calls: list[LabelledCall]
    seconds: float

    @property
    def overall_agreement(self) -> float:
        return sum(r.agreement * r.items for r in self.rows) / sum(r.items for r in self.rows)

    @property
    def mean_kappa(self) -> float:
        return sum(r.kappa for r in self.rows) / len(self.rows)

    @property
    def overall_majority_agreement(self) -> float:
        total = sum(r.items for r in self.rows)
        return sum(r.majority_agreement * r.items for r in self.rows) / total

    @property
    def review_rate(self) -> float:
        """Share of calls auto-QA sends to a person."""
        return sum(e.needs_review for e in self.evaluations) / len(self.evaluations)

    def reliability(self) -> list[ReliabilityBin]:
        """Confidence bands against agreement with the labels."""
        return reliability(
            [
                (r.confidence, str(r.result) == call.labels[r.criterion_id])
                for call, evaluation in zip(self.calls, self.evaluations, strict=True)
                for r in evaluation.criteria
                if r.criterion_id in call.labels
            ]
        )

    def confident(self, at_least: float = CONFIDENT) -> tuple[int, float]:
        """Results with confidence at least `at_least`: how many, and the share that agree with
        the label (0 when there are none)."""
        agreed = [
            str(r.result) == call.labels[r.criterion_id]
            for call, evaluation in zip(self.calls, self.evaluations, strict=True)
            for r in evaluation.criteria
            if r.confidence >= at_least and r.criterion_id in call.labels
        ]
        return len(agreed), (sum(agreed) / len(agreed) if agreed else 0.0)


def labelled_files(split: str) -> list[Path]:
    """The files of one part of the hand-labelled transcripts (`dev`, `test` or `all`)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
    names = [n for part in ("dev", "test") if split in (part, "all") for n in LABELLED_FILES[part]]
    return [LABELLED / name for name in names if (LABELLED / name).exists()]


def load_labelled(split: str = "test") -> list[LabelledCall]:
    """The hand-labelled transcripts of one part (tests/data/README.md)."""
    calls = []
    for path in labelled_files(split):
        data = json.loads(path.read_text(encoding="utf-8"))
        parsed = parse_transcripts(data)
        calls += [
            LabelledCall(
                ident or "", transcript, item["labels"], item.get("disclosure_required", True)
            )
            for (ident, transcript), item in zip(parsed, data, strict=True)
        ]
    return calls


def load_demo_references(split: str = "test", folder: Path = DEMO_REFERENCES) -> list[LabelledCall]:
    """The demo calls' reference scripts of one part: placed turns (stereo) plus the script's
    labels."""
    stems = {path.stem for path in split_calls(split)}
    calls = []
    for path in sorted(p for p in folder.glob("*.json") if p.stem in stems):
        data = json.loads(path.read_text(encoding="utf-8"))
        item = {
            "id": data["id"],
            "duration": data["duration"],
            "channels": 2,  # the demo recordings are stereo: agent left, customer right
            "segments": data["turns"],
        }
        ((ident, transcript),) = parse_transcripts(item)
        calls.append(LabelledCall(ident or path.stem, transcript, data["labels"]))
    return calls


def transcribe_demo_calls(references: Sequence[LabelledCall]) -> list[LabelledCall]:
    """The demo recordings through the product pipeline (Whisper, then PII redaction), with
    the labels of their reference scripts."""
    from qa.redact import redact_transcript
    from qa.transcribe import get_transcriber

    settings = get_settings()
    transcriber = get_transcriber(settings.whisper_model, settings.cpu_threads)
    calls = []
    for reference in references:
        (recording,) = [p for p in DEMO_CALLS.glob(f"{reference.id}.*") if p.suffix != ".json"]
        transcript = redact_transcript(transcriber.transcribe(recording))
        calls.append(LabelledCall(reference.id, transcript, reference.labels))
    return calls


def measure(
    calls: Sequence[LabelledCall], scorecard: Scorecard, embedder: SentenceEncoder
) -> Measurement:
    """Score every call and compare each criterion's result with the labels."""
    without_disclosure = replace(
        scorecard, criteria=[c for c in scorecard.criteria if c.id != "recording_disclosure"]
    )
    started = time.perf_counter()
    evaluations = [
        evaluate(
            c.transcript,
            scorecard if c.disclosure_required else without_disclosure,
            embedder=embedder,
        )
        for c in calls
    ]
    seconds = time.perf_counter() - started
    auto = [{r.criterion_id: str(r.result) for r in e.criteria} for e in evaluations]
    rows = []
    for criterion in scorecard.criteria:  # over the calls whose scorecard has the criterion
        pairs = [(a, c.labels) for a, c in zip(auto, calls, strict=True) if criterion.id in a]
        if pairs:
            rows += agreement_by_criterion(*zip(*pairs, strict=True), [criterion.id])
    return Measurement(rows, evaluations, list(calls), seconds)


def _table(title: str, m: Measurement) -> str:
    lines = [
        f"## {title}: {len(m.calls)} calls, scored in {m.seconds:.1f} s",
        "",
        "| criterion | agreement | kappa | majority-label agreement |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r.criterion_id} | {r.agreement:.3f} | {r.kappa:.3f} | {r.majority_agreement:.3f} |"
        for r in m.rows
    ]
    lines += [
        f"| **overall** | **{m.overall_agreement:.3f}** | **{m.mean_kappa:.3f}** (mean) "
        f"| {m.overall_majority_agreement:.3f} |",
        "",
    ]
    confident, agreeing = m.confident()
    lines += [
        f"Calls sent to review: {m.review_rate:.0%}. Results with confidence at least "
        f"{CONFIDENT:g}: {confident}, of which {agreeing:.1%} agree with the label.",
        "Reliability (confidence band: results, agreement): "
        + ", ".join(
            f"{b.low:.1f}-{b.high:.1f}: {b.results}, "
            + ("-" if b.agreement is None else f"{b.agreement:.1%}")
            for b in m.reliability()
        ),
        "",
    ]
    return "\n".join(lines)


def _disagreements(m: Measurement) -> str:
    lines = []
    for call, evaluation in zip(m.calls, m.evaluations, strict=True):
        for result in evaluation.criteria:
            label = call.labels.get(result.criterion_id)
            if label is not None and str(result.result) != label:
                lines.append(
                    f"  {call.id} {result.criterion_id}: auto {result.result} "
                    f"({result.confidence:.2f}), label {label}: {result.reason}"
                )
    return "\n".join(lines) or "  none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorecard", default="default", help="scorecard name or YAML path")
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="test",
        help="which part to score: test (held out, the default), dev (tuning) or all",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    parser.add_argument(
        "--asr", action="store_true", help="also score the demo recordings as transcribed"
    )
    args = parser.parse_args(argv)
    scorecard = load_scorecard(args.scorecard)
    embedder = get_embedder(get_settings().embedding_model)
    embedder.encode(["warm-up"])  # model load time is not scoring time
    part = {"test": "held-out test part", "dev": "development part", "all": "both parts"}
    print(
        f"# Auto-QA vs hand labels, {part[args.split]} "
        f"(scorecard {scorecard.name} {scorecard.version_tag})\n"
    )
    references = load_demo_references(args.split)
    files = ", ".join(str(p.relative_to(ROOT)) for p in labelled_files(args.split))
    sets = [
        (f"Labelled transcripts ({files})", load_labelled(args.split)),
        (f"Demo call references ({DEMO_REFERENCES.relative_to(ROOT)}, {args.split})", references),
    ]
    if args.asr:
        calls = transcribe_demo_calls(references)
        sets.append(
            (f"Demo recordings, Whisper + redaction ({DEMO_CALLS.relative_to(ROOT)})", calls)
        )
    for title, calls in sets:
        measurement = measure(calls, scorecard, embedder)
        print(_table(title, measurement))
        if args.verbose:
            print("Disagreements:\n" + _disagreements(measurement) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
