"""PII redaction of transcripts: personal data becomes a tag such as `[DOB]` or `[POSTCODE]`
before anything is stored, indexed or shown.

Speech recognition on telephone audio mishears the words that announce personal data ("date
on birth", "a count number") and writes what people spell or read out in many shapes ("B S
one, four D J", "oh seven double five", "fifth of May '93"). So the redactor reads
(qa.spoken) codes, numbers and dates in all those shapes, finds cue phrases even misheard,
and decides what a stretch is from two things: what was asked (the other party's question
just before: "Can I take the first line of your address?") and what the answer looks like
(a full date of birth, a postcode, a Luhn-valid card number, a spelled name). What is said in
answer to an identity question whose answer has no shape (a security answer, a name, an
address) is redacted from its first word to the end of the clause.

Tags: DOB, CARD, SECURITY_CODE, EXPIRY, ACCOUNT (account, member, policy, customer numbers and
references), SORT_CODE, POSTCODE, ADDRESS, EMAIL, PHONE, NATIONAL_ID, SECURITY_ANSWER, NAME, and
NUMBER (a long number of unknown kind, personal more often than not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from core.models import Speaker
from qa.spoken import CodeRun, CueFinder, code_runs, date_pieces, lone_years, spoken_dates
from qa.transcript import Transcript, TranscriptSegment, Word

__all__ = [
    "CUES",
    "KINDS",
    "TAG",
    "Redaction",
    "find_pii",
    "luhn_valid",
    "redact_segment",
    "redact_text",
    "redact_transcript",
]

KINDS = (
    "DOB",
    "CARD",
    "SECURITY_CODE",
    "EXPIRY",
    "ACCOUNT",
    "SORT_CODE",
    "POSTCODE",
    "ADDRESS",
    "EMAIL",
    "PHONE",
    "NATIONAL_ID",
    "SECURITY_ANSWER",
    "NAME",
    "NUMBER",
)
# A tag the redactor put in place of personal data; group 1 is its kind.
TAG = re.compile(rf"\[({'|'.join(KINDS)})\]")

# Phrases that say what is asked for or given next. Matched even when misheard (qa.spoken).
CUES = CueFinder(
    {
        "DOB": (
            "date of birth",
            "birth date",
            "birthday",
            "born on",
            "when were you born",
            "were you born",
            "year of birth",
            "dob",
            "d o b",
            "data board",  # as heard on telephone audio (issue 17)
        ),
        "CARD": ("card number", "long number", "number on the card", "numbers on the card"),
        "SECURITY_CODE": (
            "security code",
            "security number",
            "cvv",
            "cvc",
            "three digits",
            "digits on the back",
            "code on the back",
            "number on the back",
            "card verification",
            "pin",
            "pin number",
            "passcode",
            "pass code",
            "four digits",
            "digits of your pin",
        ),
        "EXPIRY": (
            "expiry",
            "expiry date",
            "expires",
            "expiration",
            "valid until",
            "valid thru",
            "valid through",
            "end date",
            "exp",
            "run out",
            "extra date",  # misheard "expiry date"
        ),
        "ACCOUNT": (
            "account number",
            "account no",
            "bank account",
            "member number",
            "membership number",
            "policy number",
            "customer number",
            "customer reference",
            "reference number",
            "booking reference",
            "booking number",
            "reference",
            "bank details",
            "member id",
            "membership id",
            "customer id",
            "policy id",
            "claim number",
            "case number",
            "order number",
        ),
        "SORT_CODE": ("sort code", "sought code", "salt code"),
        "POSTCODE": ("postcode", "post code", "postal code", "zip code", "zip"),
        "ADDRESS": (
            "address",
            "first line",
            "house number",
            "which flat",
            "flat number",
            "property",
            "moving to",
            "mailing",
            "where should",
            "where do you live",
            "which street",
        ),
        "EMAIL": ("email", "e mail", "email address"),
        "PHONE": (
            "phone number",
            "mobile",
            "mobile number",
            "telephone",
            "landline",
            "contact number",
            "call me on",
            "best number",
            "number to reach you",
            "callback",
            "call back",
            "area code",
        ),
        "NATIONAL_ID": (
            "national insurance",
            "social security",
            "ssn",
            "ni number",
            "id number",
            "social",
        ),
        "SECURITY_ANSWER": (
            "security question",
            "security answer",
            "memorable word",
            "memorable place",
            "memorable name",
            "memorable question",
            "memorable information",
            "maiden name",
            "first school",
            "primary school",
            "first pet",
            "pet's name",
            "favourite teacher",
            "first car",
            "password",
            "secret answer",
            "secret word",
            "favourite",
            "childhood",
            "nickname",
            "where did you meet",
            "first job",
            "first employer",
            "first teacher",
            "first dog",
            "first cat",
            "first house",
            "grow up",
            "grew up",
            "which town",
            "which city",
            "which hospital",
            "what street",
            "honeymoon",
            "grandmother",
            "grandfather",
            "best friend",
            "question you set",
            "question you chose",
            "word you set up",
            "word i set up",
            "maiden",
            "teddy",
            "leave school",
            "place of birth",
            "town of birth",
            "city of birth",
            "where were you born",
            "memory word",
            "memory place",
            "first holiday",
            "memorable",
            "member of a word",  # misheard "memorable word"
            "city you were born",
            "town you were born",
            "city were you born",
            "town were you born",
            "parents met",
            "passcode word",
            "code word",
            "childhood hero",
            "security check",
            "security details",
            "do the security",
        ),
        "NAME": (
            "full name",
            "your name",
            "surname",
            "last name",
            "first name",
            "spell that",
            "spell it",
            "spell your",
            "who am i speaking",
            "who i'm speaking",
            "name on the account",
            "name on the card",
            "my name is",
            "my name's",
            "name's",
            "name",
            "account holder",
            "policyholder",
            "policy holder",
            "speaking with",
            "speaking to",
            "who do i have",
            "mr or mrs",
            "who am i talking to",
            "who's calling",
            "who is calling",
            "and you are",
            "named driver",
            "second person",
            "named person",
            "referred you",
            "who should",
        ),
        # Numbers that are not personal: the cue nearest a number may say so.
        "OTHER": (
            "model number",
            "model",
            "serial number",
            "error code",
            "product code",
            "meter",
            "reading",
            "reads",
            "page",
            "flight",
            "version",
            "junction",
            "option",
            "extension",
            "our number",
            "customer services",
            "appointment",
        ),
    },
    similarity=0.85,
)
# Kinds whose answers have no shape of their own: taken from the first word to the clause end,
# at most this many words. A passcode ("Kingfisher 22") only when asked for.
_FREE_FORM = {"SECURITY_ANSWER": 8, "NAME": 6, "ADDRESS": 14, "SECURITY_CODE": 4}
# An answer this short is all answer: "Teal. Or I might have put turquoise."
_SHORT_ANSWER_WORDS = 15
_FREE_FORM_IN_TURN = {"SECURITY_ANSWER", "NAME", "ADDRESS"}
# A passcode named in the turn is taken like them when a code follows ("it's Orchid 55").
_IN_TURN_WITH_CODE = {"SECURITY_CODE"}
_CUE_WINDOW = 60  # characters before a value searched for the cue that says what it is
# A question or request: what the other party asks for is what the answer holds.
_ASKING = re.compile(
    r"\?|(?<!\byes\s)(?<!\byes,\s)(?<!\bno\s)\bplease\b|\basking (?:me )?for\b|"
    r"\b(?:didn't|did not) (?:catch|get|hear)\b|^\W*(?:who|what|where|which)\b|"
    r"\bquestion (?:on file |you set |you chose )?is\b|\banswer is your\b|"
    r"^\W*(?:(?:and|just|so|now|then|okay|right)[\s,]+)*(?:can i|could (?:i|you)|"
    r"may i|what('s| is)|confirm|tell me|give me|i('ll| will)? need|i just need|spell|read)|"
    r"^\W*(?:(?:and|just|now|so|okay|right)[\s,]+)+(?:the|your)\b(?!.*\b(?:is|was|are)\b)",
    re.I,
)
# A speaker's own name said to introduce themselves: not a question, and for an agent no
# customer's data ("my name is Amara", "you are speaking with Ben").
_SELF_INTRODUCTION = re.compile(
    r"\bmy\s+name(?:\s+is|'s)?$|\bname's$|"
    r"\b(?:you are|you're)\s+(?:speaking|through)\s+(?:with|to)$",
    re.I,
)
_HOW_MUCH = re.compile(r"\b(how (many|long|much|fast|often|old)|when|what time)\b", re.I)
# Words that open an answer before the answer itself.
_LEAD_IN = re.compile(
    r"(?:[\s,.\-…:]*(?:yeah|yes|yep|yup|sure|okay|ok|right|so|well|um+|uh+|er+|erm|hmm|mm|"
    r"oh|ah|of course|certainly|no problem|it's|it is|its|that's|that is|that'd be|that would be|"
    r"it'd be|it would be|it should be|the answer is|answer is|my answer is|i think|i believe|"
    r"i'd say|it was|is|was|are|:|i put|i have|i've got|you've got|you should have|should be|"
    r"that'll be|that will be|sorry|go on|let me see|let me think|one sec(?:ond)?|hang on|"
    r"the first line is|first line is|the first line's|it's just|just|yeah it's|"
    r"this is|my name is|my name's|name's|i'm|it's spelled|spelled|spelt|me|that's me|then|"
    r"god|gosh|oh god|oh gosh|blimey|let me check|hold on|try|it'll be|i guess|hiya|hi|hello|"
    r"under|i think it was|i think|i put|or maybe|maybe|or|i might have put|it's pronounced|either|"
    r"i'd have put|i would have put|here we go|here it is|got it|found it|"
    r"pronounced)\b)*[\s,.\-…:]*",
    re.I,
)
# A full stop that ends a sentence, not an initial or a title ("J.", "Mr.", "P.O.").
_NOT_AN_INITIAL = r"(?<!\b[A-Za-z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bMx)(?<!\bDr)(?<!\bSt)"
# Where a free-form answer ends: a sentence end, or a comma and a new clause.
_CLAUSE_END = re.compile(
    rf"[?!;]|{_NOT_AN_INITIAL}\.|,\s*(?=(?:and|but|it|it's|that|that's|which|because|so|i|i'm|my|the|"
    r"and my|is that|right|okay|thanks|thank you|please|if|although|though|he|she|they|with|"
    r"by the way|believe|near|double|in case|just so)\b)|"
    r"\s(?=(?:and|but) (?:my|the|your|i|it)\b)|\s(?=(?:thanks|thank you|please)\b)",
    re.I,
)
_ADDRESS_END = re.compile(
    rf"[?!;]|{_NOT_AN_INITIAL}\.(?:\s|$)|\s(?=(?:and|but) (?:my|the|i|it)\b)", re.I
)
_STREET = (
    r"road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|crescent|court|ct|place|gardens|"
    r"terrace|grove|hill|park|square|row|mews|walk|rise|view|boulevard|blvd|parade|green|"
    r"gate|vale|wharf|yard|end|circle|highway|hwy|parkway|pike|trail|plaza|heights"
)
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred"
)
_STREET_ADDRESS = re.compile(
    rf"\b(?:(?:flat|apartment|apt|unit|suite)\s+\w+,?\s+)?(?:(?:number|no\.?)\s+)?"
    rf"(?:\d{{1,5}}[a-z]?|(?:(?:{_NUMBER_WORDS})[\s-]*){{1,3}})\s*,?\s+"
    rf"(?:(?!(?:on|the|in|at|of|a|to|from|by|near|and)\b)[A-Za-z'][\w']*\s+){{1,3}}(?:{_STREET})\b"
    r"(?:,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?(?=[,.]|\s*$|\s+[A-Z]{1,2}\d))?",
    re.I,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
# A spoken email's domain: "at gmail dot com", "at, Y, H, dot, net", "at BT internet dot com".
_DOT = r"(?:,?\s+(?:dot|full stop|period|point),?\s+|\.)"
_MAIL_PROVIDERS = r"gmail|googlemail|hotmail|yahoo|outlook|icloud|aol|live|btinternet|protonmail"
_SPOKEN_DOMAIN = re.compile(
    rf"(?:^|[\s,])(?:at sign|at|@),?\s+(?:(?:[a-z0-9-]+,?\s+){{0,3}}?[a-z0-9-]+"
    rf"{_DOT}(?:[a-z0-9-]+{_DOT})?(?:com|net|org|co|uk|ie|edu|gov|io|me|info|biz|us|au|jp|de|eu)"
    rf"(?:{_DOT}(?:uk|com|au|nz|ie|org|jp))?|(?:{_MAIL_PROVIDERS}))\b",
    re.I,
)
# What may stand before a spoken email's "at" and is not part of it.
_EMAIL_OPENING = re.compile(
    r"(?:^|[.?!:](?=\s)|\b(?:is|it's|its|that's|email|address|me|to|on|sure|yeah|yes|use|try|"
    r"send)\b)[\s,]*",
    re.I,
)
_NATIONAL_ID = re.compile(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b|\b\d{3}-\d{2}-\d{4}\b")
_US_PHONE = re.compile(r"\(\d{3}\)\s?\d{3}[\s.-]\d{4}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b")
_UK_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_UK_OUTWARD = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
# A postcode whose outward digit was heard as a letter ("BS8 3PQ" as "B.S.A. 3PQ"): the inward
# part (a digit and two letters) after three or four spelled letters.
_UK_POSTCODE_MISHEARD = re.compile(r"^[A-Z]{3}[A-Z\d]?\d[A-Z]{2}$")
_NI_NUMBER = re.compile(r"^[A-Z]{2}\d{6}[A-D]$")
_EXPIRY_SHAPE = re.compile(r"\b(0?[1-9]|1[0-2])\s?/\s?(\d{2}|20\d{2})\b")
_BIRTH_YEARS = range(1900, 2011)


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


def _cues(text: str) -> list[tuple[int, str]]:
    """The cue phrases in `text`, not counting the words of tags already there ("[NAME]")."""
    return CUES.find(TAG.sub(lambda tag: " " * len(tag.group()), text))


@dataclass(frozen=True)
class _Asked:
    """What the other party's last turn was about: every kind its cue phrases name, latest
    first (a number that follows is read as one of them), and what its questions or requests
    ask for (only then is a whole answer taken as a name, address or security answer)."""

    kinds: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    letters: bool = False  # some letters of it asked for ("the second and fifth characters")

    @property
    def free_form(self) -> str | None:
        """The kind of answer with no shape of its own asked for, if any (a passcode last:
        "for the security check" may name one by mistake)."""
        return next((k for k in self.asked if k in _FREE_FORM_IN_TURN), None) or (
            "SECURITY_CODE" if "SECURITY_CODE" in self.asked else None
        )


_SOME_LETTERS = re.compile(r"\b(?:characters?|letters?)\b", re.I)
# A letter said on its own, with the word that confirms it: "D, as in dog", "P for Peter".
# The word "a" and the pronoun "I" are not letters unless confirmed ("I for India").
_LETTER = re.compile(
    r"\b[A-Za-z]\b,?\s+(?:for|as in)\s+[A-Za-z][\w-]*|(?<!['’])(?![aI]\b)\b[A-Za-z]\b"
)


def _asked(context: str) -> _Asked:
    context = context[-300:]
    kinds: list[str] = []
    asked: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", context):
        cues = [
            kind
            for end, kind in _cues(sentence)
            if not (kind == "NAME" and _SELF_INTRODUCTION.search(sentence[:end]))
        ]
        for kind in cues:
            if kind in kinds:
                kinds.remove(kind)
            kinds.insert(0, kind)
        # A question, a request or a prompt of a few words ("Account number."); not one that
        # asks how many, how long or when ("How long have you lived at the address?"), nor a
        # statement ("The address is ...").
        short_prompt = bool(cues) and len(sentence.split()) <= 4
        if (short_prompt or _ASKING.search(sentence)) and not _HOW_MUCH.search(sentence):
            asked = [k for k in cues[::-1] if k not in asked] + asked
    if "OTHER" in kinds[:2] and "SECURITY_ANSWER" not in asked:
        return _Asked(("OTHER",))  # "What's the model number?"
    return _Asked(tuple(kinds), tuple(asked), bool(_SOME_LETTERS.search(context)))


def _hint(cues: list[tuple[int, str]], start: int, asked: _Asked) -> list[str]:
    """What a value at `start` is said to be: the nearest cue before it in the same turn, else
    what was asked."""
    before = [kind for end, kind in cues if start - _CUE_WINDOW <= end <= start]
    if "OTHER" in before[-2:]:
        return ["OTHER"]  # "the model number on the back says ...": not a person's number
    return [before[-1]] if before else list(asked.kinds)


_ENDING = re.compile(
    r"\b(?:ending|ends)(?:\s+(?:in|with))?\s*$|\blast (?:four|4) (?:digits )?(?:are |is )?$", re.I
)
_TIME_WORDS = re.compile(
    r"\b(?:till|until|at|by|after|before|around|from|about|since|option|press|step|page|line|"
    r"floor|level|junction|platform|gate|room|table|chapter|version|number)\s*$",
    re.I,
)


_AMOUNT_AFTER = re.compile(
    r"\s*(?:pounds?|quid|pence|p\b|dollars?|cents?|euros?|percent|%|per cent|minutes?|mins?|hours?|"
    r"days?|weeks?|months?|years?|seconds?|gigs?|gb|megs?|mb|kilowatt|kwh|units?|inch|metres?|miles?)",
    re.I,
)


def _a_count_or_time(text: str, run: CodeRun) -> bool:
    """A number of one or two digits that counts something ("three digits", "four on the
    front") or tells the time ("till six"), or a short code that is a thing's name ("the M6",
    "the A40"), not a code of a person's."""
    if _AMOUNT_AFTER.match(text, run.end):
        return True  # "two hundred and forty pounds", "35 minutes"
    if run.letters and run.digits and len(run.chars) <= 3:
        return bool(re.search(r"\bthe\s+$", text[: run.start], re.I))
    if run.letters or len(run.chars) > 2:
        return False
    said = text[run.start : run.end]
    after = re.match(r"\s+([a-z]+)", text[run.end :])
    counts = not said[:1].isdigit() and after is not None and after.group(1) not in {"and", "then"}
    return counts or bool(_TIME_WORDS.search(text[: run.start]))


