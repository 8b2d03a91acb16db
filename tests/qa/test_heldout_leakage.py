"""No scorecard exemplar is copied from the held-out calls it is measured on.

Every example and counter-example phrase of every bundled scorecard is compared with every
sentence of the held-out part it is measured on: a call scorecard's, the calls of
tests/data/autoqa/test*.json and the demo references of the `test` split; a written
conversation scorecard's, tests/data/written/test.json and continuity_test.json (with the
customers' earlier conversations). A phrase leaks
when a held-out sentence is at least 85% similar to it as a whole
(rapidfuzz's normalised Indel similarity, so case, punctuation and a changed word or two do not
hide a copy), or, for phrases of five words or more, when it is at least 85% similar to some
stretch of a held-out line (a copy embedded in a longer turn).

Formulas of the trade are not copies, and the test does not count them:
- phrases of one to three words ("Okay.", "Thank you.", "Bye now.", "Calm down."): every call
  says them, and they carry no call's content;
- phrases that match in FORMULA_CALLS or more held-out calls. The held-out calls were written
  independently, by different authors who never saw the scorecard; when three of them say "Is
  there anything else I can help you with?" the scorecard saying it too is the trade's wording,
  not a line lifted from one call. A copied line matches the one call it came from.
"""

import re

import pytest
from rapidfuzz import fuzz

from bench.autoqa import LabelledCall, load_demo_references, load_labelled
from bench.written_qa import load_continuity, load_written
from core.models import Channel
from qa.scorecard import available_scorecards, load_scorecard

SIMILAR = 85
EMBEDDED_MIN_WORDS = 5
CHECKED_MIN_WORDS = 4
FORMULA_CALLS = 3


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def _phrases(written: bool) -> dict[str, str]:
    """Normalised phrase -> where it is (scorecard, criterion, group), of the bundled call
    scorecards or of the written-conversation ones."""
    phrases = {}
    for name in available_scorecards():
        scorecard = load_scorecard(name)
        if (Channel.CALL not in scorecard.channels) != written:
            continue
        for criterion in scorecard.criteria:
            for group_name, group in criterion.check.phrases.items():
                for phrase in (*group.examples, *group.counter_examples):
                    if len(phrase.split()) < CHECKED_MIN_WORDS:
                        continue
                    phrases[_normal(phrase)] = f"{name}/{criterion.id}/{group_name}: {phrase!r}"
    return phrases


def _held_out(written: bool) -> list:
    """What the scorecards are measured on: calls, or written conversations."""
    if written:
        later = load_continuity("test")
        earlier = [
            LabelledCall(f"{call.id} (earlier {i})", transcript, {})
            for call in later
            for i, transcript in enumerate(call.transcript.earlier, start=1)
        ]
        return load_written("test") + later + earlier
    return load_labelled("test") + load_demo_references("test")


def _held_out_lines(calls: list) -> list[tuple[str, str]]:
    return [(call.id, _normal(s.text)) for call in calls for s in call.transcript.segments]


def _sentences(line: str, original_split: re.Pattern = re.compile(r"(?<=[.?!])\s+")) -> list[str]:
    return [_normal(part) for part in original_split.split(line) if _normal(part)]


def test_the_held_out_part_is_there():
    calls = load_labelled("test")
    assert len(calls) >= 60
    assert not {c.id for c in calls} & {c.id for c in load_labelled("dev")}


@pytest.mark.parametrize("written", [False, True], ids=["calls", "written"])
def test_no_scorecard_phrase_is_copied_from_a_held_out_call(written):
    calls = _held_out(written)
    sentences = [
        (call.id, sentence)
        for call in calls
        for segment in call.transcript.segments
        for sentence in _sentences(segment.text)
    ]
    lines = _held_out_lines(calls)
    leaks = []
    for phrase, where in _phrases(written).items():
        found = {}
        for call_id, sentence in sentences:
            if fuzz.ratio(phrase, sentence) >= SIMILAR:
                found.setdefault(call_id, f"{sentence!r}")
        if len(phrase.split()) >= EMBEDDED_MIN_WORDS:
            for call_id, line in lines:
                if len(line) > len(phrase) and fuzz.partial_ratio(phrase, line) >= SIMILAR:
                    found.setdefault(call_id, f"inside {line!r}")
        if 0 < len(found) < FORMULA_CALLS:
            leaks += [f"{where} ~ {call_id}: {match}" for call_id, match in found.items()]
    assert not leaks, "\n".join(leaks)


def test_the_check_catches_a_copy():
    # The test above would pass on an empty phrase list or a broken comparison: it must not.
    phrase = next(p for p in _phrases(False) if len(p.split()) >= EMBEDDED_MIN_WORDS)
    assert fuzz.ratio(phrase, _normal(phrase.upper() + "!")) >= SIMILAR
    assert fuzz.partial_ratio(phrase, "well " + phrase + " and so on then") >= SIMILAR
