"""Telephone-condition versions of the demo calls, for the transcription and speaker benches.

Real calls are not the clean 16 kHz demo set: they come through G.711 at 8 kHz, band-limited
to 300-3400 Hz, with noise or other people talking behind them, one side often much quieter,
and recorders that start the file on the first word. This script makes those conditions from
the demo calls (deterministically: fixed seeds), as G.711 mu-law WAV files the way many call
recorders store them:

    telephone        300-3400 Hz band-pass, 8 kHz, G.711 mu-law (every condition below too)
    noise-20/10/5    plus background noise (pink, like line hiss and room noise) at that SNR
    babble-20/10/5   plus babble (four other demo calls mixed, like an open-plan floor)
    quiet-customer   the customer's side 10 dB quieter
    early-start      the file starts 50 ms before the first word (no lead-in)

SNR is per channel, against that channel's active speech. The references are the demo calls'
own (`data/demo/references/`): conditions keep the words and their order; `early-start`
records how far it moved the call in `manifest.json`. Only this script and the references are
committed; the audio is made again in a second or two per call:

The demo calls are split for tuning and reporting: `dev` (even positions in name order: 0, 2,
4, ...) is where transcription and speaker settings are tuned; `test` (odd positions) is
held out, and the figures the README reports come from it.

    .venv/bin/python bench/telephone.py [--split dev|test|all] [--out data/bench/telephone]
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.signal import butter, resample_poly, sosfiltfilt

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
OUT = ROOT / "data" / "bench" / "telephone"
RATE = 8000
Channels = tuple[np.ndarray, np.ndarray]  # agent (left), customer (right), at 8 kHz

__all__ = ["CONDITIONS", "SPLITS", "build", "demo_calls", "read_condition", "split_calls"]

# Development calls (settings are tuned on them) and held-out test calls (figures reported).
SPLITS = ("dev", "test", "all")


def demo_calls() -> list[Path]:
    return sorted(p for p in (DEMO / "calls").iterdir() if p.suffix in {".opus", ".flac"})


def split_calls(split: str, limit: int | None = None) -> list[Path]:
    """The demo calls of one split (`dev`: even positions, `test`: odd, `all`), first `limit`."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
    calls = demo_calls()
    chosen = calls if split == "all" else calls[SPLITS.index(split) :: 2]
    return chosen[:limit] if limit else chosen


def _load(path: Path) -> Channels:
    from faster_whisper import decode_audio

    left, right = decode_audio(str(path), sampling_rate=16000, split_stereo=True)
    return resample_poly(left, 1, 2), resample_poly(right, 1, 2)


_BAND = butter(4, [300, 3400], btype="bandpass", fs=RATE, output="sos")


def _band_pass(audio: np.ndarray) -> np.ndarray:
    return sosfiltfilt(_BAND, audio)


def _speech_power(audio: np.ndarray) -> float:
    """Mean power of the active-speech frames (20 ms frames within 35 dB of the loudest)."""
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160)
    power = (frames**2).mean(axis=1)
    active = power[power > power.max() * 10 ** (-35 / 10)]
    return float(active.mean()) if len(active) else 0.0


