"""The check rules of auto-QA: one function per scorecard `check.rule`, judging a prepared call."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from core.models import Channel, Speaker
from qa.metrics import silence_periods, speech_periods
from qa.prepared_call import PreparedCall, split_sentences
from qa.scorecard import Check, PhraseGroup

__all__ = [
    "RULES",
    "Result",
    "Verdict",
    "agent_name",
    "best_of",
    "confidence_of",
    "empathy",
    "is_question",
    "matching",
    "professionalism",
    "resolution",
    "terms_in",
]

# How far (in similarity) from a threshold a score must be for full confidence.
_CONFIDENCE_SPREAD = 0.15


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"


def confidence_of(distance: float, spread: float = _CONFIDENCE_SPREAD) -> float:
    """0.5 on a threshold, rising to 1 at `spread` away from it on either side."""
    return 0.5 + 0.5 * min(1.0, abs(distance) / spread)


# A rule's judgement: the segments (by index) that decided it, and why.
@dataclass(frozen=True)
class Verdict:
    result: Result
    confidence: float
    evidence: tuple[int, ...]
    reason: str


def best_of(strength: np.ndarray, indices: Sequence[int]) -> tuple[int | None, float]:
    """The index with the highest strength among `indices`, and that strength (-1 if none)."""
    if not indices:
        return None, -1.0
    best = max(indices, key=lambda i: strength[i])
    return best, float(strength[best])


def matching(strength: np.ndarray, indices: Sequence[int]) -> list[int]:
    return [i for i in indices if strength[i] >= 0]


# ---------------------------------------------------------------------------------------------
# The rules, one per `check.rule`.

# How agents introduce themselves. After a strong cue ("my name is", "this is", "speaking
# with") the name may come out of speech-to-text in lower case; after a weak one ("Sam
# speaking", "it's Sam") it must be capitalised. A word followed by another one is a company
# ("this is Harbor Bank"), not a person.
_NAME_END = r"(?=\s*(?:[,.!?;:]|$)|\s+(?i:speaking|here|and|from)\b)"
_STRONG_INTRODUCTION = re.compile(
    r"\b(?i:my name(?:'s| is)|this is|speaking (?:with|to)|through to|talking to)\s+"
    rf"([A-Za-z][a-z'-]+){_NAME_END}"
)
_WEAK_INTRODUCTION = re.compile(
    rf"\b(?i:i'm|i am|it's|you've got)\s+([A-Z][a-z'-]+){_NAME_END}"
    r"|\b([A-Z][a-z'-]+)\s+(?i:speaking|here)\b"
)
# Words an opening uses that are neither the agent's name nor the company's.
_OPENING_WORDS = frozenset(
    """a all and any apologies are as at be before billing call calling calls can customer
    department desk did do evening for from good great hello help helpline here hey hi hiya how
    i i'm i'll i'd in is it it's just let let's line lovely may monitored morning afternoon my
    name name's no now of oh okay ok on one our please quick recorded reservations sales service
    services so speaking support team thank thanks that the there this to today we we're we'll
    welcome well what when where who why with yeah yes you you're you've your sorry sure right
    um""".split()
)
# "Thanks for calling X", "you're through to X": X is the company when it is more than the
# name of a desk ("customer services", "the billing team").
_COMPANY_CUE = re.compile(
    r"\b(?i:calling|through to|reached|welcome to)\s+([A-Za-z][\w'&]*(?:\s+[A-Za-z][\w'&]*){0,3})"
)
_CAPITALISED = re.compile(r"\b[A-Z][\w'&]*")


def agent_name(text: str) -> str | None:
    for pattern in (_STRONG_INTRODUCTION, _WEAK_INTRODUCTION):
        for match in pattern.finditer(text):
            name = next(group for group in match.groups() if group)
            if name.lower() not in _OPENING_WORDS:
                return name
    return None


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _company_named(text: str, agent_name: str | None, company_names: Sequence[str]) -> str | None:
    # Configured names match however speech-to-text spaced them ("North Wind", "Northwind").
    for company in company_names:
        if _squashed(company) and _squashed(company) in _squashed(text):
            return company
    for match in _COMPANY_CUE.finditer(text):
        words = match.group(1).split()
        kept = []
        for word in words:
            if word == agent_name or word.lower() in {"my", "you", "you're", "how", "this"}:
                break
            kept.append(word)
        if any(word.lower() not in _OPENING_WORDS for word in kept):
            return " ".join(kept)
    for sentence in split_sentences(text):
        for match in _CAPITALISED.finditer(sentence):
            word = match.group(0)
            if word != agent_name and word.lower() not in _OPENING_WORDS:
                return word
    return None


def _greeting(call: PreparedCall, check: Check) -> Verdict:
    agent = [i for i in range(len(call.segments)) if call.is_agent(i)]
    if not agent:
        return Verdict(Result.FAIL, 0.5, (), "The agent never speaks.")
    opening = call.turn_segments(call.turn_of[agent[0]])
    text = " ".join(call.segments[i].text for i in opening)
    name = agent_name(text)
    company = _company_named(text, name, check.terms.get("company_names", ()))
    if name and company:
        return Verdict(Result.PASS, 0.9, tuple(opening), f"Opening names {company!r} and {name!r}.")
    missing = " and ".join(
        part for part, found in (("the company", company), ("the agent's name", name)) if not found
    )
    return Verdict(Result.FAIL, 0.8, tuple(opening), f"Opening does not give {missing}.")


def _recording_disclosure(call: PreparedCall, check: Check) -> Verdict:
    strength = call.strength(check.phrases["disclosure"])
    within = check.params["within_seconds"]
    agent_sentences = [i for i, s in enumerate(call.sentences) if call.is_agent(s.segment)]
    found = matching(strength, agent_sentences)
    if found and call.sentences[found[0]].start <= within:
        first = found[0]
        return Verdict(
            Result.PASS,
            confidence_of(strength[first]),
            (call.sentences[first].segment,),
            f"Disclosed at {call.sentences[first].start:.0f} s.",
        )
    if found:
        first = found[0]
        late = call.sentences[first].start - within
        return Verdict(
            Result.FAIL,
            min(confidence_of(strength[first]), confidence_of(late, 5.0)),
            (call.sentences[first].segment,),
            f"Disclosed only at {call.sentences[first].start:.0f} s, after {within:.0f} s.",
        )
    _, best = best_of(strength, agent_sentences)
    return Verdict(Result.FAIL, confidence_of(best), (), "No recording disclosure found.")


_REQUEST = re.compile(
    r"\?|\b(?:can|could|may|would) (?:i|you)\b|\bconfirm\b|\bplease\b|\bwhat(?:'s| is)\b|"
    r"\b(?:take|have|get|need|give me) (?:your|the)\b|\bfor security\b",
    re.IGNORECASE,
)
_SHORT_REQUEST_WORDS = 5
# "And your date of birth", "and the postcode on the account": an elliptical question, unless a
# verb makes it a statement ("and your balance is ...").
_ELLIPTICAL_REQUEST = re.compile(r"^(?i:and (?:your|the))\b(?!.*\b(?i:is|are|was|were)\b)")


def is_question(text: str) -> bool:
    return bool(_REQUEST.search(text) or _ELLIPTICAL_REQUEST.search(text))


def _is_request(text: str) -> bool:
    # Short ones count too: "Account number." "Date of birth."
    return is_question(text) or len(text.split()) <= _SHORT_REQUEST_WORDS


def terms_in(text: str, terms: Sequence[str]) -> set[str]:
    lowered = text.lower()
    return {t for t in terms if re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", lowered)}


def _checks_in(text: str, terms: Sequence[str]) -> set[str]:
    # "What's the new address?" takes down a change; it checks nothing already on the record.
    return terms_in(re.sub(r"\b(?:new|different|other)\s+(?:\w+\s+)?\w+", "", text), terms)


def _verification(call: PreparedCall, check: Check) -> Verdict:
    identifiers = check.terms["account_identifiers"]
    checks = check.terms["identity_checks"]
    strong = check.terms["strong_identity_checks"]
    id_request = check_request = None
    for i, sentence in enumerate(call.sentences):
        if not call.is_agent(sentence.segment):
            continue
        text = sentence.text
        if not _is_request(text):
            continue
        found_ids, found_checks = terms_in(text, identifiers), _checks_in(text, checks)
        if id_request is None and (found_ids or terms_in(text, strong)):
            id_request = i
            # The number that finds the record is not a check, even where it could be one
            # (a mobile number for a phone account).
            found_checks -= found_ids
        if found_checks and check_request is None:
            check_request = i
    if id_request is None:
        return Verdict(
            Result.NA, 0.8, (), "The agent never asks for the customer's account or identity."
        )
    details = call.strength(check.phrases["account_details"])
    requested_turn = call.turn_of[call.sentences[id_request].segment]
    end = check_request if check_request is not None else len(call.sentences)
    window = [
        i
        for i in range(id_request + 1, end)
        if call.is_agent(call.sentences[i].segment)
        and call.turn_of[call.sentences[i].segment] > requested_turn
        and not is_question(call.sentences[i].text)
    ]
    disclosed = matching(details, window)
    asked = call.sentences[id_request].segment
    if disclosed:
        first = disclosed[0]
        evidence = (asked, call.sentences[first].segment)
        if check_request is not None:
            evidence += (call.sentences[check_request].segment,)
        when = "before any identity check" if check_request is None else "before the check"
        return Verdict(
            Result.FAIL,
            confidence_of(details[first]),
            evidence,
            f"Account details given at {call.sentences[first].start:.0f} s {when}.",
        )
    _, best = best_of(details, window)
    if check_request is None:
        return Verdict(
            Result.FAIL, 0.5, (asked,), "The account was looked up without an identity check."
        )
    return Verdict(
        Result.PASS,
        confidence_of(best),
        (asked, call.sentences[check_request].segment),
        f"Identity check asked at {call.sentences[check_request].start:.0f} s, before any "
        "account details.",
    )


def _agent_turns_after(call: PreparedCall, turn: int, count: int) -> list[int]:
    """Segments of the agent's next `count` turns after `turn`."""
    later = range(turn + 1, call.turn_of[-1] + 1) if call.turn_of else range(0)
    agent_turns = [t for t in later if call.is_agent(call.turn_segments(t)[0])][:count]
    return [i for t in agent_turns for i in call.turn_segments(t)]


