"""Reading what people say on the phone the way a speech recognizer writes it: numbers and codes
given digit by digit, in words, in pairs or spelled letter by letter ("oh seven double five",
"forty, twenty, fifteen", "B S one, four D J", "S for sugar"), dates in their many spoken
shapes ("the fourteenth of March, nineteen eighty-two", "12/03/82", "fifth of May '93"), and
cue phrases heard wrong ("date on birth", "a count number").

Used by `qa.redact`; nothing here knows what is personal, only what was said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = [
    "CodeRun",
    "CueFinder",
    "sound_key",
    "SpokenDate",
    "code_runs",
    "lone_years",
    "spoken_dates",
]

DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "nil": "0",
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
TENS = {
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
TEENS = {
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
# "S for sugar", "B as in bravo": the letter is the one before, the word after only confirms it.
_SPELLING_LINKS = {"for", "as"}
_TOKEN = re.compile(r"[A-Za-z]+'[A-Za-z]+|[A-Za-z0-9]+|\S")
# Numbers with a unit or an ordinal ending are not codes: "14th", "2pm", "50GB", "10k".
_MEASURE = re.compile(
    r"^(?:\d*(?:1st|2nd|3rd)|\d+th|\d+(?:am|pm|gb|mb|kb|tb|kg|km|k|p|s|x|mins?|hrs?))$", re.I
)
_SEPARATORS = {",", "-", ".", "/", "…"}
# Single letters that are words too: only part of a spelled run between other run tokens.
_WORD_LETTERS = {"a", "i", "o"}


@dataclass(frozen=True)
class CodeRun:
    """A stretch of text that reads as one number or code: where it is and its characters
    (digits and upper-case letters), e.g. "B S one, four D J" -> "BS14DJ"."""

    start: int
    end: int
    chars: str

    @property
    def digits(self) -> int:
        return sum(c.isdigit() for c in self.chars)

    @property
    def letters(self) -> int:
        return sum(c.isalpha() for c in self.chars)


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _is_letter(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


def _mixed(token: str) -> bool:
    """A token of letters and digits together: "BS1", "4DJ", "QX44"."""
    return (
        token.isalnum()
        and any(c.isdigit() for c in token)
        and any(c.isalpha() for c in token)
        and not _MEASURE.match(token)
    )


# Radio alphabet words say a letter: "Bravo, Tango, 4, 9".
_NATO = {
    word: word[0].upper()
    for word in (
        "alpha alfa bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo lima "
        "mike november oscar papa quebec romeo sierra tango uniform victor whiskey whisky xray "
        "x-ray yankee zulu"
    ).split()
}
# Words said inside a number or code that are not part of it: "4487, um, 5749, hang on, 1186",
# "7 7 8 2 dash 0 1", "oh one slash two six"; "plus" before a country code.
_FILLERS = {
    "um",
    "umm",
    "uh",
    "er",
    "erm",
    "hmm",
    "ah",
    "dash",
    "hyphen",
    "slash",
    "space",
    "then",
    "sorry",
    "hang",
    "on",
    "plus",
    "no",
    "actually",
    "wait",
    "apostrophe",
    "comma",
}
# Capitals that are words or name a number, not pieces of a code.
_NOT_CODES = {"I", "A", "OK", "AM", "PM", "PIN", "CVV", "CVC", "SSN", "DOB", "ID", "ATM", "SMS"}


def _piece(token: str) -> bool:
    """Whether a token can be part of a number or code."""
    low = token.lower()
    return (
        token.isdigit()
        or _mixed(token)
        or (_is_letter(token) and token.isupper())
        or (token.isalpha() and token.isupper() and len(token) <= 3 and token not in _NOT_CODES)
        or low in DIGIT_WORDS
        or low in _REPEAT
        or low in TENS
        or low in TEENS
        or (low in _NATO and token[:1].isupper())
    )


def _link_end(tokens: list[tuple[int, int, str]], index: int) -> int | None:
    """For a letter said with its confirming word ("S for sugar", "B as in bravo"), the index
    of that word."""
    letter = tokens[index][2].lower()
    words = [t.lower() for _, _, t in tokens[index + 1 : index + 4]]
    if len(words) >= 2 and words[0] in _SPELLING_LINKS and words[1][:1] == letter:
        if words[1] not in DIGIT_WORDS:  # "A for one" is not spelling
            return index + 2
    if len(words) >= 3 and words[:2] == ["as", "in"] and words[2][:1] == letter:
        return index + 3
    return None


class _Run:
    """The number or code being read: its pieces and what is pending ("double", "hundred")."""

    def __init__(self) -> None:
        self.pieces: list[list] = []  # [start, end, characters]
        self.spelled = False  # a letter came with its confirming word
        self.repeat = 1
        self.hundred: int | None = None  # index of the piece that stands for "hundred"

    def add(self, start: int, end: int, chars: str, *, number: bool = False) -> None:
        if self.hundred is not None and number and len(chars) <= 2:
            self.pieces[self.hundred][2] += chars.zfill(2)  # "six hundred and twelve": 612
            self.pieces[self.hundred][1] = end
            self.hundred = None
            return
        self.settle()
        self.pieces.append([start, end, chars * self.repeat])
        self.repeat = 1

    def settle(self) -> None:
        if self.hundred is not None:
            self.pieces[self.hundred][2] += "00"
            self.hundred = None

    def last_is_letter(self) -> bool:
        return bool(self.pieces) and self.pieces[-1][2][-1:].isalpha()


def code_runs(text: str) -> list[CodeRun]:
    """Every stretch of `text` that reads as one number or code, in order."""
    tokens = _tokens(text)
    runs: list[CodeRun] = []
    run = _Run()

    def close() -> None:
        nonlocal run
        run.settle()
        chars = "".join(c for _, _, c in run.pieces)
        lone_letter = len(chars) == 1 and chars.isalpha() and not run.spelled
        if chars and not lone_letter:  # a lone letter is a word ("a", "I"), not a code
            runs.append(CodeRun(run.pieces[0][0], run.pieces[-1][1], chars))
        run = _Run()

    def following(index: int) -> bool:
        """Whether the next token that is not a separator or filler is a piece."""
        for _, _, token in tokens[index : index + 4]:
            if token in _SEPARATORS or token.lower() in _FILLERS:
                continue
            return _piece(token)
        return False

    index = 0
    while index < len(tokens):
        start, end, token = tokens[index]
        low = token.lower()
        more = following(index + 1)
        link = _link_end(tokens, index) if _is_letter(token) else None
        if link is not None:
            run.add(start, tokens[link][1], token.upper())
            run.spelled = True
            index = link
        elif token.isdigit() or _mixed(token):
            run.add(start, end, token, number=token.isdigit())  # case kept: "M404dn" is no postcode
        elif token in {"X", "x"} and [t for _, _, t in tokens[index + 1 : index + 3]] == [
            "-",
            "ray",
        ]:
            run.add(start, tokens[index + 2][1], "X")  # "X-ray"
            index += 2
        elif low == "double" and index + 1 < len(tokens) and tokens[index + 1][2] in {"U", "u"}:
            run.add(start, tokens[index + 1][1], "W")  # "double U" is W
            index += 1
        elif low in _REPEAT and more:
            run.repeat = _REPEAT[low]
            if not run.pieces:
                run.pieces.append([start, end, ""])  # the run starts at "double"
        elif low == "hundred" and run.pieces and run.pieces[-1][2].isdigit():
            run.hundred = len(run.pieces) - 1
            run.pieces[-1][1] = end
        elif low == "and" and run.hundred is not None and more:
            pass
        elif token == "O" and (run.last_is_letter() or _letter_next(tokens, index)):
            run.add(start, end, "O")  # the letter in a spelled name: "K-O-W-A-L..."
        elif low in DIGIT_WORDS and (low not in {"oh", "o", "one"} or run.pieces or more):
            run.add(start, end, DIGIT_WORDS[low], number=True)
        elif low in TENS and (run.pieces or more):
            # "forty one" and "forty-one" are 41; "forty, twenty" is 40 20.
            nxt = index + 1
            if nxt < len(tokens) and tokens[nxt][2] == "-":
                nxt += 1
            unit = tokens[nxt][2].lower() if nxt < len(tokens) else ""
            if unit in DIGIT_WORDS and unit not in {"oh", "o", "zero", "nought", "nil"}:
                run.add(start, tokens[nxt][1], TENS[low][0] + DIGIT_WORDS[unit], number=True)
                index = nxt
            else:
                run.add(start, end, TENS[low], number=True)
        elif low in TEENS and (run.pieces or more):
            run.add(start, end, TEENS[low], number=True)
        elif low in _NATO and token[:1].isupper() and (run.pieces or more):
            run.add(start, end, _NATO[low])
        elif (
            _is_letter(token)
            and (token.isupper() or run.pieces)
            and (
                low not in _WORD_LETTERS
                or more
                or (token.isupper() and run.last_is_letter())
                or (token.isupper() and run.pieces and _ends_here(tokens, index))
            )
        ):
            run.add(start, end, token.upper())
        elif (
            token.isalpha()
            and token.isupper()
            and len(token) <= 3
            and token not in _NOT_CODES
            and (run.pieces or more)
        ):
            run.add(start, end, token)  # letters of a code said together: "LS6 2 EP", "HOM 55"
        elif token in _SEPARATORS and run.pieces:
            pass
        elif low in _FILLERS and more and (run.pieces or low == "plus"):
            if not run.pieces:
                run.pieces.append([start, end, ""])  # "plus 44 ...": the plus is part of it
        else:
            close()
        index += 1
    close()
    return runs


def _ends_here(tokens: list[tuple[int, int, str]], index: int) -> bool:
    """Whether the code ends after this token: punctuation or the end of the text follows."""
    return index + 1 == len(tokens) or tokens[index + 1][2] in _SEPARATORS | {"?", "!", ";"}


def _letter_next(tokens: list[tuple[int, int, str]], index: int) -> bool:
    for _, _, token in tokens[index + 1 : index + 3]:
        if token not in _SEPARATORS:
            return (_is_letter(token) and token.isupper()) or _link_end(tokens, index) is not None
    return False


# -- dates ---------------------------------------------------------------------------------

_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# "forth": "fourth" as recognizers often write it ("the forth of the forth").
_ORDINAL_UNITS = "first|second|third|fourth|forth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL_WORDS = (
    rf"(?:twenty|thirty)[\s-]?(?:{_ORDINAL_UNITS})|{_ORDINAL_UNITS}|tenth|eleventh|twelfth|"
    "thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    "thirtieth"
)
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# The numbers a day of the month is said as: "three", "twenty-one".
_CARDINALS = (
    rf"(?:twenty|thirty)[\s-]?(?:{_UNITS})|{_UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty"
)
_DAY = rf"(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORDS}|{_CARDINALS})"
# A month by name, or by number ("the twelfth of the ninth").
_MONTH = rf"(?:{_MONTH_NAMES}|the\s+(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORDS}))"
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SPOKEN_YEAR = (
    rf"(?:nineteen|twenty)[\s-]+(?:(?:{_TENS_WORDS})(?:[\s.…-]+(?:{_UNITS}))?|oh[\s-]+(?:{_UNITS})|"
    "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|hundred)"
    rf"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{_UNITS}|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty))?"
)
# Two-digit years ("'93", "ninety-three", "oh two") only after a day and month.
_SHORT_YEAR = rf"'\d{{2}}|\d{{2}}|(?:{_TENS_WORDS})(?:[\s-]+(?:{_UNITS}))?|oh[\s-]+(?:{_UNITS})"
_FULL_YEAR = rf"(?:19|20)\d{{2}}|{_SPOKEN_YEAR}"
_NOT_A_YEAR = (
    r"(?!\s*(?:days?|weeks?|months?|years?|minutes?|hours?|pounds?|quid|dollars?|euros?|pence|"
    r"percent|%|p\b|k\b|gigs?|gb|mb|items?|times?|calls?|o'clock|am\b|pm\b))"
)
_SEP = r"(?:[\s,.…]+|\b(?:uh|um|er|erm|ah)\b)*"  # fillers may sit inside a spoken date
# March 1982 / March nineteen eighty-two: a month and a year, no day (an expiry, a start date).
_MONTH_YEAR = re.compile(
    rf"\b(?:{_MONTH_NAMES}){_SEP}(?:of{_SEP})?(?:(?P<full>{_FULL_YEAR})|(?P<short>'\d{{2}}))"
    r"(?:\b|(?<=\d))",
    re.I,
)
_DATE_PATTERNS = [
    # the 14th of March 1982 / fourteenth March, '82 / the twelfth of the ninth eighty-eight
    re.compile(
        rf"\b{_DAY}{_SEP}(?:(?:of|on|off){_SEP})?{_MONTH}\b(?:{_SEP}(?:(?P<full>{_FULL_YEAR})|"
        rf"(?P<short>{_SHORT_YEAR})){_NOT_A_YEAR}\b)?",
        re.I,
    ),
    # March 14th, 1982 / March the 14th 82
    re.compile(
        rf"\b(?:{_MONTH_NAMES}){_SEP}{_DAY}\b(?:{_SEP}(?:(?P<full>{_FULL_YEAR})|"
        rf"(?P<short>{_SHORT_YEAR})){_NOT_A_YEAR}\b)?",
        re.I,
    ),
    # nineteen ninety, the third of June
    re.compile(rf"\b(?P<full>{_FULL_YEAR}){_SEP}{_DAY}{_SEP}(?:of{_SEP})?{_MONTH}\b", re.I),
    _MONTH_YEAR,
    # 14/03/1982, 14-3-82, 14.03.82
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?P<full>\d{4}|\d{2})\b"),
]
_LONE_YEAR = re.compile(rf"\b(?P<full>{_FULL_YEAR})\b", re.I)


@dataclass(frozen=True)
class SpokenDate:
    """A date said in `text[start:end]`: whether it names a day and a year, and the year when
    it can be read ("'93" is 1993, "oh two" 2002, "twenty" 2020)."""

    start: int
    end: int
    has_day: bool
    has_year: bool
    year: int | None


_WORD_VALUE = {
    **{k: int(v) for k, v in DIGIT_WORDS.items()},
    **{k: int(v) for k, v in TEENS.items()},
}
_WORD_VALUE |= {k: int(v) for k, v in TENS.items()}


def _spoken_number(words: str) -> int | None:
    """The value of a spoken year: "nineteen eighty-two" 1982, "two thousand and one" 2001."""
    parts = [w for w in re.split(r"[\s-]+", words.lower()) if w and w != "and"]
    if parts[:2] == ["two", "thousand"]:
        return 2000 + sum(_WORD_VALUE.get(p, 0) for p in parts[2:])
    if not parts or parts[0] not in {"nineteen", "twenty"}:
        return None
    century = _WORD_VALUE[parts[0]] * 100
    rest = [p for p in parts[1:] if p not in {"oh", "hundred"}]
    return century + sum(_WORD_VALUE.get(p, 0) for p in rest)


def _year_of(full: str | None, short: str | None = None) -> int | None:
    if full:
        if full.isdigit():
            return int(full) if len(full) == 4 else _short_year(int(full))
        return _spoken_number(full)
    if short:
        digits = short.lstrip("'")
        if digits.isdigit():
            return _short_year(int(digits))
        parts = [p for p in re.split(r"[\s-]+", short.lower()) if p]
        return _short_year(sum(_WORD_VALUE.get(p, 0) for p in parts))
    return None


def _short_year(value: int) -> int:
    """A two-digit year as people mean it on the phone: '93 is 1993, '05 is 2005."""
    return 1900 + value if value >= 30 else 2000 + value


def spoken_dates(text: str) -> list[SpokenDate]:
    """Every date said in `text` (day and month, month and year, or all three), longest first
    where they overlap."""
    found: list[SpokenDate] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            full, short = groups.get("full"), groups.get("short")
            has_day = pattern is not _MONTH_YEAR
            year = _year_of(full, short)
            found.append(SpokenDate(match.start(), match.end(), has_day, bool(full or short), year))
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[SpokenDate] = []
    for date in found:
        if kept and date.start < kept[-1].end:
            continue
        kept.append(date)
    return kept


def lone_years(text: str) -> list[SpokenDate]:
    """Years said alone ("nineteen eighty-two", "1982")."""
    return [
        SpokenDate(m.start(), m.end(), False, True, _year_of(m.group("full")))
        for m in _LONE_YEAR.finditer(text)
    ]


@dataclass(frozen=True)
class DatePiece:
    """One piece of a date said bit by bit: a day, a month, a year or a day's name. `strong`:
    it reads as part of a date on its own ("the thirtieth", "August", "1990"); a bare number
    ("eleven", "sixty-six") only next to other pieces."""

    start: int
    end: int
    strong: bool
    kind: str  # holiday, numeric, year, month, ordinal or number


_HOLIDAYS = (
    r"christmas\s+(?:eve|day)|boxing\s+day|new\s+year'?s\s+(?:eve|day)|halloween|"
    r"valentine'?s\s+day|bonfire\s+night|st\.?\s+patrick'?s\s+day|guy\s+fawkes(?:\s+night)?|"
    r"independence\s+day|leap\s+day"
)
# Ambiguous words: "first"/"second" ("one second"), "may" (a verb), "mar"/"jan" (names).
_WEAK_WORDS = {"first", "second", "forth", "may", "mar", "jan", "sat", "sun"}
_DATE_PIECE = re.compile(
    rf"\b(?:(?P<holiday>{_HOLIDAYS})|(?P<numeric>\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}}))|"
    rf"(?P<year>{_FULL_YEAR}|'\d{{2}})|(?P<month>{_MONTH_NAMES})|"
    rf"(?P<ordinal>\d{{1,2}}(?:st|nd|rd|th)|{_ORDINAL_WORDS})|"
    rf"(?P<number>\d{{1,2}}(?!\d)|(?:{_TENS_WORDS})(?:[\s-]+(?:{_UNITS}))?|oh[\s-]+(?:{_UNITS})|{_CARDINALS})"
    rf"){_NOT_A_YEAR}(?:\b|(?<=\d))",
    re.I,
)
# Numbers that are ages, not dates: "I'm eighty-three", "turned forty", "forty years old".
# Nor other times: "since 2010", "back in June", "my fortieth".
_AGE_BEFORE = re.compile(
    r"\b(?:i'm|i am|aged?|turned|turning|she's|he's|only|nearly|my|her|his|since|until|till|"
    r"back in|last|next|this)\s*$",
    re.I,
)
_AGE_AFTER = re.compile(r"^\s*(?:years?\s+old|next|this year)\b", re.I)


def date_pieces(text: str) -> list[DatePiece]:
    """Every word or two in `text` that may be part of a date, in order (see DatePiece)."""
    pieces = []
    for match in _DATE_PIECE.finditer(text):
        if _AGE_BEFORE.search(text[: match.start()]) or _AGE_AFTER.match(text[match.end() :]):
            continue
        kind = match.lastgroup
        word = match.group().lower()
        strong = kind != "number" and word not in _WEAK_WORDS
        pieces.append(DatePiece(match.start(), match.end(), strong, kind))
    return pieces


# -- cue phrases heard wrong ------------------------------------------------------------------

_WORDS = re.compile(r"[a-z0-9']+")
# First letters a recognizer swaps on a telephone line ("gate of birth", "post cold").
_LOOKALIKE = {"d": "gbt", "b": "dpv", "p": "bt", "s": "fz", "c": "gk", "m": "n", "n": "m"}


def sound_key(word: str) -> str:
    """A rough key of how letters sound, so words a recognizer heard wrong still match: the
    consonants, those that sound alike made one ("c", "k", "q" and "g"; "d" and "t"; ...),
    vowels, "h", "w" and "y" dropped, repeats joined. "memorable word" and "memory bull word"
    give the same key."""
    word = re.sub(r"[^a-z]", "", word.lower())
    word = word.replace("ph", "f").replace("ck", "k").replace("qu", "k").replace("x", "ks")
    same = str.maketrans("cqgzvdbnj", "kkksftpmk")
    consonants = re.sub(r"[aeiouyhw]", "", word.translate(same))
    return re.sub(r"(.)\1+", r"\1", consonants)


class CueFinder:
    """Finds cue phrases of several kinds in text, exactly or as a speech recognizer might
    mishear them: the same letters when spaces are ignored ("post code", "postcode"), or
    similar enough ("date on birth", "gate of birth", "sought code") when the phrase is long
    enough to tell. Phrases are lower-case words."""

    def __init__(self, phrases: dict[str, tuple[str, ...]], *, similarity: float = 0.8) -> None:
        self.similarity = similarity
        self._targets = [
            (kind, len(phrase.split()), phrase.replace(" ", ""))
            for kind, kind_phrases in phrases.items()
            for phrase in kind_phrases
        ]
        self._keys = {target: sound_key(target) for _, _, target in self._targets}

    def _similarity(self, candidate: str, target: str, *, fuzzy: bool) -> float:
        """How well `candidate` (words run together) matches `target`: 1 exactly, the share of
        letters they have in common when similar enough, 0 when not a match."""
        if candidate == target:
            return 1.0
        if not fuzzy or len(target) < 6:
            return 0.0
        if abs(len(candidate) - len(target)) > max(1, len(target) // 5):
            return 0.0
        if candidate[0] not in {target[0], *_LOOKALIKE.get(target[0], "")}:
            return 0.0
        letters = SequenceMatcher(None, candidate, target).ratio()
        if letters >= self.similarity:
            return letters
        # Or it sounds alike ("memory bull word", "ex-priory date"): the consonants agree and
        # most letters do.
        key = self._keys[target]
        if len(key) < 5 or letters < 0.72:
            return 0.0
        return letters if SequenceMatcher(None, sound_key(candidate), key).ratio() >= 0.85 else 0

    def find(self, text: str) -> list[tuple[int, str]]:
        """(end offset, kind) of every cue in `text`, in order. Where several phrases match
        around one place, the best: the closest match ("first name" over "first line"), then
        the longest ("email address" over "address", "memorable world" over "memorable")."""
        words = [(m.end(), m.group().removesuffix("'s")) for m in _WORDS.finditer(text.lower())]
        windows: dict[int, list[tuple[int, int, str]]] = {}
        # end offset -> ((similarity, not wider than its phrase, words covered), first, kind)
        best: dict[int, tuple[tuple[float, bool, int], int, str]] = {}
        for kind, size, target in self._targets:
            for width in (size - 1, size, size + 1):
                if width < 1:
                    continue
                if width not in windows:
                    windows[width] = [
                        (i, words[i + width - 1][0], "".join(w for _, w in words[i : i + width]))
                        for i in range(len(words) - width + 1)
                    ]
                for first, end, candidate in windows[width]:
                    # Fewer words than the phrase: only the phrase run together ("postcode").
                    score = self._similarity(candidate, target, fuzzy=width >= size)
                    if not score:
                        continue
                    rank = (round(score, 2), width <= size, width)
                    if end not in best or rank > best[end][0]:
                        best[end] = (rank, first, kind)
        # From one first word, the longest match not wider than its phrase: "name on the card"
        # over "name", "memorable world" over "memorable world is".
        kept: dict[tuple[int, str], tuple[tuple[bool, int], int]] = {}
        for end, ((_score, fits, width), first, kind) in best.items():
            if (first, kind) not in kept or (fits, width) > kept[(first, kind)][0]:
                kept[(first, kind)] = ((fits, width), end)
        return sorted((end, kind) for (_, kind), (_rank, end) in kept.items())