def _classify_code(run: CodeRun, hints: list[str]) -> str | None:
    said, digits, letters = run.chars, run.digits, run.letters
    chars = said.upper()
    hint = hints[0] if hints else None
    if _NI_NUMBER.match(said):
        return "NATIONAL_ID"
    if letters and (_UK_POSTCODE.match(said) or _UK_POSTCODE_MISHEARD.match(said)):
        return "POSTCODE"  # as written: "BS1 4DJ", not a model "M404dn"
    if hint == "OTHER":  # a model number, meter reading, page: personal only if a card's
        return "CARD" if 13 <= len(chars) <= 19 and chars.isdigit() and luhn_valid(chars) else None
    if digits == len(chars):
        return _classify_digits(chars, hints)
    if hint in {"SECURITY_ANSWER", "NAME", "SECURITY_CODE"}:
        return hint  # even one letter: "the second character is R as in Romeo"
    if hint in {"ACCOUNT", "NATIONAL_ID", "EMAIL"}:
        return hint if len(chars) >= 5 else None
    if _UK_POSTCODE.match(said) or ("POSTCODE" in hints and _UK_OUTWARD.match(chars)):
        return "POSTCODE"
    if letters == len(chars):  # spelled out letter by letter
        if len(chars) < 3:
            return None
        return hint if hint in {"NAME", "POSTCODE", "ADDRESS"} else "NAME"
    if hint == "POSTCODE":
        return "POSTCODE"
    if hint and len(chars) >= 5 and digits >= 2:
        return "ACCOUNT"  # a reference given when some number was asked for
    return None  # letters and digits unasked for: a model, flight or error code


