"""Client merchants: validated settings in, :class:`ClientRecord` out, stored by the Store.

Each check gives one line naming the option and what is wrong: a slug is lower-case letters,
digits, ``-`` and ``_``; recipients are e-mail addresses; the locale is one of
:data:`~pricewatch.db.models.CLIENT_LOCALES` (``zh-CN``, ``en``; ``zh_cn`` is understood); the
currency an ISO 4217 code (``rmb`` and ``¥`` are CNY); the time zone an IANA name known to
:mod:`zoneinfo`; the undercut threshold a percentage (``5%``, ``2.5``) or basis points
(``250bp``) from 0 to 100%.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pricewatch.clients.records import ClientRecord
from pricewatch.db.models import CLIENT_LOCALES
from pricewatch.db.store import Store
from pricewatch.db.store.client_results import ClientInfo
from pricewatch.errors import PricewatchError
from pricewatch.money import ISO_CURRENCIES, normalize_currency

__all__ = [
    "ClientInputError",
    "add_client",
    "client_record",
    "edit_client",
    "parse_currency",
    "parse_emails",
    "parse_locale",
    "parse_threshold",
    "parse_timezone",
]

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
# Deliberately plain: one @, a dot in the domain, no spaces or commas. Deliverability is the
# SMTP server's call; this catches typos and pasted lists.
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>.]+(?:\.[^@\s,;<>.]+)+")
_BASIS_POINTS = re.compile(r"(\d+)\s*bps?", re.IGNORECASE)


class ClientInputError(PricewatchError):
    """A client setting that is not valid; the message names the option."""


def parse_slug(text: str) -> str:
    slug = text.strip()
    if not _SLUG.fullmatch(slug):
        raise ClientInputError(
            f"client slug {text!r}: use lower-case letters, digits, '-' and '_' "
            "(up to 100, starting with a letter or digit)"
        )
    return slug


def parse_emails(text: str) -> tuple[str, ...]:
    """``a@x.com, b@y.cn`` (commas, semicolons or spaces) into unique addresses, in order."""
    addresses = [a for a in re.split(r"[,;\s]+", text.strip()) if a]
    if not addresses:
        raise ClientInputError("--email: give at least one address")
    for address in addresses:
        if not _EMAIL.fullmatch(address):
            raise ClientInputError(f"--email: {address!r} is not an e-mail address")
    return tuple(dict.fromkeys(addresses))


def parse_locale(text: str) -> str:
    wanted = text.strip().replace("_", "-").lower()
    for locale in CLIENT_LOCALES:
        if locale.lower() == wanted:
            return locale
    raise ClientInputError(f"--locale: {text!r} is not one of {', '.join(CLIENT_LOCALES)}")


def parse_currency(text: str, option: str = "--currency") -> str:
    code = normalize_currency(text.strip())
    if code is None or code not in ISO_CURRENCIES:
        raise ClientInputError(f"{option}: {text!r} is not an ISO 4217 currency code (CNY, USD…)")
    return code


def parse_timezone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ClientInputError(
            f"--timezone: {text!r} is not an IANA time zone (Asia/Shanghai, Europe/Berlin, UTC)"
        ) from None
    return name


def parse_threshold(text: str) -> int:
    """``5%`` / ``5`` / ``2.5%`` (percent) or ``250bp`` into basis points (500, 500, 250, 250)."""
    raw = text.strip()
    if m := _BASIS_POINTS.fullmatch(raw):
        bp = int(m.group(1))
    else:
        try:
            percent = Decimal(raw.removesuffix("%").strip())
        except InvalidOperation:
            percent = Decimal("NaN")
        if not percent.is_finite() or (percent * 100) % 1:
            raise ClientInputError(
                f"--undercut-threshold: {text!r} is not a percentage (5%, 2.5%) or 250bp"
            )
        bp = int(percent * 100)
    if not 0 <= bp <= 10_000:
        raise ClientInputError(f"--undercut-threshold: {text!r} must be between 0% and 100%")
    return bp


def client_record(
    slug: str,
    *,
    name: str,
    emails: str,
    locale: str,
    currency: str,
    timezone: str,
    undercut_threshold: str = "5%",
) -> ClientRecord:
    """A validated client from command-line text; :class:`ClientInputError` on bad input."""
    if not name.strip():
        raise ClientInputError("--name must not be empty")
    return ClientRecord(
        slug=parse_slug(slug),
        name=name.strip(),
        emails=parse_emails(emails),
        locale=parse_locale(locale),
        currency=parse_currency(currency),
        timezone=parse_timezone(timezone),
        undercut_threshold_bp=parse_threshold(undercut_threshold),
    )


def add_client(store: Store, record: ClientRecord) -> ClientInfo:
    return store.create_client(record)


def edit_client(store: Store, slug: str, /, **changes: str | None) -> ClientInfo:
    """Change the settings given (command-line text, ``None`` = keep) of client ``slug``.

    Keys: ``slug`` (rename), ``name``, ``emails``, ``locale``, ``currency``, ``timezone``,
    ``undercut_threshold``. Changing the currency of a client with a catalogue is refused:
    its prices are stored in the old currency.
    """
    current = store.client(slug)
    record = ClientRecord(
        slug=current.slug,
        name=current.name,
        emails=current.emails,
        locale=current.locale,
        currency=current.currency,
        timezone=current.timezone,
        undercut_threshold_bp=current.undercut_threshold_bp,
    )
    parsers = {
        "slug": parse_slug,
        "emails": parse_emails,
        "locale": parse_locale,
        "currency": parse_currency,
        "timezone": parse_timezone,
        "undercut_threshold": parse_threshold,
    }
    fields: dict[str, object] = {}
    for key, text in changes.items():
        if text is None:
            continue
        if key == "name":
            if not text.strip():
                raise ClientInputError("--name must not be empty")
            fields["name"] = text.strip()
        elif key in parsers:
            target = "undercut_threshold_bp" if key == "undercut_threshold" else key
            fields[target] = parsers[key](text)
        else:
            raise TypeError(f"edit_client: unknown setting {key!r}")
    if not fields:
        raise ClientInputError("nothing to change: give at least one option (see --help)")
    if fields.get("currency", current.currency) != current.currency and current.products:
        raise ClientInputError(
            f"--currency: client {slug!r} has {current.products} products priced in "
            f"{current.currency}; re-import the catalogue with --replace into a new client"
        )
    return store.update_client(slug, replace(record, **fields))  # type: ignore[arg-type]
