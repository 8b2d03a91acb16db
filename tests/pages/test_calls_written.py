"""A written conversation on the Calls page: its messages as a thread with times and waits,
no audio player, its QA score; and the picker says its channel."""

from sqlmodel import select

from core.models import MonitoringNote
from qa.conversation_formats import read_json
from qa.conversation_import import import_conversations
from tests.conftest import NOW
from tests.pages.conftest import texts
from tests.qa.test_conversation_import import Scorer


def _import(engine, data, score=None):
    summary = import_conversations(
        engine=engine, items=[("t.json", i) for i in read_json(data)], now=lambda: NOW, score=score
    )
    return summary.outcomes[0].call_id


CHAT = {
    "id": "chat-9",
    "channel": "chat",
    "agent_email": "a1@example.com",
    "messages": [
        {"author": "customer", "text": "Hi, where is order 5120?", "at": "2026-11-03T14:00:00Z"},
        {"author": "customer", "text": "It was due Monday.", "at": "2026-11-03T14:00:20Z"},
        {"author": "agent", "text": "Hi Jo, it arrives tomorrow.", "at": "2026-11-03T14:01:30Z"},
    ],
}


def test_a_chat_reads_as_a_thread_with_times_and_waits(signed_in, app_db):
    call_id = _import(app_db, CHAT)
    at = signed_in("a1")
    at.query_params["call"] = str(call_id)
    at.switch_page("pages/calls.py").run()
    assert not at.exception
    assert at.selectbox(key="calls_pick").options[0].startswith(f"#{call_id} · chat · A1 Person")
    shown = texts(at)
    assert "Chat conversation, 3 messages" in shown
    assert at.metric[1].value == "90 s"  # its span, first to last message, as the list has it
    # Europe/London is UTC in November; the agent answered 90 s after the first message.
    assert "**Customer** · 03 Nov 14:00" in shown
    assert "**Agent** · 03 Nov 14:01 · answered after 90 s" in shown
    assert "It was due Monday." in [t.value for t in at.text]
    assert not at.warning  # no "recording file" warning: there is no recording
    assert not [b for b in at.button if b.key.startswith("lines_")]


def test_an_email_without_times_numbers_its_messages(signed_in, app_db):
    email = {
        "id": "mail-1",
        "channel": "email",
        "agent_email": "a1@example.com",
        "messages": [
            {"author": "customer", "text": "Please cancel.", "at": None},
            {"author": "agent", "text": "Dear Kim, done.", "at": None},
        ],
    }
    call_id = _import(app_db, email)
    at = signed_in("lead")
    at.query_params["call"] = str(call_id)
    at.switch_page("pages/calls.py").run()
    assert not at.exception
    assert "**Agent** · message 2" in texts(at)
    label = next(o for o in at.selectbox(key="calls_pick").options if o.startswith(f"#{call_id}"))
    assert label.startswith(f"#{call_id} · email · A1 Person · imported ")  # dated by import


def test_the_customers_other_conversations_are_listed_in_every_channel_within_scope(
    signed_in, app_db
):
    chat_id = _import(app_db, {**CHAT, "customer": "Jo@Example.com"})
    email = {
        "id": "mail-2",
        "channel": "email",
        "agent_email": "a2@example.com",
        "customer": "jo@example.com",
        "messages": [
            {
                "author": "customer",
                "text": "Following up on my chat.",
                "at": "2026-11-04T09:00:00Z",
            },
            {"author": "agent", "text": "Dear Jo, it is on its way.", "at": "2026-11-04T10:00:00Z"},
        ],
    }
    other_team = {**email, "id": "mail-3", "agent_email": "b1@example.com"}
    other_team["messages"] = [{**m, "text": m["text"] + "!"} for m in email["messages"]]
    email_id = _import(app_db, email)
    _import(app_db, other_team)
    at = signed_in("lead")  # team A's lead: a1's and a2's conversations, not b1's
    at.query_params["call"] = str(chat_id)
    at.switch_page("pages/calls.py").run()
    assert not at.exception
    assert "This customer's other conversations" in texts(at)
    links = list(at.get("page_link"))
    assert [link.proto.label for link in links] == ["04 Nov 2026 09:00 · Email · A2 Person"]
    assert (links[0].proto.page, links[0].proto.query_string) == ("calls", f"call={email_id}")


