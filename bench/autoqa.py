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
import random
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
from qa.judge import Judge, get_judge  # noqa: E402
from qa.learning import ReviewedResult, learn, recalibrate  # noqa: E402
from qa.scorecard import Scorecard, load_scorecard  # noqa: E402
from qa.scoring import (  # noqa: E402
    EvaluationResult,
    JudgePolicy,
    Result,
    SentenceEncoder,
    evaluate,
)
from qa.transcript import Transcript  # noqa: E402

__all__ = [
    "LabelledCall",
    "Measurement",
    "disagreements",
    "load_demo_references",
    "load_labelled",
    "measure",
    "table",
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

    def errors_caught(self) -> float:
        """Share of the results that disagree with the label whose call goes to review (1 when
        there are none): review lands where auto-QA is wrong."""
        wrong = [
            evaluation.needs_review
            for call, evaluation in zip(self.calls, self.evaluations, strict=True)
            for r in evaluation.criteria
            if r.criterion_id in call.labels and str(r.result) != call.labels[r.criterion_id]
        ]
        return sum(wrong) / len(wrong) if wrong else 1.0

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
    calls: Sequence[LabelledCall],
    scorecard: Scorecard,
    embedder: SentenceEncoder,
    judge: Judge | None = None,
    policy: JudgePolicy | None = None,
) -> Measurement:
    """Score every call (by the rules, or with the language-model judge's second opinion) and
    compare each criterion's result with the labels."""
    started = time.perf_counter()
    evaluations = [
        evaluate(
            c.transcript,
            _scorecard_of(c, scorecard),
            embedder=embedder,
            judge=judge,
            policy=policy or JudgePolicy(),
        )
        for c in calls
    ]
    return compare(calls, evaluations, scorecard, time.perf_counter() - started)


def _scorecard_of(call: LabelledCall, scorecard: Scorecard) -> Scorecard:
    if call.disclosure_required:
        return scorecard
    return replace(
        scorecard, criteria=[c for c in scorecard.criteria if c.id != "recording_disclosure"]
    )


def compare(
    calls: Sequence[LabelledCall],
    evaluations: Sequence[EvaluationResult],
    scorecard: Scorecard,
    seconds: float = 0.0,
) -> Measurement:
    """Each criterion's results against the labels, over the calls whose scorecard has it and
    whose labels judge it (a set labelled for one criterion counts for that one only)."""
    auto = [{r.criterion_id: str(r.result) for r in e.criteria} for e in evaluations]
    rows = []
    for criterion in scorecard.criteria:
        pairs = [
            (a, c.labels)
            for a, c in zip(auto, calls, strict=True)
            if criterion.id in a and criterion.id in c.labels
        ]
        if pairs:
            rows += agreement_by_criterion(*zip(*pairs, strict=True), [criterion.id])
    return Measurement(rows, list(evaluations), list(calls), seconds)


# Reviewed calls the learning curve feeds the scorer, from the development part.
LEARNING_SIZES = (0, 10, 25, 50)
_LEARNING_SEED = 16


def _learned_from(reviewed: Measurement, chosen: Sequence[int]):
    examples = [
        ReviewedResult(r.criterion_id, r.result, r.confidence, Result(label))
        for i in chosen
        for r in reviewed.evaluations[i].criteria
        if (label := reviewed.calls[i].labels.get(r.criterion_id)) is not None
    ]
    return learn(examples, len(chosen))


def _shuffled(count: int) -> list[int]:
    order = list(range(count))
    random.Random(_LEARNING_SEED).shuffle(order)
    return order


def learning_curve(
    reviewed: Measurement, held_out: Measurement, scorecard: Scorecard
) -> list[tuple[int, Measurement]]:
    """Held-out figures after learning from 0, 10, 25 and 50 reviewed calls: development calls
    (in a fixed shuffled order) with their labels standing in for reviewers' verdicts."""
    order = _shuffled(len(reviewed.calls))
    curve = []
    for size in LEARNING_SIZES:
        learned = _learned_from(reviewed, order[:size])
        evaluations = [
            recalibrate(e, learned, _scorecard_of(c, scorecard))
            for c, e in zip(held_out.calls, held_out.evaluations, strict=True)
        ]
        curve.append((min(size, len(order)), compare(held_out.calls, evaluations, scorecard)))
    return curve


