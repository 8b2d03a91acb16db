"""Scoring rules on small hand-made calls (own wording, not from the labelled sets)."""

import hashlib
import re

import numpy as np
import pytest

from core.models import Speaker
from qa.checks import RULES
from qa.scorecard import CHECK_RULES, load_scorecard, parse_scorecard
from qa.scoring import Result, evaluate
from qa.transcript import Transcript, TranscriptSegment, Word
from qa.written_checks import WRITTEN_RULES

A, C, U = Speaker.AGENT, Speaker.CUSTOMER, Speaker.UNKNOWN

OPENING = (
    A,
    0.5,
    8.0,
    "Good afternoon, thanks for calling Acme Water, you're speaking with Jordan. "
    "Just so you know, calls are recorded for training. How can I help?",
)
GOOD_CALL = [
    OPENING,
    (C, 8.5, 14.0, "Hi, I'd like to change the date my payment comes out."),
    (A, 14.5, 17.0, "Of course. Can I take your account number?"),
    (C, 17.5, 20.0, "It's seven two two four one."),
    (A, 20.5, 24.0, "Thanks. And can you confirm your date of birth?"),
    (C, 24.5, 26.5, "Third of June, eighty-one."),
    (A, 27.0, 35.0, "Thank you, you're verified. I can see your payment goes out on the first."),
    (C, 35.5, 38.0, "Can you move it to the fifteenth?"),
    (
        A,
        38.5,
        48.0,
        "Done, I've moved it to the fifteenth, and you'll get a confirmation email today.",
    ),
    (C, 48.5, 50.0, "Great, thanks."),
    (A, 50.5, 53.0, "Is there anything else I can help you with?"),
    (C, 53.5, 54.5, "No, that's all."),
    (A, 55.0, 58.0, "Thanks for calling Acme Water, have a good day. Bye."),
]


def call(turns, channels=2):
    return Transcript(
        source="test",
        duration=max(t[2] for t in turns) if turns else 0.0,
        channels=channels,
        segments=tuple(TranscriptSegment(s, e, who, text) for who, s, e, text in turns),
    )


def shifted(turns, after, seconds):
    """The turns with every turn starting at or after `after` moved later by `seconds`."""
    return [
        (w, s + seconds, e + seconds, t) if s >= after else (w, s, e, t) for w, s, e, t in turns
    ]


def replaced(turns, index, text):
    who, start, end, _ = turns[index]
    return turns[:index] + [(who, start, end, text)] + turns[index + 1 :]


@pytest.fixture(scope="module")
def card():
    return load_scorecard("default")


@pytest.fixture
def judge(card, embedder):
    def run(turns, channels=2):
        return evaluate(call(turns, channels), card, embedder=embedder)

    return run


class FakeEmbedder:
    """Bag of hashed words: stands in for the model where a test is about timing, not meaning."""

    def __init__(self):
        self.calls = []

    def encode(self, texts):
        self.calls.append(list(texts))
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                vectors[row, hashlib.md5(word.encode()).digest()[0] % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1.0, norms)


def results(evaluation):
    return {r.criterion_id: str(r.result) for r in evaluation.criteria}


# --- the whole call ------------------------------------------------------------------------


@pytest.mark.model
def test_a_good_call_passes_everything_that_applies(judge):
    evaluation = judge(GOOD_CALL)
    assert results(evaluation) == {
        "greeting": "pass",
        "recording_disclosure": "pass",
        "verification": "pass",
        "empathy": "na",
        "hold_etiquette": "na",
        "resolution": "pass",
        "closing": "pass",
        "professionalism": "pass",
        "dead_air": "pass",
        "overtalk": "pass",
    }
    assert (evaluation.score, evaluation.auto_fail) == (100.0, False)
    disclosure = evaluation.result("recording_disclosure")
    assert [(e.start, e.end, e.speaker, e.text) for e in disclosure.evidence] == [
        (OPENING[1], OPENING[2], A, OPENING[3])
    ]
    assert all(0.0 <= r.confidence <= 1.0 for r in evaluation.criteria)


# --- greeting --------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    "opening",
    [
        "Acme Water, good afternoon. Calls are recorded for training. How can I help?",
        "Hi there, you're speaking with Jordan. Calls are recorded for training. How can I help?",
        "Hello, billing desk, how can I help? Calls are recorded for training.",
    ],
    ids=["no agent name", "no company", "neither"],
)
def test_an_opening_without_company_or_agent_name_fails_the_greeting(judge, opening):
    assert judge(replaced(GOOD_CALL, 0, opening)).result("greeting").result is Result.FAIL


