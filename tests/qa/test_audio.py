import pytest

from qa.audio import AudioError, file_sha256, probe_audio
from tests.qa.conftest import STEREO_OPUS, TELEPHONE_FLAC


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
def test_unreadable_files_get_a_clear_message_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AudioError, match=message) as caught:
        probe_audio(path)
    assert str(caught.value).startswith(name)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(AudioError, match="file not found"):
        probe_audio(tmp_path / "gone.wav")
