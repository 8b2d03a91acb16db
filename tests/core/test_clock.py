"""Call moments read as m:ss everywhere (pages, notes, clips, the live command line)."""

import pytest

from core.clock import clock


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (9.99, "0:09"), (75.4, "1:15"), (3600, "60:00")]
)
def test_whole_seconds_rounded_down(seconds, shown):
    assert clock(seconds) == shown


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.3, "0:00.3"), (75.46, "1:15.4"), (59.99, "0:59.9")]
)
def test_tenths_for_the_live_command_line(seconds, shown):
    assert clock(seconds, tenths=True) == shown


def test_a_negative_moment_reads_as_the_start():
    assert clock(-0.2) == "0:00"
