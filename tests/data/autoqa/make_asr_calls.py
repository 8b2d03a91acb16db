"""Build tests/data/autoqa/test_asr.json: hand-labelled calls as the product transcribes them.

The call scripts in tests/data/autoqa/asr_scripts/ were written by hand in the demo script format
of data/demo/generate.py, plus two fields of their own: `company` and `notes` (and, where reading
the transcript showed something worth saying, `asr_notes`). Their labels say what was *said* in
the call. Each call is

1. spoken with espeak-ng and laid out in stereo, agent left and customer right, by
   data/demo/generate.py (`generate_call`, the same code as the demo recordings);
2. put through a telephone line by bench/telephone.py: 300-3400 Hz, 8 kHz, G.711 mu-law, plus
   the call's condition, rotated over the calls in name order (telephone, noise-20, noise-10,
   babble-20, quiet-customer; the babble is four other calls of this set). Every third call
   (the 3rd, 6th, ...: 5 of 16) is then mixed down to one channel, so the product has to tell
   the speakers apart itself;
3. transcribed by the product's transcriber (qa.transcribe, Whisper `base` unless --model says
   otherwise) and redacted (qa.redact.redact_transcript), as an uploaded call is.

The output keeps the recognizer's segments as they came out, misheard and dropped words and
speaker guesses included, with the script's labels: a scorer is measured on what it makes of
real ASR output. The timing labels (dead_air, hold_etiquette, overtalk) and the recording
disclosure's time are checked against where the turns were placed, and the finished file is
validated (ids unique, segments sorted with end > start, exactly the 10 criteria, overtalk na
exactly on mono calls). A failed check is reported and the exit code is 1.

Run from the repository root (needs espeak-ng, sox and ffmpeg; about 10-15 minutes on 2 cores):

    HF_HUB_OFFLINE=1 .venv/bin/python tests/data/autoqa/make_asr_calls.py
    .venv/bin/python tests/data/autoqa/make_asr_calls.py --only h-c07-roadmile-damage-charge
    .venv/bin/python tests/data/autoqa/make_asr_calls.py --audio /tmp/asr-calls  # keep the audio

With --only, that call's entry in the output file is replaced and the others are kept. The audio
is deterministic (fixed seeds); the transcripts are too for one Whisper model and library version.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "data" / "demo"):  # the project, and generate.py (not a package)
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import generate  # noqa: E402  data/demo/generate.py

from bench import telephone  # noqa: E402

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "asr_scripts"
OUTPUT = HERE / "test_asr.json"

# Rotated over the calls in name order; every MONO_EVERY-th call is mixed down to mono.
CONDITION_CYCLE = ("telephone", "noise-20", "noise-10", "babble-20", "quiet-customer")
MONO_EVERY = 3
BABBLE_VOICES = 4  # other calls mixed into babble, as bench/telephone.py does

# The label definitions' timings (tests/data/README.md).
LONG_SILENCE = 10.0  # an agent-side silence longer than this is a hold or dead air
OVERTALK_TIMES = 2  # more overlaps than this fail
OVERTALK_SECONDS = 4.0  # or more overlap than this in total
DISCLOSURE_BY = 60.0  # the recording disclosure is due within the first minute

CRITERIA = generate.CRITERIA
Channels = telephone.Channels


def load_calls() -> list[tuple[generate.Script, dict]]:
    """Every script, parsed by generate.py (which checks the labels), with its raw YAML."""
    scripts = generate.load_scripts(SCRIPTS)
    raw = [yaml.safe_load((SCRIPTS / f"{s.id}.yaml").read_text("utf-8")) for s in scripts]
    for script, data in zip(scripts, raw, strict=True):
        for key in ("company", "notes"):
            if not str(data.get(key, "")).strip():
                raise generate.ScriptError(f"{script.id}: missing {key!r}")
    return list(zip(scripts, raw, strict=True))


def condition_of(position: int) -> tuple[str, bool]:
    """The telephone condition of the call at `position` (name order), and whether it is mono."""
    return CONDITION_CYCLE[position % len(CONDITION_CYCLE)], position % MONO_EVERY == MONO_EVERY - 1


class Synthesiser:
    """Renders calls with data/demo/generate.py into a work folder, each once."""

    def __init__(self, scripts: list[generate.Script], workdir: Path) -> None:
        self.scripts = scripts
        self.calls = workdir / "calls"
        self.references = workdir / "references"
        self.calls.mkdir(parents=True, exist_ok=True)
        self.references.mkdir(parents=True, exist_ok=True)
        self._audio: dict[str, Channels] = {}

    def audio(self, script: generate.Script) -> Channels:
        """The clean call as (agent, customer) at 8 kHz, read the way bench/telephone.py does."""
        if script.id not in self._audio:
            generate.generate_call(script, self.calls, self.references)
            self._audio[script.id] = telephone._load(self.calls / script.filename)
        return self._audio[script.id]

    def turns(self, script: generate.Script) -> list[dict]:
        """Where each turn was placed: speaker, start, end (seconds) and text."""
        self.audio(script)
        reference = json.loads((self.references / f"{script.id}.json").read_text("utf-8"))
        return reference["turns"]

    def babble_sources(self, position: int) -> list[Channels]:
        """The clean audio of the next calls in the set (wrapping round), for babble."""
        others = self.scripts[position + 1 :] + self.scripts[:position]
        return [self.audio(script) for script in others[:BABBLE_VOICES]]


def degrade(
    clean: Channels, condition: str, others: list[Channels], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The call through a telephone line in `condition`, as bench/telephone.py builds it."""
    rng = np.random.default_rng(seed)
    line = tuple(telephone._band_pass(channel) for channel in clean)
    change = telephone.CONDITIONS[condition]
    call = change(line, others, rng) if change else line
    return tuple(telephone._band_pass(channel) for channel in call)


