"""The check rules only written conversations have: a personal greeting, response times,
understanding the request, tone on the page, spelling, and picking up the customer's earlier
contact."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.clock import wait
from qa.checks import (
    Result,
    Verdict,
    agent_name,
    best_of,
    confidence_of,
    empathy,
    is_question,
    professionalism,
    resolution,
    terms_in,
)
from qa.prepared_call import PreparedCall, split_sentences
from qa.scorecard import Check

__all__ = ["WRITTEN_RULES", "misspellings", "names_in"]


def _not_written(call: PreparedCall) -> Verdict | None:
    if call.transcript.channel == "call":
        return Verdict(Result.NA, 1.0, (), "A call, not a written conversation.")
    return None


def _agent_messages(call: PreparedCall) -> list[int]:
    return [i for i in range(len(call.segments)) if call.is_agent(i)]


# ---------------------------------------------------------------------------------------------
# Greeting and personalisation.

_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)?"
_NAME_WORD = r"([A-Z][\w'-]*|@\w+)"


def _greeting_at(text: str, greetings: Sequence[str]) -> re.Match[str] | None:
    words = "|".join(re.escape(g) for g in sorted(greetings, key=len, reverse=True))
    return re.search(rf"(?<![\w-])(?i:{words})(?![\w-])", text) if words else None


def _customer_named(
    sentence: str, greeting: re.Match[str], not_names: Sequence[str], *, salutation: bool
) -> str | None:
    """The name a greeting addresses: "Hi Sam", "Dear Ms Ortiz" (a salutation), "Thanks for
    reaching out, Sam!" (any greeting); not "Dear customer", "Hi there" or "Thanks for
    contacting Acme"."""
    after = sentence[greeting.end() :]
    found = re.match(rf"[\s,]*{_TITLE}{_NAME_WORD}", after) if salutation else None
    if found is None:
        found = re.search(rf",\s*{_TITLE}{_NAME_WORD}\s*[!.,:]*\s*$", after)
    if found is None:
        return None
    name = found.group(1)
    return None if name.lower().lstrip("@") in not_names else name


def _written_greeting(call: PreparedCall, check: Check) -> Verdict:
    if (not_written := _not_written(call)) is not None:
        return not_written
    agent = _agent_messages(call)
    if not agent:
        return Verdict(Result.FAIL, 0.5, (), "The agent never writes.")
    first = agent[0]
    text = call.segments[first].text
    # The greeting opens the message: its first two lines or sentences.
    opening = split_sentences(text)[:2]
    greeted, named = None, None
    not_names = check.terms["not_names"]
    for sentence in opening:
        for terms, salutation in (
            (check.terms["salutations"], True),
            (check.terms["greetings"], False),
        ):
            greeting = _greeting_at(sentence, terms)
            if greeting is not None:
                greeted = greeted or greeting.group(0)
                named = named or _customer_named(
                    sentence, greeting, not_names, salutation=salutation
                )
    # The agent's name may come later in the message ("Dear customer, ... My name is Tom").
    own_name = agent_name(" ".join(split_sentences(text)))
    if greeted and (named or own_name):
        who = f"addresses {named!r}" if named else f"gives the agent's name {own_name!r}"
        return Verdict(Result.PASS, 0.9, (first,), f"Greets the customer and {who}.")
    missing = "no greeting" if not greeted else "neither the customer's nor the agent's name"
    return Verdict(Result.FAIL, 0.8, (first,), f"The first reply has {missing}.")


# ---------------------------------------------------------------------------------------------
# Response times.


@dataclass(frozen=True)
class _Reply:
    waiting: int
    """The first customer message the reply answers."""
    reply: int
    seconds: float


def _replies(call: PreparedCall) -> list[_Reply]:
    """Every agent message that answers customer messages, with how long the first of them
    waited. A customer message nobody answers (a last "thanks, bye") makes none."""
    replies, waiting = [], None
    for i, segment in enumerate(call.segments):
        if call.is_customer(i):
            waiting = i if waiting is None else waiting
        elif call.is_agent(i) and waiting is not None:
            replies.append(_Reply(waiting, i, segment.start - call.segments[waiting].start))
            waiting = None
    return replies