def empathy(
    call: PreparedCall,
    check: Check,
    *,
    emotion: np.ndarray | None = None,
    acknowledged: np.ndarray | None = None,
) -> Verdict:
    """Every feeling the customer expresses is acknowledged in the agent's next turns.
    `emotion` and `acknowledged` (a strength per sentence, >= 0 a match) replace the
    scorecard's phrase groups when given."""
    if emotion is None:
        emotion = call.strength(check.phrases["customer_emotion"])
    if acknowledged is None:
        acknowledged = call.strength(check.phrases["acknowledgement"])
    window = int(check.params["within_agent_turns"])
    customer = [i for i, s in enumerate(call.sentences) if call.is_customer(s.segment)]
    felt = matching(emotion, customer)
    if not felt:
        _, best = best_of(emotion, customer)
        return Verdict(Result.NA, confidence_of(best), (), "The customer expresses no emotion.")
    confidence, evidence = 1.0, []
    for turn in sorted({call.turn_of[call.sentences[i].segment] for i in felt}):
        said = [i for i in felt if call.turn_of[call.sentences[i].segment] == turn]
        replies = [
            j for seg in _agent_turns_after(call, turn, window) for j in call.sentences_of(seg)
        ]
        best_reply, best = best_of(acknowledged, replies)
        feeling = call.sentences[said[0]]
        confidence = min(confidence, confidence_of(emotion[said[0]]), confidence_of(best))
        if best < 0:
            return Verdict(
                Result.FAIL,
                confidence,
                (feeling.segment, *dict.fromkeys(call.sentences[j].segment for j in replies)),
                f"Customer's feeling at {feeling.start:.0f} s is not acknowledged within "
                f"{window} agent turns.",
            )
        evidence += [feeling.segment, call.sentences[best_reply].segment]
    return Verdict(
        Result.PASS,
        confidence,
        tuple(dict.fromkeys(evidence)),
        "Every expressed feeling is acknowledged.",
    )


