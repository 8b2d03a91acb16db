"""`python -m qa redact FILE [--json]`: redacted transcripts as JSON Lines, same shape as given."""

import json

import pytest

from qa.__main__ import main


def segment(start, end, speaker, text, **extra):
    return {"start": start, "end": end, "speaker": speaker, "text": text, **extra}


def run(tmp_path, capsys, content, *args):
    path = tmp_path / "input.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code = main(["redact", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_each_transcript_comes_back_redacted_in_input_order_with_its_other_fields(tmp_path, capsys):
    words = [
        {"start": 2.0, "end": 2.4, "word": " It's", "probability": 0.9},
        {"start": 2.4, "end": 2.9, "word": " B", "probability": 0.8},
        {"start": 2.9, "end": 3.2, "word": " S", "probability": 0.8},
        {"start": 3.2, "end": 3.6, "word": " one,", "probability": 0.8},
        {"start": 3.6, "end": 4.0, "word": " four", "probability": 0.8},
        {"start": 4.0, "end": 4.3, "word": " D", "probability": 0.8},
        {"start": 4.3, "end": 4.6, "word": " J.", "probability": 0.8},
    ]
    transcripts = [
        {
            "id": "first",
            "team": "north",
            "segments": [
                segment(0, 2, "agent", "And the postcode, please?"),
                segment(2, 4.6, "customer", "It's B S one, four D J.", words=words),
            ],
        },
        {"segments": [segment(0, 3, "unknown", "My date on birth is the 14th of March 1982.")]},
    ]
    code, out, err = run(tmp_path, capsys, transcripts, "--json")
    assert (code, err) == (0, "")
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["id"], first["team"]) == ("first", "north")
    answer = first["segments"][1]
    assert answer["text"] == "It's [POSTCODE]."
    assert [w["word"] for w in answer["words"]] == [" It's", " [POSTCODE]."]
    assert (answer["words"][1]["start"], answer["words"][1]["end"]) == (2.4, 4.6)
    assert first["redactions"] == {"POSTCODE": 1}
    assert second["segments"][0]["text"] == "My date on birth is [DOB]."
    assert "words" not in second["segments"][0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"segments": 3}', "transcript 1.segments must be a list"),
        ("[]", "the file holds an empty list"),
        ('[{"segments": [{"start": 0, "end": 1}]}]', "is missing 'text'"),
    ],
)
def test_malformed_input_gives_one_line_and_exit_code_2(tmp_path, capsys, content, message):
    code, out, err = run(tmp_path, capsys, content, "--json")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1 and message in err