def _judge_waits(call: PreparedCall, check: Check, replies: list[_Reply], what: str) -> Verdict:
    target = check.params[f"{call.transcript.channel}_seconds"]
    late = [r for r in replies if r.seconds > target]
    # Times are exact: the result is only unsure within a few percent of the target.
    margin = min(abs(r.seconds - target) for r in replies) / max(target, 1.0)
    confidence = confidence_of(margin, 0.05)
    if late:
        worst = max(late, key=lambda r: r.seconds)
        return Verdict(
            Result.FAIL,
            confidence,
            (worst.waiting, worst.reply),
            f"{what} took {wait(worst.seconds)}, over the {call.transcript.channel} target of "
            f"{wait(target)}.",
        )
    longest = max(replies, key=lambda r: r.seconds)
    return Verdict(
        Result.PASS,
        confidence,
        (longest.waiting, longest.reply),
        f"{what} within {wait(target)} (longest {wait(longest.seconds)}).",
    )


def _untimed(call: PreparedCall) -> Verdict | None:
    if (not_written := _not_written(call)) is not None:
        return not_written
    if not call.transcript.timed:
        return Verdict(Result.NA, 1.0, (), "The messages carry no times.")
    return None


def _first_response(call: PreparedCall, check: Check) -> Verdict:
    if (untimed := _untimed(call)) is not None:
        return untimed
    if not call.is_customer(0):
        return Verdict(Result.NA, 1.0, (), "The agent wrote first (an outbound contact).")
    replies = _replies(call)
    if not replies:
        return Verdict(Result.FAIL, 0.9, (0,), "The customer's first message got no reply.")
    return _judge_waits(call, check, replies[:1], "The first reply")


def _response_times(call: PreparedCall, check: Check) -> Verdict:
    if (untimed := _untimed(call)) is not None:
        return untimed
    replies = _replies(call)
    later = replies[1:] if call.is_customer(0) else replies
    if not later:
        return Verdict(Result.NA, 1.0, (), "No later customer message was answered.")
    return _judge_waits(call, check, later, "Every later reply" if len(later) > 1 else "The reply")


# ---------------------------------------------------------------------------------------------
# Understanding the request.


def _says(text: str, cues: Sequence[str]) -> bool:
    """Whether `text` holds one of `cues` as words, with typographic apostrophes read as plain
    ones ("I’m asking about")."""
    return bool(terms_in(text.replace("\u2019", "'"), cues))


def _put_right(call: PreparedCall, cues: Sequence[str]) -> Verdict | None:
    """A fail when the customer, after one of the agent's replies, has to say what they meant
    ("Sorry, I meant bags, not seats"): the reply missed the request, whatever it echoed."""
    replied = None
    for i in range(len(call.segments)):
        if call.is_agent(i):
            replied = i
        elif replied is not None and call.is_customer(i) and _says(call.segments[i].text, cues):
            return Verdict(
                Result.FAIL,
                0.8,
                (replied, i),
                f"The customer had to put the agent right: {call.segments[i].text!r}",
            )
    return None


def _understanding(call: PreparedCall, check: Check) -> Verdict:
    """Some agent sentence of the first replies says back what the customer wrote before it:
    close in meaning to one of the customer's sentences, or a restatement by its form."""
    if (not_written := _not_written(call)) is not None:
        return not_written
    if (corrected := _put_right(call, check.terms["correction_cues"])) is not None:
        return corrected
    vectors = call.sentence_vectors
    restated = call.strength(check.phrases["restatement"])
    within = int(check.params["within_agent_messages"])
    agent = _agent_messages(call)[:within]
    threshold = check.params["min_similarity"]
    best, best_at, best_customer = -1.0, None, None
    for message in agent:
        asked = [
            j
            for i in range(message)
            if call.is_customer(i)
            for j in call.sentences_of(i)
            if len(call.sentences[j].text.split()) >= 3
        ]
        for j in call.sentences_of(message):
            close = (float(np.max(vectors[asked] @ vectors[j])) if asked else -1.0) - threshold
            strength = max(close, float(restated[j]))
            if strength > best:
                best, best_at = strength, j
                best_customer = (
                    call.sentences[asked[int(np.argmax(vectors[asked] @ vectors[j]))]].segment
                    if asked
                    else None
                )
    if best_at is None:
        return Verdict(Result.FAIL, 0.5, (), "The agent never replies.")
    sentence = call.sentences[best_at]
    evidence = tuple(dict.fromkeys(i for i in (best_customer, sentence.segment) if i is not None))
    if best >= 0:
        return Verdict(
            Result.PASS,
            confidence_of(best),
            evidence,
            f"Refers to what the customer asked: {sentence.text!r}",
        )
    return Verdict(
        Result.FAIL,
        confidence_of(best),
        evidence,
        "No reply says back or asks about what the customer wrote.",
    )