# A silence the agent owes: nobody speaks (a customer's "are you still there?" does not end
# it) and it is not the customer who went away.
@dataclass(frozen=True)
class _Silence:
    start: float
    end: float
    before: int | None
    after: int | None
    prompts: tuple[int, ...]

    @property
    def seconds(self) -> float:
        return self.end - self.start


def _agent_silences(call: PreparedCall, check: Check, min_seconds: float) -> list[_Silence]:
    still_there = call.strength(check.phrases["still_there"])
    steps_away = call.strength(check.phrases["customer_steps_away"])
    prompts = {
        i
        for i in range(len(call.segments))
        if call.is_customer(i) and matching(still_there, call.sentences_of(i))
    }
    if prompts:
        kept = [s for i, s in enumerate(call.segments) if i not in prompts]
        gaps = silence_periods(speech_periods(kept))
    else:
        gaps = list(call.metrics.silences)
    starts = [s.start for s in call.segments]
    silences = []
    for start, end in gaps:
        if end - start < min_seconds:
            continue
        # Nobody speaks in a gap, so a segment that starts before it is over before it.
        before = bisect.bisect_left(starts, start)
        after = [
            i
            for i in range(bisect.bisect_left(starts, end - 1e-6), len(starts))
            if i not in prompts
        ][:1]
        inside = tuple(i for i in prompts if start <= call.segments[i].start < end)
        previous = before - 1 if before else None
        following = after[0] if after else None
        # The customer went to fetch something, or was told to take their time.
        recent = range(max(0, before - 2), before)
        if any(matching(steps_away, call.sentences_of(i)) for i in recent):
            continue
        # The agent asked a question and the customer is the one who answers after the pause.
        if (
            previous is not None
            and following is not None
            and call.is_agent(previous)
            and call.segments[previous].text.rstrip().endswith("?")
            and call.is_customer(following)
            and not inside
        ):
            continue
        silences.append(_Silence(start, end, previous, following, inside))
    return silences