def test_the_evidence_of_a_written_conversation_says_when_the_message_was_sent(signed_in, app_db):
    call_id = _import(app_db, CHAT, score=Scorer())  # evidence: message 2, sent at 14:00:20
    at = signed_in("lead")
    at.query_params["call"] = str(call_id)
    at.switch_page("pages/calls.py").run()
    assert not at.exception
    evidence = [c.value for c in at.caption if "It was due Monday" in c.value]
    assert evidence == ["`03 Nov 14:00` customer: It was due Monday\\."]  # not 20 s


def test_a_dispute_on_a_chat_places_its_evidence_by_message_time(signed_in, app_db, session):
    from sqlmodel import select

    from core.models import Call, Dispute, Evaluation

    call_id = _import(app_db, CHAT, score=Scorer())
    evaluation = session.exec(select(Evaluation).where(Evaluation.call_id == call_id)).one()
    session.add(
        Dispute(
            call_id=call_id,
            evaluation_id=evaluation.id,
            agent_id=session.get(Call, call_id).agent_id,
            criterion_id="greeting",
            reason="I did greet Jo by name.",
            created_at=NOW,
        )
    )
    session.commit()
    at = signed_in("lead").switch_page("pages/disputes.py").run()
    assert not at.exception
    shown = texts(at)
    assert f"on chat #{call_id}" in shown
    assert "`03 Nov 14:00` customer: It was due Monday." in shown
    assert [link.proto.label for link in at.get("page_link") if "#" in link.proto.label] == [
        f"Open chat #{call_id}"
    ]


def test_reviewing_a_chat_shows_evidence_by_message_time_with_nothing_to_play(signed_in, app_db):
    from dataclasses import replace

    class Unsure(Scorer):
        def __call__(self, transcript, metrics, team_scorecard):
            return replace(super().__call__(transcript, metrics, team_scorecard), needs_review=True)

    call_id = _import(app_db, CHAT, score=Unsure())
    at = signed_in("lead").switch_page("pages/review.py").run()
    assert not at.exception
    assert "Chat conversation, 3 messages" in texts(at)
    assert "`03 Nov 14:00` :gray[Customer:] It was due Monday\\." in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key.startswith(f"review_{call_id}_greeting_evidence")]


def test_the_list_narrowed_to_written_channels_counts_conversations(signed_in, app_db):
    _import(app_db, CHAT)
    at = signed_in("lead").switch_page("pages/calls.py").run()
    at.multiselect(key="calls_list_channels").select("chat").run()
    assert not at.exception
    assert "1 conversation · click a row to open the conversation" in texts(at)
    at.multiselect(key="calls_list_channels").unselect("chat").select("email").run()
    assert "No conversations match these filters." in texts(at)


def test_a_note_on_a_chat_is_on_one_of_its_messages_and_placed_by_its_time(
    signed_in, app_db, session
):
    call_id = _import(app_db, CHAT)
    at = signed_in("lead")
    at.query_params["call"] = str(call_id)
    at.switch_page("pages/calls.py").run()
    assert not at.exception
    key = f"lines_{call_id}_notes"
    assert not [t for t in at.text_input if t.key in (f"{key}_at", f"{key}_end")]  # no m:ss
    picker = at.selectbox(key=f"{key}_message")
    assert picker.options[1] == "2 · Customer · 03 Nov 14:00 · It was due Monday."
    picker.select(2)
    at.text_area(key=f"{key}_text").input("Answered both questions in one reply")
    next(b for b in at.button if b.label == "Save note").click().run()
    assert not at.exception and not at.error
    assert "Note saved at 03 Nov 14:01." in texts(at)
    note = session.exec(select(MonitoringNote)).one()
    assert (note.call_id, note.at_seconds, note.end_seconds) == (call_id, 90.0, None)
    shown = [m.value for m in at.markdown]
    assert [m for m in shown if m.startswith("`03 Nov 14:01` :gray-badge[Note]")], shown