def cross_fitted_curve(
    held_out: Measurement, scorecard: Scorecard, folds: int = 3
) -> list[tuple[int, Measurement]]:
    """The learning curve as production sees it, where reviewed calls are calls the scorer was
    never tuned on: the held-out calls in `folds` folds, each scored after learning from up to
    n calls of the other folds, so no call is judged by what was learned from itself."""
    order = _shuffled(len(held_out.calls))
    fold_of = {i: k % folds for k, i in enumerate(order)}
    curve = []
    for size in LEARNING_SIZES:
        evaluations = list(held_out.evaluations)
        used = 0
        for fold in range(folds):
            others = [i for i in order if fold_of[i] != fold][:size]
            used = max(used, len(others))
            learned = _learned_from(held_out, others)
            for i in (i for i in order if fold_of[i] == fold):
                call = held_out.calls[i]
                evaluations[i] = recalibrate(
                    held_out.evaluations[i], learned, _scorecard_of(call, scorecard)
                )
        curve.append((used, compare(held_out.calls, evaluations, scorecard)))
    return curve


def table(title: str, m: Measurement) -> str:
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


def _joined(parts: Sequence[Measurement], scorecard: Scorecard) -> Measurement:
    calls = [c for m in parts for c in m.calls]
    return compare(calls, [e for m in parts for e in m.evaluations], scorecard)


def _curve(mode: str, source: str, curve: list[tuple[int, Measurement]]) -> str:
    lines = [
        f"## Learning from reviewers, {mode}: held-out figures (both sets) after n reviewed calls "
        f"from the {source}",
        "",
        "| reviewed calls | agreement | mean kappa | lowest criterion kappa | sent to review |"
        " wrong results in calls sent to review | confidence >= 0.9: agree | mean kappa |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, m in curve:
        lowest = min(m.rows, key=lambda r: r.kappa)
        bar = "#" * round(max(0.0, m.mean_kappa) * 40)
        confident, agreeing = m.confident()
        lines.append(
            f"| {size} | {m.overall_agreement:.3f} | {m.mean_kappa:.3f} | "
            f"{lowest.kappa:.3f} ({lowest.criterion_id}) | {m.review_rate:.0%} | "
            f"{m.errors_caught():.0%} | {agreeing:.1%} of {confident} | `{bar}` |"
        )
    return "\n".join(lines) + "\n"


def disagreements(m: Measurement) -> str:
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
    parser.add_argument(
        "--judge",
        choices=("rules", "hybrid", "both"),
        default="both",
        help="score by the rules, with the language-model judge (QA_JUDGE=hybrid), or both "
        "side by side (the default; the judge's opinions are cached in MODEL_CACHE_DIR)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    parser.add_argument(
        "--asr", action="store_true", help="also score the demo recordings as transcribed"
    )
    args = parser.parse_args(argv)
    scorecard = load_scorecard(args.scorecard)
    settings = get_settings()
    embedder = get_embedder(settings.embedding_model)
    modes = ["rules", "hybrid"] if args.judge == "both" else [args.judge]
    judge = None
    if "hybrid" in modes:
        judge = get_judge(settings.judge_model, settings.model_cache_dir, settings.cpu_threads)
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
    held_out: dict[str, list[Measurement]] = {mode: [] for mode in modes}
    for number, (title, calls) in enumerate(sets):
        for mode in modes:
            spent = judge.seconds if judge else 0.0
            measurement = measure(calls, scorecard, embedder, judge if mode == "hybrid" else None)
            named = f"{title}, {mode}"
            if mode == "hybrid" and judge is not None:
                named += f" (judge answering: {judge.seconds - spent:.0f} s; 0 when cached)"
            print(table(named, measurement))
            if number < 2:  # the labelled sets; the recordings (--asr) are the same references
                held_out[mode].append(measurement)
            if args.verbose:
                print("Disagreements:\n" + disagreements(measurement) + "\n")
    if args.split == "test":
        reviewed = load_labelled("dev") + load_demo_references("dev")
        for mode in modes:
            scorer = judge if mode == "hybrid" else None
            development = measure(reviewed, scorecard, embedder, scorer)
            test = _joined(held_out[mode], scorecard)
            curve = learning_curve(development, test, scorecard)
            title = f"development part ({len(reviewed)} calls, fixed shuffled order)"
            print(_curve(mode, title, curve))
            title = "held-out calls of the other folds (3 folds; each call scored by what was "
            title += "learned from other calls only)"
            print(_curve(mode, title, cross_fitted_curve(test, scorecard)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
