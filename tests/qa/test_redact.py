import pytest

from core.models import Speaker
from qa.redact import luhn_valid, redact_segment, redact_text, redact_transcript
from qa.transcript import Transcript, TranscriptSegment, Word


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
        "I live at forty one Station Road.",
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


def test_the_question_in_the_previous_turn_gives_the_context():
    transcript = Transcript(
        source="t",
        duration=10,
        channels=2,
        segments=(
            TranscriptSegment(0, 2, Speaker.AGENT, "And what's your sort code?"),
            TranscriptSegment(2, 4, Speaker.CUSTOMER, "It's 40 20 15."),
        ),
    )
    assert redact_transcript(transcript).segments[1].text == "It's [SORT_CODE]."


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
    assert redacted.text == "card is [CARD] Thanks"
    assert [w.word for w in redacted.words] == [" card", " is", " [CARD]", " Thanks"]
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
