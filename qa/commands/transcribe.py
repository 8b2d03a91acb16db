"""`python -m qa transcribe FILE...`: print speaker-attributed transcripts with speech metrics."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from core.config import ConfigError, get_settings
from qa.audio import AudioError
from qa.metrics import compute_metrics
from qa.redact import redact_transcript
from qa.transcribe import TranscribeOptions, get_transcriber

__all__ = ["register"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "transcribe",
        help="transcribe recordings (JSON Lines with --json)",
        description="Transcribe recordings into agent/customer segments with word timings.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true", help="one JSON object per file and line")
    parser.add_argument(
        "--agent-channel", type=int, choices=(0, 1), help="stereo channel of the agent"
    )
    parser.add_argument(
        "--no-redact", action="store_true", help="keep PII (for evaluation on test audio only)"
    )
    parser.set_defaults(run=run)


def _print_readable(transcript, metrics) -> None:
    print(f"== {transcript.source} ({transcript.duration:.0f} s, {transcript.channels} ch)")
    for s in transcript.segments:
        print(f"[{s.start:7.2f}-{s.end:7.2f}] {s.speaker:>8}: {s.text}")
    ratio = metrics.talk_to_listen_ratio
    overtalk = metrics.overtalk_count
    print(
        f"   talk-to-listen {'-' if ratio is None else f'{ratio:.2f}'}",
        f"| silence {metrics.silence_seconds:.0f} s",
        f"(longest {metrics.longest_silence_seconds:.0f} s)",
        f"| overtalk {'-' if overtalk is None else overtalk}",
    )


def run(args: argparse.Namespace) -> int:
    try:
        settings = get_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    agent_channel = settings.agent_channel if args.agent_channel is None else args.agent_channel
    transcriber = get_transcriber(
        settings.whisper_model, settings.cpu_threads, TranscribeOptions.from_settings(settings)
    )
    failures = 0
    for path in args.files:
        try:
            transcript = transcriber.transcribe(path, agent_channel=agent_channel)
        except AudioError as exc:
            failures += 1
            if args.json:
                print(json.dumps({"source": str(path), "error": str(exc)}), flush=True)
            print(f"error: {path}: {exc}", file=sys.stderr)
            continue
        if not args.no_redact:
            transcript = redact_transcript(transcript)
        transcript = replace(transcript, source=str(path))
        metrics = compute_metrics(transcript, silence_threshold=settings.silence_threshold_seconds)
        if args.json:
            print(json.dumps(transcript.to_dict() | {"metrics": metrics.to_dict()}), flush=True)
        else:
            _print_readable(transcript, metrics)
    return 1 if failures else 0