# ---------------------------------------------------------------------------------------------
# Empathy: feelings written in words of their own, and emoji.

# A cue after "no", "not", "don't" is no feeling ("no worries", "not worried at all").
_NEGATED = re.compile(r"(?i:\b(?:no|not|don't|dont|nothing to)\s+(?:\w+\s+)?)$")


def _cued(text: str, cues: Sequence[str]) -> bool:
    lowered = text.lower()
    for cue in cues:
        for found in re.finditer(rf"(?<![\w-]){re.escape(cue)}", lowered):
            if not _NEGATED.search(lowered[: found.start()]):
                return True
    return False


def _with_cues(call: PreparedCall, strength: np.ndarray, cues: Sequence[str]) -> np.ndarray:
    """A sentence holding one of `cues` (words are matched at a word's start, so "frustrat"
    is "frustrated" and "frustrating"; emoji anywhere) matches at strength 0.1 at least."""
    cued = np.array([_cued(s.text, cues) for s in call.sentences], dtype=bool)
    return np.where(cued, np.maximum(strength, 0.1), strength) if len(strength) else strength


def _empathy(call: PreparedCall, check: Check) -> Verdict:
    if (not_written := _not_written(call)) is not None:
        return not_written
    emotion = _with_cues(
        call, call.strength(check.phrases["customer_emotion"]), check.terms["emotion_cues"]
    )
    acknowledged = _with_cues(
        call, call.strength(check.phrases["acknowledgement"]), check.terms["acknowledgement_cues"]
    )
    return empathy(call, check, emotion=emotion, acknowledged=acknowledged)


# ---------------------------------------------------------------------------------------------
# Tone: the call rule, and shouting in capitals.

_SHOUTING = re.compile(r"\b[A-Z]{2,}(?:'[A-Z]+)?(?:[\s,!.?]+[A-Z]{2,}(?:'[A-Z]+)?){2,}\b")


def _tone(call: PreparedCall, check: Check) -> Verdict:
    verdict = professionalism(call, check)
    if verdict.result is Result.FAIL:
        return verdict
    for i in _agent_messages(call):
        for found in _SHOUTING.finditer(call.segments[i].text):
            words = re.findall(r"[A-Z']+", found.group(0))
            if sum(w.lower() not in check.terms["acronyms"] for w in words) >= 3:
                return Verdict(Result.FAIL, 0.9, (i,), f"Writes in capitals: {found.group(0)!r}")
    return verdict


# ---------------------------------------------------------------------------------------------
# Clarity and spelling.