def write_recording(call: Channels, mono: bool, target: Path) -> None:
    """A G.711 mu-law WAV file, as call recorders store them; `mono` mixes both sides into one
    channel after the line (sox averages the channels and encodes mu-law again)."""
    if not mono:
        telephone._write_mu_law_wav(target, call)
        return
    stereo = target.with_name(target.stem + "-stereo.wav")
    telephone._write_mu_law_wav(stereo, call)
    command = ["sox", "-R", str(stereo), "-e", "mu-law", str(target), "channels", "1"]
    subprocess.run(command, check=True, capture_output=True)
    stereo.unlink()


def timing_problems(turns: list[dict], labels: dict[str, str], mono: bool) -> list[str]:
    """Where the labels of timing disagree with where the turns were placed."""
    problems = []
    overlaps = []
    last_customer: dict | None = None
    for turn in turns:
        if turn["speaker"] == "customer":
            last_customer = turn
        elif last_customer and turn["start"] < last_customer["end"]:
            overlaps.append(min(last_customer["end"], turn["end"]) - turn["start"])
    if mono:
        if labels["overtalk"] != "na":
            problems.append("overtalk must be na on a mono call")
    else:
        expected = (
            "fail" if len(overlaps) > OVERTALK_TIMES or sum(overlaps) > OVERTALK_SECONDS else "pass"
        )
        if labels["overtalk"] != expected:
            problems.append(
                f"overtalk is {labels['overtalk']} but the agent cuts in {len(overlaps)} times "
                f"for {sum(overlaps):.1f} s"
            )
    # Silences of 10 s or more that end with the agent speaking (the customer is waiting on the
    # agent); one ending with the customer is the customer away, not the agent's silence.
    long_agent_silences = []
    spoken_until = 0.0
    for turn in turns:
        silence = turn["start"] - spoken_until
        if silence >= LONG_SILENCE and turn["speaker"] == "agent":
            long_agent_silences.append(silence)
        spoken_until = max(spoken_until, turn["end"])
    if not long_agent_silences and labels["hold_etiquette"] != "na":
        problems.append("hold_etiquette is not na but the agent is never silent for 10 s")
    if long_agent_silences and labels["hold_etiquette"] == "na":
        problems.append("hold_etiquette is na but the agent is silent for 10 s or more")
    if not long_agent_silences and labels["dead_air"] != "pass":
        problems.append("dead_air fails but the agent is never silent for 10 s")
    disclosed = [t["start"] for t in turns if t["speaker"] == "agent" and "record" in t["text"]]
    in_time = bool(disclosed) and disclosed[0] <= DISCLOSURE_BY
    if in_time != (labels["recording_disclosure"] == "pass"):
        when = f"at {disclosed[0]:.1f} s" if disclosed else "never"
        problems.append(f"recording_disclosure is {labels['recording_disclosure']}, said {when}")
    return problems


