"""Times on the command line: ``--since`` in and table times out, in one zone.

Both use the local time zone (``TZ``, else the system's), unless ``--utc`` is given; a time
with an explicit offset (``2026-12-01T21:40+08:00``, ``...Z``) means what it says. Tables name
the zone in their header, so what is typed and what is shown always agree.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

import click

_RELATIVE = re.compile(r"^(\d+)\s*(m|min|h|d|w)$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def display_zone(utc: bool = False) -> tzinfo:
    """The zone the CLI reads and prints times in: local, or UTC with ``--utc``."""
    if utc:
        return UTC
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def zone_label(zone: tzinfo) -> str:
    """``UTC``, or the local zone's abbreviation and offset (``CST, UTC+08:00``)."""
    now = datetime.now(zone)
    offset = now.strftime("%z")
    if zone is UTC or (offset == "+0000" and now.tzname() in ("UTC", "GMT")):
        return "UTC"
    return f"{now.tzname()}, UTC{offset[:3]}:{offset[3:]}"


def parse_since(text: str, *, zone: tzinfo | None = None) -> datetime:
    """``--since``: ``10m``, ``12h``, ``7d``, ``2w`` ago, or a date/time in ``zone``.

    ``2026-11-01`` is midnight of that day and ``2026-11-01T08:00`` (or ``2026-11-01 08:00``)
    that time, both in ``zone`` (default: local) unless the text carries an offset.
    """
    text = text.strip()
    relative = _RELATIVE.match(text.lower())
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        return datetime.now(UTC) - timedelta(**{_UNITS[unit]: amount})
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected a date (2026-11-01), a time (2026-11-01T08:00, local unless "
            "--utc or an offset such as +08:00) or an age (10m, 12h, 7d, 2w)",
            param_hint="--since",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone) if zone is not None else value.astimezone()
    return value.astimezone(UTC)
