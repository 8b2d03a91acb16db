import json
from pathlib import Path

import pytest

from core.models import Speaker
from qa.redact import luhn_valid, redact_segment, redact_text, redact_transcript
from qa.transcript import Transcript, TranscriptSegment, Word

SPLITS = ("dev", "test")


@pytest.mark.parametrize(
    ("spoken", "redacted"),
    [
        (
            "My card number is four one one one, one one one one, one one one one, one one one one",
            "My card number is [CARD]",
        ),
        (
            "It's 4111 1111 1111 1111 and it expires next year",
            "It's [CARD] and it expires next year",
        ),
        ("5500-0000-0000-0004 please", "[CARD] please"),
        (
            "The security code on the back is seven three one.",
            "The security code on the back is [SECURITY_CODE].",
        ),
        (
            "sort code forty, twenty, fifteen, account number 12345678",
            "sort code [SORT_CODE], account number [ACCOUNT]",
        ),
        ("My date of birth is the 12th of March 1985.", "My date of birth is [DOB]."),
        ("date of birth, twelfth of march nineteen eighty five", "date of birth, [DOB]"),
        ("born on 03/12/1985 in Leeds", "born on [DOB] in Leeds"),
        ("email it to john dot smith at gmail dot com please", "email it to [EMAIL] please"),
        ("or jane.doe@example.co.uk", "or [EMAIL]"),
        (
            "my national insurance number is QQ 12 34 56 C",
            "my national insurance number is [NATIONAL_ID]",
        ),
        ("SSN 123-45-6789", "SSN [NATIONAL_ID]"),
        ("call me on oh seven seven double oh nine oh oh one two three", "call me on [PHONE]"),
        ("my mobile is 07700 900123", "my mobile is [PHONE]"),
    ],
)
def test_spoken_and_written_pii_is_replaced_by_tags(spoken, redacted):
    assert redact_text(spoken) == redacted


@pytest.mark.parametrize(
    "harmless",
    [
        "Oh, one more thing, I have two accounts.",
        "The balance is one hundred and ninety six pounds.",
        "It should arrive in 3 to 5 working days, reference to follow.",
        "I was born in 1990 and moved here in 2010.",
    ],
)
def test_ordinary_numbers_are_left_alone(harmless):
    assert redact_text(harmless) == harmless


def test_a_sixteen_digit_number_failing_luhn_is_not_called_a_card():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert "[CARD]" not in redact_text("reference 4111 1111 1111 1112")


def _redacted_turns(*turns: tuple[Speaker, str]) -> list[str]:
    segments = tuple(
        TranscriptSegment(2 * i, 2 * i + 2, speaker, text)
        for i, (speaker, text) in enumerate(turns)
    )
    transcript = Transcript(source="t", duration=10, channels=2, segments=segments)
    return [s.text for s in redact_transcript(transcript).segments]


def test_the_question_in_the_previous_turn_gives_the_context():
    texts = _redacted_turns(
        (Speaker.AGENT, "And what's your sort code?"), (Speaker.CUSTOMER, "It's 40 20 15.")
    )
    assert texts[1] == "It's [SORT_CODE]."


def test_redacting_a_segment_also_redacts_its_words_and_keeps_their_timing():
    words = (
        Word(1.0, 1.2, " card", 0.9),
        Word(1.2, 1.5, " is", 0.9),
        Word(1.5, 2.0, " 4111", 0.8),
        Word(2.0, 2.5, " 1111", 0.8),
        Word(2.5, 3.0, " 1111", 0.8),
        Word(3.0, 3.5, " 1111.", 0.8),
        Word(3.6, 3.9, " Thanks", 0.9),
    )
    segment = TranscriptSegment(
        1.0, 3.9, Speaker.CUSTOMER, "card is 4111 1111 1111 1111. Thanks", words
    )
    redacted = redact_segment(segment)
    assert redacted.text == "card is [CARD]. Thanks"
    assert [w.word for w in redacted.words] == [" card", " is", " [CARD].", " Thanks"]
    assert (redacted.words[2].start, redacted.words[2].end) == (1.5, 3.5)
    assert "1111" not in repr(redacted)


def test_a_date_answering_a_date_of_birth_question_is_redacted():
    question = "Can I take your account number and your date of birth?"
    answer = "It's 12345678 and the 30th of June 1988."
    assert redact_text(answer, context=question) == "It's [ACCOUNT] and [DOB]."
    assert redact_text("June 1988 was a great year") == "June 1988 was a great year"


