"""A report's period from the command line: ``--since 7d`` (the default) or ``--from/--to``.

Dates without a time are days in the client's time zone: ``--from 2026-11-01`` starts at its
midnight there, ``--to 2026-11-07`` includes the whole of the 7th. Times without an offset are
the client's local time too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pricewatch.errors import PricewatchError
from pricewatch.records import utcnow
from pricewatch.reports.context import Period

DEFAULT_SINCE = "7d"
_RELATIVE = re.compile(r"^(\d+)([dhw])$")


class PeriodError(PricewatchError):
    """The period options cannot be understood."""


def client_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PeriodError(f"unknown time zone {name!r} (expected an IANA name)") from None


def _moment(text: str, zone: ZoneInfo, option: str, *, end_of_day: bool) -> datetime:
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if end_of_day:
                day += timedelta(days=1)
            return datetime.combine(day, time(), tzinfo=zone)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            f"{option} {text!r}: expected a date (2026-11-01) or a time (2026-11-01T08:00)"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def resolve_period(
    *,
    since: str | None,
    start: str | None,
    end: str | None,
    timezone: str,
    now: datetime | None = None,
) -> Period:
    """The period the options name; one :class:`PeriodError` line when they do not."""
    zone = client_zone(timezone)
    now = now or utcnow()
    if since and (start or end):
        raise PeriodError("give --since or --from/--to, not both")
    if start or end:
        if not start:
            raise PeriodError("--to needs --from")
        first = _moment(start, zone, "--from", end_of_day=False)
        last = _moment(end, zone, "--to", end_of_day=True) if end else now
        if last <= first:
            raise PeriodError(f"--to must be after --from ({first:%Y-%m-%d} .. {last:%Y-%m-%d})")
        return Period(first, last)
    text = (since or DEFAULT_SINCE).strip()
    found = _RELATIVE.match(text)
    if found:
        amount, unit = int(found.group(1)), found.group(2)
        if amount == 0:
            raise PeriodError(f"--since {text!r}: the period would be empty")
        delta = {"d": timedelta(days=amount), "h": timedelta(hours=amount)}.get(
            unit, timedelta(weeks=amount)
        )
        return Period(now - delta, now)
    try:
        first = _moment(text, zone, "--since", end_of_day=False)
    except PeriodError:
        raise PeriodError(
            f"--since {text!r}: expected 7d, 12h, 2w, a date (2026-11-01) or a time"
        ) from None
    if first >= now:
        raise PeriodError(f"--since {text!r} is in the future")
    return Period(first, now)
