"""A lesson plays the examples leads took from the team's real calls."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from core.calls import register_call
from core.config import PROJECT_ROOT
from core.models import Segment, Speaker
from monitoring import add_lesson_example
from tests.conftest import NOW
from tests.pages.conftest import texts
from training.lessons import load_library

LESSON = next(
    lesson
    for lesson in load_library(PROJECT_ROOT / "training" / "lessons").lessons
    if lesson.id == "ask-permission-before-hold"
)


@pytest.fixture
def example(app_db, session, people, tmp_path):
    recording = tmp_path / "call.wav"
    with wave.open(str(recording), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        t = np.arange(20 * 16000) / 16000
        out.writeframes((np.sin(2 * np.pi * 300 * t) * 8000).astype("<i2").tobytes())
    call = register_call(
        session=session,
        recording_path=str(recording),
        sha256="e" * 64,
        agent_id=people["a1"].id,
        duration=20.0,
        now=NOW,
    )
    session.add(
        Segment(
            call_id=call.id,
            start=5.0,
            end=9.0,
            speaker=Speaker.AGENT,
            text="May I put you on hold for two minutes while I check [ACCOUNT]?",
        )
    )
    session.commit()
    return add_lesson_example(
        session=session,
        actor=people["lead"],
        call_id=call.id,
        lesson_id=LESSON.id,
        start=5.0,
        end=9.0,
        title="Asking before the hold",
        known_lessons={LESSON.id},
        data_dir=tmp_path / "data",  # the app's data folder (the app_db fixture)
        now=NOW,
    )


def test_the_lesson_plays_the_teams_example_with_its_redacted_lines(signed_in, example):
    at = signed_in("a2")
    at.query_params["lesson"] = LESSON.id
    at.switch_page("pages/learn.py").run()
    assert "From our team's calls" not in [h.value for h in at.subheader]
    for _ in range(len(LESSON.sections) - 1):
        next(b for b in at.button if b.label == "Next").click().run()

    assert "From our team's calls" in [h.value for h in at.subheader]
    page = texts(at)
    assert "**Asking before the hold**" in page
    assert (
        "`0:00` **Agent:** May I put you on hold for two minutes while I check [ACCOUNT]?" in page
    )
    clips = at.get("audio")
    assert len(clips) == 1 and clips[0].proto.url.endswith(".wav")