def test_the_three_digits_on_the_back_are_a_security_code():
    asked = "And the three digits on the back of the card?"
    assert redact_text("seven three one", context=asked) == "[SECURITY_CODE]"


# Lines heard on the demo's telephone audio (issue 17): the cue words misheard, the question
# in the other party's turn, the answer with no cue at all.
@pytest.mark.parametrize(
    ("asked", "answer", "gone"),
    [
        (
            "",
            "My date on birth is the 14th of March 1982 and the post code is BS1 4DJ.",
            ["14th", "1982", "BS1", "4DJ"],
        ),
        ("Could you also confirm your data board?", "A fifth of May 1993.", ["fifth", "1993"]),
        ("A count number.", "It is 902315", ["902315"]),
        (
            "And the answer to your security question?",
            "The answer is button, it was my first cat.",
            ["button"],
        ),
        (
            "",
            "move on the 28th of November, and the new address is 12 or two lanes, "
            "leads LS6 to me.",
            ["12 or two lanes", "LS6"],
        ),
        (
            "Can I take your date of birth?",
            "Yeah, it's nineteen ninety, the third of June.",
            ["third"],
        ),
        ("And your postcode?", "B S one, four D J.", ["B S", "D J"]),
        ("Could you spell your surname for me?", "It's K-O-W-A-L-S-K-I.", ["K-O-W"]),
        (
            "What's the long number on the card?",
            "four five five six, seven three two one, oh oh nine four, one one double eight",
            ["four five", "double eight"],
        ),
        ("And the email address?", "j underscore p 87 at hotmail.co.uk", ["87", "hotmail"]),
        ("Can I take your full name, please?", "Yes, it's Maria Gonzalez.", ["Maria", "Gonzalez"]),
    ],
)
def test_personal_data_is_found_by_what_was_asked_and_what_the_answer_looks_like(
    asked, answer, gone
):
    redacted = redact_text(answer, context=asked)
    assert not [piece for piece in gone if piece in redacted], redacted


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ("When will it arrive?", "It should be with you by the 12th of June, so in two weeks."),
        ("How much is it?", "It's forty-nine ninety-nine a month on the Unlimited 50 plan."),
        ("How long will this take?", "About two minutes, and then press one for billing."),
        ("", "The account has been open since 2019 and you have three cards on it."),
        ("", "Your appointment is Tuesday the 3rd of March 2026 at half past three."),
    ],
)
def test_ordinary_talk_near_the_same_words_is_kept(asked, said):
    assert redact_text(said, context=asked) == said


# Answers given in pieces, with asides, corrections and the answer said again.
@pytest.mark.parametrize(
    ("asked", "answer", "gone"),
    [
        (
            "Just need your date of birth.",
            "Born in 1990, on the 8th, August the 8th.",
            ["1990", "8th", "August"],
        ),
        (
            "For verification, your date of birth?",
            "Thirteenth of, uh, you know, Feb ninety-three.",
            ["Thirteenth", "Feb", "ninety-three"],
        ),
        (
            "Can I confirm your date of birth?",
            "It's the first of April, and no, that's not a joke, nineteen eighty-three.",
            ["first", "April", "eighty-three"],
        ),
        ("What year were you born?", "Nineteen sixty-two.", ["sixty-two"]),
        (
            "What's your mother's maiden name?",
            "It's Van Hoek, V A N, then H O E K.",
            ["Hoek", "H O"],
        ),
        (
            "Security question: what was your grandmother's first name?",
            "Nan's name was Euphemia, but everyone called her Effie.",
            ["Euphemia", "Effie"],
        ),
        ("I'll just wait for the system.", "Security quest shun answer is Tenby.", ["Tenby"]),
        (
            "Card number when you're ready.",
            "Okay, 4067 9570, hang on the dog is barking, 6839 3423.",
            ["4067", "dog", "3423"],
        ),
        (
            "Sorry, what was that last bit?",
            "The last block is 0322. The whole thing's 5252 7695 5140 0322.",
            ["0322", "5252"],
        ),
        (
            "So from your memorable word I need the fourth character, then the last one.",
            "Fourth one's L. Last one is... uh... D, as in dog.",
            ["L.", "D,", "dog"],
        ),
        # Said alone among other sentences; tried as a question then said again; spelled
        # before it is said; letters asked for by place with no word for what they are of.
        (
            "Name of the first school you went to?",
            "Gosh, that takes me back. Hollybush. It shut years ago, it's houses now.",
            ["Hollybush"],
        ),
        ("Your memorable word, please.", "Ooh... is it Lighthouse? Yes, Lighthouse.", ["Light"]),
        ("Sorry, was that M for Mike?", "No, N for November. N O R T O N. Norton.", ["orton"]),
        ("Just the second and fifth letters, please.", "Second's H, fifth's Q.", ["H,", "Q."]),
        (
            "What was your first car?",
            "a micra i think or was that my sisters maybe the clio",
            ["micra", "clio"],
        ),
        ("Date of birth?", "It's the forth of the sixth, eighty-one.", ["forth", "eighty"]),
    ],
)
def test_an_answer_in_pieces_or_said_again_is_redacted_whole(asked, answer, gone):
    redacted = redact_text(answer, context=asked)
    assert not [piece for piece in gone if piece in redacted], redacted