# Freephone and non-geographic numbers are a company's, not a person's: 0800, 0333, 1-800...
_COMPANY_NUMBER = re.compile(
    r"^(?:0(?:800|808|300|330|333|34\d|37\d|84\d|87\d|90\d)|1?8(?:00|88|77|66|55|44|33))"
)
# When several things were asked for, a number is read as the most specific that fits it.
_DIGIT_PRIORITY = (
    "CARD",
    "SORT_CODE",
    "SECURITY_CODE",
    "EXPIRY",
    "POSTCODE",
    "ACCOUNT",
    "NATIONAL_ID",
    "PHONE",
    "DOB",
)


def _classify_digits(digits: str, hints: list[str]) -> str | None:
    count = len(digits)
    for hint in sorted(
        hints, key=lambda h: _DIGIT_PRIORITY.index(h) if h in _DIGIT_PRIORITY else 99
    ):
        if hint == "CARD" and count >= 4:  # the whole number, or "the one ending 6015"
            return "CARD"
        if hint == "SECURITY_CODE" and count <= 8:  # a PIN, or some digits of it
            return "SECURITY_CODE"
        if hint == "EXPIRY" and 3 <= count <= 6:
            return "EXPIRY"
        if hint == "SORT_CODE" and count == 6:
            return "SORT_CODE"
        if hint == "DOB" and 6 <= count <= 8:
            return "DOB"
        if hint == "POSTCODE" and count in (5, 9):
            return "POSTCODE"
        if hint in {"ACCOUNT", "NATIONAL_ID"} and count >= 4:
            return hint
        if hint == "PHONE" and count >= 6 and not _COMPANY_NUMBER.match(digits):
            return "PHONE"
        if hint == "SECURITY_ANSWER":
            return "SECURITY_ANSWER"  # a memorable date or number, or characters of it
    if 13 <= count <= 19 and luhn_valid(digits):
        return "CARD"
    if 10 <= count <= 13 and (digits.startswith("0") or digits.startswith("44")):
        return None if _COMPANY_NUMBER.match(digits) else "PHONE"
    if count >= 7:
        return "NUMBER"
    return None


