"""Speakers on mono calls: how many words `qa.diarize` gives to the right speaker.

Each demo call, clean and in every telephone condition (`bench/telephone.py`), is downmixed to
mono and transcribed by Callcoach (WHISPER_MODEL), which tells the voices apart and decides which
is the agent. A word's truth is the speaker of the demo reference turn it overlaps most (the
reference turns are where each channel really spoke); words outside every turn are not counted.
The peer is the majority baseline: every word given to whoever says more in that call.
Goal (issue 15): at least 0.90 of words attributed to the right speaker.

The README reports the held-out demo calls (`--split test`, the default; see bench/telephone.py).

    .venv/bin/python bench/diarization.py [--split test] [--limit N] [--conditions clean ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from bench.telephone import CONDITIONS, OUT, SPLITS, build, read_condition, split_calls  # noqa: E402
from bench.transcribe import _reference  # noqa: E402
from core.config import get_settings  # noqa: E402
from qa.transcribe import TranscribeOptions, Transcriber  # noqa: E402


def _mono(path: Path, folder: Path) -> Path:
    import wave

    from faster_whisper import decode_audio

    left, right = decode_audio(str(path), sampling_rate=16000, split_stereo=True)
    mixed = np.clip((left + right) / 2, -1, 1)
    target = folder / f"{path.stem}.wav"
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((mixed * 32767).astype("<i2").tobytes())
    return target


def _truth(turns: list[dict], start: float, end: float) -> str | None:
    overlap = {"agent": 0.0, "customer": 0.0}
    for turn in turns:
        overlap[turn["speaker"]] += max(0.0, min(end, turn["end"]) - max(start, turn["start"]))
    best = max(overlap, key=overlap.get)
    return best if overlap[best] > 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split", choices=SPLITS, default="test", help="demo calls (default: held-out test)"
    )
    parser.add_argument("--limit", type=int, help="only the first N calls of the split")
    parser.add_argument(
        "--conditions",
        nargs="+",
        default=["clean", *CONDITIONS],
        choices=["clean", *CONDITIONS],
    )
    parser.add_argument("--out", type=Path, default=OUT, help="telephone-condition files")
    args = parser.parse_args(argv)
    settings = get_settings()
    calls = split_calls(args.split, args.limit)
    telephone = [c for c in args.conditions if c != "clean"]
    if telephone:
        build(args.out, calls=calls, conditions=telephone)
    transcriber = Transcriber(
        settings.whisper_model,
        cpu_threads=settings.cpu_threads,
        options=TranscribeOptions.from_settings(settings),
    )
    print(
        f"\n{len(calls)} demo calls ({args.split}) downmixed to mono, "
        f"model {settings.whisper_model}"
    )
    print(
        f"{'condition':<15} {'words':>6} {'right':>6} {'baseline':>9} {'calls<0.9':>9} "
        f"{'s/call':>7}"
    )
    overall = [0, 0]
    with tempfile.TemporaryDirectory() as scratch:
        for condition in args.conditions:
            shifts = read_condition(args.out, condition) if condition != "clean" else {}
            right = counted = baseline = weak = 0
            started = time.perf_counter()
            for number, call in enumerate(calls):
                source = call if condition == "clean" else args.out / condition / f"{call.stem}.wav"
                folder = Path(scratch) / condition
                folder.mkdir(exist_ok=True)
                transcript = transcriber.transcribe(_mono(source, folder))
                shift = shifts.get(call.stem, {}).get("shift_seconds", 0.0)
                turns = _reference(call)["turns"]
                said = {"agent": 0, "customer": 0}
                call_right = call_counted = 0
                for segment in transcript.segments:
                    for word in segment.words:
                        truth = _truth(turns, word.start + shift, word.end + shift)
                        if truth is None:
                            continue
                        said[truth] += 1
                        call_counted += 1
                        call_right += str(segment.speaker) == truth
                right, counted = right + call_right, counted + call_counted
                baseline += max(said.values())
                weak += call_counted > 0 and call_right / call_counted < 0.9
                share = call_right / call_counted if call_counted else 0.0
                print(
                    f"  {condition} [{number + 1}/{len(calls)}] {call.stem}: {share:.3f}"
                    f"{f' ({transcript.speaker_note})' if transcript.speaker_note else ''}",
                    file=sys.stderr,
                    flush=True,
                )
            seconds = (time.perf_counter() - started) / len(calls)
            overall = [overall[0] + right, overall[1] + counted]
            print(
                f"{condition:<15} {counted:>6} {right / counted:>6.3f} {baseline / counted:>9.3f} "
                f"{weak:>9} {seconds:>7.1f}",
                flush=True,
            )
    print(f"all conditions: {overall[0] / overall[1]:.3f} of words attributed right")
    return 0


if __name__ == "__main__":
    sys.exit(main())
