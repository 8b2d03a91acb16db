"""Transcription benchmark: Callcoach against two faster-whisper peers, per telephone condition.

Every system runs in this process on the same files with the same model (WHISPER_MODEL or
`--model`, int8, CPU_THREADS threads) and the same beam size (Callcoach's):

    plain      `WhisperModel(model).transcribe(file)`: no VAD, the stereo file downmixed to mono
    batched    faster-whisper's own `BatchedInferencePipeline(model).transcribe(file,
               vad_filter=True)`, batch size 8, downmixed to mono
    callcoach  `qa.transcribe.Transcriber`: per-channel VAD, packed windows, batched, re-decoding

Conditions: `clean` (the demo calls as they are) and the telephone conditions `bench/telephone.py`
makes (built here first if missing). The systems take turns on each file, so machine noise hits
all alike. WER uses jiwer with Whisper's English normaliser against the scripts the calls were
made from; every system's words are put in time order across both speakers. Throughput is audio
seconds per wall second. Goal (issue 15): on every condition, Callcoach's WER at most the better
peer's (the more accurate of the two on that condition) and its throughput at least 1.3x that
peer's.

Settings are tuned on `--split dev` (even demo calls); the README reports `--split test` (the
odd ones, held out), the default:

    .venv/bin/python bench/transcribe.py [--split test] [--limit N] [--model base]
        [--conditions clean noise-10 ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import jiwer  # noqa: E402
from whisper_normalizer.english import EnglishTextNormalizer  # noqa: E402

from bench.telephone import CONDITIONS, OUT, SPLITS, build, split_calls  # noqa: E402
from core.config import get_settings  # noqa: E402
from qa.transcribe import TranscribeOptions, Transcriber  # noqa: E402
from qa.whisper_models import resolve_whisper_model  # noqa: E402

DEMO = ROOT / "data" / "demo"
SYSTEMS = ("plain", "batched", "callcoach")
_normalise = EnglishTextNormalizer()


def _reference(path: Path) -> dict:
    return json.loads((DEMO / "references" / f"{path.stem}.json").read_text())


def _text_in_time_order(turns: list[dict]) -> str:
    return " ".join(t["text"] for t in sorted(turns, key=lambda t: t["start"]))


def _wer(references: list[str], hypotheses: list[str]) -> float:
    return jiwer.wer([_normalise(r) for r in references], [_normalise(h) for h in hypotheses])


class _Systems:
    """The three systems on one model, loaded once."""

    def __init__(self, model: str, threads: int, options: TranscribeOptions) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.options = options
        self.whisper = WhisperModel(
            resolve_whisper_model(model), device="cpu", compute_type="int8", cpu_threads=threads
        )
        self.batched = BatchedInferencePipeline(self.whisper)
        self.callcoach = Transcriber(model, cpu_threads=threads, options=options)

    def run(self, system: str, path: Path) -> str:
        common = {"language": self.options.language, "beam_size": self.options.beam_size}
        if system == "plain":
            segments, _ = self.whisper.transcribe(str(path), **common)
            return " ".join(s.text for s in segments)
        if system == "batched":
            segments, _ = self.batched.transcribe(
                str(path), batch_size=self.options.batch_size, vad_filter=True, **common
            )
            return " ".join(s.text for s in segments)
        transcript = self.callcoach.transcribe(path)
        words = sorted((w.start, w.word) for s in transcript.segments for w in s.words)
        return "".join(word for _, word in words)


def _files(condition: str, calls: list[Path], out: Path) -> list[Path]:
    if condition == "clean":
        return calls
    return [out / condition / f"{path.stem}.wav" for path in calls]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split", choices=SPLITS, default="test", help="demo calls (default: held-out test)"
    )
    parser.add_argument("--limit", type=int, help="only the first N calls of the split")
    parser.add_argument("--model", help="Whisper model (default: WHISPER_MODEL)")
    parser.add_argument(
        "--conditions",
        nargs="+",
        default=["clean", *CONDITIONS],
        choices=["clean", *CONDITIONS],
        help="conditions to run (default: all)",
    )
    parser.add_argument("--out", type=Path, default=OUT, help="telephone-condition files")
    args = parser.parse_args(argv)

    settings = get_settings()
    model = args.model or settings.whisper_model
    calls = split_calls(args.split, args.limit)
    telephone = [c for c in args.conditions if c != "clean"]
    if telephone:
        build(args.out, calls=calls, conditions=telephone)
    options = TranscribeOptions.from_settings(settings)
    systems = _Systems(model, settings.cpu_threads, options)
    for system in SYSTEMS:  # warm up: model load and first-call allocations, untimed
        systems.run(system, calls[0])

    print(f"\n{len(calls)} demo calls ({args.split}), model {model}, beam {options.beam_size}")
    print(
        f"{'condition':<15} {'WER plain':>9} {'batched':>8} {'callcoach':>9} "
        f"{'x/s plain':>9} {'batched':>8} {'callcoach':>9}  goal"
    )
    met_everywhere = True
    for condition in args.conditions:
        files = _files(condition, calls, args.out)
        references = [_text_in_time_order(_reference(path)["turns"]) for path in calls]
        heard: dict[str, list[str]] = {s: [] for s in SYSTEMS}
        seconds = dict.fromkeys(SYSTEMS, 0.0)
        audio = sum(_reference(path)["duration"] for path in calls)
        for number, path in enumerate(files):
            order = SYSTEMS[number % 3 :] + SYSTEMS[: number % 3]
            for system in order:
                started = time.perf_counter()
                heard[system].append(systems.run(system, path))
                seconds[system] += time.perf_counter() - started
            print(f"  {condition} [{number + 1}/{len(files)}]", file=sys.stderr, flush=True)
        wer = {s: _wer(references, heard[s]) for s in SYSTEMS}
        speed = {s: audio / seconds[s] for s in SYSTEMS}
        peer = min(("plain", "batched"), key=wer.get)  # the better peer: the more accurate
        ratio = speed["callcoach"] / speed[peer]
        met = wer["callcoach"] <= wer[peer] and ratio >= 1.3
        met_everywhere &= met
        print(
            f"{condition:<15} {wer['plain']:>9.3f} {wer['batched']:>8.3f} "
            f"{wer['callcoach']:>9.3f} {speed['plain']:>9.1f} {speed['batched']:>8.1f} "
            f"{speed['callcoach']:>9.1f}  {'met' if met else 'NOT met'} "
            f"(against {peer}: WER {wer['callcoach'] - wer[peer]:+.3f}, {ratio:.2f}x)",
            flush=True,
        )
    print(f"goal met on every condition: {'yes' if met_everywhere else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