def _at_snr(audio: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    speech = _speech_power(audio)
    if speech == 0:
        return audio
    scale = np.sqrt(speech / (np.mean(noise**2) * 10 ** (snr_db / 10)))
    return audio + noise[: len(audio)] * scale


def _pink(length: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(size=length))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    return np.fft.irfft(spectrum, length)


def _babble(length: int, others: list[Channels], rng: np.random.Generator) -> np.ndarray:
    mix = np.zeros(length)
    for left, right in others:
        voices = np.tile(left + right, int(np.ceil(length / len(left))) + 1)
        start = int(rng.integers(0, len(left)))
        mix += voices[start : start + length]
    return mix


def _noisy(kind: str, snr_db: float) -> Callable:
    def condition(call: Channels, others: list[Channels], rng: np.random.Generator) -> Channels:
        def noise() -> np.ndarray:
            if kind == "noise":
                return _pink(len(call[0]), rng)
            return _babble(len(call[0]), others, rng)

        return _at_snr(call[0], noise(), snr_db), _at_snr(call[1], noise(), snr_db)

    return condition


def _quiet_customer(call: Channels, _others, _rng) -> Channels:
    return call[0], call[1] * 10 ** (-10 / 20)


def _early_start(call: Channels, _others, _rng) -> Channels:
    loud = np.abs(call[0]) + np.abs(call[1])
    first = int(np.argmax(loud > loud.max() * 0.05))
    cut = max(first - int(0.05 * RATE), 0)
    return call[0][cut:], call[1][cut:]


# Each condition's change on top of the telephone line; None: the line alone.
CONDITIONS: dict[str, Callable | None] = {
    "telephone": None,
    "noise-20": _noisy("noise", 20),
    "noise-10": _noisy("noise", 10),
    "noise-5": _noisy("noise", 5),
    "babble-20": _noisy("babble", 20),
    "babble-10": _noisy("babble", 10),
    "babble-5": _noisy("babble", 5),
    "quiet-customer": _quiet_customer,
    "early-start": _early_start,
}


def _mu_law(audio: np.ndarray) -> bytes:
    """G.711 mu-law codes (ITU-T G.711, as call recorders write them) of float audio."""
    pcm = np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int32)
    sign = np.where(pcm < 0, 0x80, 0x00)
    magnitude = np.minimum(np.abs(pcm), 32635) + 0x84
    exponent = np.floor(np.log2(magnitude)).astype(np.int32) - 7
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def _write_mu_law_wav(path: Path, call: Channels) -> None:
    peak = max(np.abs(call[0]).max(), np.abs(call[1]).max(), 1e-9)
    scale = min(1.0, 0.95 / peak)  # noise may push peaks over full scale: level, never clip
    frames = np.stack([call[0] * scale, call[1] * scale], axis=1).reshape(-1)
    data = _mu_law(frames)
    fmt = struct.pack("<HHIIHHH", 7, 2, RATE, RATE * 2, 2, 8, 0)  # format 7: mu-law
    fact = struct.pack("<I", len(data) // 2)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<I", 4) + fact + b"data" + struct.pack("<I", len(data)) + data
    if len(data) % 2:
        body += b"\0"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def build(
    out: Path = OUT, *, calls: list[Path] | None = None, conditions=None
) -> dict[str, list[Path]]:
    """Write every condition of `calls` (default: every demo call) under `out/CONDITION/`;
    files already there are kept. A call's file does not depend on which others are built.
    Returns the files per condition."""
    calls = calls if calls is not None else demo_calls()
    names = conditions or list(CONDITIONS)
    made: dict[str, list[Path]] = {name: [] for name in names}
    loaded: dict[Path, Channels] = {}
    for number, path in enumerate(calls):
        todo = [n for n in names if not (out / n / f"{path.stem}.wav").is_file()]
        if todo:
            loaded.setdefault(path, _load(path))
        for name in names:
            target = out / name / f"{path.stem}.wav"
            made[name].append(target)
            if target.is_file():
                continue
            seed = demo_calls().index(path) * 100 + list(CONDITIONS).index(name)
            rng = np.random.default_rng(seed)
            line = tuple(_band_pass(channel) for channel in loaded[path])
            others = (
                [loaded.setdefault(p, _load(p)) for p in _others(path, calls)]
                if name.startswith("babble")
                else []
            )
            change = CONDITIONS[name]
            call = change(line, others, rng) if change else line
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_mu_law_wav(target, tuple(_band_pass(c) for c in call))
            shift = (len(line[0]) - len(call[0])) / RATE
            _record(out / name, path.stem, shift)
        print(f"[{number + 1}/{len(calls)}] {path.stem}", file=sys.stderr, flush=True)
    return made


def _others(path: Path, calls: list[Path]) -> list[Path]:
    pool = [p for p in demo_calls() if p != path]
    start = demo_calls().index(path)
    return [pool[(start + i) % len(pool)] for i in range(4)]


def _record(folder: Path, stem: str, shift: float) -> None:
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    manifest[stem] = {"source": f"{stem}.wav", "shift_seconds": round(shift, 3)}
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))


def read_condition(out: Path, name: str) -> dict[str, dict]:
    """The manifest of one built condition: per call, its file and how far it was moved."""
    return json.loads((out / name / "manifest.json").read_text())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="all", help="which demo calls")
    parser.add_argument("--limit", type=int, help="only the first N calls of the split")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where (default {OUT})")
    args = parser.parse_args(argv)
    made = build(args.out, calls=split_calls(args.split, args.limit))
    for name, files in made.items():
        print(f"{name}: {len(files)} calls in {args.out / name}")


if __name__ == "__main__":
    main()
