"""pricewatch.config (environment + pricewatch.toml) and the add-on applying it to crawls."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.addons import AddonManager
from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.test import get_reactor_settings

from pricewatch.config import Config, ConfigError, get_config, load_config
from pricewatch.crawl.addon import CHROMIUM_ARGS, ConfigAddon
from pricewatch.db.engine import database_url


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No PRICEWATCH_* variables of the developer's, no pricewatch.toml, no cached config."""
    for name in [n for n in os.environ if n.startswith("PRICEWATCH_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_config.cache_clear()
    yield
    get_config.cache_clear()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- load_config


def test_nothing_configured() -> None:
    assert load_config({}) == Config()
    assert Config().scrapy_settings() == {}


def test_environment_values_are_parsed() -> None:
    config = load_config(
        {
            "PRICEWATCH_USER_AGENT": "acme-bot/1",
            "PRICEWATCH_OBEY_ROBOTS": "0",
            "PRICEWATCH_LOG_LEVEL": "debug",
            "PRICEWATCH_DB_URL": "",  # empty: unset
            "OTHER": "x",
        }
    )
    assert config == Config(user_agent="acme-bot/1", obey_robots=False, log_level="DEBUG")
    assert load_config({"PRICEWATCH_OBEY_ROBOTS": "Yes"}).obey_robots is True


def test_file_values_and_environment_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path / "deploy.toml",
        '# comment\ndb_url = "sqlite:///file.db"\nchromium = "/opt/chromium"\n'
        'log_level = "warning"\nobey_robots = false\n',
    )
    from_file = load_config({}, path)
    assert from_file == Config(
        db_url="sqlite:///file.db", chromium="/opt/chromium", log_level="WARNING", obey_robots=False
    )
    env = {"PRICEWATCH_DB_URL": "postgresql://u@db/x", "PRICEWATCH_OBEY_ROBOTS": "yes"}
    assert load_config(env, path) == replace(
        from_file, db_url="postgresql://u@db/x", obey_robots=True
    )


def test_which_file_is_read(tmp_path: Path) -> None:
    write(tmp_path / "pricewatch.toml", 'user_agent = "cwd"\n')
    named = write(tmp_path / "named.toml", 'user_agent = "named"\n')
    assert load_config({}).user_agent == "cwd"  # ./pricewatch.toml (the fixture chdir'ed here)
    assert load_config({"PRICEWATCH_CONFIG": str(named)}).user_agent == "named"
    assert load_config({"PRICEWATCH_CONFIG": "elsewhere.toml"}, named).user_agent == "named"
    (tmp_path / "pricewatch.toml").unlink()
    assert load_config({}) == Config()  # no file, no error


def test_scrapy_settings_only_of_what_is_set() -> None:
    config = Config(db_url="sqlite:///x.db", user_agent="bot/1", obey_robots=False)
    assert config.scrapy_settings() == {
        "PRICEWATCH_DB_URL": "sqlite:///x.db",
        "USER_AGENT": "bot/1",
        "ROBOTSTXT_OBEY": False,
    }
    full = Config(chromium="/c", log_level="ERROR", obey_robots=True)
    assert full.scrapy_settings() == {
        "PRICEWATCH_CHROMIUM": "/c",
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": True,
    }


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param(
            {"PRICEWATCH_OBEY_ROBOTS": "maybe"},
            "PRICEWATCH_OBEY_ROBOTS='maybe': expected one of 1, true, yes, 0, false, no",
            id="env-bool",
        ),
        pytest.param(
            {"PRICEWATCH_LOG_LEVEL": "LOUD"},
            "PRICEWATCH_LOG_LEVEL='LOUD': expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG",
            id="env-log-level",
        ),
        pytest.param(
            {"PRICEWATCH_CONFIG": "missing.toml"},
            "missing.toml: config file not found (named by PRICEWATCH_CONFIG)",
            id="named-file-missing",
        ),
    ],
)
def test_environment_errors(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(environ)
    assert str(caught.value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            'db_ulr = "sqlite:///x.db"\n',
            "unknown key 'db_ulr' (did you mean 'db_url'?)",
            id="unknown-key-suggested",
        ),
        pytest.param(
            "[pricewatch]\nchromium = '/c'\n",
            "unknown key 'pricewatch' "
            f"(known keys: {', '.join(sorted(f.name for f in dataclasses.fields(Config)))})",
            id="unknown-key-listed",
        ),
        pytest.param(
            "db_url = 5\n", "db_url = 5: expected a non-empty string, got an integer", id="int"
        ),
        pytest.param(
            'user_agent = ""\n',
            'user_agent = "": expected a non-empty string, got an empty string',
            id="empty-string",
        ),
        pytest.param(
            'obey_robots = "no"\n',
            'obey_robots = "no": expected true or false, got a string',
            id="bool-as-string",
        ),
        pytest.param(
            'log_level = "loud"\n',
            'log_level = "loud": expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG',
            id="log-level",
        ),
        pytest.param(
            "chromium = ['/a', '/b']\n",
            'chromium = ["/a", "/b"]: expected a non-empty string, got an array',
            id="array",
        ),
        pytest.param(
            'log_level = "INFO"\ndb_url =\n',
            "not valid TOML: Invalid value (at line 2, column 9)",
            id="malformed",
        ),
    ],
)
def test_file_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path / "pricewatch.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config({}, path)
    assert str(caught.value) == f"{path}: {expected}"


