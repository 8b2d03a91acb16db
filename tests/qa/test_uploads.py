import pytest

from qa.uploads import safe_filename, store_upload


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("Call 12 (Mon).wav", "Call_12_Mon_.wav"),
        (".hidden.wav", "hidden.wav"),
        ("", "recording"),
    ],
)
def test_upload_names_cannot_escape_the_uploads_folder(given, safe):
    assert safe_filename(given) == safe


def test_the_same_upload_is_stored_once(tmp_path):
    first = store_upload(data=b"RIFF....", filename="a.wav", folder=tmp_path)
    again = store_upload(data=b"RIFF....", filename="a.wav", folder=tmp_path)
    assert first == again and first.read_bytes() == b"RIFF...."
    assert first.is_relative_to(tmp_path)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["a.wav"]


@pytest.mark.parametrize(
    ("head", "found"),
    [
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"OggS\x00\x02\x00\x00", "ogg"),
        (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
        (b"ID3\x04\x00\x00\x00\x00", "mp3"),
        (b"\xff\xfb\x90\x64\x00\x00", "mp3"),
        (b"just some notes", None),
        (b"%PDF-1.7\n", None),
        (b"RIFF\x24\x00\x00\x00AVI LIST", None),
    ],
)
def test_the_format_comes_from_the_content(head, found):
    from qa.uploads import audio_format

    assert audio_format(head) == found


def test_the_demo_recordings_pass_the_content_check():
    from qa.uploads import check_upload
    from tests.qa.conftest import STEREO_OPUS, TELEPHONE_FLAC

    assert check_upload(data=STEREO_OPUS.read_bytes(), filename="x.opus", max_bytes=2**30) == "ogg"
    assert check_upload(data=TELEPHONE_FLAC.read_bytes(), filename="y", max_bytes=2**30) == "flac"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"^evil.wav: the file is empty"),
        (
            b"RIFF\x00\x00\x00\x00WAVE" + b"\x00" * 2000,
            r"^evil.wav: 2.0 KB is larger than the upload limit of 1.0 KB",
        ),
        (b"<html>not audio</html>", r"^evil.wav: not a readable audio file"),
    ],
)
def test_uploads_that_cannot_be_imported_are_refused_by_name(data, message):
    from core.errors import InvalidInput
    from qa.uploads import check_upload

    with pytest.raises(InvalidInput, match=message):
        check_upload(data=data, filename="../../evil.wav", max_bytes=1000)
