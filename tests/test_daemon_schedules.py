"""Schedule files: every problem reported with its file, job and field; valid jobs parsed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from pricewatch.daemon.schedules import (
    ScheduleError,
    in_window,
    load_schedules,
    parse_duration,
    parse_window,
)
from pricewatch.daemon.triggers import build_trigger

SHOPS = {"demo_hongxing", "demo_lantian"}
SOURCES = {"weibo", "zhihu"}
CLIENTS = {"acme"}


def load(tmp_path: Path, text: str, name: str = "jobs.toml") -> list:  # type: ignore[type-arg]
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_schedules(tmp_path, shops=SHOPS, sources=SOURCES, clients=CLIENTS)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        load(tmp_path, text)
    return [str(p) for p in info.value.problems]


def test_a_full_job_of_each_kind(tmp_path: Path) -> None:
    jobs = load(
        tmp_path,
        """
        [[job]]
        name = "electronics-shops"
        crawl = ["demo_hongxing", "demo_lantian"]
        cron = "0 */6 * * *"
        timezone = "Asia/Shanghai"
        window = "08:00-22:00"
        jitter = "5m"
        timeout = "45m"
        settings = { CONCURRENT_REQUESTS_PER_DOMAIN = 4, DOWNLOAD_DELAY = 1.0 }
        args = { base_url = "http://127.0.0.1:9" }

        [[job]]
        name = "hot"
        topics = ["weibo"]
        every = "15s"

        [[job]]
        name = "weekly"
        report = "acme"
        cron = "0 9 * * MON"
        since = "7d"
        formats = ["html", "xlsx"]
        send = true
        """,
    )
    crawl, topics, report = jobs
    assert (crawl.kind, crawl.targets, crawl.timezone) == (
        "crawl",
        ("demo_hongxing", "demo_lantian"),
        "Asia/Shanghai",
    )
    assert (crawl.window, crawl.jitter, crawl.timeout) == (
        (time(8), time(22)),
        timedelta(minutes=5),
        timedelta(minutes=45),
    )
    assert crawl.settings == {"CONCURRENT_REQUESTS_PER_DOMAIN": 4, "DOWNLOAD_DELAY": 1.0}
    assert crawl.args == {"base_url": "http://127.0.0.1:9"}
    assert (topics.kind, topics.every, topics.timezone) == ("topics", timedelta(seconds=15), "UTC")
    assert (report.targets, report.since, report.formats, report.send) == (
        ("acme",),
        "7d",
        ("html", "xlsx"),
        True,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('crawl = ["demo_hongxing"]\nevery = "1h"\ncolour = "red"', "job 'j': colour: unknown key"),
        ('crawl = ["demo_hongxing"]\ncron = "61 * * * *"', "job 'j': cron: '61 * * * *'"),
        ('crawl = ["demo_hongxing"]\ncron = "0 * * *"', "Wrong number of fields"),
        ('crawl = ["nosuchshop"]\nevery = "1h"', "job 'j': crawl: unknown shop 'nosuchshop'"),
        ('topics = ["myspace"]\nevery = "1h"', "topics: unknown topic source 'myspace'"),
        ('report = "nobody"\nevery = "1h"', "report: unknown client 'nobody'"),
        ('crawl = ["demo_hongxing"]', "needs exactly one of 'cron' or 'every'"),
        ('crawl = ["demo_hongxing"]\nevery = "1h"\ncron = "* * * * *"', "exactly one of 'cron'"),
        ('every = "1h"', "needs exactly one of 'crawl', 'topics' or 'report'"),
        ('crawl = ["demo_hongxing"]\ntopics = ["weibo"]\nevery = "1h"', "exactly one of 'crawl'"),
        ('crawl = ["demo_hongxing"]\nevery = "soon"', "every: 'soon' is not a duration"),
        ('crawl = ["demo_hongxing"]\nevery = "0s"', "every: '0s': must be more than zero"),
        (
            'crawl = ["demo_hongxing"]\nevery = "1h"\ntimezone = "Mars/Base"',
            "timezone: 'Mars/Base'",
        ),
        ('crawl = ["demo_hongxing"]\nevery = "1h"\nwindow = "8-22"', "window: '8-22'"),
        (
            'crawl = ["demo_hongxing"]\nevery = "1h"\nsince = "7d"',
            "since: unknown key (only for report jobs)",
        ),
        ('report = "acme"\nevery = "1h"\nformats = ["doc"]', "formats: ['doc']"),
        ('crawl = ["demo_hongxing"]\nevery = "1h"\nsettings = { delay = 1 }', "settings.delay"),
        ('crawl = "some"\nevery = "1h"', 'crawl: a list of names, or "all"'),
    ],
)
def test_each_problem_names_file_job_and_field(tmp_path: Path, body: str, expected: str) -> None:
    found = problems(tmp_path, f'[[job]]\nname = "j"\n{body}\n')
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path / "jobs.toml")) for p in found)


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[[job]]\nname = "x"\ncrawl = "all"\nevery = "1h"\n')
    (tmp_path / "b.toml").write_text(
        '[[job]]\nname = "x"\ncrawl = "all"\nevery = "1h"\n[[job]]\nname = "y"\nevery = "1h"\n'
        "[[job]]\nname = 'z'\ncrawl = 'all'\nevery = 'bad'\n"
    )
    (tmp_path / "c.toml").write_text("[[job]\n")
    with pytest.raises(ScheduleError) as info:
        load_schedules(tmp_path, shops=SHOPS)
    text = info.value.report()
    assert "b.toml: job 'x': name: duplicate name (also in" in text
    assert "b.toml: job 'y': needs exactly one of 'crawl', 'topics' or 'report'" in text
    assert "b.toml: job 'z': every:" in text
    assert "c.toml: not valid TOML" in text


def test_durations_and_windows() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("1.5h") == timedelta(minutes=90)
    assert parse_window("22:00-06:00") == (time(22), time(6))
    assert in_window((time(22), time(6)), time(23, 30)) and in_window((time(22), time(6)), time(5))
    assert not in_window((time(22), time(6)), time(12))
    with pytest.raises(ValueError, match="empty"):
        parse_window("08:00-08:00")


def test_window_trigger_only_fires_inside_the_window(tmp_path: Path) -> None:
    (job,) = load(
        tmp_path,
        '[[job]]\nname = "w"\ncrawl = ["demo_lantian"]\ncron = "0 * * * *"\n'
        'timezone = "Asia/Shanghai"\nwindow = "08:00-10:00"\n',
    )
    trigger = build_trigger(job)
    now = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai: past the window
    fires, previous = [], None
    for _ in range(3):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        fires.append(fire.astimezone(UTC).strftime("%d %H:%M"))
        previous, now = fire, fire + timedelta(seconds=1)
    assert fires == ["02 00:00", "02 01:00", "03 00:00"]  # 08:00 and 09:00 Shanghai


def test_client_alert_tables(tmp_path: Path) -> None:
    from pricewatch.daemon.schedules import load_schedule

    (tmp_path / "alerts.toml").write_text(
        '[[alert]]\nclient = "acme"\nrules = ["undercut", "topic"]\nprice_drop = "15%"\n'
        "email = false\n",
        encoding="utf-8",
    )
    schedule = load_schedule(tmp_path, clients=CLIENTS)
    alert = schedule.alerts["acme"]
    assert (alert.rules, alert.price_drop, alert.email) == (
        frozenset({"undercut", "topic"}),
        0.15,
        False,
    )
    assert schedule.jobs == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('client = "nobody"', "alert for 'nobody': client: unknown client 'nobody'"),
        ('client = "acme"\nrules = ["spam"]', "rules: ['spam']"),
        ('client = "acme"\nprice_drop = "lots"', "price_drop: 'lots'"),
        ('client = "acme"\nemails = "x"', "alert for 'acme': emails: unknown key"),
    ],
)
def test_client_alert_problems(tmp_path: Path, body: str, expected: str) -> None:
    found = problems(tmp_path, f"[[alert]]\n{body}\n")
    assert any(expected in p for p in found), found