def test_explicit_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({}, tmp_path / "nope.toml")
    assert str(caught.value) == f"{tmp_path / 'nope.toml'}: config file not found"


# --------------------------------------------------------------------------- get_config


def test_get_config_is_cached_and_resettable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write(tmp_path / "pricewatch.toml", 'db_url = "sqlite:///first.db"\n')
    first = get_config()
    assert get_config() is first
    assert database_url() == "sqlite:///first.db"
    # The file is read once: a change shows only after cache_clear().
    write(tmp_path / "pricewatch.toml", 'db_url = "sqlite:///second.db"\n')
    assert get_config() is first
    get_config.cache_clear()
    assert database_url() == "sqlite:///second.db"
    # A changed PRICEWATCH_* variable (tests' monkeypatch.setenv) is seen without a reset.
    monkeypatch.setenv("PRICEWATCH_DB_URL", "postgresql://u@db/x")
    assert database_url() == "postgresql://u@db/x"


# --------------------------------------------------------------------------- the add-on


def project_settings(cmdline: dict[str, Any] | None = None) -> Settings:
    """pricewatch/settings.py at "project" priority plus ``-s`` values, as ``scrapy crawl``."""
    settings = Settings()
    settings.setmodule("pricewatch.settings", priority="project")
    settings.setdict(cmdline or {}, priority="cmdline")
    return settings


def apply_addon(settings: Settings) -> Settings:
    ConfigAddon().update_settings(settings)
    return settings


def test_addon_builds_launch_options_from_cmdline_chromium() -> None:
    settings = apply_addon(project_settings({"PRICEWATCH_CHROMIUM": "/x"}))
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == {
        "executable_path": "/x",
        "headless": True,
        "args": list(CHROMIUM_ARGS),
    }


def test_addon_environment_overrides_project_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICEWATCH_CHROMIUM", "/env/chromium")
    monkeypatch.setenv("PRICEWATCH_OBEY_ROBOTS", "false")
    settings = apply_addon(project_settings())
    assert settings["PRICEWATCH_CHROMIUM"] == "/env/chromium"
    assert settings.getbool("ROBOTSTXT_OBEY") is False
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == "/env/chromium"
    # Settings the config leaves alone keep settings.py's defaults.
    assert settings["USER_AGENT"].startswith("pricewatch/")


def test_addon_cmdline_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRICEWATCH_CHROMIUM", "/env/chromium")
    monkeypatch.setenv("PRICEWATCH_USER_AGENT", "EnvBot/1.0")
    settings = apply_addon(
        project_settings({"PRICEWATCH_CHROMIUM": "/cli/chromium", "USER_AGENT": "CliBot/2.0"})
    )
    assert settings["PRICEWATCH_CHROMIUM"] == "/cli/chromium"
    assert settings["USER_AGENT"] == "CliBot/2.0"
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["executable_path"] == "/cli/chromium"


def test_addon_keeps_launch_options_set_on_the_command_line() -> None:
    own = '{"executable_path": "/mine", "headless": false}'
    settings = apply_addon(project_settings({"PLAYWRIGHT_LAUNCH_OPTIONS": own}))
    assert settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") == {
        "executable_path": "/mine",
        "headless": False,
    }


def test_creating_a_runner_validates_and_applies_the_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CrawlerProcess/CrawlerRunner run update_pre_crawler_settings: errors before the reactor."""
    monkeypatch.setenv("PRICEWATCH_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="PRICEWATCH_LOG_LEVEL='LOUD'"):
        CrawlerRunner(project_settings())
    monkeypatch.setenv("PRICEWATCH_LOG_LEVEL", "error")
    settings = project_settings()
    AddonManager.load_pre_crawler_settings(settings)  # what CrawlerRunner.__init__ calls
    assert settings["LOG_LEVEL"] == "ERROR"


class PlainSpider(scrapy.Spider):
    name = "config-test"


class SpiderWithOwnChromium(scrapy.Spider):
    name = "config-test-chromium"
    custom_settings = {"PRICEWATCH_CHROMIUM": "/spider/chromium"}


def test_real_crawler_applies_the_addon_after_spider_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRICEWATCH_CHROMIUM", "/env/chromium")
    monkeypatch.setenv("PRICEWATCH_USER_AGENT", "EnvBot/1.0")
    settings = project_settings({**get_reactor_settings(), "LOG_LEVEL": "WARNING"})
    for spidercls, chromium in [(SpiderWithOwnChromium, "/spider/chromium"), (PlainSpider, None)]:
        crawler = Crawler(spidercls, settings)  # as CrawlerRunner.create_crawler(spidercls)
        # What Crawler.crawl() does before opening the spider (and scrapy.utils.test.get_crawler
        # in tests): add-ons, then freeze.
        crawler._apply_settings()
        final = crawler.settings
        assert final.frozen
        assert any(isinstance(addon, ConfigAddon) for addon in crawler.addons.addons)
        assert final["USER_AGENT"] == "EnvBot/1.0"  # environment over settings.py
        assert final["LOG_LEVEL"] == "WARNING"  # -s over settings.py
        # The spider's custom_settings beat the environment, and the launch options follow them:
        # the add-on ran after Spider.update_settings.
        assert final["PRICEWATCH_CHROMIUM"] == (chromium or "/env/chromium")
        launch = final.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
        assert launch["executable_path"] == (chromium or "/env/chromium")
