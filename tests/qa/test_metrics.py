import json

import pytest

from core.models import Speaker
from qa.metrics import compute_metrics
from qa.transcript import Transcript, TranscriptSegment, Word

A, C, U = Speaker.AGENT, Speaker.CUSTOMER, Speaker.UNKNOWN


def call(*segments, channels=2, duration=0.0):
    return Transcript(
        source="test",
        duration=duration,
        channels=channels,
        segments=tuple(TranscriptSegment(s, e, who, text) for who, s, e, text in segments),
    )


def test_talk_time_and_talk_to_listen_ratio():
    m = compute_metrics(
        call((A, 0.0, 10.0, "hello there"), (C, 11.0, 16.0, "hi"), (A, 17.0, 22.0, "right"))
    )
    assert m.agent_talk_seconds == pytest.approx(15.0)
    assert m.customer_talk_seconds == pytest.approx(5.0)
    assert m.talk_to_listen_ratio == pytest.approx(3.0)


def test_silence_is_the_time_nobody_speaks_between_first_and_last_words():
    m = compute_metrics(
        call(
            (A, 5.0, 10.0, "a"),
            (C, 12.0, 14.0, "b"),
            (A, 26.0, 30.0, "c"),
            (C, 40.0, 41.0, "d"),
        ),
        silence_threshold=10.0,
    )
    # 2 + 12 + 10 s; the 5 s before anyone speaks is ringing, not dead air.
    assert m.silence_seconds == pytest.approx(24.0)
    assert m.longest_silence_seconds == pytest.approx(12.0)
    assert m.silences == ((10.0, 12.0), (14.0, 26.0), (30.0, 40.0))
    # Only silences longer than the threshold count: 12 s does, exactly 10 s does not.
    assert m.long_silence_count == 1


def test_hold_periods_are_long_two_sided_silences():
    m = compute_metrics(
        call((A, 0.0, 5.0, "a"), (C, 6.0, 7.0, "b"), (A, 47.0, 50.0, "c"), (C, 62.0, 63.0, "d")),
        hold_min_seconds=15.0,
    )
    assert m.hold_periods == ((7.0, 47.0),)


def test_overtalk_counts_both_speakers_and_separates_what_the_agent_started():
    m = compute_metrics(
        call(
            (A, 0.0, 10.0, "agent talks"),
            (C, 9.0, 15.0, "customer cuts in"),  # 1 s, started by the customer
            (A, 13.5, 20.0, "agent cuts in"),  # 1.5 s, started by the agent
            (C, 21.0, 30.0, "customer"),
            (A, 27.0, 32.0, "agent again"),  # 3 s, started by the agent
        )
    )
    assert m.overtalk_count == 3
    assert m.overtalk_seconds == pytest.approx(5.5)
    assert m.agent_overtalk_count == 2
    assert m.agent_overtalk_seconds == pytest.approx(4.5)
    assert [o.started_by for o in m.overtalk_periods] == [C, A, A]


@pytest.mark.parametrize(
    "transcript",
    [
        call((A, 0.0, 10.0, "a"), (C, 9.0, 15.0, "b"), channels=1),
        call((U, 0.0, 10.0, "a"), (U, 9.0, 15.0, "b"), channels=2),
    ],
    ids=["mono", "speakers unknown"],
)
def test_overtalk_is_not_available_when_overlaps_cannot_be_seen(transcript):
    m = compute_metrics(transcript)
    assert m.overtalk_count is None
    assert m.overtalk_seconds is None
    assert m.agent_overtalk_count is None
    assert m.overtalk_periods == ()


def test_word_timings_are_used_when_present():
    # A segment from 0 to 20 s whose words show a 12 s pause in the middle.
    words = (Word(0.0, 1.0, " one"), Word(1.1, 2.0, " two"), Word(14.0, 15.0, " three"))
    transcript = Transcript(
        source="t",
        duration=20.0,
        channels=2,
        segments=(TranscriptSegment(0.0, 20.0, A, "one two three", words),),
    )
    m = compute_metrics(transcript)
    assert m.agent_talk_seconds == pytest.approx(3.0)  # the 0.1 s gap is a pause inside speech
    assert m.silences == ((2.0, 14.0),)
    assert m.agent_words_per_minute == pytest.approx(3 / (3.0 / 60))


def test_agent_speech_rate_counts_words_of_the_text_without_word_timings():
    m = compute_metrics(call((A, 0.0, 30.0, "one two three four five six seven eight nine ten")))
    assert m.agent_words_per_minute == pytest.approx(20.0)


def test_longest_agent_monologue_ends_when_the_customer_speaks():
    m = compute_metrics(
        call(
            (A, 0.0, 10.0, "a"),
            (A, 12.0, 30.0, "b"),  # same monologue: a 2 s pause
            (C, 31.0, 32.0, "c"),
            (A, 33.0, 40.0, "d"),
            (A, 55.0, 60.0, "e"),  # a 15 s pause is longer than the silence threshold
        ),
        silence_threshold=10.0,
    )
    assert m.longest_agent_monologue_seconds == pytest.approx(30.0)


def test_a_call_without_speech_has_zero_metrics():
    m = compute_metrics(call(channels=2, duration=12.0))
    assert (m.agent_talk_seconds, m.silence_seconds, m.duration) == (0.0, 0.0, 12.0)
    assert m.talk_to_listen_ratio is None
    assert m.agent_words_per_minute is None


def test_to_dict_is_plain_json():
    m = compute_metrics(call((A, 0.0, 10.0, "a"), (C, 9.0, 15.0, "b"), (A, 40.0, 41.0, "c")))
    data = json.loads(json.dumps(m.to_dict()))
    assert data["overtalk_periods"] == [{"start": 9.0, "end": 10.0, "started_by": "customer"}]
    assert data["hold_periods"] == [[15.0, 40.0]]
    assert data["long_silence_count"] == 1
