"""An agent reads one of their chat conversations on a phone (390x844), in a real browser: the
thread with times and waits, no player, and no sideways scrolling."""

import pytest
from playwright.sync_api import expect

from core.db import create_db_engine
from qa.conversation_formats import read_json
from qa.conversation_import import import_conversations
from tests.conftest import NOW
from tests.e2e.conftest import no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.e2e

AGENT = "ben.carter@example.com"
PHONE = {"width": 390, "height": 844}
CHAT = {
    "id": "e2e-chat-1",
    "channel": "chat",
    "agent_email": AGENT,
    "customer": "sam.e2e@example.net",
    "csat": 4,
    "messages": [
        {
            "author": "customer",
            "text": "Hi, my smart meter stopped sending readings last week and I'm worried "
            "my bill will be estimated.",
            "at": "2026-11-20T09:00:00Z",
        },
        {
            "author": "agent",
            "text": "Hi Sam, I'm Ben. Sorry for the worry - I can see the meter stopped on "
            "12 November.",
            "at": "2026-11-20T09:00:45Z",
        },
        {"author": "customer", "text": "Can you fix it?", "at": "2026-11-20T09:01:30Z"},
        {
            "author": "agent",
            "text": "I've reset it remotely and it sent a reading at 09:03. Anything else I "
            "can help with? Have a good day!",
            "at": "2026-11-20T09:04:00Z",
        },
    ],
}


@pytest.fixture
def bens_chat(e2e_database_url, app_url) -> int:
    engine = create_db_engine(e2e_database_url)
    try:
        summary = import_conversations(
            engine=engine,
            items=[("e2e.json", item) for item in read_json(CHAT)],
            now=lambda: NOW,
            score=None,
        )
    finally:
        engine.dispose()
    return summary.outcomes[0].call_id


def test_an_agent_reads_a_chat_conversation_on_a_phone(browser, app_url, bens_chat):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, app_url, AGENT)
    page.goto(f"{app_url}/calls?call={bens_chat}")
    page.get_by_text("Chat conversation, 4 messages").wait_for(timeout=30_000)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(4)
    expect(messages.nth(1)).to_contain_text("Agent · 20 Nov 09:00 · answered after 45 s")
    expect(messages.nth(3)).to_contain_text("I've reset it remotely")
    expect(page.locator("audio")).to_have_count(0)
    messages.nth(0).scroll_into_view_if_needed()
    screenshot(page, "conversation-01-chat")
    assert no_horizontal_scroll(page, PHONE["width"]), "chat conversation: sideways scroll"
    context.close()
