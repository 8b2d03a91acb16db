"""Lesson examples cut from real calls: the clip's audio and bleeps, its lines, who may add one."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from sqlmodel import select

from core.calls import register_call
from core.errors import InvalidInput, NotAllowed
from core.models import AuditEvent, LessonExample, MonitoringNote, NoteKind, Segment, Speaker
from monitoring import add_lesson_example, list_lesson_examples, remove_lesson_example
from tests.conftest import NOW

RATE = 16_000
LESSONS = {"empathy-basics", "taking-payments"}


def _words(*spec: tuple[float, float, str]) -> list[dict]:
    return [{"start": s, "end": e, "word": w, "probability": 0.9} for s, e, w in spec]


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    """Ten seconds of stereo 16-bit audio: a 300 Hz tone on the agent's side, 500 Hz on the
    customer's, so any 1 kHz sound in a clip can only be a bleep."""
    t = np.arange(10 * RATE) / RATE
    left = 0.3 * np.sin(2 * np.pi * 300 * t)
    right = 0.2 * np.sin(2 * np.pi * 500 * t)
    frames = np.round(np.stack([left, right], axis=1) * 32767).astype("<i2")
    path = tmp_path / "calls" / "call.wav"
    path.parent.mkdir()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames.tobytes())
    return path


@pytest.fixture
def call(session, people, recording):
    call = register_call(
        session=session,
        recording_path=str(recording),
        sha256="c" * 64,
        agent_id=people["a1"].id,
        started_at=NOW,
        duration=10.0,
        channels=2,
        now=NOW,
    )
    card = _words(
        (3.5, 3.8, " My"), (3.8, 4.1, " card"), (4.1, 4.3, " is"), (4.3, 5.8, " [CARD]")
    ) + _words((5.9, 6.4, " thanks."))
    paid = _words((7.0, 7.3, " Thank"), (7.3, 7.6, " you,"), (7.9, 8.3, " that's"))
    session.add_all(
        [
            Segment(
                call_id=call.id, start=1.0, end=3.0, speaker=Speaker.AGENT, text="This is Amara."
            ),
            Segment(
                call_id=call.id,
                start=3.5,
                end=6.5,
                speaker=Speaker.CUSTOMER,
                text="My card is [CARD] thanks.",
                words=card,
                text_unredacted="My card is 4111 1111 1111 1111 thanks.",
            ),
            Segment(
                call_id=call.id,
                start=7.0,
                end=8.4,
                speaker=Speaker.AGENT,
                text="Thank you, that's paid.",
                words=[*paid, *_words((8.3, 8.4, " paid."))],
            ),
        ]
    )
    session.commit()
    return call


def _add(session, actor, call, data_dir, **changes):
    values = {
        "session": session,
        "actor": actor,
        "call_id": call.id,
        "lesson_id": "taking-payments",
        "start": 3.0,
        "end": 7.5,
        "title": "Taking a card number calmly",
        "known_lessons": LESSONS,
        "data_dir": data_dir,
        "now": NOW,
    } | changes
    return add_lesson_example(**values)


def _read(path: Path) -> tuple[np.ndarray, wave._wave_params]:
    with wave.open(str(path), "rb") as clip:
        params = clip.getparams()
        samples = np.frombuffer(clip.readframes(params.nframes), dtype="<i2")
    return samples, params


def _dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[spectrum.argmax()])


def test_a_lead_turns_a_moment_into_a_clip_with_the_card_number_bleeped(
    session, people, call, recording, tmp_path
):
    from faster_whisper import decode_audio

    data = tmp_path / "data"
    example = _add(session, people["lead"], call, data)

    samples, params = _read(data / example.audio_path)
    assert example.audio_path == f"examples/{example.id}.wav"
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, RATE)
    # The moment 3.0-7.5 s plus 0.3 s either side: 2.7-7.8 s of the call.
    assert params.nframes == round(5.1 * RATE)

    source = np.round(decode_audio(str(recording), sampling_rate=RATE) * 32768).astype(int)
    source = source[round(2.7 * RATE) : round(7.8 * RATE)]
    # "[CARD]" was said 4.3-5.8 s; bleeped from 0.15 s before to 0.15 s after: 1.45-3.25 s in.
    bleep = slice(round(1.45 * RATE), round(3.25 * RATE))
    t = np.arange(bleep.start, bleep.stop) / RATE
    tone = np.round(0.1 * np.sin(2 * np.pi * 1000 * t) * 32768)
    assert np.abs(samples[bleep] - tone).max() <= 1
    assert _dominant_hz(samples[bleep]) == pytest.approx(1000, abs=2)
    assert _dominant_hz(source[bleep]) != pytest.approx(1000, abs=50)
    assert np.array_equal(samples[: bleep.start], source[: bleep.start])
    assert np.array_equal(samples[bleep.stop :], source[bleep.stop :])