def _date_spans(text: str, cues: list[tuple[int, str]], asked: _Asked) -> list[Redaction]:
    spans = []
    dates = spoken_dates(text)
    for date in dates:
        hints = _hint(cues, date.start, asked)
        if "EXPIRY" in hints[:1]:
            spans.append(Redaction("EXPIRY", date.start, date.end))
        elif "DOB" in hints or (date.has_day and date.year in _BIRTH_YEARS):
            spans.append(Redaction("DOB", date.start, date.end))
        elif "EXPIRY" in hints:
            spans.append(Redaction("EXPIRY", date.start, date.end))
    # "What year were you born?" / "Nineteen eighty." (not when the date is said or tagged)
    if "DOB" in asked.kinds and not dates and "[DOB]" not in text:
        spans += [Redaction("DOB", y.start, y.end) for y in lone_years(text)]
    for match in _EXPIRY_SHAPE.finditer(text):
        if "EXPIRY" in _hint(cues, match.start(), asked):
            spans.append(Redaction("EXPIRY", match.start(), match.end()))
    return spans


# What may sit between the pieces of one date of birth: "the 31st. The 31st of October",
# "the twentieth of June. Or is it the twenty-first? Twentieth. Seventy-eight", "Year? 95".
_BETWEEN_PIECES = re.compile(
    r"(?:[\s,.…?!:;-]+|\b(?:of|the|on|in|then|and|sorry|no|or|is|it|it's|its|year|month|day|"
    r"born|was|that's|i|mean|actually|wait|hang|um+|uh+|er+|erm|ah|oh|right|yeah|yes|so|okay|"
    r"think|wasn't|not)\b)+",
    re.I,
)
_THE_BEFORE = re.compile(r"\b(?:on\s+)?the\s+$", re.I)
_PIECES_APART = 6  # words at most between two pieces of one date


def _date_answer_spans(text: str, cues: list[tuple[int, str]], asked: _Asked) -> list[Redaction]:
    """A date of birth given bit by bit in answer to its question, or after its cue in the
    turn: each chain of date pieces ("eleven, then the thirtieth, then sixty-six", "Born in
    1990, on the 8th, August the 8th") from its first piece to its last, and every lone
    day, month or year of it ("... and no, that's not a joke, nineteen eighty-three")."""
    asked_dob = "DOB" in asked.asked or asked.kinds[:1] == ("DOB",)
    dob_cues = [end for end, kind in cues if kind == "DOB"]
    if not asked_dob and not dob_cues:
        return []
    chains: list[list] = []
    for piece in date_pieces(text):
        gap = text[chains[-1][-1].end : piece.start] if chains else ""
        # At most one other word between: "Thirteenth of, uh, whatchamacallit, Feb"
        # and nothing that names something else ("..., and the appointment's on the 4th").
        joins = (
            chains
            and len(gap.split()) <= _PIECES_APART
            and len(_BETWEEN_PIECES.sub(" ", gap).split()) <= 1
            and not any(chains[-1][-1].end < end <= piece.start for end, _ in cues)
        )
        if joins:
            chains[-1].append(piece)
        else:
            chains.append([piece])
    # A day's name beside a date with its month is the day said again, not part of the date:
    # "The fifth of November nineteen sixty six, bonfire night", "...October. Halloween baby."
    dated: list[list] = []
    for chain in chains:
        if not any(p.kind == "month" for p in chain):
            dated.append(chain)
            continue
        part: list = []
        for piece in [*chain, None]:
            if piece is None or piece.kind == "holiday":
                dated += [part] if part else []
                part = []
            else:
                part.append(piece)
    spans = []
    for chain in dated:
        start = chain[0].start
        if the := _THE_BEFORE.search(text[:start]):  # "on the 8th", "the twelfth"
            start = the.start()
        if not any(p.strong for p in chain) and len(chain) < 3:
            continue  # "two", "sixty-six": not a date on their own
        near_cue = any(0 <= start - end <= _CUE_WINDOW for end in dob_cues)
        hints = _hint(cues, start, asked)
        if (asked_dob or near_cue) and "OTHER" not in hints[:1] and "EXPIRY" not in hints[:1]:
            spans.append(Redaction("DOB", start, chain[-1].end))
    return spans


