"""People's time zones: IANA names ("Europe/London") checked and offered to pick from."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from core.errors import InvalidInput

__all__ = ["time_zone", "time_zone_names"]

# Names the zone database holds that are not a place anyone lives: "localtime" is whatever the
# server's clock is set to, "Factory" a placeholder with no offset anyone keeps.
_NOT_PLACES = frozenset({"localtime", "Factory"})


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`, e.g. "Europe/London".

    Raises:
        InvalidInput: no time zone has that name.
    """
    try:
        return ZoneInfo(name)
    except (ValueError, LookupError, OSError):
        # ZoneInfoNotFoundError is a KeyError; malformed keys raise ValueError; a folder
        # such as "Europe" raises IsADirectoryError.
        raise InvalidInput(
            f"{name!r} is not a time zone; use a name like Europe/London or America/New_York"
        ) from None


@cache  # reading the zone folders takes a few milliseconds, and they change only on upgrade
def time_zone_names() -> tuple[str, ...]:
    """Every time zone a person may pick, sorted by name."""
    return tuple(sorted(available_timezones() - _NOT_PLACES))