@pytest.mark.model
def test_the_greeting_accepts_other_ways_of_giving_a_name(judge):
    opening = "Welcome to Brightside Dental, Priya here. This call may be recorded. How can I help?"
    assert judge(replaced(GOOD_CALL, 0, opening)).result("greeting").result is Result.PASS


# --- recording disclosure (critical) ---------------------------------------------------------


@pytest.mark.model
def test_a_disclosure_after_60_seconds_fails_and_zeroes_the_score(judge):
    turns = replaced(GOOD_CALL, 0, "Good afternoon, Acme Water, Jordan speaking. How can I help?")
    turns = shifted(turns, 14.0, 50.0)
    turns = replaced(turns, 2, "Of course. Before I start, this call is recorded and may be "
                     "monitored. Can I take your account number?")  # fmt: skip
    evaluation = judge(turns)
    result = evaluation.result("recording_disclosure")
    assert result.result is Result.FAIL
    assert "after 60 s" in result.reason
    assert result.evidence[0].start == pytest.approx(64.5)
    assert (evaluation.auto_fail, evaluation.score) == (True, 0.0)


@pytest.mark.model
def test_no_disclosure_at_all_fails(judge):
    turns = replaced(GOOD_CALL, 0, "Good afternoon, Acme Water, Jordan speaking. How can I help?")
    assert judge(turns).result("recording_disclosure").result is Result.FAIL


@pytest.mark.model
def test_the_time_of_the_disclosure_sentence_comes_from_its_words(card, embedder):
    # One long segment from 40 s: the disclosure sentence itself starts at 62 s.
    first = "So I have looked at the details and everything is in order now."
    second = "I should say this call is recorded."
    words = [Word(40.0 + i, 40.5 + i, " " + w) for i, w in enumerate(first.split())]
    words += [Word(62.0 + i, 62.5 + i, " " + w) for i, w in enumerate(second.split())]
    segments = [
        TranscriptSegment(0.5, 5.0, A, "Acme Water, Jordan speaking, how can I help?"),
        TranscriptSegment(6.0, 30.0, C, "I have a question about my bill."),
        TranscriptSegment(40.0, 69.0, A, f"{first} {second}", tuple(words)),
    ]
    transcript = Transcript("t", 70.0, 2, tuple(segments))
    result = evaluate(transcript, card, embedder=embedder).result("recording_disclosure")
    assert result.result is Result.FAIL
    assert "62 s" in result.reason


# --- verification (critical) -----------------------------------------------------------------


@pytest.mark.model
def test_details_read_out_before_the_identity_check_fail_verification(judge):
    turns = replaced(
        GOOD_CALL,
        4,
        "Thanks, I've got it up. Your balance is forty pounds and the payment goes out on the "
        "first. Can you confirm your date of birth?",
    )
    result = judge(turns).result("verification")
    assert result.result is Result.FAIL
    assert "before the check" in result.reason


@pytest.mark.model
def test_the_account_number_alone_is_not_an_identity_check(judge):
    turns = GOOD_CALL[:4] + [
        (A, 20.5, 28.0, "Thanks. Right, your payment goes out on the first of each month."),
        *GOOD_CALL[7:],
    ]
    assert judge(turns).result("verification").result is Result.FAIL


@pytest.mark.model
def test_asking_for_the_new_address_is_not_an_identity_check(judge):
    turns = GOOD_CALL[:4] + [
        (
            A,
            20.5,
            28.0,
            "Thanks. I can see your bills go to four Elm Road. What's the new address?",
        ),
        *GOOD_CALL[7:],
    ]
    assert judge(turns).result("verification").result is Result.FAIL


@pytest.mark.model
def test_verification_does_not_apply_to_a_general_question(judge):
    turns = [
        OPENING,
        (C, 8.5, 13.0, "Hi, I'm not a customer, I just wanted to know your prices for a meter."),
        (
            A,
            13.5,
            22.0,
            "Sure, fitting a water meter is free, and most homes save around a "
            "hundred pounds a year.",
        ),  # fmt: skip
        (C, 22.5, 24.0, "Oh, that's good to know."),
        *GOOD_CALL[10:],
    ]
    assert judge(turns).result("verification").result is Result.NA


# --- empathy ---------------------------------------------------------------------------------

UPSET = (C, 8.5, 15.0, "Hi, my payment went out twice this month and honestly I'm so stressed.")


@pytest.mark.model
def test_a_feeling_acknowledged_in_the_next_turn_passes_empathy(judge):
    turns = (
        [OPENING, UPSET]
        + replaced(
            GOOD_CALL,
            2,
            "Oh, I'm so sorry, that must be really worrying. Can I take your account "
            "number?",  # fmt: skip
        )[2:]
    )
    assert judge(turns).result("empathy").result is Result.PASS


