"""Settings that come from the environment.

A deployment configures pricewatch with environment variables (secrets never live in files in
the repository); each maps onto one Scrapy/pricewatch setting:

=========================  ==========================  =====================================
variable                   setting                     meaning
=========================  ==========================  =====================================
PRICEWATCH_DB_URL          PRICEWATCH_DB_URL           SQLAlchemy URL; default SQLite file
PRICEWATCH_CHROMIUM        PRICEWATCH_CHROMIUM         Chromium executable for rendering
PRICEWATCH_USER_AGENT      USER_AGENT                  User-Agent sent to shops
PRICEWATCH_LOG_LEVEL       LOG_LEVEL                   Scrapy log level
PRICEWATCH_OBEY_ROBOTS     ROBOTSTXT_OBEY              "0"/"false" to ignore robots.txt
=========================  ==========================  =====================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from pricewatch.errors import PricewatchError

ENV_TO_SETTING = {
    "PRICEWATCH_DB_URL": "PRICEWATCH_DB_URL",
    "PRICEWATCH_CHROMIUM": "PRICEWATCH_CHROMIUM",
    "PRICEWATCH_USER_AGENT": "USER_AGENT",
    "PRICEWATCH_LOG_LEVEL": "LOG_LEVEL",
    "PRICEWATCH_OBEY_ROBOTS": "ROBOTSTXT_OBEY",
}
_BOOLS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}


CHROMIUM_CANDIDATES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")


def default_chromium() -> str:
    """The Chromium to launch when PRICEWATCH_CHROMIUM is not set."""
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return CHROMIUM_CANDIDATES[-1]


class ConfigError(PricewatchError, ValueError):
    """A setting has a value pricewatch cannot use; the message names the variable."""


def env_settings(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Scrapy settings taken from ``PRICEWATCH_*`` environment variables, validated."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    for var, setting in ENV_TO_SETTING.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        if setting == "ROBOTSTXT_OBEY":
            if raw.lower() not in _BOOLS:
                raise ConfigError(f"{var}={raw!r}: expected one of {sorted(_BOOLS)}")
            out[setting] = _BOOLS[raw.lower()]
        elif setting == "LOG_LEVEL":
            if raw.upper() not in _LOG_LEVELS:
                raise ConfigError(f"{var}={raw!r}: expected one of {sorted(_LOG_LEVELS)}")
            out[setting] = raw.upper()
        else:
            out[setting] = raw
    return out
