"""Transcription benchmark: Callcoach's pipeline against plain faster-whisper on the demo calls.

Both run in this process on the same files with the same model (the bundled tiny.en, int8, 2 CPU
threads). The peer is `WhisperModel(model).transcribe(file)` with faster-whisper's defaults (beam
5, no VAD, the stereo file downmixed to mono). Files alternate between the two so machine noise
hits both alike. WER uses jiwer with Whisper's English text normaliser against the scripts the
calls were synthesised from; Callcoach's words are put in time order across both speakers so the
two outputs are compared against the same reference text.

    .venv/bin/python bench/transcribe.py [--limit N]
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

from core.config import get_settings  # noqa: E402
from qa.transcribe import Transcriber, resolve_whisper_model  # noqa: E402

DEMO = ROOT / "data" / "demo"
_normalise = EnglishTextNormalizer()


def _reference(path: Path) -> dict:
    return json.loads((DEMO / "references" / f"{path.stem}.json").read_text())


def _text_in_time_order(turns: list[dict]) -> str:
    return " ".join(t["text"] for t in sorted(turns, key=lambda t: t["start"]))


def _wer(references: list[str], hypotheses: list[str]) -> float:
    return jiwer.wer([_normalise(r) for r in references], [_normalise(h) for h in hypotheses])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N demo calls")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    settings = get_settings()
    files = sorted(p for p in (DEMO / "calls").iterdir() if p.suffix in {".opus", ".flac"})
    files = files[: args.limit] if args.limit else files
    plain = WhisperModel(
        resolve_whisper_model(settings.whisper_model),
        device="cpu",
        compute_type="int8",
        cpu_threads=settings.cpu_threads,
    )
    product = Transcriber(settings.whisper_model, cpu_threads=settings.cpu_threads)
    # Warm both up (model load, first-call allocations) outside the timed runs.
    list(plain.transcribe(str(files[0]))[0])
    product.transcribe(files[0])

    audio = plain_seconds = product_seconds = 0.0
    references, plain_out, product_out = [], [], []
    by_speaker: dict[str, tuple[list[str], list[str]]] = {"agent": ([], []), "customer": ([], [])}
    for number, path in enumerate(files, start=1):
        reference = _reference(path)
        audio += reference["duration"]
        references.append(_text_in_time_order(reference["turns"]))

        started = time.perf_counter()
        segments, _info = plain.transcribe(str(path))
        plain_out.append(" ".join(s.text for s in segments))
        plain_seconds += time.perf_counter() - started

        started = time.perf_counter()
        transcript = product.transcribe(path)
        product_seconds += time.perf_counter() - started
        words = sorted((w.start, w.word) for s in transcript.segments for w in s.words)
        product_out.append("".join(word for _, word in words))
        for speaker, (said, heard) in by_speaker.items():
            said.append(
                _text_in_time_order([t for t in reference["turns"] if t["speaker"] == speaker])
            )
            heard.append(" ".join(s.text for s in transcript.segments if s.speaker == speaker))
        print(f"[{number}/{len(files)}] {path.name}", file=sys.stderr, flush=True)

    plain_speed, product_speed = audio / plain_seconds, audio / product_seconds
    print(
        f"\n{len(files)} demo calls, {audio / 60:.1f} min of audio, model {settings.whisper_model}"
    )
    rows = [
        ("plain faster-whisper (defaults)", plain_speed, _wer(references, plain_out)),
        ("Callcoach (per-channel VAD, batched)", product_speed, _wer(references, product_out)),
    ]
    print(f"{'pipeline':<42} {'audio s / wall s':>17} {'WER':>7}")
    for name, speed, wer in rows:
        print(f"{name:<42} {speed:>17.1f} {wer:>7.3f}")
    print(f"speed-up: {product_speed / plain_speed:.2f}x")
    for speaker, (said, heard) in by_speaker.items():
        print(f"Callcoach WER on {speaker} channel only: {_wer(said, heard):.3f}")


if __name__ == "__main__":
    main()