def _announced(
    call: PreparedCall, silence: _Silence, group: PhraseGroup, consent: PhraseGroup
) -> tuple[int | None, float]:
    """The agent segment before the silence that announced it, and how clearly it did.

    That is the agent's last segment before the silence, with at most one customer segment
    after it. It announces the silence when it matches `group`, or when it asks a question and
    the customer's reply agrees to wait (`consent`).
    """
    if silence.before is None:
        return None, -1.0
    last = next((i for i in range(silence.before, -1, -1) if call.is_agent(i)), None)
    if last is None:
        return None, -1.0
    replies = [i for i in range(last + 1, silence.before + 1) if call.is_customer(i)]
    if len(replies) > 1:
        return last, -1.0
    _, strength = best_of(call.strength(group), call.sentences_of(last))
    if replies and strength < 0 and "?" in call.segments[last].text:
        _, agreed = best_of(call.strength(consent), call.sentences_of(replies[0]))
        strength = max(strength, agreed)
    return last, strength


def _thanked(call: PreparedCall, silence: _Silence, group: PhraseGroup) -> tuple[int | None, float]:
    """The agent's first segment after the silence, and how strongly its opening thanks."""
    starts = [s.start for s in call.segments]
    first = next(
        (
            i
            for i in range(bisect.bisect_left(starts, silence.end - 1e-6), len(starts))
            if call.is_agent(i)
        ),
        None,
    )
    if first is None:
        return None, -1.0
    _, best = best_of(call.strength(group), call.sentences_of(first)[:2])
    return first, best


def _hold_etiquette(call: PreparedCall, check: Check) -> Verdict:
    holds = _agent_silences(call, check, check.params["min_hold_seconds"])
    if not holds:
        return Verdict(Result.NA, 0.9, (), "No hold or long silence.")
    confidence, evidence = 1.0, []
    for hold in holds:
        asked, asked_strength = _announced(
            call, hold, check.phrases["hold_request"], check.phrases["hold_consent"]
        )
        back, thanks_strength = _thanked(call, hold, check.phrases["hold_thanks"])
        segments = tuple(i for i in (asked, *hold.prompts, back) if i is not None)
        if asked_strength < 0 or thanks_strength < 0:
            missing = "asked for or explained" if asked_strength < 0 else "thanked after"
            return Verdict(
                Result.FAIL,
                min(confidence_of(asked_strength), confidence_of(thanks_strength)),
                segments,
                f"The {hold.seconds:.0f} s hold at {hold.start:.0f} s is not {missing}.",
            )
        confidence = min(confidence, confidence_of(asked_strength), confidence_of(thanks_strength))
        evidence += segments
    return Verdict(
        Result.PASS,
        confidence,
        tuple(dict.fromkeys(evidence)),
        "Every hold is asked for or explained, and thanked.",
    )


