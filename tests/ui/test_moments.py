"""How coaching links name a moment of a call or of a written conversation."""

from datetime import datetime

from core.models import Call, Channel
from ui.coaching import moment_label


def conversation(channel, started_at=None):
    return Call(
        id=7,
        recording_path="x",
        sha256="0" * 64,
        channel=channel,
        started_at=started_at,
        duration=None if started_at is None else 300.0,
    )


def test_a_call_moment_is_its_clock():
    assert moment_label(7, 83, conversation(Channel.CALL), "UTC") == "Call #7 at 1:23"
    assert moment_label(7, None, conversation(Channel.CALL), "UTC") == "Call #7"


def test_a_written_moment_is_when_the_message_was_sent_in_the_viewers_zone():
    chat = conversation(Channel.CHAT, datetime(2026, 11, 3, 14, 0))  # stored as naive UTC
    assert moment_label(7, 90, chat, "UTC") == "Chat #7 at 03 Nov 14:01"
    assert moment_label(7, 90, chat, "Europe/Helsinki") == "Chat #7 at 03 Nov 16:01"


def test_a_conversation_without_times_names_the_message():
    assert moment_label(7, 2, conversation(Channel.EMAIL), "UTC") == "Email #7, message 3"


def test_a_conversation_the_viewer_may_not_see_reads_as_a_call():
    assert moment_label(7, 83, None, "UTC") == "Call #7 at 1:23"
