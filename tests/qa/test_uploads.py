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