def _spoken_emails(text: str) -> list[Redaction]:
    """Emails read out: the domain after "at", and before it the name, spelled or not, back to
    the words that introduce it ("it's", "email is") or the sentence start."""
    spans = []
    for domain in _SPOKEN_DOMAIN.finditer(text):
        at = domain.start() + len(domain.group()) - len(domain.group().lstrip(" ,"))
        before = text[max(0, at - 80) : at]
        openings = list(_EMAIL_OPENING.finditer(before))
        start = at - len(before) + openings[-1].end() if openings else at
        lead = _LEAD_IN.match(text, start, at)
        start = lead.end() if lead and lead.end() < at else start
        if re.search(r"\w", text[start:at]):
            spans.append(Redaction("EMAIL", start, domain.end()))
    return spans


def _free_form_end(text: str, start: int, kind: str) -> int:
    """Where a free-form answer starting at `start` ends: the clause end, at most a few words."""
    ending = _ADDRESS_END if kind == "ADDRESS" else _CLAUSE_END
    stop = ending.search(text, start)
    end = stop.start() if stop else len(text)
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) > _FREE_FORM[kind]:
        end = start + words[_FREE_FORM[kind] - 1].end()
    if kind == "NAME":  # a name ends at its last capital: "Dr. Ngozi Eze-Onyekachi from the..."
        capitals = [
            w for w in re.finditer(r"[^\W\d_][\w'’.-]*", text[start:end]) if w.group()[0].isupper()
        ]
        if capitals:
            end = start + capitals[-1].end()
    return len(text[:end].rstrip(" ,-…"))


# What joins a cue to its answer: "is", "was", "it's", ...; past a word naming the answer ("my
# security question answer is", "security quest shun answer is"), an adverb ("the memorable
# word again it's"), an aside between commas ("pass code, if they ask, it's"), or a
# hedge ("the word I set up... I think it was").
_COPULA = re.compile(
    r"[\s,.…]*(?:,[^,.?!]{1,25},\s*|(?:has\s+|have\s+)?changed,?\s*)?(?:and\s+)?"
    r"(?:(?:\w+\s+)?answer\s+)?"
    r"(?:(?:i|we|you)\s+\w+(?:\s+(?:to|at|in|up))?\s+)?"
    r"(?:i think\s+|i believe\s+)?(?:(?:again|still|now|then|here)\s+)?"
    r"(?:is|was|'s|it's|it is|it was|that's|that was|are|would be|should be|called|named|:|-)",
    re.I,
)
_FULL_NAME_GIVEN = re.compile(r"\bI(?:'m| am)\s+([A-Z][a-z'-]+\s+[A-Z][a-z'-]+)")
_CAPITALISED = re.compile(r"[\s,]+((?:[A-Z][\w'-]*\.?\s?){1,3})(?<!\s)")
_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+|$)")
_SENTENCE_END = re.compile(r"[.?!]")


# A sentence that opens by saying there is no answer in it: "I always forget which question I
# set", "It's gone", "Hang on, she's right here", "We never had pets", "It has to be ...".
_NO_ANSWER = re.compile(
    r"\b(?:forget|forgot|forgotten|don't know|do not know|dunno|can't remember|cannot remember|"
    r"not sure|no idea|never|gone|reset|hang on|hold on|one sec|let me (?:ask|find|check|look)|"
    r"have to ask|did i|which one|do you want|thought you'd|didn't|don't|doesn't|has to be|"
    r"we'll|you'll|it's just me|is that what|not me|i'd have to|set that)\b",
    re.I,
)
# A question back that is not the question said again: "Do you want that in numbers or words?"
_ASKS_SOMETHING_ELSE = re.compile(
    r"^\W*(?:\w+,?\s+)?(?:do|did|can|could|would|should) (?:you|i)\b", re.I
)
_NO_ANSWER_WITHIN = 5  # words from the sentence start


def _no_answer(sentence: str) -> bool:
    """Whether a sentence says early on that it holds no answer (see _NO_ANSWER)."""
    marker = _NO_ANSWER.search(sentence)
    return bool(marker) and len(sentence[: marker.start()].split()) < _NO_ANSWER_WITHIN


_SAID_BEFORE_CUE = re.compile(r"[,;]|\b(?:that's|is|was|it's|its)\b", re.I)
_ECHO_END = re.compile(
    r"(?:\s+[^\W\d_]+)?\s*[,:…-]+\s*(?:(?:so|right|okay|um+|uh+|er+)\s*[,:…-]+\s*)*"
)


def _answer_start(text: str) -> int | None:
    """Where the answer to a question starts in `text`: past sentences that ask back ("Mother's
    maiden name, is it?") or say nothing ("Oh god."), and past the words that open an answer
    ("Yeah, it's"). None when no sentence holds an answer."""
    for sentence in _SENTENCE.finditer(text):
        if sentence.group().rstrip().endswith("?"):
            if _ASKS_SOMETHING_ELSE.search(sentence.group()):
                return None  # they ask something back before answering: no answer yet
            continue
        if _no_answer(sentence.group()):
            continue
        lead = _LEAD_IN.match(text, sentence.start(), sentence.end())
        start = lead.end() if lead else sentence.start()
        said = text[start : sentence.end()]
        if not re.search(r"\w", said):
            continue
        echo = [
            end
            for end, _ in _cues(said)
            if len(said[:end].split()) <= 4 and len(said[end:].split()) <= 1
        ]
        if echo:  # the question said back: "Favourite food.", "Place..."
            continue
        opening = [
            end
            for end, _ in _cues(said)
            if len(said[:end].split()) <= 4 and not _SAID_BEFORE_CUE.search(said[:end])
        ]
        if opening and (past := _ECHO_END.match(said, opening[0])):
            # "Town of birth, Merthyr Tydfil", "first school, right, Greenfield infants"
            lead = _LEAD_IN.match(text, start + past.end(), sentence.end())
            start = lead.end() if lead else start + past.end()
        return start
    return None


