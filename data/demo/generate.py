"""Generate the Callcoach demo call recordings from the dialogue scripts in data/demo/scripts/.

Each ``scripts/NN-slug.yaml`` describes one Northwind Energy support call: agent, voices,
sample rate, expected QA labels and the turns with the gaps between them. Every turn is spoken
with espeak-ng and placed on a timeline; the agent goes on the left channel (0) and the customer
on the right channel (1). Very quiet noise is added so silence is never digital zero, 8 kHz calls
are band-limited to the telephone band (300-3400 Hz) and saved as FLAC, and 16 kHz calls are
saved as Ogg Opus.

Outputs, written next to the output directory (by default under data/demo/):
    calls/ID.opus or calls/ID.flac   the stereo recordings
    calls.csv                        filename,agent_email,started_at,csat for every script
    references/ID.json               placed turn times and text (ground truth) plus the labels

Re-make the set (needs espeak-ng, sox, ffmpeg with libopus, and PyYAML from requirements.txt):
    apt-get install -y espeak-ng sox libsox-fmt-all ffmpeg
    python data/demo/generate.py                              # every call
    python data/demo/generate.py --only 03-amara-moving-home  # one call

The timeline is deterministic: the same scripts give the same turn times. Encoded bytes may
differ between encoder versions.
"""

from __future__ import annotations

import argparse
import array
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("PyYAML is required: pip install -r requirements.txt")

DEMO_DIR = Path(__file__).resolve().parent
SCRIPTS_DIR = DEMO_DIR / "scripts"
DEFAULT_OUT = DEMO_DIR / "calls"

TOOLS = ("espeak-ng", "sox", "ffmpeg")
SPEAKERS = ("agent", "customer")  # position = output channel
WORDS_PER_MINUTE = {"agent": 165, "customer": 160}
EXTENSIONS = {16000: ".opus", 8000: ".flac"}
CRITERIA = (
    "greeting",
    "recording_disclosure",
    "verification",
    "empathy",
    "hold_etiquette",
    "resolution",
    "closing",
    "professionalism",
    "dead_air",
    "overtalk",
)
LABEL_VALUES = ("pass", "fail", "na")
REQUIRED_KEYS = (
    "id",
    "agent_email",
    "agent_voice",
    "customer_voice",
    "sample_rate",
    "started_at",
    "csat",
    "labels",
    "turns",
)

TURN_VOLUME = 0.7  # headroom so resampling and mixing never clip
NOISE_VOLUME = 0.0003  # peak of the background noise: about -70 dBFS (keeps FLAC small)
SILENCE_THRESHOLD = 100  # int16 amplitude under which espeak output counts as silence
TAIL_SECONDS = 0.6  # silence after the last turn
TELEPHONE_BAND = "300-3400"
OPUS_BITRATE = "28k"  # below ~28k libopus joint stereo leaks one speaker into the other channel


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    gap: float


@dataclass(frozen=True)
class Hold:
    seconds: float


@dataclass(frozen=True)
class Script:
    id: str
    agent_email: str
    voices: dict[str, str]
    sample_rate: int
    started_at: str
    csat: int
    labels: dict[str, str]
    steps: list[Turn | Hold]

    @property
    def filename(self) -> str:
        return self.id + EXTENSIONS[self.sample_rate]


@dataclass(frozen=True)
class PlacedTurn:
    speaker: str
    text: str
    start: int  # first sample
    samples: array.array

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


class ScriptError(ValueError):
    """A call script is malformed."""


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        sys.exit(
            f"missing tools: {', '.join(missing)}. "
            "Install with: apt-get install -y espeak-ng sox libsox-fmt-all ffmpeg"
        )


def run(command: list[str]) -> bytes:
    """Run a command and return its stdout; raise with its stderr when it fails."""
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{command[0]} failed ({result.returncode}): {stderr}")
    return result.stdout


def parse_step(raw: dict, where: str) -> Turn | Hold:
    if "hold" in raw:
        seconds = float(raw["hold"])
        if seconds <= 0:
            raise ScriptError(f"{where}: hold must be positive")
        return Hold(seconds)
    speaker = raw.get("speaker")
    if speaker not in SPEAKERS:
        raise ScriptError(f"{where}: speaker must be one of {SPEAKERS}, got {speaker!r}")
    text = str(raw.get("text", "")).strip()
    if not text:
        raise ScriptError(f"{where}: empty text")
    return Turn(speaker, text, float(raw.get("gap", 0.5)))


