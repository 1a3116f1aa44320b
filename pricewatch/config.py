"""pricewatch's deployment configuration: one validated :class:`Config`, read once per process.

A deployment configures pricewatch with ``PRICEWATCH_*`` environment variables and/or a TOML
file (secrets belong in the environment, never in files in the repository). Each field maps onto
one Scrapy/pricewatch setting:

===============  ======================  ===================  ====================================
TOML key         environment variable    Scrapy setting       meaning
===============  ======================  ===================  ====================================
``db_url``       PRICEWATCH_DB_URL       PRICEWATCH_DB_URL    SQLAlchemy URL; default SQLite file
``chromium``     PRICEWATCH_CHROMIUM     PRICEWATCH_CHROMIUM  Chromium executable for rendering
``user_agent``   PRICEWATCH_USER_AGENT   USER_AGENT           User-Agent sent to shops
``log_level``    PRICEWATCH_LOG_LEVEL    LOG_LEVEL            Scrapy log level (DEBUG ... CRITICAL)
``obey_robots``  PRICEWATCH_OBEY_ROBOTS  ROBOTSTXT_OBEY       false to ignore robots.txt
===============  ======================  ===================  ====================================

Fields read by pricewatch code only (no Scrapy setting) include the hot-list cookies
(``weibo_cookie``, ``zhihu_cookie``, ``douyin_cookie``, ``bilibili_cookie``: secrets, sent by the
topic sources of :mod:`pricewatch.spiders.topics`) and ``topic_feeds`` (the ``rss`` source's
feeds: an array in the file, comma/space separated in ``PRICEWATCH_TOPIC_FEEDS``).

The file is ``$PRICEWATCH_CONFIG`` if set (it must then exist), else ``pricewatch.toml`` in the
current directory if there is one. Its keys are the field names at the top level (no table)::

    db_url = "postgresql://pricewatch@db/pricewatch"
    chromium = "/usr/bin/chromium"
    log_level = "warning"
    obey_robots = true

An environment variable wins over the file; an empty variable counts as unset. In the file,
values have their TOML types (``obey_robots = false``, not ``"false"``); in the environment,
booleans are ``1/0``, ``true/false`` or ``yes/no``. Anything else is a :class:`ConfigError` with
one line naming the variable, or the file and key.

Every crawl gets :meth:`Config.scrapy_settings` from the add-on in
:mod:`pricewatch.crawl.addon`, above the defaults of :mod:`pricewatch.settings` but below the
spider's ``custom_settings`` and ``-s NAME=VALUE``; code outside Scrapy reads
:func:`get_config` (e.g. :func:`pricewatch.db.engine.database_url`).

Adding a setting is one field of :class:`Config`: its environment variable and TOML key follow
from the name, ``_field`` says which Scrapy setting it implies (``None``: none, pricewatch code
reads it from :func:`get_config`) and how its value is parsed (default: a non-empty string)::

    redis_url: str | None = _field("PRICEWATCH_REDIS_URL")
    schedules_dir: Path | None = _field(None, _directory)   # a new parser returning a Path

A *secret* (the coming SMTP password) is declared with ``_field(None, repr=False)``: ``repr()``
and logs never show it, and it is no Scrapy setting (Scrapy logs the settings it overrides).
Error messages quote the offending value (:func:`load_config`, :func:`_read_file`): make them
say ``***`` instead for fields with ``repr=False`` when adding the first one.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pricewatch.errors import PricewatchError

ENV_PREFIX = "PRICEWATCH_"
#: Environment variable naming the config file.
CONFIG_ENV = "PRICEWATCH_CONFIG"
#: Config file read from the current directory when ``$PRICEWATCH_CONFIG`` is not set.
DEFAULT_CONFIG_FILE = "pricewatch.toml"

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
_BOOL_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}

CHROMIUM_CANDIDATES = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")


def default_chromium() -> str:
    """The Chromium to launch when PRICEWATCH_CHROMIUM is not set."""
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return CHROMIUM_CANDIDATES[-1]


class ConfigError(PricewatchError, ValueError):
    """A setting has a value pricewatch cannot use; the message names the variable or file."""


# --- value parsers: a TOML value (or an environment variable's text, already converted by the
# field's ``text`` function) in, the field's value out; ValueError says what was expected.


def _toml_kind(value: object) -> str:
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, bool):
        return "a boolean"
    names = {int: "an integer", float: "a float", list: "an array", dict: "a table"}
    return names.get(type(value), "a date/time")


def _string(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty string, got {_toml_kind(value)}")
    return value


def _log_level(value: object) -> str:
    level = _string(value).upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return level


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_toml_kind(value)}")
    return value


def _boolean_text(text: str) -> bool:
    try:
        return _BOOL_WORDS[text.lower()]
    except KeyError:
        raise ValueError(f"expected one of {', '.join(_BOOL_WORDS)}") from None


def _feed_list(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"expected an array of feed URLs, got {_toml_kind(value)}")
    for entry in value:
        url = entry.partition("=")[2] if "=" in entry.split("://")[0] else entry
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{entry!r} is not an http(s) URL (or NAME=URL)")
    return tuple(value)


def _feed_list_text(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _url_list(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = _url_list_text(value)
    if not isinstance(value, list) or not all(isinstance(v, str) and "://" in v for v in value):
        raise ValueError("expected notification URLs like 'mailtos://...' or 'tgram://...'")
    return tuple(value)


def _url_list_text(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _field(
    setting: str | None,
    parse: Callable[[object], Any] = _string,
    text: Callable[[str], object] = str,
    **kwargs: Any,
) -> Any:
    """A :class:`Config` field (default ``None``: not configured).

    ``setting`` is the Scrapy setting it implies (``None``: read by pricewatch code only),
    ``parse`` validates a TOML value, ``text`` turns an environment variable's text into one.
    """
    return dataclasses.field(
        default=None, metadata={"setting": setting, "parse": parse, "text": text}, **kwargs
    )


@dataclasses.dataclass(frozen=True)
class Config:
    """What the deployment configured; ``None`` means "not set, use pricewatch's default"."""

    #: SQLAlchemy URL (default: :func:`pricewatch.db.engine.default_database_path`).
    db_url: str | None = _field("PRICEWATCH_DB_URL")
    #: Chromium executable (default: :func:`default_chromium`).
    chromium: str | None = _field("PRICEWATCH_CHROMIUM")
    user_agent: str | None = _field("USER_AGENT")
    log_level: str | None = _field("LOG_LEVEL", _log_level)
    obey_robots: bool | None = _field("ROBOTSTXT_OBEY", _boolean, _boolean_text)
    #: Where reports are e-mailed from: ``smtps://user@host:465`` (TLS) or ``smtp://host:587``
    #: (STARTTLS), see :mod:`pricewatch.delivery.smtp`.
    smtp_url: str | None = _field(None)
    #: The SMTP password (a secret: environment only, never logged or stored).
    smtp_password: str | None = _field(None, repr=False)
    #: The From address of report e-mails (default: the SMTP user at the SMTP host).
    smtp_from: str | None = _field(None)
    #: A CA bundle (PEM) to verify the SMTP server with, for relays with a private CA.
    smtp_ca_file: str | None = _field(None)
    #: Cookie headers for hot-list endpoints that want one (secrets: environment only, please).
    weibo_cookie: str | None = _field(None, repr=False)
    zhihu_cookie: str | None = _field(None, repr=False)
    douyin_cookie: str | None = _field(None, repr=False)
    bilibili_cookie: str | None = _field(None, repr=False)
    #: RSS / Atom / JSON Feed URLs the ``rss`` topic source reads (``NAME=URL`` names one).
    topic_feeds: tuple[str, ...] | None = _field(None, _feed_list, _feed_list_text)

    #: Apprise URLs operator and client alerts go to (``mailtos://...``, ``dingtalk://...``,
    #: ``wecombot://...``, ``feishu://...``, ``tgram://...``, ``slack://...``), space or comma
    #: separated; they carry tokens, so they are never printed.
    alert_urls: tuple[str, ...] | None = _field(None, _url_list, _url_list_text, repr=False)

    def scrapy_settings(self) -> dict[str, Any]:
        """The Scrapy settings this configuration sets (only those of fields that are set)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None and f.metadata["setting"] is not None:
                out[f.metadata["setting"]] = value
        return out


