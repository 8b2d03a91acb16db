import os

import pytest

from core.skills import CATALOGUE_PATH, CatalogueError, load_catalogue

ONE_SKILL = "skills:\n  - id: greeting\n    title: Greeting\n    description: Open the call.\n"


def test_an_edited_catalogue_is_read_again_and_an_unchanged_one_is_not_reparsed(tmp_path):
    path = tmp_path / "skills.yaml"
    path.write_text(ONE_SKILL)
    first = load_catalogue(path)
    assert [s.id for s in first] == ["greeting"]
    assert load_catalogue(path) is first  # parsed once per version of the file
    path.write_text(ONE_SKILL.replace("Open the call.", "Open the call warmly."))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_catalogue(path)[0].description == "Open the call warmly."


def test_a_missing_catalogue_says_so(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read the skills file"):
        load_catalogue(tmp_path / "nowhere.yaml")


def test_the_bundled_catalogue_loads():
    assert load_catalogue(CATALOGUE_PATH)
