"""Auto-QA accuracy: agreement and Cohen's kappa of `qa.scoring` against hand-labelled calls.

Two independent labelled sets: the 51 transcripts of tests/data/autoqa_transcripts.json and the
demo calls' reference scripts (data/demo/references/*.json). The peer is the majority-label
baseline: always answering a criterion's most common label (raw agreement flatters it; kappa
does not). Run `python bench/autoqa.py` (`-v` lists every disagreement; `--asr` also scores the
demo recordings as the product sees them: transcribed by Whisper and redacted).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/autoqa.py` puts bench/, not the project, on the path
    sys.path.insert(0, str(ROOT))

from core.config import get_settings  # noqa: E402
from index.embedder import get_embedder  # noqa: E402
from qa.agreement import CriterionAgreement, agreement_by_criterion  # noqa: E402
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

LABELLED = ROOT / "tests" / "data" / "autoqa_transcripts.json"
DEMO_REFERENCES = ROOT / "data" / "demo" / "references"
DEMO_CALLS = ROOT / "data" / "demo" / "calls"


# A transcript with a person's label per criterion.
@dataclass(frozen=True)
class LabelledCall:
    id: str
    transcript: Transcript
    labels: dict[str, str]


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


def load_labelled(path: Path = LABELLED) -> list[LabelledCall]:
    """The hand-labelled transcripts (tests/data/README.md)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    parsed = parse_transcripts(data)
    return [
        LabelledCall(ident or "", transcript, item["labels"])
        for (ident, transcript), item in zip(parsed, data, strict=True)
    ]


def load_demo_references(folder: Path = DEMO_REFERENCES) -> list[LabelledCall]:
    """The demo calls' reference scripts: placed turns (stereo) plus the script's labels."""
    calls = []
    for path in sorted(folder.glob("*.json")):
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
    started = time.perf_counter()
    evaluations = [evaluate(c.transcript, scorecard, embedder=embedder) for c in calls]
    seconds = time.perf_counter() - started
    auto = [{r.criterion_id: str(r.result) for r in e.criteria} for e in evaluations]
    ids = [c.id for c in scorecard.criteria]
    rows = agreement_by_criterion(auto, [c.labels for c in calls], ids)
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
    return "\n".join(lines)


def _disagreements(m: Measurement) -> str:
    lines = []
    for call, evaluation in zip(m.calls, m.evaluations, strict=True):
        for result in evaluation.criteria:
            label = call.labels[result.criterion_id]
            if str(result.result) != label:
                lines.append(
                    f"  {call.id} {result.criterion_id}: auto {result.result} "
                    f"({result.confidence:.2f}), label {label}: {result.reason}"
                )
    return "\n".join(lines) or "  none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorecard", default="default", help="scorecard name or YAML path")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    parser.add_argument(
        "--asr", action="store_true", help="also score the demo recordings as transcribed"
    )
    args = parser.parse_args(argv)
    scorecard = load_scorecard(args.scorecard)
    embedder = get_embedder(get_settings().embedding_model)
    embedder.encode(["warm-up"])  # model load time is not scoring time
    print(f"# Auto-QA vs hand labels (scorecard {scorecard.name} {scorecard.version_tag})\n")
    references = load_demo_references()
    sets = [
        (f"Labelled transcripts ({LABELLED.relative_to(ROOT)})", load_labelled()),
        (f"Demo call references ({DEMO_REFERENCES.relative_to(ROOT)})", references),
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
