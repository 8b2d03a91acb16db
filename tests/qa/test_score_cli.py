"""`python -m qa score FILE [--scorecard NAME_OR_PATH]`: the JSON Lines contract and bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.__main__ import main
from tests.qa.conftest import DEFAULT_CRITERIA

ROOT = Path(__file__).resolve().parents[2]
CRITERIA = set(DEFAULT_CRITERIA)


def segment(start, end, speaker, text, **extra):
    return {"start": start, "end": end, "speaker": speaker, "text": text, **extra}


SHORT_CALL = [
    segment(0.5, 6.0, "agent", "Acme Water, Jordan speaking, calls are recorded. How can I help?"),
    segment(5.0, 9.0, "customer", "Hi, what time do you close today?"),
    segment(8.5, 12.0, "agent", "We close at six. Anything else I can help with?"),
    segment(12.5, 13.5, "customer", "No, thanks."),
    segment(14.0, 16.0, "agent", "Thanks for calling, bye."),
]


def run(tmp_path, capsys, content, *args):
    path = tmp_path / "input.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code = main(["score", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.model
def test_one_json_line_per_transcript_in_input_order(tmp_path, capsys, embedder):
    words = [{"start": 0.5, "end": 1.0, "word": " Acme"}]
    transcripts = [
        {"id": "first", "segments": SHORT_CALL, "notes": "extra keys are ignored"},
        {"source": "calls/second.flac", "channels": 1, "segments": SHORT_CALL[:1]},
        {"segments": [segment(0.0, 1.0, "agent", "Acme", words=words)]},
    ]
    code, out, err = run(tmp_path, capsys, transcripts)
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["first", "calls/second.flac", None]
    for line in lines:
        assert set(line) == {"id", "score", "auto_fail", "criteria"}
        assert isinstance(line["score"], float) and 0.0 <= line["score"] <= 100.0
        assert isinstance(line["auto_fail"], bool)
        assert set(line["criteria"]) == CRITERIA
        for result in line["criteria"].values():
            assert set(result) == {"result", "confidence", "evidence"}
            assert result["result"] in {"pass", "fail", "na"}
            assert 0.0 <= result["confidence"] <= 1.0
            for item in result["evidence"]:
                assert set(item) == {"start", "end", "speaker", "text"}
    first = lines[0]["criteria"]
    assert first["recording_disclosure"]["evidence"][0]["text"] == SHORT_CALL[0]["text"]
    # Both speakers without `channels`: stereo is inferred, so overlaps count; mono: na.
    assert first["overtalk"]["result"] == "pass"
    assert lines[1]["criteria"]["overtalk"]["result"] == "na"


@pytest.mark.model
def test_a_single_object_and_a_scorecard_file_are_accepted(tmp_path, capsys, embedder):
    card = (ROOT / "qa" / "scorecards" / "default.yaml").read_text()
    custom = tmp_path / "team.yaml"
    custom.write_text(card.replace("name: default", "name: team"))
    code, out, _ = run(
        tmp_path, capsys, {"id": 7, "segments": SHORT_CALL}, "--scorecard", str(custom)
    )
    assert code == 0
    (line,) = out.splitlines()
    assert json.loads(line)["id"] == "7"


@pytest.mark.model
def test_unknown_speakers_mean_a_mono_call(tmp_path, capsys, embedder):
    segments = [dict(s, speaker="unknown") for s in SHORT_CALL]
    code, out, _ = run(tmp_path, capsys, {"segments": segments})
    assert code == 0
    assert json.loads(out)["criteria"]["overtalk"]["result"] == "na"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ({"id": "x"}, "transcript 1 has no 'segments'"),
        ([{"segments": SHORT_CALL}, {"segments": "none"}], "transcript 2.segments must be a list"),
        ({"segments": [{"start": 0, "end": 1}]}, "segments[0] is missing 'text'"),
        ({"segments": [segment("0", 1, "agent", "hi")]}, "segments[0].start must be a number"),
        ({"segments": [segment(True, 1, "agent", "hi")]}, "segments[0].start must be a number"),
        ({"segments": [segment(2, 1, "agent", "hi")]}, "ends (1.0) before it starts"),
        ({"segments": [segment(0, 1, "bot", "hi")]}, "speaker must be one of agent, customer"),
        ({"segments": [segment(0, 1, "agent", 42)]}, "segments[0].text must be a string"),
        ({"segments": [segment(0, 1, "agent", "hi", words=[{"word": 1}])]}, "words[0]"),
        ({"channels": 3, "segments": SHORT_CALL}, "channels must be 1 or 2"),
        ("[]", "empty list"),
        ("42", "transcript 1 must be an object"),
        ('{"segments": [{"start": NaN, "end": 1, "text": "x"}]}', "must be a number"),
    ],
)
def test_malformed_input_is_one_line_on_stderr_and_exit_code_2(tmp_path, capsys, content, message):
    code, out, err = run(tmp_path, capsys, content)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def test_a_file_that_is_not_text_is_named_as_not_a_transcript(tmp_path, capsys):
    recording = tmp_path / "call.opus"
    recording.write_bytes(b"OggS\x00\x02" + bytes(range(128, 256)) * 4)
    assert main(["score", str(recording)]) == 2
    err = capsys.readouterr().err
    assert "is not a transcript JSON file" in err and "codec" not in err


def test_an_unknown_scorecard_or_missing_file_exits_with_code_2(tmp_path, capsys):
    code, _, err = run(tmp_path, capsys, {"segments": SHORT_CALL}, "--scorecard", "nope")
    assert code == 2
    assert "unknown scorecard 'nope'" in err
    assert main(["score", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_malformed_scorecard_file_names_field_and_line(tmp_path, capsys):
    card = tmp_path / "bad.yaml"
    card.write_text("name: bad\nversion: 1\ncriteria:\n  - id: x\n    weight: lots\n")
    code, _, err = run(tmp_path, capsys, {"segments": SHORT_CALL}, "--scorecard", str(card))
    assert code == 2
    assert "bad.yaml line 4" in err and "criteria[0].title is missing" in err


def test_the_command_line_gives_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"segments": [{"start": "soon"}]}')
    done = subprocess.run(
        [sys.executable, "-m", "qa", "score", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")
