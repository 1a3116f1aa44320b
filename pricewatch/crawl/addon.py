"""Scrapy add-on applying pricewatch's configuration (:mod:`pricewatch.config`) to each crawl.

``pricewatch/settings.py`` registers :class:`ConfigAddon` in ``ADDONS``. Scrapy 2.19 calls its
``update_settings`` once per crawler when the crawl starts (``Crawler.crawl`` ->
``Crawler._apply_settings`` -> ``AddonManager.load_settings``): after the spider class's
``update_settings`` (``custom_settings``, run in ``Crawler.__init__``), before the settings are
frozen and before the engine builds the download handlers, scrapy-playwright's among them.
Earlier, creating the ``CrawlerProcess`` runs ``update_pre_crawler_settings``, which validates
the configuration before the reactor starts.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from pricewatch.config import default_chromium, get_config

#: Chromium command-line flags for rendering in containers and on servers.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def launch_options(chromium: str) -> dict[str, Any]:
    """``PLAYWRIGHT_LAUNCH_OPTIONS`` for the Chromium executable ``chromium``."""
    return {"executable_path": chromium, "headless": True, "args": list(CHROMIUM_ARGS)}


class ConfigAddon:
    """Applies :func:`pricewatch.config.get_config` at ``project`` priority, then rendering.

    The configured values override ``pricewatch/settings.py`` (also ``project`` priority, set
    earlier) but not a spider's ``custom_settings`` (``spider``) or ``-s NAME=VALUE``
    (``cmdline``). ``PLAYWRIGHT_LAUNCH_OPTIONS`` is then built from the final
    ``PRICEWATCH_CHROMIUM``, unless set at ``spider`` or ``cmdline`` priority.
    """

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        """The configuration for the process-wide settings too (``LOG_LEVEL`` of its logging).

        Scrapy calls this when a ``CrawlerProcess``/``CrawlerRunner`` is created, before the
        reactor runs: a :class:`~pricewatch.config.ConfigError` then reaches the caller (the
        CLI prints one line) instead of failing the crawl inside a Deferred.
        """
        settings.setdict(get_config().scrapy_settings(), priority="project")

    def update_settings(self, settings: BaseSettings) -> None:
        settings.setdict(get_config().scrapy_settings(), priority="project")
        options = launch_options(settings.get("PRICEWATCH_CHROMIUM") or default_chromium())
        # set() leaves values of a higher priority alone.
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="project")
