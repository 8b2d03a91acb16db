import pytest

from core.errors import InvalidInput
from core.time_zones import time_zone, time_zone_names


def test_a_time_zone_is_found_by_its_iana_name():
    assert str(time_zone("America/New_York")) == "America/New_York"


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused_with_a_clear_message(name):
    with pytest.raises(InvalidInput, match="is not a time zone; use a name like Europe/London"):
        time_zone(name)


def test_the_names_offered_are_sorted_places_that_all_load():
    names = time_zone_names()
    assert list(names) == sorted(names)
    assert {"Europe/London", "America/New_York", "Asia/Tokyo", "UTC"} <= set(names)
    # The server's own clock and the placeholder zone are no one's home.
    assert "localtime" not in names and "Factory" not in names
    for name in names:
        time_zone(name)