def parse_labels(raw: dict, where: str) -> dict[str, str]:
    if set(raw) != set(CRITERIA):
        raise ScriptError(f"{where}: labels must be exactly {', '.join(CRITERIA)}")
    bad = {key: value for key, value in raw.items() if value not in LABEL_VALUES}
    if bad:
        raise ScriptError(f"{where}: label values must be pass, fail or na: {bad}")
    return {key: raw[key] for key in CRITERIA}


def format_started_at(value: datetime | str) -> str:
    # PyYAML reads an unquoted 2026-10-05T09:14:00 as a datetime.
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    datetime.fromisoformat(text)  # raises ValueError when malformed
    return text


def load_script(path: Path) -> Script:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = path.name
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise ScriptError(f"{where}: missing keys: {', '.join(missing)}")
    if raw["id"] != path.stem:
        raise ScriptError(f"{where}: id must equal the file stem {path.stem!r}")
    sample_rate = int(raw["sample_rate"])
    if sample_rate not in EXTENSIONS:
        raise ScriptError(f"{where}: sample_rate must be one of {sorted(EXTENSIONS)}")
    steps = [parse_step(step, f"{where} step {n}") for n, step in enumerate(raw["turns"], 1)]
    return Script(
        id=raw["id"],
        agent_email=raw["agent_email"],
        voices={"agent": raw["agent_voice"], "customer": raw["customer_voice"]},
        sample_rate=sample_rate,
        started_at=format_started_at(raw["started_at"]),
        csat=int(raw["csat"]),
        labels=parse_labels(raw["labels"], where),
        steps=steps,
    )


def load_scripts(directory: Path) -> list[Script]:
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        sys.exit(f"no scripts found in {directory}")
    return [load_script(path) for path in paths]


def trim_silence(samples: array.array) -> array.array:
    """Drop espeak-ng's leading and trailing silence so turn times mark real speech."""
    loud = [i for i, value in enumerate(samples) if abs(value) > SILENCE_THRESHOLD]
    if not loud:
        raise RuntimeError("espeak-ng produced no audible speech")
    return samples[loud[0] : loud[-1] + 1]


def synthesise(text: str, voice: str, speaker: str, sample_rate: int, workdir: Path) -> array.array:
    """Speak one turn; return mono int16 samples at the call's sample rate."""
    wav = workdir / "turn.wav"
    wpm = str(WORDS_PER_MINUTE[speaker])
    run(["espeak-ng", "-v", voice, "-s", wpm, "-w", str(wav), text])
    raw = run(
        ["sox", "-R", str(wav), "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1"]
        + ["-r", str(sample_rate), "-", "vol", str(TURN_VOLUME)]
    )
    samples = array.array("h")
    samples.frombytes(raw)
    return trim_silence(samples)


def place_turns(script: Script, workdir: Path) -> list[PlacedTurn]:
    """Synthesise every turn and give it a start sample according to the gaps and holds."""
    rate = script.sample_rate
    cursor = 0  # end of the previous turn or hold, in samples
    channel_end = dict.fromkeys(SPEAKERS, 0)
    placed: list[PlacedTurn] = []
    for number, step in enumerate(script.steps, 1):
        if isinstance(step, Hold):
            cursor += round(step.seconds * rate)
            continue
        start = cursor + round(step.gap * rate)
        if start < channel_end[step.speaker] or start < 0:
            raise ScriptError(f"{script.id} step {number}: overlaps the same speaker's turn")
        voice = script.voices[step.speaker]
        samples = synthesise(step.text, voice, step.speaker, rate, workdir)
        turn = PlacedTurn(step.speaker, step.text, start, samples)
        placed.append(turn)
        channel_end[step.speaker] = turn.end
        cursor = turn.end
    return placed