def _dead_air(call: PreparedCall, check: Check) -> Verdict:
    limit = check.params["max_silence_seconds"]
    long_ones = [s for s in _agent_silences(call, check, limit) if s.seconds > limit]
    confidence, evidence = 1.0, []
    for silence in long_ones:
        announced, strength = _announced(
            call, silence, check.phrases["hold_announcement"], check.phrases["hold_consent"]
        )
        timing = confidence_of(silence.seconds - limit, 2.0)
        segments = tuple(
            i for i in (silence.before, *silence.prompts, silence.after) if i is not None
        )
        if strength < 0:
            return Verdict(
                Result.FAIL,
                min(timing, confidence_of(strength)),
                segments,
                f"{silence.seconds:.0f} s of unannounced silence at {silence.start:.0f} s.",
            )
        confidence = min(confidence, confidence_of(strength))
        evidence += [i for i in (announced, silence.after) if i is not None]
    if long_ones:
        return Verdict(
            Result.PASS, confidence, tuple(dict.fromkeys(evidence)), "Long silences are holds."
        )
    # Only silences near the limit matter for how sure the pass is.
    near = _agent_silences(call, check, max(0.0, limit - 2.0))
    longest = max((s.seconds for s in near), default=0.0)
    return Verdict(
        Result.PASS,
        confidence_of(limit - longest, 2.0),
        (),
        f"Longest agent-side silence {longest:.1f} s.",
    )


def resolution(
    call: PreparedCall,
    check: Check,
    *,
    after_opening: bool = True,
    offers: Sequence[str] = (),
) -> Verdict:
    """The last word on the outcome is concrete. `after_opening`: the agent's opening turn
    ("how can I help?") is not read (a written reply may hold everything in one message).
    A sentence with one of `offers` ("anything else") offers more help: it is no deferral."""
    concrete = call.strength(check.phrases["concrete_outcome"])
    vague = call.strength(check.phrases["vague_outcome"])
    agent = [i for i, s in enumerate(call.sentences) if call.is_agent(s.segment)]
    if after_opening:
        first_turn = call.turn_of[call.sentences[agent[0]].segment] if agent else -1
        agent = [i for i in agent if call.turn_of[call.sentences[i].segment] > first_turn]
    deferred = [i for i in matching(vague, agent) if not terms_in(call.sentences[i].text, offers)]
    if deferred:
        # What counts is the last word: a vague promise or a refusal that nothing concrete
        # follows leaves the customer without an outcome.
        last = deferred[-1]
        after = [i for i in agent if i > last]
        recovered = matching(concrete, after)
        if not recovered:
            _, best_after = best_of(concrete, after)
            where = (
                f" at {call.sentences[last].start:.0f} s"
                if call.transcript.channel == Channel.CALL
                else ""
            )
            return Verdict(
                Result.FAIL,
                min(confidence_of(vague[last]), confidence_of(best_after)),
                tuple(dict.fromkeys(call.sentences[i].segment for i in deferred)),
                f"Ends on a vague promise or refusal{where}: {call.sentences[last].text!r}",
            )
        best = max(recovered, key=lambda i: concrete[i])
        return Verdict(
            Result.PASS,
            confidence_of(concrete[best]),
            (call.sentences[last].segment, call.sentences[best].segment),
            "A concrete outcome follows the vague promise.",
        )
    best, strength = best_of(concrete, agent)
    _, closest_vague = best_of(vague, agent)
    if best is None or strength < 0:
        # No outcome found is no evidence of one: never a pass by default. Unsure (0.5, below
        # any scorecard's `review_below`), so a person decides.
        return Verdict(
            Result.FAIL,
            0.5,
            (),
            "No outcome or next step found (and no vague promise): needs a person to check.",
        )
    return Verdict(
        Result.PASS,
        max(confidence_of(strength), confidence_of(closest_vague)),
        (call.sentences[best].segment,),
        f"States the outcome or next step: {call.sentences[best].text!r}",
    )