def _asks_back(text: str, at: int) -> bool:
    """Whether the sentence going on at `at` is a question ("Mother's maiden name, is it?")."""
    stop = _SENTENCE_END.search(text, at)
    return bool(stop) and stop.group() == "?"


def _names_an_answer(text: str, cue_end: int) -> bool:
    """Whether a cue is followed by its answer: "my date of birth is ...", not "is it?"."""
    return bool(_COPULA.match(text, cue_end)) and not _asks_back(text, cue_end)


def _later_sentences(text: str, after: int, kind: str) -> list[Redaction]:
    """In a short answer, every later sentence is more of it: "Teal. Or I might have put
    turquoise.", "Niamh. N, I, A, M, H. It's pronounced Neeve." """
    spans = []
    stop = _SENTENCE_END.search(text, after)  # from the sentence after the answer's
    for sentence in _SENTENCE.finditer(text, stop.end() if stop else len(text)):
        said = sentence.group()
        if said.rstrip().endswith("?") or _no_answer(said):
            continue
        lead = _LEAD_IN.match(text, sentence.start(), sentence.end())
        start = lead.end() if lead else sentence.start()
        if re.search(r"\w", text[start : sentence.end()]):
            spans.append(Redaction(kind, start, _free_form_end(text, start, kind)))
    return spans


# Words written with a capital that name no one: the speaker, titles, greetings.
_NOT_NAMES = frozenset(
    "i i'm i'll i've i'd ok okay mr mrs ms mx dr miss sir madam hi hello yes no god".split()
)
_JOINING = re.compile(
    r"[\s,.…?-]*(?:(?:and then|then|and|apostrophe|hyphen|dash|yeah|yes|no|or|or maybe|sorry)"
    r"[\s,.…?-]*)?",
    re.I,
)
# A turn this short that answers a name or security question holds nothing else by name.
_NAMING_TURN_WORDS = 25


def _said_again(text: str, after: int, kind: str, codes: list[CodeRun]) -> list[Redaction]:
    """Past the answer to a name or security question, the answer said another way: spelled
    out ("V A N, then D E R", "O apostrophe S U L L I V A N") anywhere in the turn, and in a
    short turn every other name ("...but everyone called her Effie", "then Berg")."""
    spans = [
        Redaction(kind, c.start, c.end)
        for c in codes
        if c.start >= after and c.letters >= 2 and not c.digits
    ]
    if len(text.split()) <= _NAMING_TURN_WORDS:
        for word in re.finditer(r"[^\W\d_][\w'’-]*", text[after:]):
            start = after + word.start()
            opening = not text[:start].strip() or text[:start].rstrip()[-1] in ".?!"
            if word.group()[0].isupper() and not opening and word.group().lower() not in _NOT_NAMES:
                spans.append(Redaction(kind, start, after + word.end()))
    return _joined(text, spans)  # pieces of one answer: "V A N, then D E R"


def _joined(text: str, spans: list[Redaction]) -> list[Redaction]:
    """Spans in order, each joined to the one before when they are of one kind and only what
    links pieces of an answer lies between them (`_JOINING`)."""
    joined: list[Redaction] = []
    for span in sorted(spans, key=lambda s: s.start):
        last = joined[-1] if joined else None
        if last and last.kind == span.kind and _JOINING.fullmatch(text, last.end, span.start):
            joined[-1] = Redaction(span.kind, last.start, max(last.end, span.end))
        else:
            joined.append(span)
    return joined


# Sentences of a word or two that say how the answer is taken, not what it is.
_REMARK = re.compile(
    r"(?:thanks|thank you|cheers|honestly|really|seriously|anyway|actually|exactly|correct|"
    r"lovely|great|brilliant|perfect|fine|good|sorry|please|no|yes|yeah|right|okay|ok|sure|"
    r"definitely|always|weird|funny|easy|typical|classic|bless|wow|ha|haha|obviously)"
    r"(?:\s+(?:really|then|though|enough|luck|one|question|times|days|that|him|her|it))?",
    re.I,
)
_ALONE_WORDS = 3  # a sentence this short, past its opening words, is the answer said alone
# A question back, not an answer tried as a question ("Laburnum Grove? No, that's the second
# house."): one with a question word or a verb that asks.
_ASKS_BACK = re.compile(
    r"\b(?:who|what|which|where|when|why|how|is|are|was|were|do|does|did|can|could|would|"
    r"should|shall|will|have|has|pardon|sorry|mean)\b[^.!]*\?",
    re.I,
)


def _said_alone(text: str, kind: str) -> list[Redaction]:
    """In an answer to a name, address or security question, a sentence of a word or two said on its
    own anywhere in the turn is the answer: "God, that takes me back. Brambletye. It's closed
    now", "Oh no, you're going to laugh. Sprout. Because I was tiny." """
    spans = []
    for sentence in _SENTENCE.finditer(text):
        if _ASKS_BACK.search(sentence.group()) or _no_answer(sentence.group()):
            continue
        lead = _LEAD_IN.match(text, sentence.start(), sentence.end())
        start = lead.end() if lead else sentence.start()
        said = text[start : sentence.end()].rstrip(" .!?…")
        words = said.split()
        if 0 < len(words) <= _ALONE_WORDS and not _REMARK.fullmatch(said) and not _cues(said):
            spans.append(Redaction(kind, start, start + len(said)))
    return spans


