"""Written conversations (chat, email, social): their JSON form, the rules only they have, and
`python -m qa score` on them."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.models import Channel, Speaker
from qa.__main__ import main
from qa.conversation import ConversationError, parse_conversation
from qa.scorecard import load_scorecard
from qa.scoring import evaluate
from qa.written_checks import misspellings, names_in

START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)


def message(author, text, seconds=None):
    at = None if seconds is None else (START + timedelta(seconds=seconds)).isoformat()
    return {"author": author, "text": text, "at": at}


def chat(*messages, channel="chat", ident="c1"):
    return {"id": ident, "channel": channel, "messages": list(messages)}


GOOD_CHAT = chat(
    message("customer", "Hi, my order 4411 never arrived and I'm really annoyed.", 0),
    message(
        "agent",
        "Hi Sam, I'm Priya. I'm so sorry your order 4411 hasn't arrived, that's frustrating.",
        40,
    ),
    message("customer", "It was meant to come on Tuesday.", 60),
    message(
        "agent",
        "I've sent a replacement and it will arrive tomorrow before 1pm. Is there anything "
        "else I can help with? Have a great day!",
        150,
    ),
    message("customer", "no thanks, bye", 200),
)


def results(embedder, *conversations):
    scorecard = load_scorecard("written")
    return [
        {
            r.criterion_id: r
            for r in evaluate(
                parse_conversation(c).transcript(), scorecard, embedder=embedder
            ).criteria
        }
        for c in conversations
    ]


# --- the JSON form ------------------------------------------------------------------------


def test_a_conversation_becomes_one_segment_per_message_at_seconds_since_the_first():
    conversation = parse_conversation(GOOD_CHAT)
    assert conversation.channel is Channel.CHAT and conversation.timed
    transcript = conversation.transcript()
    assert transcript.channel is Channel.CHAT and transcript.timed
    assert [s.start for s in transcript.segments] == [0.0, 40.0, 60.0, 150.0, 200.0]
    assert [s.speaker for s in transcript.segments][:2] == [Speaker.CUSTOMER, Speaker.AGENT]
    assert transcript.segments[2].text == "It was meant to come on Tuesday."


def test_messages_without_times_are_numbered_and_say_so():
    untimed = chat(message("customer", "Hello"), message("agent", "Hi Jo"))
    transcript = parse_conversation(untimed).transcript()
    assert not transcript.timed
    assert [s.start for s in transcript.segments] == [0.0, 1.0]


def test_a_time_without_a_zone_is_utc_and_other_zones_are_converted():
    conversation = parse_conversation(
        chat(
            {"author": "customer", "text": "a", "at": "2026-11-03T14:00:00"},
            {"author": "agent", "text": "b", "at": "2026-11-03T15:00:30+01:00"},
        )
    )
    assert conversation.messages[0].at == START
    assert conversation.transcript().segments[1].start == 30.0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([], "conversation must be an object"),
        ({"messages": [message("agent", "Hi")]}, "missing 'channel' (chat, email, social)"),
        (chat(message("agent", "Hi"), channel="call"), "channel must be one of chat, email"),
        (chat(message("agent", "Hi"), channel="fax"), "got 'fax'"),
        ({"channel": "chat", "messages": []}, "messages must be a non-empty list"),
        (chat({"author": "bot", "text": "Hi"}), "messages[0].author must be 'agent' or 'customer'"),
        (chat({"author": "agent"}), "messages[0] is missing 'text'"),
        (chat({"author": "agent", "text": 5}), "messages[0].text must be a string"),
        (chat({"author": "agent", "text": "Hi", "at": "yesterday"}), "not an ISO 8601 time"),
        (chat({"author": "agent", "text": "Hi", "at": 5}), "must be an ISO 8601 time or null"),
        (
            chat(message("customer", "a", 60), message("agent", "b", 0)),
            "messages[1].at is before the message above it",
        ),
        ({"id": True, "channel": "chat", "messages": []}, "id must be a string"),
    ],
)
def test_a_malformed_conversation_names_the_field(data, says):
    with pytest.raises(ConversationError, match=None) as raised:
        parse_conversation(data)
    assert says in str(raised.value)


# --- the rules ----------------------------------------------------------------------------


@pytest.mark.model
def test_a_good_chat_passes_everything_that_applies(embedder):
    (found,) = results(embedder, GOOD_CHAT)
    assert {c: str(r.result) for c, r in found.items()} == {
        "greeting": "pass",
        "first_response": "pass",
        "response_times": "pass",
        "understanding": "pass",
        "empathy": "pass",
        "tone": "pass",
        "clarity": "pass",
        "resolution": "pass",
        "closing": "pass",
        "earlier_contact": "na",  # no earlier contact of this customer
    }


@pytest.mark.model
def test_response_times_are_measured_from_the_first_waiting_message_per_channel(embedder):
    def timed(channel, first, later, burst_gap=0):
        return chat(
            message("customer", "Hello, my parcel is late.", 0),
            message("agent", "Hi Sam, sorry about that, let me look.", first),
            message("customer", "It was due Monday.", first + 10),
            message("customer", "Any news?", first + 10 + burst_gap),
            message("agent", "It arrives tomorrow.", first + 10 + later),
            channel=channel,
        )

    on_time, first_late, burst_late, email_ok, social_late = results(
        embedder,
        timed("chat", 59, 119),
        timed("chat", 61, 30),
        # The reply comes 100 s after the second message but 130 s after the first.
        timed("chat", 30, 130, burst_gap=30),
        timed("email", 23 * 3600, 23 * 3600),
        timed("social", 600, 3700),
    )
    assert str(on_time["first_response"].result) == "pass"
    assert str(on_time["response_times"].result) == "pass"
    assert str(first_late["first_response"].result) == "fail"
    assert "over the chat target of 60 s" in first_late["first_response"].reason
    assert str(first_late["response_times"].result) == "pass"
    assert str(burst_late["response_times"].result) == "fail"
    assert [e.index for e in burst_late["response_times"].evidence] == [2, 4]
    assert str(email_ok["first_response"].result) == "pass"
    assert str(email_ok["response_times"].result) == "pass"
    assert str(social_late["response_times"].result) == "fail"


@pytest.mark.model
def test_response_times_do_not_apply_without_times_or_when_the_agent_wrote_first(embedder):
    untimed = chat(message("customer", "Hello"), message("agent", "Hi Jo, I've fixed it."))
    outbound = chat(
        message("agent", "Hi Jo, this is Sam: your delivery is delayed.", 0),
        message("customer", "Oh no, when will it come?", 60),
        message("agent", "Tomorrow before noon.", 100),
    )
    unanswered_end = chat(
        message("customer", "Where is my refund?", 0),
        message("agent", "Hi Jo, it was sent today.", 30),
        message("customer", "thanks bye", 50),
    )
    no_times, agent_first, last_unanswered = results(embedder, untimed, outbound, unanswered_end)
    assert str(no_times["first_response"].result) == "na"
    assert str(no_times["response_times"].result) == "na"
    assert str(agent_first["first_response"].result) == "na"
    assert str(agent_first["response_times"].result) == "pass"
    assert str(last_unanswered["response_times"].result) == "na"


@pytest.mark.model
def test_a_greeting_needs_a_name_and_a_company_is_not_one(embedder):
    def first_reply(text):
        return chat(message("customer", "Can I change my address?"), message("agent", text))

    named, own_name, company_only, no_greeting, later_name = results(
        embedder,
        first_reply("Hi Sam, happy to help with that."),
        first_reply("Hello! I'm Priya and I can change that for you."),
        first_reply("Dear customer,\nThank you for contacting Harbourline Bank.\nRegards"),
        first_reply("Priya here. I can change that."),
        first_reply("Dear customer,\n\nThank you for your email. My name is Tomasz and I'll help."),
    )
    assert str(named["greeting"].result) == "pass"
    assert str(own_name["greeting"].result) == "pass"
    assert str(company_only["greeting"].result) == "fail"
    assert str(no_greeting["greeting"].result) == "fail"
    assert str(later_name["greeting"].result) == "pass"


@pytest.mark.model
def test_shouting_and_text_speak_fail_but_acronyms_do_not(embedder):
    def reply(text):
        return chat(message("customer", "Is my card blocked?"), message("agent", text))

    shouting, acronyms, text_speak = results(
        embedder,
        reply("Hi Jo. PLEASE READ THE EMAIL WE SENT. It explains everything."),
        reply("Hi Jo. Your PIN and ID are fine, see the FAQ on our website."),
        reply("Hi Jo, can u send me ur card number pls?"),
    )
    assert str(shouting["tone"].result) == "fail"
    assert str(acronyms["tone"].result) == "pass"
    assert str(text_speak["clarity"].result) == "fail"
    assert "'u'" in text_speak["clarity"].reason


@pytest.mark.model
def test_an_offer_of_more_help_is_no_vague_promise_and_a_deferral_is_not_placed_in_seconds(
    embedder,
):
    def ending(*last):
        return chat(
            message("customer", "My new card hasn't arrived and I need it for my trip.", 0),
            message("agent", "Hi Sam, sorry about that.", 30),
            *(message("agent", text, 60 + 10 * n) for n, text in enumerate(last)),
        )

    offered, deferred = results(
        embedder,
        ending(
            "I've ordered a new card and it will reach you within 3 working days.",
            "If anything else comes up, feel free to get back in touch.",
        ),
        ending("We'll look into it and someone will be in touch at some point."),
    )
    assert str(offered["resolution"].result) == "pass"
    assert str(deferred["resolution"].result) == "fail"
    assert deferred["resolution"].reason.startswith("Ends on a vague promise or refusal: ")


@pytest.mark.model
def test_a_customer_who_has_to_say_what_they_meant_was_not_understood(embedder):
    (found,) = results(
        embedder,
        chat(
            message("customer", "Can I add a second checked bag to my flight, and how much?", 0),
            message("agent", "Hi Sam, you can pick your seat in Manage Booking from £12.", 30),
            message("customer", "No I meant bags, not seats. A second suitcase.", 60),
            message("agent", "Seats can be chosen up to 30 days before you fly.", 90),
        ),
    )
    understanding = found["understanding"]
    assert str(understanding.result) == "fail" and understanding.confidence >= 0.8
    assert "put the agent right" in understanding.reason


def test_misspellings_know_british_and_american_english_and_skip_names_and_codes():
    text = (
        "I apologise, the colour of your favourite sofa was cancelled. I'll organise a "
        "refund to order LH-4411 and email hello@shop.example, see https://shop.example/x. "
        "Tomasz from Larkspur Home rebooked it. Please recieve it untill Friday, definately."
    )
    assert misspellings(text) == ["recieve", "untill", "definately"]


def test_a_name_opening_a_sentence_is_known_from_the_rest_of_the_conversation():
    texts = ["Thanks for contacting Ledgerly today.", "Ledgerly Billing Team"]
    assert "ledgerly" in names_in(texts)
    assert misspellings(texts[1], names_in(texts)) == []
    assert misspellings(texts[1]) == ["Ledgerly"]


# --- the command line ---------------------------------------------------------------------


@pytest.mark.model
def test_qa_score_takes_calls_and_conversations_in_one_file(tmp_path, capsys, embedder):
    call = {
        "id": "call-1",
        "segments": [
            {"start": 0.0, "end": 3.0, "speaker": "agent", "text": "Acme, Jordan speaking."},
            {
                "start": 3.5,
                "end": 5.0,
                "speaker": "customer",
                "text": "Hi, what time do you close?",
            },
        ],
    }
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([call, GOOD_CHAT]))
    assert main(["score", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    call_line, chat_line = (json.loads(line) for line in out.splitlines())
    assert call_line["id"] == "call-1" and "recording_disclosure" in call_line["criteria"]
    assert chat_line["id"] == "c1"
    assert set(chat_line) == {"id", "score", "auto_fail", "criteria"}
    assert set(chat_line["criteria"]) == {c.id for c in load_scorecard("written").criteria}
    evidence = [e for r in chat_line["criteria"].values() for e in r["evidence"]]
    assert evidence
    for item in evidence:
        assert set(item) == {"message", "author", "text"}
        assert item["text"] in GOOD_CHAT["messages"][item["message"]]["text"]
        assert item["author"] == GOOD_CHAT["messages"][item["message"]]["author"]


def test_qa_score_names_the_bad_conversation_and_field(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([GOOD_CHAT, chat({"author": "agent", "text": "Hi", "at": "soon"})]))
    assert main(["score", str(path)]) == 2
    _, err = capsys.readouterr()
    assert "conversation 2.messages[0].at is not an ISO 8601 time" in err


def test_qa_score_refuses_a_call_scorecard_for_a_chat(tmp_path, capsys):
    path = tmp_path / "chat.json"
    path.write_text(json.dumps(GOOD_CHAT))
    assert main(["score", str(path), "--written-scorecard", "default"]) == 2
    _, err = capsys.readouterr()
    assert "item 1 is a chat, and scorecard 'default' judges call" in err
    assert "--written-scorecard" in err


# --- picking up the earlier contact ----------------------------------------------------------

EARLIER_EMAIL = {
    "id": "e1",
    "channel": "email",
    "customer": "sam.reed@example.net",
    "messages": [
        message(
            "customer",
            "Hello, my broadband router keeps dropping the connection every evening. I have "
            "already reset the router and swapped the cable, it made no difference.",
            -86_400,
        ),
        message("agent", "Dear Sam, thank you, we are looking into it. Kind regards, Lee", -80_000),
    ],
}


def later_chat(*agent_lines):
    return {
        **chat(
            message("customer", "Hi, the internet is still cutting out at night.", 0),
            *(message("agent", line, 30 + 60 * i) for i, line in enumerate(agent_lines)),
            ident="c2",
        ),
        "customer": "Sam.Reed@example.net ",
    }


def scored_with_history(embedder, later):
    """`later` scored as `qa score` scores a file holding the earlier email and it."""
    from qa.commands.score import parse_transcripts

    (_, _), (_, transcript) = parse_transcripts([EARLIER_EMAIL, later])
    assert [t.source for t in transcript.earlier] == ["e1"]
    found = evaluate(transcript, load_scorecard("written"), embedder=embedder).criteria
    return next(r for r in found if r.criterion_id == "earlier_contact")


@pytest.mark.model
def test_an_agent_who_makes_the_customer_repeat_their_story_fails(embedder):
    verdict = scored_with_history(
        embedder,
        later_chat("Hi Sam, I'm Ana. Could you describe the problem you're having?"),
    )
    assert str(verdict.result) == "fail"
    assert verdict.evidence and "describe the problem" in verdict.evidence[0].text


@pytest.mark.model
def test_an_agent_who_works_from_the_earlier_email_passes(embedder):
    verdict = scored_with_history(
        embedder,
        later_chat(
            "Hi Sam, I'm Ana. I can see you've already reset the router and swapped the cable, "
            "so I've booked an engineer to check the line on Thursday."
        ),
    )
    assert str(verdict.result) == "pass"


@pytest.mark.model
def test_without_a_word_about_the_history_a_person_checks(embedder):
    verdict = scored_with_history(embedder, later_chat("Hi Sam, I'm Ana. I'll check the line."))
    assert str(verdict.result) == "fail" and verdict.confidence < 0.6


def test_only_the_same_customers_earlier_conversations_are_linked():
    from qa.commands.score import parse_transcripts

    other = {**EARLIER_EMAIL, "id": "e0", "customer": "someone.else@example.net"}
    untimed = {**later_chat("Hi."), "id": "c3", "messages": [message("customer", "Hi")]}
    parsed = dict(parse_transcripts([later_chat("Hi."), other, EARLIER_EMAIL, untimed]))
    assert [t.source for t in parsed["c2"].earlier] == ["e1"]  # the email came first in time
    assert parsed["e1"].earlier == () and parsed["e0"].earlier == ()
    assert [t.source for t in parsed["c3"].earlier] == ["e1", "c2"]  # untimed: those above it
