"""The calls list's rows: a call's length on its clock, a written conversation's span."""

from datetime import UTC, datetime

from core.models import Channel
from qa.call_list import CallRow, CallState
from ui.call_list import call_list_rows


def _row(seconds, channel):
    return CallRow(
        call_id=7,
        agent="A1 Person",
        when=datetime(2026, 11, 3, 14, 0, tzinfo=UTC),
        seconds=seconds,
        score=80.0,
        auto_fail=False,
        state=list(CallState)[0],
        csat=None,
        practice=False,
        error=None,
        channel=channel,
    )


def test_a_calls_length_is_its_clock_and_a_conversations_its_span():
    call, email, untimed = call_list_rows(
        [_row(125.0, Channel.CALL), _row(49_800.0, Channel.EMAIL), _row(None, Channel.CHAT)]
    )
    assert (call["Length"], call["Channel"]) == ("2:05", "Voice")
    assert (email["Length"], email["Channel"]) == ("13.8 h", "Email")
    assert untimed["Length"] == "-"
    # Its messages carried no times, so its date is when it was imported, and it says so.
    assert (call["Date"], untimed["Date"]) == ("2026-11-03 14:00", "2026-11-03 14:00 (imported)")
