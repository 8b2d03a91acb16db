"""Redacted audio: every redacted stretch of the recording is a tone, in every copy played."""

import shutil

import numpy as np
from faster_whisper import decode_audio
from sqlmodel import Session, select

from core.calls import playable_file
from core.models import Call
from qa.ingest import CallMetadata, IngestOptions, ingest
from qa.redacted_audio import SAMPLE_RATE, ToneOptions, redacted_spans, toned
from tests.conftest import NOW
from tests.qa.conftest import STEREO_OPUS, fake_transcript

CARD_SAID = (7.0, 10.9)  # where fake_transcript's customer reads the card number


def _tone_share(samples: np.ndarray, hz: float = 1000.0) -> float:
    """Share of the energy of `samples` within 50 Hz of the tone."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    return float(spectrum[np.abs(freqs - hz) < 50].sum() / spectrum.sum())


def _import(engine, path, tmp_path, **options):
    summary = ingest(
        engine=engine,
        paths=[path],
        transcribe=fake_transcript,
        options=IngestOptions(audio_dir=tmp_path / "audio", **options),
        now=lambda: NOW,
        metadata={path.name: CallMetadata(agent_email="a1@example.com")},
    )
    assert summary.failed == []
    with Session(engine) as session:
        return session.exec(select(Call)).one()


def test_the_redacted_copy_holds_no_speech_inside_a_redacted_stretch(engine, people, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    upload = shutil.copy(STEREO_OPUS, uploads / STEREO_OPUS.name)

    call = _import(engine, upload, tmp_path, owned_dirs=(uploads,))

    played = playable_file(call)
    assert played.suffix == ".mp3" and call.recording_path == call.audio_path
    assert not upload.exists()  # the upload was the only unredacted copy: gone
    left, right = decode_audio(str(played), sampling_rate=SAMPLE_RATE, split_stereo=True)
    original = decode_audio(str(STEREO_OPUS), sampling_rate=SAMPLE_RATE, split_stereo=True)
    pad = ToneOptions().padding
    inside = slice(
        round((CARD_SAID[0] - pad + 0.03) * SAMPLE_RATE),
        round((CARD_SAID[1] + pad - 0.03) * SAMPLE_RATE),
    )
    for channel in (left, right):
        assert _tone_share(channel[inside]) > 0.99
    assert _tone_share(original[1][inside]) < 0.2  # there was speech there to hide
    outside = slice(round(12.0 * SAMPLE_RATE), round(15.0 * SAMPLE_RATE))
    # The rest is the call (MP3 at 16 kHz keeps the waveform close, not exact).
    assert np.corrcoef(left[outside], original[0][outside])[0, 1] > 0.8


def test_an_operators_own_file_stays_and_the_original_is_kept_only_when_allowed(
    engine, people, tmp_path
):
    folder = tmp_path / "operator"
    folder.mkdir()
    own = shutil.copy(STEREO_OPUS, folder / STEREO_OPUS.name)

    call = _import(engine, own, tmp_path, store_unredacted_audio=True, owned_dirs=(folder,))

    assert own.exists() and call.audio_path and call.recording_path != call.audio_path
    assert playable_file(call).suffix == ".mp3"  # the original is kept, never played


def test_a_line_without_word_times_is_toned_whole():
    segments = [
        {"start": 1.0, "end": 2.0, "text": "My postcode is [POSTCODE].", "words": []},
        {"start": 3.0, "end": 4.0, "text": "Thank you.", "words": []},
    ]
    assert redacted_spans(segments, ToneOptions()) == [(1.0, 2.0)]
    audio = np.ones((2, 5 * SAMPLE_RATE), dtype=np.float32) * 0.5
    out = toned(audio, [(1.0, 2.0)], ToneOptions())
    assert np.abs(out[:, SAMPLE_RATE : 2 * SAMPLE_RATE]).max() <= 0.1 + 1e-6
    assert (out[:, 3 * SAMPLE_RATE :] == 0.5).all()
