"""Written conversations as help desks export them (tests/data/exports/, files written in
Zendesk's and Intercom's shapes): what is read, what is left out, and what is refused."""

import json
from pathlib import Path

import pytest

from core.models import Channel, Speaker
from qa.__main__ import main
from qa.conversation import ConversationError
from qa.conversation_formats import Imported, Refused, read_conversations, read_csv, read_json

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def read(name):
    return read_conversations((EXPORTS / name).read_text(), csv_file=name.endswith(".csv"))


def test_a_zendesk_ticket_keeps_public_comments_and_refuses_an_unknown_author():
    ticket, unknown = read("zendesk_tickets.json")
    assert isinstance(ticket, Imported) and isinstance(unknown, Refused)
    conversation = ticket.conversation
    assert (conversation.id, conversation.channel) == ("4411", Channel.EMAIL)
    assert [m.author for m in conversation.messages] == [Speaker.CUSTOMER, Speaker.AGENT]
    assert all("Internal" not in m.text for m in conversation.messages)
    assert conversation.messages[1].text.startswith("Dear Maya,\nI'm so sorry")
    assert (ticket.agent_email, ticket.customer, ticket.csat) == (
        "agent@example.com",
        "maya.reed@example.com",
        5,
    )
    assert unknown.where == "Zendesk ticket 4412"
    assert "user 777, who is not in the file's users" in unknown.message


def test_an_intercom_conversation_leaves_out_the_bot_notes_and_empty_parts():
    (item,) = read("intercom_conversation.json")
    conversation = item.conversation
    assert conversation.channel is Channel.CHAT and conversation.timed
    texts = [m.text for m in conversation.messages]
    assert texts[0] == "Hi, I was charged twice for my March invoice & I'm fed up."
    assert texts[1] == (
        "Hi Sam, I'm Priya. Sorry about the double charge, that's frustrating.\n"
        "I've refunded the duplicate payment; it will show within 3 working days."
    )
    assert not any("billing!" in t or "Refund ref" in t for t in texts)
    assert [m.author for m in conversation.messages] == [
        Speaker.CUSTOMER,
        Speaker.AGENT,
        Speaker.CUSTOMER,
        Speaker.AGENT,
    ]
    assert (item.agent_email, item.customer, item.csat) == (
        "agent@example.com",
        "sam.ortiz@example.com",
        4,
    )
    assert conversation.transcript().segments[1].start == 44.0


def test_a_csv_groups_rows_by_conversation_and_refuses_a_bad_one_only():
    chat, mail, bad = read("conversations.csv")
    assert chat.conversation.id == "chat-1" and len(chat.conversation.messages) == 4
    assert (chat.agent_email, chat.customer, chat.csat) == ("a1@example.com", "jo@example.com", 5)
    assert mail.conversation.channel is Channel.EMAIL and not mail.conversation.timed
    assert isinstance(bad, Refused)
    assert (
        bad.message
        == "CSV conversation 'bad-3'.channel must be one of chat, email, social, got 'fax'"
    )


def test_a_csv_without_a_column_is_refused_whole():
    with pytest.raises(ConversationError, match="the CSV has no author_email column"):
        read_csv("conversation_id,channel,sent_at,author,text\n")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ([{"segments": []}], "item 1 is not a conversation"),
        ({"ticket": {"id": 9}, "comments": "none"}, "Zendesk ticket 9: comments must be a list"),
        (
            {
                "type": "conversation",
                "id": "x",
                "source": {"body": "<p>Hi</p>"},
                "conversation_rating": {"rating": 9},
            },
            "Intercom conversation x csat must be 1-5, got 9",
        ),
        (
            {"channel": "chat", "messages": [{"author": "agent", "text": "Hi"}], "csat": "great"},
            "conversation 1 csat must be a whole number 1-5",
        ),
    ],
)
def test_a_bad_export_item_is_refused_naming_it(data, says):
    (refused,) = read_json(data)
    assert isinstance(refused, Refused)
    assert says in refused.message


@pytest.mark.model
def test_qa_score_reads_help_desk_exports(capsys, embedder):
    assert main(["score", str(EXPORTS / "intercom_conversation.json")]) == 0
    out, err = capsys.readouterr()
    (line,) = [json.loads(line) for line in out.splitlines()]
    assert line["id"] == "215469998" and err == ""
    assert line["criteria"]["empathy"]["result"] == "pass"


def test_qa_score_stops_at_a_bad_conversation_of_an_export_and_names_it(capsys):
    assert main(["score", str(EXPORTS / "conversations.csv")]) == 2
    _, err = capsys.readouterr()
    assert "conversations.csv: CSV conversation 'bad-3'.channel must be one of" in err


def test_qa_redact_gives_a_written_conversation_back_in_callcoachs_form(capsys):
    assert main(["redact", "--json", str(EXPORTS / "intercom_conversation.json")]) == 0
    out, _ = capsys.readouterr()
    (line,) = [json.loads(line) for line in out.splitlines()]
    assert line["channel"] == "chat" and line["id"] == "215469998"
    assert line["messages"][0]["at"] == "2025-11-03T14:02:11Z"
    assert [m["author"] for m in line["messages"]] == ["customer", "agent", "customer", "agent"]