@pytest.mark.model
def test_a_feeling_acknowledged_only_in_the_third_agent_turn_fails_empathy(judge):
    turns = [OPENING, UPSET] + replaced(
        GOOD_CALL, 6, "Thank you. I'm really sorry about the stress this has caused you."
    )[2:]
    result = judge(turns).result("empathy")
    assert result.result is Result.FAIL
    assert result.evidence[0].text == UPSET[3]


@pytest.mark.model
def test_telling_an_upset_customer_to_calm_down_is_not_empathy(judge):
    turns = [OPENING, UPSET] + replaced(
        GOOD_CALL, 2, "Okay, calm down. Can I take your account number?"
    )[2:]
    assert judge(turns).result("empathy").result is Result.FAIL


# --- holds, silences and dead air ------------------------------------------------------------


def with_hold(back="Thanks for waiting. I've moved it to the fifteenth, and you'll get an email "
              "confirming it today."):  # fmt: skip
    """A call with a 30 s hold, asked for before, and `back` said after it."""
    return GOOD_CALL[:8] + [
        (A, 38.5, 43.0, "Let me check the dates. Would you mind holding for a minute?"),
        (C, 43.5, 44.5, "Sure."),
        (A, 74.5, 84.0, back),
        *shifted(GOOD_CALL[9:], 48.0, 36.0),
    ]


@pytest.mark.model
def test_a_hold_asked_for_and_thanked_passes(judge):
    evaluation = judge(with_hold())
    assert evaluation.result("hold_etiquette").result is Result.PASS
    assert evaluation.result("dead_air").result is Result.PASS


@pytest.mark.model
def test_a_hold_that_is_not_thanked_fails_hold_etiquette_but_is_not_dead_air(judge):
    evaluation = judge(with_hold(back="Right, I've moved it to the fifteenth for you."))
    assert evaluation.result("hold_etiquette").result is Result.FAIL
    assert "thanked" in evaluation.result("hold_etiquette").reason
    assert evaluation.result("dead_air").result is Result.PASS


@pytest.mark.model
def test_an_unannounced_long_silence_is_dead_air_and_a_bad_hold(judge):
    turns = shifted(GOOD_CALL, 27.0, 14.0)  # 14.5 s of nothing after the date of birth
    evaluation = judge(turns)
    assert evaluation.result("dead_air").result is Result.FAIL
    assert evaluation.result("hold_etiquette").result is Result.FAIL
    evidence = evaluation.result("dead_air").evidence
    assert [e.start for e in evidence] == [24.5, 41.0]


@pytest.mark.model
def test_a_short_pause_is_neither_a_hold_nor_dead_air(judge):
    evaluation = judge(shifted(GOOD_CALL, 27.0, 7.0))
    assert evaluation.result("dead_air").result is Result.PASS
    assert evaluation.result("hold_etiquette").result is Result.NA


@pytest.mark.model
def test_the_customer_going_away_to_fetch_something_is_not_dead_air(judge):
    turns = GOOD_CALL[:7] + [
        (C, 35.5, 38.0, "Let me just go and find my bank card, one second."),
        (A, 38.5, 39.5, "No problem, take your time."),
        (C, 60.0, 62.0, "Sorry, back now. Can you move it to the fifteenth?"),
        *shifted(GOOD_CALL[8:], 38.0, 24.0),
    ]
    evaluation = judge(turns)
    assert evaluation.result("dead_air").result is Result.PASS
    assert evaluation.result("hold_etiquette").result is Result.NA


@pytest.mark.model
def test_a_customer_asking_if_anyone_is_there_does_not_break_up_the_silence(judge):
    # 7 s of silence, "hello?", 7 s more: the agent was silent for 15.5 s.
    turns = GOOD_CALL[:6] + [(C, 33.5, 34.5, "Hello? Are you still there?")]
    turns += shifted(GOOD_CALL[6:], 27.0, 15.0)
    result = judge(turns).result("dead_air")
    assert result.result is Result.FAIL
    assert "Hello? Are you still there?" in [e.text for e in result.evidence]


# --- resolution, closing, professionalism ----------------------------------------------------


@pytest.mark.model
def test_ending_on_a_vague_promise_fails_resolution(judge):
    turns = replaced(
        GOOD_CALL, 8, "I'll pass that on and someone will get back to you at some point."
    )
    assert judge(turns).result("resolution").result is Result.FAIL