_SKIPPED = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|\w*\d\w*")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
# British spellings the (American) dictionary lacks, as the American form they replace.
_BRITISH = (
    ("isation", "ization"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("our", "or"),
    ("ours", "ors"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("amme", "am"),
)
# Not "un": "untill" is no "till" undone (and the dictionary has the real un- words).
_PREFIXES = ("re", "pre", "mis", "non", "co")


@lru_cache(maxsize=1)
def _dictionary():
    from spellchecker import SpellChecker

    return SpellChecker(language="en")


def _known(word: str, allowed: frozenset[str]) -> bool:
    dictionary = _dictionary()
    if word in allowed or word in dictionary:
        return True
    base = word[:-2] if word.endswith("'s") else word[:-1] if word.endswith("s") else None
    if base and (base in allowed or base in dictionary):
        return True
    for british, american in _BRITISH:
        if british in word and word.replace(british, american) in dictionary:
            return True
    return any(
        word.startswith(p) and len(word) - len(p) >= 3 and _known(word[len(p) :], allowed)
        for p in _PREFIXES
    )


def _words(text: str) -> list[tuple[int, str]]:
    """The words of `text` with their place in their sentence (0: first)."""
    return [
        (position, match.group(0))
        for sentence in split_sentences(_SKIPPED.sub(" ", text))
        for position, match in enumerate(_WORD.finditer(sentence))
    ]


def names_in(texts: Sequence[str]) -> frozenset[str]:
    """Words written capitalised inside a sentence somewhere in `texts`: the names of people,
    companies and products of a conversation (lower-cased)."""
    return frozenset(
        word.lower()
        for text in texts
        for position, word in _words(text)
        if position > 0 and word[0].isupper()
    )


def misspellings(text: str, allowed: Collection[str] = ()) -> list[str]:
    """The words of `text` an English dictionary (British or American spelling) does not know.
    Names (capitalised inside a sentence), abbreviations in capitals, links, addresses,
    handles, hashtags, codes with digits and the `allowed` words (lower case; e.g. the
    conversation's `names_in`) are never counted."""
    known = frozenset(allowed)
    found = []
    for position, word in _words(text):
        if word.isupper() and len(word) > 1:
            continue
        if word[0].isupper() and position > 0:
            continue
        if not _known(word.lower(), known):
            found.append(word)
    return found


def _text_speak(text: str, terms: Sequence[str]) -> list[str]:
    return [w for w in _WORD.findall(_SKIPPED.sub(" ", text)) if w.lower() in terms]


def _spelling(call: PreparedCall, check: Check) -> Verdict:
    if (not_written := _not_written(call)) is not None:
        return not_written
    # A name opening a sentence ("Harbourline Social Team") is one the conversation also
    # writes inside a sentence.
    allowed = {*check.terms["allowed_words"], *names_in([s.text for s in call.segments])}
    wrong: list[tuple[int, str]] = []
    slang: list[tuple[int, str]] = []
    for i in _agent_messages(call):
        text = call.segments[i].text
        wrong += [(i, w) for w in misspellings(text, allowed)]
        slang += [(i, w) for w in _text_speak(text, check.terms["text_speak"])]
    limit = int(check.params["max_misspellings"])
    if slang:
        return Verdict(
            Result.FAIL,
            0.9,
            tuple(dict.fromkeys(i for i, _ in slang)),
            f"Text-speak: {', '.join(repr(w) for _, w in slang[:5])}.",
        )
    distinct = list(dict.fromkeys(w.lower() for _, w in wrong))
    # One word more or fewer is where a name the dictionary lacks tips the result.
    confidence = 0.9 if abs(len(distinct) - (limit + 0.5)) > 1 else 0.65
    if len(distinct) > limit:
        return Verdict(
            Result.FAIL,
            confidence,
            tuple(dict.fromkeys(i for i, _ in wrong)),
            f"{len(distinct)} misspelled words: {', '.join(repr(w) for w in distinct[:6])}.",
        )
    found = f" ({', '.join(repr(w) for w in distinct)})" if distinct else ""
    return Verdict(
        Result.PASS,
        confidence,
        tuple(dict.fromkeys(i for i, _ in wrong)),
        f"{len(distinct)} misspelled words{found}, no text-speak.",
    )


# ---------------------------------------------------------------------------------------------
# Resolution and closing, read in whole messages.


def _resolution(call: PreparedCall, check: Check) -> Verdict:
    if (not_written := _not_written(call)) is not None:
        return not_written
    # An email reply is often the whole conversation: its first message counts.
    return resolution(call, check, after_opening=False, offers=check.terms["further_help_cues"])


def _closing(call: PreparedCall, check: Check) -> Verdict:
    """The agent's last message offers more help and ends politely."""
    if (not_written := _not_written(call)) is not None:
        return not_written
    agent = _agent_messages(call)
    if not agent:
        return Verdict(Result.FAIL, 0.5, (), "The agent never writes.")
    last = agent[-1]
    sentences = call.sentences_of(last)
    further_help = _with_cues(
        call, call.strength(check.phrases["further_help"]), check.terms["offer_phrases"]
    )
    farewells = _with_cues(
        call, call.strength(check.phrases["farewell"]), check.terms["farewell_cues"]
    )
    _, offer = best_of(further_help, sentences)
    _, farewell = best_of(farewells, sentences)
    confidence = min(confidence_of(offer), confidence_of(farewell))
    if offer >= 0 and farewell >= 0:
        return Verdict(Result.PASS, confidence, (last,), "Offers more help and signs off.")
    missing = [
        part
        for part, ok in (("no offer of more help", offer >= 0), ("no polite ending", farewell >= 0))
        if not ok
    ]
    return Verdict(
        Result.FAIL, confidence, (last,), "The last message has " + " and ".join(missing) + "."
    )


# ---------------------------------------------------------------------------------------------
# Picking up the earlier contact: the customer's other conversations are `transcript.earlier`.

_FACT = re.compile(r"[a-z0-9][a-z0-9'-]*[a-z0-9]|[0-9]")


def _fact_words(text: str, common: frozenset[str], max_frequency: float) -> set[str]:
    """The words of `text` that can carry a fact of the case: codes and numbers, and words
    that are neither short, listed as common, nor frequent in English."""
    dictionary = _dictionary()
    found = set()
    for word in _FACT.findall(text.lower()):
        word = word.removesuffix("'s")
        if any(ch.isdigit() for ch in word):
            if len(word) >= 3:
                found.add(word)
        elif len(word) >= 4 and word not in common:
            if dictionary.word_frequency[word] <= max_frequency:
                found.add(word)
    return found


_LIST_ITEM = re.compile(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+")


def _requests(call: PreparedCall, agent: Sequence[int], cues: Sequence[str]) -> list[int]:
    """The agent's sentences that ask the customer for something: questions, and the items of
    a list in a message that asks ("please reply with: - your account number")."""
    asking = {call.sentences[j].segment for j in agent if _cued(call.sentences[j].text, cues)}
    return [
        j
        for j in agent
        if is_question(call.sentences[j].text)
        or (_LIST_ITEM.match(call.sentences[j].text) and call.sentences[j].segment in asking)
    ]


def _facts_used(
    call: PreparedCall, check: Check, requests: Collection[int]
) -> tuple[int | None, list[str]]:
    """The agent message that uses the most facts of the earlier contacts the customer has not
    written in this conversation before it (outside what it asks for), and those facts."""
    common = frozenset(check.terms["common_words"])
    frequency = check.params["max_word_frequency"]
    known = set().union(
        *(
            _fact_words(segment.text, common, frequency)
            for earlier in call.transcript.earlier
            for segment in earlier.segments
        )
    )
    told: set[str] = set()
    best: tuple[int | None, list[str]] = (None, [])
    for i, segment in enumerate(call.segments):
        if call.is_customer(i):
            told |= _fact_words(segment.text, common, frequency)
        elif call.is_agent(i):
            words = set().union(
                *(
                    _fact_words(call.sentences[j].text, common, frequency)
                    for j in call.sentences_of(i)
                    if j not in requests
                )
            )
            used = sorted((words & known) - told)
            if len(used) > len(best[1]):
                best = (i, used)
    return best


def _earlier_contact(call: PreparedCall, check: Check) -> Verdict:
    if (not_written := _not_written(call)) is not None:
        return not_written
    if not call.transcript.earlier:
        return Verdict(Result.NA, 1.0, (), "The customer has no earlier contact on record.")
    agent = [j for i in _agent_messages(call) for j in call.sentences_of(i)]
    if not agent:
        return Verdict(Result.FAIL, 0.5, (), "The agent never writes.")
    first_agent = call.sentences[agent[0]].segment
    customer_after = [
        j
        for i in range(first_agent + 1, len(call.segments))
        if call.is_customer(i)
        for j in call.sentences_of(i)
    ]
    asks = call.strength(check.phrases["asks_again"])
    questions = _requests(call, agent, check.terms["request_cues"])
    protest = _with_cues(
        call, call.strength(check.phrases["repeat_protest"]), check.terms["protest_cues"]
    )
    asked_at, asked = best_of(asks, questions)
    protest_at, protested = best_of(protest, customer_after)
    if max(asked, protested) >= 0:
        at = asked_at if asked >= protested else protest_at
        return Verdict(
            Result.FAIL,
            confidence_of(max(asked, protested)),
            (call.sentences[at].segment,),
            f"The customer is made to repeat what they already told us: "
            f"{call.sentences[at].text!r}",
        )
    picks_up = _with_cues(
        call, call.strength(check.phrases["picks_up"]), check.terms["pickup_cues"]
    )
    picked_at, picked = best_of(picks_up, agent)
    used_in, facts = _facts_used(call, check, set(questions))
    if picked >= 0:
        return Verdict(
            Result.PASS,
            confidence_of(picked),
            (call.sentences[picked_at].segment,),
            f"Refers to the earlier contact: {call.sentences[picked_at].text!r}",
        )
    if used_in is not None and len(facts) >= check.params["min_facts"]:
        return Verdict(
            Result.PASS,
            0.7,
            (used_in,),
            f"Uses what the customer said before without asking again: {', '.join(facts)}.",
        )
    return Verdict(
        Result.FAIL,
        0.4,
        (),
        "Neither refers to the customer's earlier contact nor uses what they said there.",
    )


# One function per written-channel `check.rule` (qa.scorecard.CHECK_RULES).
WRITTEN_RULES: dict[str, Callable[[PreparedCall, Check], Verdict]] = {
    "written_greeting": _written_greeting,
    "first_response": _first_response,
    "response_times": _response_times,
    "understanding": _understanding,
    "written_tone": _tone,
    "spelling": _spelling,
    "written_empathy": _empathy,
    "written_resolution": _resolution,
    "written_closing": _closing,
    "earlier_contact": _earlier_contact,
}
