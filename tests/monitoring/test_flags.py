"""Live flags fire at the right call times, once each."""

from __future__ import annotations

from core.models import Speaker
from monitoring.flags import FlagRules, LiveFlagger
from monitoring.streaming import CommittedSegment, Heard
from qa.transcript import Word


def _said(speaker: Speaker, start: float, text: str, committed_at: float) -> CommittedSegment:
    words = tuple(
        Word(start + i * 0.4, start + i * 0.4 + 0.3, f" {w}") for i, w in enumerate(text.split())
    )
    return CommittedSegment(start, words[-1].end, speaker, text, words, committed_at)


def _heard(flagger: LiveFlagger, until: float, *, sound: bool) -> list:
    return flagger.observe(Heard(until=until, sound=sound, clock=until + 0.1))


def test_dead_air_fires_once_when_the_silence_passes_the_threshold():
    flagger = LiveFlagger(FlagRules(silence_threshold=10.0))
    fired = []
    for step in range(1, 61):  # 30 s of sound until 10 s, then silence, then sound again
        t = step * 0.5
        fired += [(t, f.kind, f.at) for f in _heard(flagger, t, sound=t <= 10 or t > 25)]
    assert [(t, kind, at) for t, kind, at in fired if kind == "dead_air"] == [
        (20.5, "dead_air", 10.0)
    ]


def test_a_missing_recording_disclosure_is_flagged_at_60_seconds():
    flagger = LiveFlagger()
    flagger.observe(_said(Speaker.AGENT, 1.0, "Good morning, you're through to Amara.", 3.0))
    fired = [f for s in range(1, 130) for f in _heard(flagger, s * 0.5, sound=True)]
    assert [(f.kind, f.at, f.raised_at) for f in fired] == [("no_disclosure", 60.0, 60.1)]


def test_no_flag_when_the_agent_disclosed_recording_in_time():
    flagger = LiveFlagger()
    flagger.observe(_said(Speaker.AGENT, 4.0, "This call may be recorded for training.", 7.0))
    fired = [f for s in range(1, 130) for f in _heard(flagger, s * 0.5, sound=True)]
    assert fired == []


def test_customer_frustration_and_keywords_carry_the_time_of_the_word():
    flagger = LiveFlagger(FlagRules(keywords=("cancel", "supervisor")))
    segment = _said(Speaker.CUSTOMER, 30.0, "This is ridiculous, I want to cancel today", 33.0)
    fired = flagger.observe(segment)
    assert [(f.kind, f.at, f.raised_at) for f in fired] == [
        ("frustration", 30.8, 33.0),
        ("keyword", 32.4, 33.0),
    ]
    assert 'Keyword "cancel"' in fired[1].message


def test_the_agent_saying_a_negative_word_is_not_customer_frustration():
    flagger = LiveFlagger(FlagRules(keywords=()))
    assert flagger.observe(_said(Speaker.AGENT, 5.0, "I know, that is frustrating.", 7.0)) == []


def _silence_after(flagger: LiveFlagger, announcement: str | None, quiet_for: float) -> list:
    """Sound until 10 s (the agent speaking, maybe announcing a hold at 8 s, committed 3 s into
    the silence), then `quiet_for` seconds of silence; the silence flags raised."""
    fired = []
    for step in range(1, int((10 + quiet_for) * 2) + 1):
        t = step * 0.5
        if announcement and t == 13.0:
            fired += flagger.observe(_said(Speaker.AGENT, 8.0, announcement, committed_at=13.0))
        fired += _heard(flagger, t, sound=t <= 10)
    return [(f.kind, f.at, f.raised_at) for f in fired if f.kind in ("dead_air", "long_hold")]


def test_a_hold_the_agent_announced_is_not_dead_air_until_it_runs_past_the_check_back_time():
    rules = FlagRules(silence_threshold=10.0, hold_check_back=60.0)
    for said in (
        "Bear with me while I check that for you.",
        "Can I put you on a brief hold?",
        "Let me look into that, one moment please.",
    ):
        assert _silence_after(LiveFlagger(rules), said, quiet_for=40) == [], said
        assert _silence_after(LiveFlagger(rules), said, quiet_for=75) == [
            ("long_hold", 10.0, 70.6)
        ], said


def test_a_silence_nobody_announced_is_still_dead_air():
    rules = FlagRules(silence_threshold=10.0)
    assert _silence_after(LiveFlagger(rules), None, quiet_for=40) == [("dead_air", 10.0, 20.6)]
    said = "Your balance is forty pounds."
    assert _silence_after(LiveFlagger(rules), said, quiet_for=40) == [("dead_air", 10.0, 20.6)]
