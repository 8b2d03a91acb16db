"""`python -m monitoring live FILE --simulate`: follow a recording as a live call, printing text
as it is committed and flags as they fire."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from core.clock import clock
from core.config import ConfigError, get_settings
from core.stats import percentile
from monitoring.flags import FlagRules, LiveFlag, LiveFlagger
from monitoring.sources import SimulatedCall
from monitoring.streaming import CommittedSegment, StreamingOptions, StreamingTranscriber
from qa.audio import AudioError

__all__ = ["register", "summarise"]

_COLOURS = {"agent": "\033[34m", "customer": "\033[32m", "unknown": ""}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "live",
        help="follow a recording as a live call (streaming transcript and live flags)",
        description="Play a recording as if it were a live call and print each piece of text "
        "as it is committed (it never changes afterwards), and live flags as they fire. "
        "With --json: one JSON object per committed segment, then a summary line with the "
        "commit lag (time from when a word was played to when it was committed).",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--simulate",
        action="store_true",
        required=True,
        help="play FILE at real-time pace as a live call (the only source on the command line)",
    )
    parser.add_argument("--json", action="store_true", help="JSON Lines output")
    parser.add_argument("--agent-channel", type=int, choices=(0, 1))
    # Faster than real time, on a virtual clock (lag as a real-time run would see it); for
    # benchmarks and tests.
    parser.add_argument("--speed", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def summarise(segments: list[CommittedSegment], flags: list[LiveFlag]) -> dict:
    """The `--json` summary: lag percentiles over every committed word, segments and flags."""
    lags = [lag for segment in segments for lag in segment.lags]
    return {
        "summary": {
            "lag_p50": round(statistics.median(lags), 2) if lags else None,
            "lag_p95": round(percentile(lags, 0.95), 2) if lags else None,
            "words": len(lags),
            "segments": [s.to_dict() for s in segments],
            "flags": [f.to_dict() for f in flags],
        }
    }


def run(args: argparse.Namespace) -> int:
    try:
        settings = get_settings()
        source = SimulatedCall(
            args.file,
            agent_channel=settings.agent_channel
            if args.agent_channel is None
            else args.agent_channel,
            speed=args.speed if args.speed > 0 else None,
        )
    except (ConfigError, AudioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    transcriber = StreamingTranscriber(
        settings.live_whisper_model,
        cpu_threads=settings.cpu_threads,
        options=StreamingOptions(update_seconds=settings.live_update_seconds),
    )
    flagger = LiveFlagger(
        FlagRules(
            silence_threshold=settings.silence_threshold_seconds,
            keywords=settings.live_keyword_list,
        )
    )
    transcriber.warm_up()
    if not args.json:
        print(f"Live call from {args.file.name} ({source.duration:.0f} s)", file=sys.stderr)
    segments: list[CommittedSegment] = []
    colour = sys.stdout.isatty()
    try:
        for event in transcriber.stream(source):
            for flag in flagger.observe(event):
                if not args.json:
                    print(
                        f"[{clock(flag.raised_at, tenths=True)}] FLAG {flag.message} "
                        f"(at {clock(flag.at, tenths=True)})"
                    )
            if not isinstance(event, CommittedSegment):
                continue
            segments.append(event)
            if args.json:
                print(json.dumps(event.to_dict()), flush=True)
            else:
                start, end = (_COLOURS[event.speaker], "\033[0m") if colour else ("", "")
                print(
                    f"[{clock(event.committed_at, tenths=True)}] {start}{event.speaker:>8}{end} "
                    f"{clock(event.start, tenths=True)} {event.text}",
                    flush=True,
                )
    except KeyboardInterrupt:
        source.stop()
    summary = summarise(segments, flagger.flags)
    if args.json:
        print(json.dumps(summary))
    else:
        figures = summary["summary"]
        print(
            f"{len(segments)} segments, {figures['words']} words, {len(flagger.flags)} flags; "
            f"lag p50 {figures['lag_p50']} s, p95 {figures['lag_p95']} s"
        )
    return 0