def _free_form_spans(
    text: str, cues: list[tuple[int, str]], asked: _Asked, codes: list[CodeRun], *, agent: bool
) -> list[Redaction]:
    """Security answers, names and addresses: what follows their cue in the same turn ("my
    mother's maiden name is ...") or, asked for in the last turn, the answer itself (a passcode
    only when the answer holds a code: "Kingfisher 22", not "three digits on the back")."""
    spans = []
    kind = asked.free_form
    named = [(end, k) for end, k in cues if k != "OTHER" and _names_an_answer(text, end)]
    start = _answer_start(text) if kind else None
    # The answer names its parts itself ("My date of birth is ..., and my phone number is
    # ...", "I move on the 28th, and the new address is ..."): their cues place them.
    labelled = start is not None and any(
        k == kind or len(text[start:end].split()) <= 4 for end, k in named
    )
    if kind and start is not None and not labelled:
        end = _free_form_end(text, start, kind)
        if kind == "SECURITY_ANSWER" and len(text.split()) <= _SHORT_ANSWER_WORDS:
            # A short answer written with no punctuation (as recognizers often give it) has
            # no clause ends to go by: all of it is answer ("a corsa i think or was that my
            # second car maybe the fiesta").
            if not re.search(r"[,.;:?!…]", text[start:]):
                end = len(text.rstrip())
        if kind != "SECURITY_CODE" or any(start <= c.start < end for c in codes):
            spans.append(Redaction(kind, start, end))
        if kind in {"SECURITY_ANSWER", "NAME"} and len(text.split()) <= _SHORT_ANSWER_WORDS:
            spans += _later_sentences(text, end, kind)
    if kind in {"SECURITY_ANSWER", "NAME"} and start is not None:
        spans += _said_again(text, start, kind, codes)
    if kind in _FREE_FORM_IN_TURN and start is not None:
        spans += _said_alone(text, kind)
    # "Fourth one's L. Last one is D": letters of a word asked for by their places ("just the
    # first and third letters") are letters of a memorable word, named or not.
    if asked.letters and ("SECURITY_ANSWER" in asked.kinds[:1] or not asked.kinds):
        spans += [Redaction("SECURITY_ANSWER", m.start(), m.end()) for m in _LETTER.finditer(text)]
    for cue_end, kind in cues:
        if kind not in _FREE_FORM_IN_TURN | _IN_TURN_WITH_CODE:
            continue
        if kind == "NAME" and agent and _SELF_INTRODUCTION.search(text[:cue_end]):
            continue  # the agent's own name
        if _asks_back(text, cue_end):
            continue  # "Mother's maiden name, is it?"
        said = re.search(r"(?:is|'s)$", text[:cue_end], re.I)  # "my name is", "name's"
        copula = None if said else _COPULA.match(text, cue_end)
        if not said and copula is None:
            # "first name Declan": a name straight after its cue; else no answer follows
            # ("my address has changed").
            if named := _CAPITALISED.match(text, cue_end):
                spans.append(Redaction(kind, named.start(1), named.end(1)))
            continue
        after = copula.end() if copula else cue_end
        lead = _LEAD_IN.match(text, after)
        start = lead.end() if lead else after
        end = _free_form_end(text, start, kind)
        has_code = any(start <= c.start < end for c in codes)
        if end > start and (kind in _FREE_FORM_IN_TURN or has_code):
            spans.append(Redaction(kind, start, end))
    if not agent:  # a customer giving their full name unasked: "I'm Mark Dunleavy"
        spans += [Redaction("NAME", m.start(1), m.end(1)) for m in _FULL_NAME_GIVEN.finditer(text)]
    return spans


# Written, not spoken: a UK postcode as it is typed ("BS6 5AJ"), and a record's code typed as
# one token ("NW-4411829", "RF55120") after the word for the record ("Account NW-4411829",
# "ref RF-55120"), which a chat or email gives without "number".
_WRITTEN_POSTCODE = re.compile(r"(?<![\w-])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?![\w-])")
_WRITTEN_CODE = re.compile(r"(?<![\w-])[A-Z]{1,4}-?\d{5,}(?![\w-])")
_RECORD_WORD = re.compile(
    r"(?i)\b(?:account|acct|a/c|ref|reference|customer|member(?:ship)?|policy|order|booking|"
    r"claim|case|ticket|complaint)\b[^.?!\n\d]{0,20}$"
)


def _written_codes(text: str) -> list[Redaction]:
    spans = [Redaction("POSTCODE", m.start(), m.end()) for m in _WRITTEN_POSTCODE.finditer(text)]
    spans += [
        Redaction("ACCOUNT", m.start(), m.end())
        for m in _WRITTEN_CODE.finditer(text)
        if _RECORD_WORD.search(text[max(0, m.start() - 40) : m.start()])
    ]
    return spans


