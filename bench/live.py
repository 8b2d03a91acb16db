"""Live transcription benchmark: commit lag of streaming Whisper, and its WER against the offline
transcript of the same calls.

Each demo call is played as a live call (`monitoring.sources.SimulatedCall`) through
`monitoring.streaming.StreamingTranscriber`; lag is the time from when a word's audio was played
to when the word was committed. The peer is Callcoach's offline pipeline (`qa.transcribe`, the
one every call goes through once it ends) on the same file in the same process. Both outputs are
PII-redacted, as stored, and scored with jiwer and Whisper's English normaliser against the
scripts the calls were synthesised from.

By default calls play on a virtual clock: audio is available as fast as it is taken and the
clock advances with the audio and with the time each decoding pass takes, which gives the lag a
real-time run would see without waiting for it. `--realtime` plays them at real-time pace.

    .venv/bin/python bench/live.py [--limit N] [--realtime] [--update S] [--beam N] [--turn-beam N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench.transcribe import DEMO, _reference, _text_in_time_order, _wer  # noqa: E402
from core.config import get_settings  # noqa: E402
from core.stats import percentile  # noqa: E402
from monitoring.sources import SimulatedCall  # noqa: E402
from monitoring.streaming import (  # noqa: E402
    CommittedSegment,
    StreamingOptions,
    StreamingTranscriber,
)
from qa.redact import redact_transcript  # noqa: E402
from qa.transcribe import Transcriber  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=6, help="the first N demo calls (6)")
    parser.add_argument("--realtime", action="store_true", help="play calls at real-time pace")
    parser.add_argument(
        "--update",
        type=float,
        help="seconds between decoding passes (default: LIVE_UPDATE_SECONDS)",
    )
    parser.add_argument(
        "--beam",
        type=int,
        default=StreamingOptions.beam_size,
        help="beam size of the passes within a turn (%(default)s; 1 = greedy)",
    )
    parser.add_argument(
        "--turn-beam",
        type=int,
        default=StreamingOptions.turn_end_beam_size,
        help="beam size of the pass that ends a turn (%(default)s)",
    )
    args = parser.parse_args()
    settings = get_settings()
    files = sorted(p for p in (DEMO / "calls").iterdir() if p.suffix in {".opus", ".flac"})
    files = files[: args.limit]
    # The app's and the CLI's pace (LIVE_UPDATE_SECONDS) unless --update says otherwise.
    options = StreamingOptions(
        update_seconds=args.update or settings.live_update_seconds,
        beam_size=args.beam,
        turn_end_beam_size=args.turn_beam,
    )
    live = StreamingTranscriber(
        settings.whisper_model, cpu_threads=settings.cpu_threads, options=options
    )
    offline = Transcriber(settings.whisper_model, cpu_threads=settings.cpu_threads)
    live.warm_up()
    offline.transcribe(files[0])

    references, live_out, offline_out, lags = [], [], [], []
    audio = live_seconds = offline_seconds = 0.0
    print(f"{'call':<36} {'min':>5} {'lag p50':>8} {'lag p95':>8}", file=sys.stderr)
    for path in files:
        reference = _reference(path)
        references.append(_text_in_time_order(reference["turns"]))
        source = SimulatedCall(path, speed=1.0 if args.realtime else None)
        audio += source.duration
        started = time.perf_counter()
        segments = [e for e in live.stream(source) if isinstance(e, CommittedSegment)]
        live_seconds += time.perf_counter() - started
        call_lags = [lag for s in segments for lag in s.lags]
        lags += call_lags
        words = sorted((w.start, w.word) for s in segments for w in s.words)
        live_out.append("".join(word for _, word in words))

        started = time.perf_counter()
        transcript = redact_transcript(offline.transcribe(path))
        offline_seconds += time.perf_counter() - started
        words = sorted((w.start, w.word) for s in transcript.segments for w in s.words)
        offline_out.append("".join(word for _, word in words))
        print(
            f"{path.stem:<36} {source.duration / 60:>5.1f} {statistics.median(call_lags):>7.2f}s "
            f"{percentile(call_lags, 0.95):>7.2f}s",
            file=sys.stderr,
            flush=True,
        )

    clock = "real-time pace" if args.realtime else "virtual clock"
    print(
        f"\n{len(files)} demo calls, {audio / 60:.1f} min of audio, "
        f"model {settings.whisper_model}, "
        f"{settings.cpu_threads} threads, {clock}; live: pass every {options.update_seconds:g} s, "
        f"beam {options.beam_size}, turn-end beam {options.turn_end_beam_size}"
    )
    live_wer, offline_wer = _wer(references, live_out), _wer(references, offline_out)
    print(f"{'transcript':<34} {'WER':>6} {'lag p50':>8} {'lag p95':>8} {'CPU s / audio s':>16}")
    print(
        f"{'live (streaming, committed)':<34} {live_wer:>6.3f} {statistics.median(lags):>7.2f}s "
        f"{percentile(lags, 0.95):>7.2f}s {live_seconds / audio:>16.2f}"
    )
    print(
        f"{'offline (after the call, beam 3)':<34} {offline_wer:>6.3f} {'-':>8} {'-':>8} "
        f"{offline_seconds / audio:>16.2f}"
    )
    print(f"WER gap: {100 * (live_wer - offline_wer):+.1f} points; words committed: {len(lags)}")


if __name__ == "__main__":
    main()