def _closing(call: PreparedCall, check: Check) -> Verdict:
    offer = call.strength(check.phrases["further_help"])
    farewell = call.strength(check.phrases["farewell"])
    agent = [i for i in range(len(call.segments)) if call.is_agent(i)]
    if not agent:
        return Verdict(Result.FAIL, 0.5, (), "The agent never speaks.")
    later = [
        j for i in agent if call.turn_of[i] > call.turn_of[agent[0]] for j in call.sentences_of(i)
    ]
    offered, offer_strength = best_of(offer, later)
    if offer_strength < 0:
        # The literal offer ("anything else") counts however the rest of it was transcribed.
        literal = [
            j for j in later if terms_in(call.sentences[j].text, check.terms["offer_phrases"])
        ]
        if literal:
            offered, offer_strength = literal[0], 0.1
    last_turn = call.turn_segments(call.turn_of[agent[-1]])
    closing_sentences = [j for i in last_turn for j in call.sentences_of(i)]
    _, farewell_strength = best_of(farewell, closing_sentences)
    confidence = min(confidence_of(offer_strength), confidence_of(farewell_strength))
    offer_segment = [call.sentences[offered].segment] if offered is not None else []
    evidence = tuple(dict.fromkeys(offer_segment * (offer_strength >= 0) + last_turn))
    if offer_strength >= 0 and farewell_strength >= 0:
        return Verdict(Result.PASS, confidence, evidence, "Offers further help and says goodbye.")
    missing = [
        part
        for part, ok in (
            ("no offer of further help", offer_strength >= 0),
            ("no thanks or goodbye at the end", farewell_strength >= 0),
        )
        if not ok
    ]
    return Verdict(Result.FAIL, confidence, evidence, "Closing has " + " and ".join(missing) + ".")


def professionalism(call: PreparedCall, check: Check) -> Verdict:
    unprofessional = call.strength(check.phrases["unprofessional"])
    agent = [i for i, s in enumerate(call.sentences) if call.is_agent(s.segment)]
    profane = [i for i in agent if terms_in(call.sentences[i].text, check.terms["profanity"])]
    if profane:
        first = call.sentences[profane[0]]
        return Verdict(Result.FAIL, 0.95, (first.segment,), f"Profanity at {first.start:.0f} s.")
    found = matching(unprofessional, agent)
    if found:
        worst = max(found, key=lambda i: unprofessional[i])
        return Verdict(
            Result.FAIL,
            confidence_of(unprofessional[worst]),
            tuple(dict.fromkeys(call.sentences[i].segment for i in found)),
            f"Unprofessional at {call.sentences[found[0]].start:.0f} s: "
            f"{call.sentences[worst].text!r}",
        )
    _, best = best_of(unprofessional, agent)
    return Verdict(Result.PASS, confidence_of(best), (), "Nothing unprofessional found.")


def _overtalk(call: PreparedCall, check: Check) -> Verdict:
    metrics = call.metrics
    if metrics.agent_overtalk_count is None or metrics.agent_overtalk_seconds is None:
        return Verdict(Result.NA, 1.0, (), "Mono call: overlaps cannot be heard.")
    count, seconds = metrics.agent_overtalk_count, metrics.agent_overtalk_seconds
    max_count, max_seconds = check.params["max_count"], check.params["max_seconds"]
    periods = [o for o in metrics.overtalk_periods if o.started_by is Speaker.AGENT]
    evidence = tuple(
        dict.fromkeys(
            i
            for o in periods
            for i, s in enumerate(call.segments)
            if s.start < o.end and s.end > o.start
        )
    )
    count_margin = (max_count + 0.5 - count) / 1.0
    seconds_margin = max_seconds - seconds
    summary = f"Agent talked over the customer {count} times, {seconds:.1f} s in total."
    if count > max_count or seconds > max_seconds:
        margin = max(-count_margin, -seconds_margin)
        return Verdict(Result.FAIL, confidence_of(margin, 1.0), evidence, summary)
    margin = min(count_margin, seconds_margin)
    return Verdict(Result.PASS, confidence_of(margin, 1.0), evidence, summary)


# One function per `check.rule` of a scorecard (qa.scorecard.CHECK_RULES).
RULES: dict[str, Callable[[PreparedCall, Check], Verdict]] = {
    "greeting": _greeting,
    "recording_disclosure": _recording_disclosure,
    "verification": _verification,
    "empathy": empathy,
    "hold_etiquette": _hold_etiquette,
    "resolution": resolution,
    "closing": _closing,
    "professionalism": professionalism,
    "dead_air": _dead_air,
    "overtalk": _overtalk,
}