@pytest.mark.model
def test_a_concrete_step_after_a_vague_one_passes_resolution(judge):
    turns = replaced(
        GOOD_CALL,
        8,
        "We'll look into it. Actually, I've moved it to the fifteenth now, and you'll get an email "
        "confirming it within the hour.",
    )
    assert judge(turns).result("resolution").result is Result.PASS


@pytest.mark.model
@pytest.mark.parametrize(
    ("index", "text"),
    [(10, "Okay, so that's sorted."), (12, "Okay then.")],
    ids=["no offer of more help", "no goodbye"],
)
def test_closing_needs_an_offer_of_more_help_and_a_goodbye(judge, index, text):
    assert judge(replaced(GOOD_CALL, index, text)).result("closing").result is Result.FAIL


@pytest.mark.model
@pytest.mark.parametrize(
    "text",
    [
        "Well, you should have read the terms before you signed up, that's not on us.",
        "That's not my problem, you'll have to ring someone else.",
        "Done, I've moved the damn thing to the fifteenth.",
    ],
    ids=["blame", "dismissive", "profanity"],
)
def test_blame_dismissal_and_profanity_fail_professionalism(judge, text):
    result = judge(replaced(GOOD_CALL, 8, text)).result("professionalism")
    assert result.result is Result.FAIL
    assert result.evidence[0].text == text


# --- overtalk and the score (timing only: a fake embedder will do) ---------------------------

TIMING_CARD = """\
name: timing
version: 1
review_below: 0.2
criteria:
  - id: overtalk
    title: Overtalk
    description: No talking over the customer.
    weight: 3
    critical: {critical}
    check:
      rule: overtalk
    skills: [active_listening]
  - id: dead_air
    title: Dead air
    description: No long silences.
    weight: 1
    check:
      rule: dead_air
      phrases:
        hold_announcement: {{examples: ["Please hold."]}}
        hold_consent: {{examples: ["Sure, go ahead."]}}
        customer_steps_away: {{examples: ["I'll go and get it."]}}
        still_there: {{examples: ["Are you still there?"]}}
    skills: [call_control]
"""


def interrupted(overlaps):
    """A call in which the agent starts talking `overlap` seconds before the customer stops."""
    turns, t = [], 0.0
    for overlap in overlaps:
        turns.append((C, t, t + 5.0, "customer talking"))
        turns.append((A, t + 5.0 - overlap, t + 9.0, "agent talking"))
        t += 10.0
    return call(turns)


@pytest.mark.parametrize(
    ("overlaps", "expected"),
    [
        ((0.5, 0.8), "pass"),
        ((0.5, 0.5, 0.5), "fail"),  # three times
        ((2.0, 2.5), "fail"),  # twice, but 4.5 s in total
        ((-0.5, -0.5), "pass"),  # the agent waits for the customer to finish
    ],
)
def test_overtalk_counts_times_and_seconds_the_agent_talks_over_the_customer(overlaps, expected):
    card = parse_scorecard(TIMING_CARD.format(critical="false"))
    result = evaluate(interrupted(overlaps), card, embedder=FakeEmbedder()).result("overtalk")
    assert str(result.result) == expected


def test_overtalk_does_not_apply_to_mono_calls():
    card = parse_scorecard(TIMING_CARD.format(critical="false"))
    mono = Transcript("m", 20.0, 1, interrupted((2.0, 2.5, 2.0)).segments)
    evaluation = evaluate(mono, card, embedder=FakeEmbedder())
    assert evaluation.result("overtalk").result is Result.NA
    assert evaluation.score == 100.0  # only dead air applies, and it passed


def test_the_score_is_the_weighted_pass_rate_and_a_critical_failure_zeroes_it():
    transcript = interrupted((0.5, 0.5, 0.5))
    plain = evaluate(transcript, parse_scorecard(TIMING_CARD.format(critical="false")),
                     embedder=FakeEmbedder())  # fmt: skip
    assert (plain.score, plain.auto_fail) == (25.0, False)  # dead air (1) of overtalk (3) + 1
    critical = evaluate(transcript, parse_scorecard(TIMING_CARD.format(critical="true")),
                        embedder=FakeEmbedder())  # fmt: skip
    assert (critical.score, critical.auto_fail) == (0.0, True)
    assert critical.scorecard_version.startswith("1+")


def test_low_confidence_sends_the_call_to_review():
    strict = TIMING_CARD.format(critical="false").replace("review_below: 0.2", "review_below: 1")
    transcript = interrupted((2.0, 1.9))  # 3.9 s: just under the 4 s limit
    evaluation = evaluate(transcript, parse_scorecard(strict), embedder=FakeEmbedder())
    assert evaluation.result("overtalk").result is Result.PASS
    assert evaluation.result("overtalk").confidence < 1
    assert evaluation.needs_review
    relaxed = evaluate(
        transcript,
        parse_scorecard(TIMING_CARD.format(critical="false")),
        embedder=FakeEmbedder(),
    )
    assert not relaxed.needs_review