def test_the_clip_keeps_the_redacted_lines_heard_in_it_timed_from_its_start(
    session, people, call, tmp_path
):
    example = _add(session, people["lead"], call, tmp_path / "data")

    assert example.segments == [
        {"start": 0.8, "end": 3.8, "speaker": "customer", "text": "My card is [CARD] thanks."},
        # The line goes on past the clip's end (7.8 s): only the words heard in it are kept.
        {"start": 4.3, "end": 5.1, "speaker": "agent", "text": "Thank you,"},
    ]
    assert "4111" not in str(example.segments)
    assert list_lesson_examples(session=session, lesson_id="taking-payments") == [example]
    assert list_lesson_examples(session=session, lesson_id="empathy-basics") == []
    event = session.exec(select(AuditEvent).where(AuditEvent.entity == "lesson_example")).one()
    assert (event.actor_id, event.action, event.entity_id) == (
        people["lead"].id,
        "add_example",
        example.id,
    )
    assert event.after["title"] == "Taking a card number calmly"


def test_a_line_redacted_without_word_times_is_bleeped_whole(session, people, call, tmp_path):
    session.add(
        Segment(
            call_id=call.id,
            start=8.5,
            end=9.5,
            speaker=Speaker.CUSTOMER,
            text="Sort code [SORT_CODE].",
        )
    )
    session.commit()
    data = tmp_path / "data"
    example = _add(session, people["admin"], call, data, start=8.0, end=9.9)

    samples, params = _read(data / example.audio_path)
    assert params.nframes == round(2.3 * RATE)  # from 7.7 s to the call's end, not past it
    line = samples[round(0.8 * RATE) : round(1.8 * RATE)]  # 8.5-9.5 s of the call
    assert _dominant_hz(line) == pytest.approx(1000, abs=2)
    assert _dominant_hz(samples[: round(0.8 * RATE)]) != pytest.approx(1000, abs=50)
    assert example.segments[-1]["text"] == "Sort code [SORT_CODE]."


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("a1", "Only team leads and admins"),
        ("reviewer", "Only team leads and admins"),
        ("lead_b", "is not a call of your team"),
    ],
)
def test_agents_reviewers_and_other_teams_leads_cannot_add_examples(
    session, people, call, tmp_path, who, message
):
    data = tmp_path / "data"
    with pytest.raises(NotAllowed, match=message):
        _add(session, people[who], call, data)
    assert session.exec(select(LessonExample)).all() == []
    assert not (data / "examples").exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1.0, 2.0, "cannot start before the call does"),
        (5.0, 5.0, "must end after it starts"),
        (5.0, 4.0, "must end after it starts"),
        (0.5, 95.0, "at most 90 seconds long; this one is 94 s"),
        (8.0, 12.0, "The call is only 0:10 long."),
    ],
)
def test_times_outside_the_call_or_too_long_are_refused(
    session, people, call, tmp_path, start, end, message
):
    with pytest.raises(InvalidInput, match=message):
        _add(session, people["lead"], call, tmp_path / "data", start=start, end=end)
    assert session.exec(select(LessonExample)).all() == []


def test_an_unknown_lesson_an_empty_title_or_another_calls_note_is_refused(
    session, people, call, tmp_path
):
    data = tmp_path / "data"
    with pytest.raises(InvalidInput, match="There is no lesson 'small-talk'"):
        _add(session, people["lead"], call, data, lesson_id="small-talk")
    with pytest.raises(InvalidInput, match="Give the example a title"):
        _add(session, people["lead"], call, data, title="   ")
    other = register_call(
        session=session, recording_path="x.wav", sha256="d" * 64, agent_id=people["a1"].id, now=NOW
    )
    note = MonitoringNote(
        agent_id=people["a1"].id,
        author_id=people["lead"].id,
        call_id=other.id,
        at_seconds=1.0,
        text="Lovely",
        kind=NoteKind.PRAISE,
        created_at=NOW,
    )
    session.add(note)
    session.commit()
    with pytest.raises(InvalidInput, match=f"Note #{note.id} is not about call #{call.id}"):
        _add(session, people["lead"], call, data, note_id=note.id)


def test_a_lead_removes_an_example_and_its_clip_but_an_agent_cannot(
    session, people, call, tmp_path
):
    data = tmp_path / "data"
    example = _add(session, people["lead"], call, data)
    clip = data / example.audio_path
    with pytest.raises(NotAllowed):
        remove_lesson_example(
            session=session, actor=people["a1"], example_id=example.id, data_dir=data, now=NOW
        )
    assert clip.is_file()

    remove_lesson_example(
        session=session, actor=people["lead"], example_id=example.id, data_dir=data, now=NOW
    )
    assert list_lesson_examples(session=session, lesson_id="taking-payments") == []
    assert not clip.exists()
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.entity == "lesson_example"))
    assert list(actions) == ["add_example", "remove_example"]
