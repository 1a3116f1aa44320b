"""Schedules as files: ``schedules/*.toml``, each holding ``[[job]]`` tables, validated whole.

A job crawls shops (``crawl = ["demo_hongxing"]`` or ``"all"``), captures trending lists
(``topics = ["weibo"]``) or writes a client's report (``report = "CLIENT"``) — exactly one of
the three — on a ``cron`` expression or ``every`` interval (exactly one of the two)::

    [[job]]
    name = "electronics-shops"            # unique across all files
    crawl = ["demo_hongxing", "demo_lantian"]
    cron = "0 */6 * * *"                  # or every = "30m" / "6h" / "15s"
    timezone = "Asia/Shanghai"            # default UTC
    window = "08:00-22:00"                # optional: only start inside this daily window
    jitter = "5m"                         # optional
    timeout = "45m"                       # the crawl subprocess is terminated, then killed
    settings = { CONCURRENT_REQUESTS_PER_DOMAIN = 4, DOWNLOAD_DELAY = 1.0 }
    args = { base_url = "http://127.0.0.1:8801" }   # optional: spider arguments (-a)

A report job may add ``since = "7d"``, ``formats = ["html", "xlsx"]`` and ``send = true``.

Client alerts are opt-in, one ``[[alert]]`` per client::

    [[alert]]
    client = "acme"
    rules = ["undercut", "price_drop", "back_in_stock", "topic"]   # default: all four
    price_drop = "10%"                                             # default 10%
    email = true            # to the client's recipients over PRICEWATCH_SMTP_URL (default)

:func:`load_schedules` reads every file and reports **every** problem at once, each naming its
file, job and field (:class:`ScheduleError`); a daemon refuses to start on a bad file rather
than run half a schedule, and a reload keeps the old schedule running.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from pricewatch.errors import PricewatchError

JobKind = Literal["crawl", "topics", "report"]
KINDS: tuple[JobKind, ...] = ("crawl", "topics", "report")
REPORT_FORMATS = ("html", "xlsx", "pdf", "json")
_COMMON_KEYS = {
    "name",
    "cron",
    "every",
    "timezone",
    "window",
    "jitter",
    "timeout",
    "settings",
    "args",
}
_REPORT_KEYS = {"since", "formats", "send"}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class ScheduleError(PricewatchError):
    """Schedule files with problems; ``problems`` lists each (file, job, field, message)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [str(p) for p in problems]
        more = f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else ""
        super().__init__(lines[0] + more if lines else "bad schedule")

    def report(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class Problem:
    file: Path
    job: str | None
    field: str | None
    message: str
    #: What ``job`` names: a ``job``, or the client of an ``alert for``.
    what: str = "job"

    def __str__(self) -> str:
        where = str(self.file)
        if self.job is not None:
            where += f": {self.what} {self.job!r}"
        if self.field is not None:
            where += f": {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class JobSpec:
    """One validated ``[[job]]``."""

    name: str
    kind: JobKind
    #: Shops (crawl; ``("all",)`` for every shop), sources (topics) or ``(client,)`` (report).
    targets: tuple[str, ...]
    file: Path
    cron: str | None = None
    every: timedelta | None = None
    timezone: str = "UTC"
    window: tuple[time, time] | None = None
    jitter: timedelta | None = None
    timeout: timedelta | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Spider arguments (``-a name=value``) for crawl and topics jobs.
    args: Mapping[str, str] = field(default_factory=dict)
    since: str | None = None
    formats: tuple[str, ...] | None = None
    send: bool = False

    def describe(self) -> str:
        what = ",".join(self.targets)
        when = f"cron {self.cron}" if self.cron else f"every {_format_duration(self.every)}"
        extra = f" window {_format_window(self.window)}" if self.window else ""
        return f"{self.kind} {what}: {when} ({self.timezone}){extra}"

    def key(self) -> tuple[Any, ...]:
        """What decides the job's run times: a reload keeps next run times when this holds."""
        return (self.cron, self.every, self.timezone, self.window, self.jitter)


CLIENT_RULES = ("undercut", "price_drop", "back_in_stock", "topic")
_ALERT_KEYS = {"client", "rules", "price_drop", "email"}
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class ClientAlertSpec:
    """One ``[[alert]]``: which client alerts a client receives (client alerts are opt-in)."""

    client: str
    file: Path
    rules: frozenset[str] = frozenset(CLIENT_RULES)
    #: A competitor's price falling by at least this share is a ``price_drop`` alert.
    price_drop: float = 0.10
    #: E-mail the client's recipients over PRICEWATCH_SMTP_URL (operator URLs get a copy).
    email: bool = True


@dataclass(frozen=True)
class Schedule:
    jobs: list[JobSpec]
    alerts: dict[str, ClientAlertSpec]


def _read_alert(
    file: Path, raw: Mapping[str, Any], index: int, clients: Collection[str] | None
) -> tuple[ClientAlertSpec | None, list[Problem]]:
    client = raw.get("client")
    label = client if isinstance(client, str) else f"#{index + 1}"
    problems: list[Problem] = []

    def problem(field_name: str | None, message: str) -> None:
        problems.append(Problem(file, label, field_name, message, what="alert for"))

    for key in raw:
        if key not in _ALERT_KEYS:
            problem(key, f"unknown key; known: {', '.join(sorted(_ALERT_KEYS))}")
    if not isinstance(client, str) or not client:
        problem("client", "required: the client's slug")
    elif clients is not None and client not in clients:
        problem(
            "client", f"unknown client {client!r} (known: {', '.join(sorted(clients)) or 'none'})"
        )
    rules = raw.get("rules", list(CLIENT_RULES))
    if not isinstance(rules, list) or not rules or any(r not in CLIENT_RULES for r in rules):
        problem("rules", f"{rules!r}: a list of {', '.join(CLIENT_RULES)}")
        rules = []
    drop = raw.get("price_drop", "10%")
    match = _PERCENT.match(drop) if isinstance(drop, str) else None
    if match is None or not 0 < float(match.group(1)) < 100:
        problem("price_drop", f"{drop!r}: a percentage like '10%'")
    email = raw.get("email", True)
    if not isinstance(email, bool):
        problem("email", f"{email!r}: true or false")
    if problems:
        return None, problems
    assert match is not None and isinstance(client, str)
    spec = ClientAlertSpec(client, file, frozenset(rules), float(match.group(1)) / 100, bool(email))
    return spec, []


def parse_duration(text: object) -> timedelta:
    """``"15s"``, ``"30m"``, ``"6h"``, ``"1d"`` (a number and one unit)."""
    if not isinstance(text, str) or not (m := _DURATION.match(text)):
        raise ValueError(f"{text!r} is not a duration like '15s', '30m', '6h' or '1d'")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds <= 0:
        raise ValueError(f"{text!r}: must be more than zero")
    return timedelta(seconds=seconds)


def _format_duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = value.total_seconds()
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def _format_window(window: tuple[time, time] | None) -> str:
    if window is None:
        return "-"
    return f"{window[0]:%H:%M}-{window[1]:%H:%M}"


def parse_window(text: object) -> tuple[time, time]:
    """``"08:00-22:00"``; a window past midnight (``"22:00-06:00"``) is allowed."""
    if not isinstance(text, str) or not (m := _WINDOW.match(text)):
        raise ValueError(f"{text!r} is not a daily window like '08:00-22:00'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
        raise ValueError(f"{text!r}: hours 00-23 and minutes 00-59")
    start, end = time(h1, m1), time(h2, m2)
    if start == end:
        raise ValueError(f"{text!r}: the window is empty")
    return start, end


def in_window(window: tuple[time, time] | None, at: time) -> bool:
    if window is None:
        return True
    start, end = window
    return start <= at < end if start < end else (at >= start or at < end)


class _JobReader:
    """Validates one ``[[job]]`` table, collecting problems instead of stopping at the first."""

    def __init__(
        self,
        file: Path,
        raw: Mapping[str, Any],
        index: int,
        known: Mapping[JobKind, Collection[str] | None],
    ) -> None:
        self.file, self.raw, self.known = file, raw, known
        name = raw.get("name")
        self.job = name if isinstance(name, str) and name else f"#{index + 1}"
        self.problems: list[Problem] = []

    def problem(self, field_name: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.job, field_name, message))

    def read(self) -> JobSpec | None:
        raw = self.raw
        name = raw.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            self.problem("name", "required: letters, digits, '-', '_' or '.' (a unique name)")
        kinds = [k for k in KINDS if k in raw]
        if len(kinds) != 1:
            self.problem(None, "needs exactly one of 'crawl', 'topics' or 'report'")
        kind: JobKind | None = kinds[0] if len(kinds) == 1 else None
        allowed = _COMMON_KEYS | set(KINDS) | (_REPORT_KEYS if kind == "report" else set())
        for key in raw:
            if key not in allowed:
                hint = " (only for report jobs)" if key in _REPORT_KEYS else ""
                self.problem(key, f"unknown key{hint}; known: {', '.join(sorted(allowed))}")
        targets = self._targets(kind) if kind else ()
        cron, every = raw.get("cron"), raw.get("every")
        if (cron is None) == (every is None):
            self.problem(None, "needs exactly one of 'cron' or 'every'")
        timezone = raw.get("timezone", "UTC")
        if not isinstance(timezone, str) or not self._zone_ok(timezone):
            self.problem("timezone", f"{timezone!r} is not an IANA time zone like 'Asia/Shanghai'")
            timezone = "UTC"
        if isinstance(cron, str):
            try:
                CronTrigger.from_crontab(cron, timezone=timezone)
            except ValueError as exc:
                self.problem("cron", f"{cron!r}: {exc}")
        elif cron is not None:
            self.problem("cron", f"{cron!r} is not a cron expression string")
        every_td = self._duration("every")
        window = self._value("window", parse_window)
        jitter = self._duration("jitter")
        timeout = self._duration("timeout")
        settings = raw.get("settings", {})
        if not isinstance(settings, dict):
            self.problem("settings", "must be a table of Scrapy/pricewatch settings")
            settings = {}
        for key in settings:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
                self.problem(f"settings.{key}", "setting names are upper case (DOWNLOAD_DELAY)")
        args = raw.get("args", {})
        if not isinstance(args, dict) or not all(isinstance(v, str) for v in args.values()):
            self.problem("args", "must be a table of string spider arguments")
            args = {}
        elif args and kind == "report":
            self.problem("args", "only crawl and topics jobs take spider arguments")
        since = raw.get("since")
        if since is not None and not (isinstance(since, str) and _DURATION.match(since)):
            self.problem("since", f"{since!r} is not a period like '7d' or '24h'")
        formats = raw.get("formats")
        if formats is not None and (
            not isinstance(formats, list)
            or not formats
            or any(f not in REPORT_FORMATS for f in formats)
        ):
            self.problem("formats", f"{formats!r}: a list of {', '.join(REPORT_FORMATS)}")
        send = raw.get("send", False)
        if not isinstance(send, bool):
            self.problem("send", f"{send!r}: true or false")
        if self.problems or kind is None:
            return None
        return JobSpec(
            name=str(name),
            kind=kind,
            targets=targets,
            file=self.file,
            cron=cron,
            every=every_td,
            timezone=timezone,
            window=window,
            jitter=jitter,
            timeout=timeout,
            settings=dict(settings),
            args=dict(args),
            since=since,
            formats=tuple(formats) if formats else None,
            send=bool(send),
        )

    def _targets(self, kind: JobKind) -> tuple[str, ...]:
        value = self.raw[kind]
        if kind == "report":
            if not isinstance(value, str) or not value:
                self.problem("report", 'the client\'s slug, e.g. report = "acme"')
                return ()
            values = [value]
        elif value == "all":
            return ("all",)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            values = list(value)
        else:
            self.problem(kind, f'a list of names, or "all" (got {value!r})')
            return ()
        known = self.known.get(kind)
        if known is not None:
            what = {"crawl": "shop", "topics": "topic source", "report": "client"}[kind]
            for v in values:
                if v not in known:
                    listing = ", ".join(sorted(known)) or "none"
                    self.problem(kind, f"unknown {what} {v!r} (known: {listing})")
        return tuple(values)

    def _duration(self, key: str) -> timedelta | None:
        return self._value(key, parse_duration)

    def _value(self, key: str, parse: Any) -> Any:
        if key not in self.raw:
            return None
        try:
            return parse(self.raw[key])
        except ValueError as exc:
            self.problem(key, str(exc))
            return None

    @staticmethod
    def _zone_ok(name: str) -> bool:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return False
        return True


def schedule_files(path: Path) -> list[Path]:
    """``path`` itself if it is a file, else the ``*.toml`` files in it, sorted."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ScheduleError([Problem(path, None, None, "no such schedule file or directory")])
    return sorted(path.glob("*.toml"))


def load_schedules(
    path: Path,
    *,
    shops: Collection[str] | None = None,
    sources: Collection[str] | None = None,
    clients: Collection[str] | None = None,
) -> list[JobSpec]:
    """Every job of the schedule files at ``path`` (see :func:`load_schedule`)."""
    return load_schedule(path, shops=shops, sources=sources, clients=clients).jobs


def load_schedule(
    path: Path,
    *,
    shops: Collection[str] | None = None,
    sources: Collection[str] | None = None,
    clients: Collection[str] | None = None,
) -> Schedule:
    """Every ``[[job]]`` and ``[[alert]]`` of the schedule files at ``path``; raises
    :class:`ScheduleError` listing all problems. ``shops``/``sources``/``clients`` are the
    known names (``None``: not checked)."""
    known: dict[JobKind, Collection[str] | None] = {
        "crawl": shops,
        "topics": sources,
        "report": clients,
    }
    problems: list[Problem] = []
    jobs: list[JobSpec] = []
    alerts: dict[str, ClientAlertSpec] = {}
    seen: dict[str, Path] = {}
    for file in schedule_files(path):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            problems.append(Problem(file, None, None, f"not valid TOML: {exc}"))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(file, None, None, f"cannot read: {exc}"))
            continue
        unknown = set(data) - {"job", "alert"}
        for key in sorted(unknown):
            problems.append(
                Problem(file, None, key, "unknown top-level key; use [[job]] or [[alert]] tables")
            )
        for kind in ("job", "alert"):
            if not isinstance(data.get(kind, []), list):
                problems.append(Problem(file, None, kind, f"use [[{kind}]] (an array of tables)"))
        tables = data.get("job", []) if isinstance(data.get("job", []), list) else []
        for index, raw in enumerate(tables):
            reader = _JobReader(file, raw, index, known)
            spec = reader.read()
            problems.extend(reader.problems)
            if spec is None:
                continue
            if spec.name in seen:
                problems.append(
                    Problem(file, spec.name, "name", f"duplicate name (also in {seen[spec.name]})")
                )
                continue
            seen[spec.name] = file
            jobs.append(spec)
        rules = data.get("alert", []) if isinstance(data.get("alert", []), list) else []
        for index, raw in enumerate(rules):
            alert, found = _read_alert(file, raw, index, clients)
            problems.extend(found)
            if alert is None:
                continue
            if alert.client in alerts:
                other = alerts[alert.client].file
                problems.append(
                    Problem(
                        file, f"alert for {alert.client}", "client", f"duplicate (also in {other})"
                    )
                )
                continue
            alerts[alert.client] = alert
    if problems:
        raise ScheduleError(problems)
    return Schedule(jobs, alerts)