def env_var(name: str) -> str:
    """The environment variable of the :class:`Config` field ``name``."""
    return ENV_PREFIX + name.upper()


def load_config(environ: Mapping[str, str] | None = None, path: Path | None = None) -> Config:
    """Read and validate the configuration: ``environ`` (default ``os.environ``) over the file.

    The file is ``path``, else ``$PRICEWATCH_CONFIG``, else ``./pricewatch.toml`` if it exists;
    a file named by ``path`` or ``$PRICEWATCH_CONFIG`` must exist.
    """
    environ = os.environ if environ is None else environ
    named_by = ""
    if path is None and environ.get(CONFIG_ENV):
        path, named_by = Path(environ[CONFIG_ENV]), f" (named by {CONFIG_ENV})"
    elif path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        path = Path(DEFAULT_CONFIG_FILE)
    values = _read_file(path, named_by) if path is not None else {}
    for f in dataclasses.fields(Config):
        raw = environ.get(env_var(f.name))
        if raw:
            shown = repr(raw) if f.repr else "'***'"
            values[f.name] = _parse(f, raw, f"{env_var(f.name)}={shown}", from_env=True)
    return Config(**values)


def _read_file(path: Path, named_by: str = "") -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found{named_by}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    fields = {f.name: f for f in dataclasses.fields(Config)}
    values: dict[str, Any] = {}
    for key, value in document.items():
        if key not in fields:
            raise ConfigError(f"{path}: unknown key {key!r}{_suggest(key, sorted(fields))}")
        shown = json.dumps(value, default=str, ensure_ascii=False) if fields[key].repr else "***"
        source = f"{path}: {key} = {shown}"
        values[key] = _parse(fields[key], value, source, from_env=False)
    return values


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(known)})"


def _parse(f: dataclasses.Field[Any], value: Any, source: str, *, from_env: bool) -> Any:
    try:
        return f.metadata["parse"](f.metadata["text"](value) if from_env else value)
    except ValueError as exc:
        raise ConfigError(f"{source}: {exc}") from None


class _ConfigCache:
    """``get_config()``: the process's :class:`Config`, loaded on first use and then cached.

    The cache is keyed on the ``PRICEWATCH_*`` environment, so a test that changes a variable
    (``monkeypatch.setenv``) gets a config with it; ``get_config.cache_clear()`` forgets all
    (e.g. after a test wrote a ``pricewatch.toml``).
    """

    def __init__(self) -> None:
        self._configs: dict[tuple[tuple[str, str], ...], Config] = {}

    def __call__(self) -> Config:
        key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX)))
        config = self._configs.get(key)
        if config is None:
            config = self._configs[key] = load_config(dict(key))
        return config

    def cache_clear(self) -> None:
        self._configs.clear()


get_config = _ConfigCache()