@pytest.mark.parametrize(
    ("asked", "said", "kept"),
    [
        (
            "Can I take your date of birth?",
            "The 2nd of the 3rd, and the appointment's on the 4th of March at ten, right?",
            "the 4th of March at ten",
        ),
        (
            "Can I take the answer to your security question?",
            "Oh, I always forget which question I set. Can you tell me what it is?",
            "I always forget which question I set",
        ),
        (
            "What was your first pet called?",
            "Oh that's easy, Marmite, he was a lovely dog.",
            "he was a lovely dog",
        ),
        (
            "Before we go any further, can I check your date of birth?",
            "Yep, it's the 3rd of May 1985, and I've been with you since 2010.",
            "since 2010",
        ),
        (
            "Childhood nickname?",
            "Oh, don't laugh. Pudding. Thanks.",
            "don't laugh",
        ),
    ],
)
def test_what_is_said_around_an_answer_is_kept(asked, said, kept):
    redacted = redact_text(said, context=asked)
    assert kept in redacted and redacted != said, redacted


def test_asked_for_letters_the_word_a_and_the_pronoun_i_are_not_letters():
    said = "Sorry, which word? I have a couple on the app, I think."
    assert redact_text(said, context="Can I have letters two and four?") == said
    assert (
        redact_text("It's I for India.", context="And the fourth letter?")
        == "It's [SECURITY_ANSWER]."
    )


def test_a_question_answers_nothing_its_own_speaker_says_next():
    texts = _redacted_turns(
        (Speaker.AGENT, "Can I take your full name?"),
        (Speaker.AGENT, "Just so you know this call is recorded."),
        (Speaker.CUSTOMER, "Sure, it's Dana Whitfield."),
    )
    assert texts[1] == "Just so you know this call is recorded."
    assert texts[2] == "Sure, it's [NAME]."


def test_the_held_out_redaction_set_shares_no_turn_with_the_development_set():
    folder = Path(__file__).resolve().parents[1] / "data" / "redaction"
    dev, test = (json.loads((folder / f"{split}.json").read_text())["items"] for split in SPLITS)
    assert len(test) >= 200 and sum(len(i["pii"]) for i in dev + test) >= 300
    said = {item["text"] for item in dev}
    assert not [item["id"] for item in test if item["text"] in said]
    values = {v["value"] for item in dev for v in item["pii"] if len(v["value"]) > 8}
    assert not [v["value"] for item in test for v in item["pii"] if v["value"] in values]


def test_a_whole_call_keeps_the_agents_own_name_and_words_and_loses_the_customers_data():
    texts = _redacted_turns(
        (
            Speaker.AGENT,
            "Thank you for calling Northwind Energy, my name is Amara. How can I help?",
        ),
        (Speaker.CUSTOMER, "Hi, I am calling about my bill."),
        (
            Speaker.AGENT,
            "Of course. Can I take your name and the answer to your security question?",
        ),
        (
            Speaker.CUSTOMER,
            "It's Sarah Morgan. The answer is Buttons, and the postcode is EH3 9WA.",
        ),
        (
            Speaker.AGENT,
            "Thank you, you are verified. The balance is two hundred and forty pounds.",
        ),
    )
    assert texts[0].endswith("my name is Amara. How can I help?")
    assert texts[1] == "Hi, I am calling about my bill."
    assert not {"Sarah", "Morgan", "Buttons", "EH3", "9WA"} & set(texts[3].replace(".", "").split())
    assert texts[4] == "Thank you, you are verified. The balance is two hundred and forty pounds."