def test_every_rule_a_scorecard_may_name_is_implemented():
    assert set(RULES) | set(WRITTEN_RULES) == set(CHECK_RULES)
    assert not set(RULES) & set(WRITTEN_RULES)


def test_all_sentences_of_a_call_are_encoded_in_one_batch(card):
    embedder = FakeEmbedder()
    evaluate(call(GOOD_CALL), card, embedder=embedder)
    evaluate(call(GOOD_CALL), card, embedder=embedder)
    assert len(embedder.calls) == 2
    # The scorecard's exemplars are encoded once; the second call encodes only its sentences.
    assert len(embedder.calls[1]) < len(embedder.calls[0])
    assert "Is there anything else I can help you with?" in embedder.calls[1]


def test_without_speaker_labels_every_result_is_routed_to_review(card):
    turns = [(U, s, e, t) for _, s, e, t in GOOD_CALL]
    evaluation = evaluate(call(turns), card, embedder=FakeEmbedder())
    assert all(r.confidence <= 0.5 for r in evaluation.criteria)
    assert evaluation.needs_review
    assert evaluation.result("overtalk").result is Result.NA


def test_a_call_without_speech_is_scored_without_errors(card):
    evaluation = evaluate(call([]), card, embedder=FakeEmbedder())
    assert evaluation.result("greeting").result is Result.FAIL
    assert evaluation.result("verification").result is Result.NA
    assert evaluation.auto_fail


# --- speech-to-text output: lower case, missing commas, garbled words, redaction tags ---------


@pytest.mark.model
def test_a_lower_case_company_and_name_after_clear_cues_pass_the_greeting(judge):
    opening = (
        "Thank you for calling acme water my name is jordan. Calls are recorded. How can I help?"
    )
    assert judge(replaced(GOOD_CALL, 0, opening)).result("greeting").result is Result.PASS


@pytest.mark.model
def test_a_sentence_starts_after_a_redaction_tag(judge):
    turns = replaced(
        GOOD_CALL, 10, "I've updated your number to [PHONE] Is there anything else I can help with"
    )
    assert judge(turns).result("closing").result is Result.PASS


@pytest.mark.model
def test_a_garbled_hold_request_the_customer_agrees_to_is_still_an_announced_hold(judge):
    turns = with_hold()
    turns = replaced(
        turns, 8, "Let me check the dates. Would you mind if I put you on a short fold?"
    )
    turns = replaced(turns, 9, "Sure, go ahead.")
    evaluation = judge(turns)
    assert evaluation.result("dead_air").result is Result.PASS
    assert evaluation.result("hold_etiquette").result is Result.PASS


@pytest.mark.model
def test_an_apology_inside_a_run_on_sentence_counts_as_empathy(judge):
    turns = [OPENING, UPSET] + replaced(
        GOOD_CALL,
        2,
        "I am so sorry that sounds really stressful especially at this time of the month can I "
        "take your account number",
    )[2:]
    assert judge(turns).result("empathy").result is Result.PASS


# --- speech that could not be transcribed ---------------------------------------------------


def _with_unclear_opening(turns, *, speaker=A):
    """The call with the agent's opening replaced by speech that could not be transcribed."""
    unclear = TranscriptSegment(0.5, 8.0, speaker, "", unclear=True)
    rest = tuple(TranscriptSegment(s, e, who, text) for who, s, e, text in turns[1:])
    return Transcript(source="test", duration=58.0, channels=2, segments=(unclear, *rest))


@pytest.mark.model
def test_what_may_be_in_unclear_agent_speech_is_not_failed_but_sent_to_review(card, embedder):
    evaluation = evaluate(_with_unclear_opening(GOOD_CALL), card, embedder=embedder)
    disclosure = evaluation.result("recording_disclosure")
    assert (disclosure.result, disclosure.confidence) == (Result.NA, 0.0)
    assert disclosure.reason.startswith("Not judged: the agent's speech at 0:00-0:08 could not")
    assert evaluation.needs_review and not evaluation.auto_fail
    assert evaluation.result("resolution").result is Result.PASS  # said later, clearly


@pytest.mark.model
def test_unclear_customer_speech_excuses_nothing_the_agent_missed(card, embedder):
    evaluation = evaluate(_with_unclear_opening(GOOD_CALL, speaker=C), card, embedder=embedder)
    assert evaluation.result("recording_disclosure").result is Result.FAIL
    assert evaluation.auto_fail