def labelled_call(
    script: generate.Script, raw: dict, transcript, condition: str, mono: bool
) -> dict:
    """One entry of the output file (tests/data/README.md format, plus style and condition)."""
    segments = []
    for segment in transcript.segments:
        item = {
            "start": segment.start,
            "end": segment.end,
            "speaker": str(segment.speaker),
            "text": segment.text,
        }
        if segment.unclear:
            item["unclear"] = True
        segments.append(item)
    notes = " ".join(str(raw[key]).strip() for key in ("notes", "asr_notes") if raw.get(key))
    return {
        "id": script.id,
        "company": raw["company"],
        "notes": notes,
        "channels": 1 if mono else 2,
        "style": ["asr", "mono"] if mono else ["asr"],
        "condition": condition,
        "duration": transcript.duration,
        "segments": segments,
        "labels": dict(script.labels),
    }


def validate(calls: list[dict]) -> list[str]:
    """What is wrong with the finished file, per tests/data/README.md; empty when it is right."""
    from qa.commands.score import parse_transcripts

    problems = []
    ids = [call["id"] for call in calls]
    if len(set(ids)) != len(ids):
        problems.append("ids are not unique")
    for call in calls:
        where = call["id"]
        segments = call["segments"]
        if not segments:
            problems.append(f"{where}: no segments")
        if any(s["end"] <= s["start"] for s in segments):
            problems.append(f"{where}: a segment does not end after it starts")
        starts = [s["start"] for s in segments]
        if starts != sorted(starts):
            problems.append(f"{where}: segments are not in time order")
        labels = call["labels"]
        if list(labels) != list(CRITERIA) or not set(labels.values()) <= {"pass", "fail", "na"}:
            problems.append(f"{where}: labels are not the 10 criteria with pass/fail/na")
        if (labels.get("overtalk") == "na") != (call["channels"] == 1):
            problems.append(f"{where}: overtalk must be na exactly when channels is 1")
    try:
        parse_transcripts(calls)  # the product reads it as `qa score` input
    except ValueError as exc:
        problems.append(f"the product cannot read the file: {exc}")
    return problems


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="ID", help="build only this call (script file stem)")
    parser.add_argument("--model", default="base", help="Whisper model (default: base)")
    parser.add_argument("--threads", type=int, default=2, help="Whisper CPU threads (default 2)")
    parser.add_argument("--audio", type=Path, help="keep the telephone recordings in this folder")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"output (default {OUTPUT})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    generate.require_tools()
    from qa.redact import redact_transcript
    from qa.transcribe import get_transcriber

    try:
        calls = load_calls()
    except generate.ScriptError as error:
        sys.exit(str(error))
    scripts = [script for script, _raw in calls]
    chosen = [n for n, script in enumerate(scripts) if args.only in (None, script.id)]
    if not chosen:
        sys.exit(f"no script with id {args.only!r}")
    transcriber = get_transcriber(args.model, args.threads)
    built: dict[str, dict] = {}
    problems: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="callcoach-asr-calls-") as tmp:
        synthesiser = Synthesiser(scripts, Path(tmp))
        audio_dir = args.audio or Path(tmp) / "telephone"
        audio_dir.mkdir(parents=True, exist_ok=True)
        for count, position in enumerate(chosen, 1):
            script, raw = calls[position]
            condition, mono = condition_of(position)
            clean = synthesiser.audio(script)
            others = synthesiser.babble_sources(position) if condition.startswith("babble") else []
            seed = position * 100 + list(telephone.CONDITIONS).index(condition)
            recording = audio_dir / f"{script.id}.wav"
            write_recording(degrade(clean, condition, others, seed), mono, recording)
            problems += [
                f"{script.id}: {problem}"
                for problem in timing_problems(synthesiser.turns(script), script.labels, mono)
            ]
            began = time.perf_counter()
            transcript = redact_transcript(transcriber.transcribe(recording))
            built[script.id] = labelled_call(script, raw, transcript, condition, mono)
            print(
                f"[{count}/{len(chosen)}] {script.id}: {condition}{', mono' if mono else ''}, "
                f"{transcript.duration:.0f} s, {len(transcript.segments)} segments, "
                f"transcribed in {time.perf_counter() - began:.0f} s",
                flush=True,
            )
    kept = json.loads(args.out.read_text("utf-8")) if args.only and args.out.is_file() else []
    merged = {call["id"]: call for call in kept} | built
    result = [merged[key] for key in sorted(merged)]
    problems += validate(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(result)} calls in {args.out} ({time.perf_counter() - started:.0f} s)")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
