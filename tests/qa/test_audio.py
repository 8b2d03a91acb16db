import numpy as np
import pytest

from qa.audio import AudioError, declared_duration, file_sha256, probe_audio
from tests.qa.conftest import STEREO_OPUS, TELEPHONE_FLAC, write_wav


def test_a_demo_call_is_a_stereo_recording_of_about_two_minutes():
    info = probe_audio(STEREO_OPUS)
    assert info.channels == 2
    assert 30 < info.duration < 180


def test_telephone_quality_demo_calls_are_8_khz():
    assert probe_audio(TELEPHONE_FLAC).sample_rate == 8000


def test_the_hash_follows_the_content_not_the_name(tmp_path):
    copy = tmp_path / "renamed.opus"
    copy.write_bytes(STEREO_OPUS.read_bytes())
    assert file_sha256(copy) == file_sha256(STEREO_OPUS)
    assert file_sha256(copy) != file_sha256(TELEPHONE_FLAC)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.wav", b"", "empty"),
        ("notes.wav", b"this is a text file, not audio\n" * 20, "not a readable audio file"),
        ("cut.opus", STEREO_OPUS.read_bytes()[:200], "not a readable audio file"),
    ],
)
def test_unreadable_files_get_a_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AudioError, match=message) as caught:
        probe_audio(path)
    assert name not in str(caught.value)  # whoever shows it names the file, once


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(AudioError, match="file not found"):
        probe_audio(tmp_path / "gone.wav")


def test_a_wav_cut_off_mid_file_says_what_it_holds_and_what_its_header_declares(not_calls):
    # FFmpeg measures a WAV by its size, so only the header tells it was cut off.
    with pytest.raises(AudioError) as caught:
        probe_audio(not_calls["cut"])
    assert str(caught.value) == ("cut off: the file holds 3.1 s of the 113.4 s its header declares")


def test_a_whole_wav_and_flac_declare_what_they_hold(tmp_path):
    whole = write_wav(tmp_path / "whole.wav", np.zeros((8000 * 12, 2)), 8000)
    assert declared_duration(whole) == pytest.approx(12.0)
    assert probe_audio(whole).duration == pytest.approx(12.0)
    held = probe_audio(TELEPHONE_FLAC).duration
    assert declared_duration(TELEPHONE_FLAC) == pytest.approx(held, abs=0.01)


def test_a_header_that_does_not_say_its_length_is_not_taken_for_cut_off(tmp_path):
    whole = write_wav(tmp_path / "streamed.wav", np.zeros(8000 * 12), 8000)
    data = bytearray(whole.read_bytes())
    data[40:44] = b"\xff\xff\xff\xff"  # a recorder still writing: the data size not filled in
    whole.write_bytes(bytes(data))
    assert declared_duration(whole) is None
    assert probe_audio(whole).duration == pytest.approx(12.0)
    assert declared_duration(STEREO_OPUS) is None  # Ogg does not declare a length up front