def write_stereo_wav(turns: list[PlacedTurn], frames: int, rate: int, path: Path) -> None:
    channels = [array.array("h", bytes(2 * frames)) for _ in SPEAKERS]
    for turn in turns:
        channels[SPEAKERS.index(turn.speaker)][turn.start : turn.end] = turn.samples
    interleaved = array.array("h", bytes(4 * frames))
    for index, channel in enumerate(channels):
        interleaved[index :: len(SPEAKERS)] = channel
    with wave.open(str(path), "wb") as out:
        out.setnchannels(len(SPEAKERS))
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(interleaved.tobytes())


def add_noise_and_encode(speech: Path, frames: int, rate: int, target: Path) -> None:
    """Mix in quiet noise, band-limit 8 kHz calls and encode to FLAC or Opus."""
    workdir = speech.parent
    noise = workdir / "noise.wav"
    run(
        ["sox", "-R", "-r", str(rate), "-c", "2", "-n", "-b", "16", str(noise)]
        + ["synth", f"{frames}s", "whitenoise", "vol", str(NOISE_VOLUME)]
    )
    mix = ["sox", "-R", "-m", "-v", "1", str(speech), "-v", "1", str(noise)]
    if target.suffix == ".flac":
        run(mix + ["-C", "8", str(target), "sinc", TELEPHONE_BAND])
        return
    mixed = workdir / "mixed.wav"
    run(mix + [str(mixed)])
    run(
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(mixed), "-c:a", "libopus"]
        + ["-b:a", OPUS_BITRATE, "-frame_duration", "60", "-application", "voip"]
        + ["-map_metadata", "-1"]
        + ["-fflags", "+bitexact", "-flags:a", "+bitexact", str(target)]
    )


def reference(script: Script, turns: list[PlacedTurn], frames: int) -> dict:
    rate = script.sample_rate
    return {
        "id": script.id,
        "source": script.filename,
        "duration": round(frames / rate, 3),
        "turns": [
            {
                "speaker": turn.speaker,
                "start": round(turn.start / rate, 3),
                "end": round(turn.end / rate, 3),
                "text": turn.text,
            }
            for turn in turns
        ],
        "labels": script.labels,
    }


def generate_call(script: Script, out_dir: Path, references_dir: Path) -> float:
    """Render one call and its reference; return its duration in seconds."""
    for extension in EXTENSIONS.values():
        (out_dir / (script.id + extension)).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="callcoach-demo-") as tmp:
        workdir = Path(tmp)
        turns = place_turns(script, workdir)
        frames = max(turn.end for turn in turns) + round(TAIL_SECONDS * script.sample_rate)
        speech = workdir / "speech.wav"
        write_stereo_wav(turns, frames, script.sample_rate, speech)
        add_noise_and_encode(speech, frames, script.sample_rate, out_dir / script.filename)
    ref = reference(script, turns, frames)
    path = references_dir / f"{script.id}.json"
    path.write_text(json.dumps(ref, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return ref["duration"]


def write_calls_csv(scripts: list[Script], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["filename", "agent_email", "started_at", "csat"])
        for script in scripts:
            writer.writerow([script.filename, script.agent_email, script.started_at, script.csat])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="ID", help="generate only this call (script file stem)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="directory for the recordings; calls.csv and references/ go next to it",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    require_tools()
    try:
        scripts = load_scripts(SCRIPTS_DIR)
    except ScriptError as error:
        sys.exit(str(error))
    selected = [script for script in scripts if args.only in (None, script.id)]
    if not selected:
        sys.exit(f"no script with id {args.only!r}")
    out_dir = args.out.resolve()
    references_dir = out_dir.parent / "references"
    out_dir.mkdir(parents=True, exist_ok=True)
    references_dir.mkdir(parents=True, exist_ok=True)
    for number, script in enumerate(selected, 1):
        try:
            duration = generate_call(script, out_dir, references_dir)
        except (ScriptError, RuntimeError) as error:
            sys.exit(f"{script.id}: {error}")
        print(
            f"[{number}/{len(selected)}] {script.id}: {duration:.1f} s at "
            f"{script.sample_rate} Hz -> {out_dir.name}/{script.filename}",
            flush=True,
        )
    write_calls_csv(scripts, out_dir.parent / "calls.csv")


if __name__ == "__main__":
    main()