def find_pii(text: str, *, context: str = "", agent: bool = False) -> list[Redaction]:
    """Where personal data sits in `text`; `context` is what was said just before it by the
    other party (their question), which says what the answer holds. `agent`: the agent said
    it (their own name in a greeting is not redacted; a customer's data they read out is)."""
    asked = _asked(context) if context else _Asked()
    cues = _cues(text)
    spans = _date_spans(text, cues, asked) + _date_answer_spans(text, cues, asked)
    spans += [Redaction("EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    spans += _spoken_emails(text)
    spans += [Redaction("NATIONAL_ID", m.start(), m.end()) for m in _NATIONAL_ID.finditer(text)]
    spans += [
        Redaction("PHONE", m.start(), m.end())
        for m in _US_PHONE.finditer(text)
        if not _COMPANY_NUMBER.match(re.sub(r"\D", "", m.group()))
    ]
    spans += [Redaction("ADDRESS", m.start(), m.end()) for m in _STREET_ADDRESS.finditer(text)]
    spans += _written_codes(text)
    codes = [run for run in code_runs(text) if not _a_count_or_time(text, run)]
    for run in codes:
        if _ENDING.search(text[: run.start]) and run.digits >= 2:
            # "the one ending 6015": the last digits of a card or an account
            card = "card" in f"{context} {text}".lower()
            spans.append(Redaction("CARD" if card else "ACCOUNT", run.start, run.end))
        elif kind := _classify_code(run, _hint(cues, run.start, asked)):
            spans.append(Redaction(kind, run.start, run.end))
    spans = [_with_corrections(text, span) for span in spans]
    # What an earlier redaction tagged stays as it is, and an answer it already took out is not
    # looked for again around its tag: redacting twice changes nothing.
    spans += [
        span
        for span in _free_form_spans(text, cues, asked, codes, agent=agent)
        if not TAG.search(text, span.start, span.end)
    ]
    tagged = [(m.start(), m.end()) for m in TAG.finditer(text)]
    spans = _merge([s for s in spans if not _only_tags(text, s, tagged)])
    spans = _merge(spans + _said_elsewhere(text, spans))
    return _card_across_asides(text, _merge(spans + _repeated(spans, codes)))


# Words too common to say that an answer was said again.
_COMMON = frozenset(
    "the and but was her his him she they their them that this with from for not you your "
    "yes yeah one two its it's then there what which who our".split()
)


_SPELLED = re.compile(r"\b[A-Za-z]\b(?:[\s,.-]+\b[A-Za-z]\b){2,}")


def _said_elsewhere(text: str, spans: list[Redaction]) -> list[Redaction]:
    """A word of a name or security answer said elsewhere in the turn is that answer too:
    "is it Kingfisher? Yeah, Kingfisher." """
    words = {}
    for span in spans:
        if span.kind in {"SECURITY_ANSWER", "NAME"}:
            said = text[span.start : span.end]
            for word in re.finditer(r"[^\W\d_][\w'’-]{2,}", said):
                words[word.group().lower()] = span.kind
            for spelled in _SPELLED.finditer(said):  # "P A T E L" says "patel"
                words[re.sub(r"[\W\d_]", "", spelled.group()).lower()] = span.kind
    found = [
        Redaction(words[word.group().lower()], word.start(), word.end())
        for word in re.finditer(r"[^\W\d_][\w'’-]{2,}", text)
        if word.group().lower() in words
        and word.group().lower() not in _COMMON
        and not any(s.start <= word.start() < s.end for s in spans)
    ]
    if not found:
        return []
    # Joined to the answer beside it: "Kingfisher? Yeah, Kingfisher".
    return _joined(text, found + [s for s in spans if s.kind in {"SECURITY_ANSWER", "NAME"}])


# A card number read with an aside in the middle: "4067 9570, hang on the kids are shouting,
# 6839 3423" is one number, aside and all.
_ASIDE = re.compile(r"(?:[^.?!]|\.\.\.|…){0,60}")


def _card_across_asides(text: str, spans: list[Redaction]) -> list[Redaction]:
    """Card spans in one sentence joined over what is said between them."""
    joined: list[Redaction] = []
    for span in spans:
        last = joined[-1] if joined else None
        if (
            last
            and last.kind == span.kind == "CARD"
            and _ASIDE.fullmatch(text, last.end, span.start)
        ):
            joined[-1] = Redaction("CARD", last.start, span.end)
        else:
            joined.append(span)
    return joined


def _repeated(spans: list[Redaction], codes: list[CodeRun]) -> list[Redaction]:
    """Pieces of a number said again on their own ("The last block is 0322. The whole thing's
    5252 7695 5140 0322."): redacted as the number they repeat."""
    said = [
        (span.kind, "".join(c.chars for c in codes if span.start <= c.start < span.end))
        for span in spans
    ]
    repeats = []
    for code in codes:
        if code.digits < 3 or any(s.start <= code.start < s.end for s in spans):
            continue
        kind = next((kind for kind, chars in said if code.chars in chars), None)
        if kind:
            repeats.append(Redaction(kind, code.start, code.end))
    return repeats


def _only_tags(text: str, span: Redaction, tagged: list[tuple[int, int]]) -> bool:
    """Whether every letter and digit of `span` is inside a tag already there ("[NAME]")."""
    return all(
        any(start <= i < end for start, end in tagged)
        for i in range(span.start, span.end)
        if text[i].isalnum()
    )


# "the second, no, the third of March": the wrong try said before the right one; "twenty-six.
# No, twenty-seven" / "six. Eighty-six": the answer corrected or said again after it.
_CORRECTED_BEFORE = re.compile(
    r"((?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?)[,.…\s]+(?:no|sorry|no sorry|actually)(?:[,.…\s]+sorry)?"
    r"[,.…\s]+$",
    re.I,
)
_NUMBERISH = (
    r"(?:\d+|zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|"
    r"\w+ty|\w+ty-\w+|double|triple|hundred|thousand|and)"
)
_CORRECTED_AFTER = re.compile(
    rf"^[,.…\s]+(?:(?:no|sorry|actually)[,.…\s]+)*(?:the\s+)?{_NUMBERISH}(?:[\s,-]+{_NUMBERISH}){{0,4}}"
    r"(?=[,.…?!]|$)",
    re.I,
)


def _with_corrections(text: str, span: Redaction) -> Redaction:
    """A number, code or date span grown over a correction or repeat said next to it."""
    start, end = span.start, span.end
    if before := _CORRECTED_BEFORE.search(text[max(0, start - 40) : start]):
        start = start - (len(text[max(0, start - 40) : start]) - before.start(1))
    if after := _CORRECTED_AFTER.match(text[end:]):
        end += after.end()
    return Redaction(span.kind, start, end)


def _merge(spans: list[Redaction]) -> list[Redaction]:
    """Overlapping spans joined; the joined span keeps the kind of the earliest, longest."""
    merged: list[Redaction] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Redaction(last.kind, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def redact_text(text: str, *, context: str = "", agent: bool = False) -> str:
    """`text` with every piece of PII replaced by its tag, e.g. "[CARD]" (see find_pii)."""
    for span in reversed(find_pii(text, context=context, agent=agent)):
        text = f"{text[: span.start]}[{span.kind}]{text[span.end :]}"
    return text


def redact_segment(segment: TranscriptSegment, *, context: str = "") -> TranscriptSegment:
    """The segment with PII replaced in its text and its words; a redacted stretch of words
    becomes one word (the tag) spanning their times."""
    agent = segment.speaker == Speaker.AGENT
    if not segment.words:
        return replace(segment, text=redact_text(segment.text, context=context, agent=agent))
    text = "".join(w.word for w in segment.words)
    spans = find_pii(text, context=context, agent=agent)
    if not spans:
        return replace(segment, text=redact_text(segment.text, context=context, agent=agent))
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
            continue
        if span_index in tagged:
            last = words[-1]
            words[-1] = replace(last, end=word.end)
        else:
            tagged.add(span_index)
            lead = " " if word.word.startswith(" ") else ""
            words.append(replace(word, word=f"{lead}[{span.kind}]", probability=1.0))
        tail = word.word[span.end - start :] if span.end < end else ""
        if tail and not any(c.isalnum() for c in tail):  # "J." ends the span: keep the "."
            words[-1] = replace(words[-1], word=words[-1].word + tail)
    return replace(segment, text="".join(w.word for w in words).strip(), words=tuple(words))


# An answer comes in the first segments after the question; later ones are new talk.
_ANSWER_SEGMENTS = 2


def redact_transcript(transcript: Transcript) -> Transcript:
    """Every segment redacted, read with the other party's last turn as context (their
    question) while it is being answered: a question answers nothing its own speaker says."""
    redacted = []
    turn: list[TranscriptSegment] = []  # the last turn: consecutive segments of one speaker
    asked: list[TranscriptSegment] = []  # the turn before it, by the other party
    for segment in transcript.segments:
        if turn and not _same_party(turn[-1], segment):
            asked, turn = turn, []
        turn.append(segment)
        answering = asked and len(turn) <= _ANSWER_SEGMENTS
        context = " ".join(s.text for s in asked) if answering else ""
        redacted.append(redact_segment(segment, context=context))
    return replace(transcript, segments=tuple(redacted))


def _same_party(before: TranscriptSegment, segment: TranscriptSegment) -> bool:
    """Whether two segments are one party's (unknown speakers: each segment its own turn)."""
    return before.speaker == segment.speaker and segment.speaker != Speaker.UNKNOWN
