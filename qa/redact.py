"""PII redaction of transcripts: card numbers, security codes, bank details, national IDs, emails,
phone numbers and dates of birth become tags such as `[CARD]` before anything is stored.

Speech-to-text writes numbers either as digits ("4111 1111 ...") or as words ("four one one one,
one one ..."), so digit runs are read in both forms. Which tag a run gets depends on its length,
a Luhn check for cards, and the words just before it ("sort code", "date of birth", ...), which
may sit at the end of the previous turn ("What's your sort code?" / "Forty, twenty, fifteen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from qa.transcript import Transcript, TranscriptSegment, Word

__all__ = [
    "Redaction",
    "find_pii",
    "luhn_valid",
    "redact_segment",
    "redact_text",
    "redact_transcript",
]

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TENS = {
    "ten": "10",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
}
_TEENS = {
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_REPEAT = {"double": 2, "triple": 3}
_TOKEN = re.compile(r"\d+|[A-Za-z]+|\S")
_SEPARATORS = {",", "-", ".", "/"}

# Words that, shortly before a number, say what the number is.
_CONTEXT = [
    ("SORT_CODE", re.compile(r"\bsort\s*code\b", re.I)),
    (
        "SECURITY_CODE",
        re.compile(
            r"\b(security\s+code|cvv|cvc|pin|passcode|pass\s+code|digits\s+on\s+the\s+back)\b",
            re.I,
        ),
    ),
    (
        "NATIONAL_ID",
        re.compile(r"\b(national\s+insurance|social\s+security|ssn|id\s+number)\b", re.I),
    ),
    ("CARD", re.compile(r"\b(card\s+number|long\s+number\s+on)\b", re.I)),
    ("ACCOUNT", re.compile(r"\b(account\s+number|account\s+no|bank\s+account)\b", re.I)),
    (
        "PHONE",
        re.compile(r"\b(phone|mobile|telephone|landline|contact\s+number|call\s+me)\b", re.I),
    ),
]
_DOB_CONTEXT = re.compile(r"\b(date\s+of\s+birth|born\s+on|birthday|d\s*o\s*b)\b", re.I)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_YEAR = re.compile(
    r"\b(19|20)\d{2}\b|\b(nineteen|two\s+thousand(\s+and)?)(\s+[a-z]+){0,2}?\s+"
    r"(\w+ty(\s+\w+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b",
    re.I,
)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9]+((\s+(dot|underscore|dash)\s+|[._-])[a-z0-9]+)*\s+at\s+"
    r"[a-z0-9-]+((\s+dot\s+|\.)[a-z]{2,})+\b",
    re.I,
)
_NATIONAL_ID = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b|\b\d{3}-\d{2}-\d{4}\b")
_CONTEXT_WINDOW = 60  # characters before a number searched for context words


# One piece of PII found in a text: its kind and where it is.
@dataclass(frozen=True)
class Redaction:
    kind: str
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    """True when `digits` passes the Luhn check every payment card number passes."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _digit_runs(text: str) -> list[tuple[int, int, str]]:
    """Spans of text that read as one number, with its digits: "4111 1111", "oh seven double
    five", "forty, twenty, fifteen"."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    runs: list[tuple[int, int, str]] = []
    current: list[tuple[int, int, str]] = []  # (start, end, digits) of the run's tokens
    pending_repeat = 1

    def close() -> None:
        if current:
            digits = "".join(d for _, _, d in current)
            runs.append((current[0][0], current[-1][1], digits))
        current.clear()

    skip_next = False
    for index, (start, end, token) in enumerate(tokens):
        if skip_next:  # the unit already joined to the tens word before it
            skip_next = False
            current[-1] = (current[-1][0], end, current[-1][2])
            continue
        word = token.lower()
        following = [t for _, _, t in tokens[index + 1 : index + 3] if t not in _SEPARATORS]
        next_word = following[0].lower() if following else ""
        if token.isdigit():
            current.append((start, end, token * pending_repeat))
            pending_repeat = 1
        elif word in _REPEAT and (next_word in _DIGIT_WORDS or next_word.isdigit()):
            pending_repeat = _REPEAT[word]
            current.append((start, start, ""))
        elif word in _DIGIT_WORDS and (
            word not in {"oh", "o", "one"} or current or next_word in _DIGIT_WORDS
        ):
            current.append((start, end, _DIGIT_WORDS[word] * pending_repeat))
            pending_repeat = 1
        elif word in _TENS and (current or next_word in _DIGIT_WORDS | _TENS.keys()):
            # "forty one" is 41, "forty, twenty" is 40 20
            immediate = tokens[index + 1][2].lower() if index + 1 < len(tokens) else ""
            unit = _DIGIT_WORDS.get(immediate, "0") if immediate not in {"oh", "o"} else "0"
            current.append((start, end, _TENS[word][0] + unit if unit != "0" else _TENS[word]))
            if unit != "0":
                skip_next = True
        elif word in _TEENS and (current or next_word in _DIGIT_WORDS | _TEENS.keys()):
            current.append((start, end, _TEENS[word]))
        elif token in _SEPARATORS and current:
            continue
        else:
            close()
    close()
    return [(s, e, d) for s, e, d in runs if d]


def _context_kind(before: str) -> str | None:
    window = before[-_CONTEXT_WINDOW:]
    found = [(m.end(), kind) for kind, pattern in _CONTEXT for m in pattern.finditer(window)]
    return max(found)[1] if found else None


def _classify(digits: str, before: str) -> str | None:
    count = len(digits)
    kind = _context_kind(before)
    if 13 <= count <= 19 and luhn_valid(digits):
        return "CARD"
    if kind == "SECURITY_CODE" and 3 <= count <= 8:
        return "SECURITY_CODE"
    if kind == "SORT_CODE" and count == 6:
        return "SORT_CODE"
    if kind in {"ACCOUNT", "NATIONAL_ID", "CARD"} and count >= 4:
        return kind
    if kind == "PHONE" and count >= 7:
        return "PHONE"
    if 10 <= count <= 13 and (digits.startswith("0") or digits.startswith("44")):
        return "PHONE"
    if count >= 7:
        return "NUMBER"  # a long number of unknown kind is personal more often than not
    return None


_SPOKEN_DATE = re.compile(
    rf"(\b(the\s+)?(\d{{1,2}}(st|nd|rd|th)?|[a-z]+(st|nd|rd|th))\s+(of\s+)?)?\b({_MONTHS})\b"
    rf"(\s+\d{{1,2}}(st|nd|rd|th)?)?,?\s+((19|20)\d{{2}}|nineteen(\s+[a-z]+){{1,2}})",
    re.I,
)


def _date_of_birth_spans(text: str, context: str) -> list[Redaction]:
    spans = []
    if _DOB_CONTEXT.search(context[-_CONTEXT_WINDOW:]):
        # "What's your date of birth?" / "The 30th of June 1988."
        spans += [Redaction("DOB", m.start(), m.end()) for m in _SPOKEN_DATE.finditer(text)]
        spans += [Redaction("DOB", m.start(), m.end()) for m in _NUMERIC_DATE.finditer(text)]
    for context in _DOB_CONTEXT.finditer(text):
        tail = text[context.end() : context.end() + 80]
        end = None
        if year := _YEAR.search(tail):
            end = year.end()
        elif numeric := _NUMERIC_DATE.search(tail):
            end = numeric.end()
        if end is None:
            continue
        lead = re.match(r"\W*(is|was|it's|it is|of|:)?\W*", tail, re.I)
        start = context.end() + (lead.end() if lead else 0)
        spans.append(Redaction("DOB", start, context.end() + end))
    return spans


def _merge(spans: list[Redaction]) -> list[Redaction]:
    merged: list[Redaction] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Redaction(last.kind, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def find_pii(text: str, *, context: str = "") -> list[Redaction]:
    """Where PII sits in `text`; `context` is text said just before it (the previous turn)."""
    spans = _date_of_birth_spans(text, context)
    spans += [Redaction("EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    spans += [Redaction("EMAIL", m.start(), m.end()) for m in _SPOKEN_EMAIL.finditer(text)]
    spans += [Redaction("NATIONAL_ID", m.start(), m.end()) for m in _NATIONAL_ID.finditer(text)]
    for start, end, digits in _digit_runs(text):
        if kind := _classify(digits, context + " " + text[:start]):
            spans.append(Redaction(kind, start, end))
    return _merge(spans)


def redact_text(text: str, *, context: str = "") -> str:
    """`text` with every piece of PII replaced by its tag, e.g. "[CARD]"."""
    for span in reversed(find_pii(text, context=context)):
        text = f"{text[: span.start]}[{span.kind}]{text[span.end :]}"
    return text


def redact_segment(segment: TranscriptSegment, *, context: str = "") -> TranscriptSegment:
    """The segment with PII replaced in its text and its words; a redacted stretch of words
    becomes one word (the tag) spanning their times."""
    if not segment.words:
        return replace(segment, text=redact_text(segment.text, context=context))
    text = "".join(w.word for w in segment.words)
    spans = find_pii(text, context=context)
    if not spans:
        return replace(segment, text=redact_text(segment.text, context=context))
    words: list[Word] = []
    offset = 0
    span_index = 0
    tagged: set[int] = set()
    for word in segment.words:
        start, end = offset, offset + len(word.word)
        offset = end
        while span_index < len(spans) and spans[span_index].end <= start:
            span_index += 1
        span = spans[span_index] if span_index < len(spans) else None
        if span is None or end <= span.start:
            words.append(word)
        elif span_index in tagged:
            last = words[-1]
            words[-1] = replace(last, end=word.end)
        else:
            tagged.add(span_index)
            lead = " " if word.word.startswith(" ") else ""
            words.append(replace(word, word=f"{lead}[{span.kind}]", probability=1.0))
    return replace(segment, text="".join(w.word for w in words).strip(), words=tuple(words))


def redact_transcript(transcript: Transcript) -> Transcript:
    """Every segment redacted, each read with the previous segment as context."""
    redacted = []
    previous = ""
    for segment in transcript.segments:
        redacted.append(redact_segment(segment, context=previous))
        previous = segment.text
    return replace(transcript, segments=tuple(redacted))
