"""Scrapy settings for pricewatch: every default in one place, each with the reason for it.

``scrapy.cfg`` points Scrapy here, so ``scrapy list`` / ``scrapy crawl SHOP`` and the
``pricewatch`` CLI share one configuration. Project settings are ``PRICEWATCH_*`` (sorted, at the
end). Only static defaults live here. The ones a deployment usually changes also come from
``PRICEWATCH_*`` environment variables or ``pricewatch.toml`` (:mod:`pricewatch.config`), which
the add-on :class:`pricewatch.crawl.addon.ConfigAddon` applies over these defaults when a crawl
starts; ``-s NAME=VALUE`` beats both.
"""

from __future__ import annotations

from pricewatch.config import default_chromium

BOT_NAME = "pricewatch"
SPIDER_MODULES = ["pricewatch.spiders.shops", "pricewatch.spiders.topics"]
NEWSPIDER_MODULE = "pricewatch.spiders.shops"
# One registry for scrapy list/crawl, pricewatch shops list and topic sources; a malformed
# spider file is one clear error naming the file (pricewatch/spiders/registry.py).
SPIDER_LOADER_CLASS = "pricewatch.spiders.registry.RegistrySpiderLoader"
# Applies pricewatch.config (environment, pricewatch.toml) and builds PLAYWRIGHT_LAUNCH_OPTIONS
# from the final PRICEWATCH_CHROMIUM, per crawl (after the spider's custom_settings).
ADDONS = {"pricewatch.crawl.addon.ConfigAddon": 0}

# --- politeness: a monitoring tool visits the same shops every day, for years.
ROBOTSTXT_OBEY = True
USER_AGENT = "pricewatch/0.1 (+https://github.com/pricewatch/pricewatch; price monitoring)"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
# Parallel requests AutoThrottle aims for per shop; raise it for shops that are known to cope.
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0

# --- faults: time out, cap sizes, retry with backoff, stop redirect loops.
DOWNLOAD_TIMEOUT = 30
# A product page above 16 MiB is not a product page; 4 MiB earns a warning in the log.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
# 404/410 reach the spider: they mark a tracked listing gone.
HTTPERROR_ALLOWED_CODES = [404, 410]
DNS_TIMEOUT = 15

# Scrapy's downloader, fixed so CONCURRENT_REQUESTS_PER_DOMAIN holds (see pricewatch/downloader.py).
DOWNLOADER = "pricewatch.downloader.PoliteDownloader"
DOWNLOADER_MIDDLEWARES = {
    # Every request waiting for robots.txt gets the rules (Scrapy's gives "allow" to most).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "pricewatch.middlewares.robots.RobotsTxtMiddleware": 100,
    # Redirect loops become recorded failures instead of silently dropped requests.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "pricewatch.middlewares.redirect.LoopAwareRedirectMiddleware": 600,
    # Replaced by a subclass that honours Retry-After and backs off exponentially.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pricewatch.middlewares.retry.BackoffRetryMiddleware": 550,
    # Hands rendered requests an already open browser page (scrapy-playwright opens one per
    # request otherwise, which halves rendering throughput).
    "pricewatch.middlewares.pagepool.PagePoolMiddleware": 950,
}
ITEM_PIPELINES = {
    "pricewatch.pipelines.validate.ValidatePipeline": 100,
    "pricewatch.pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    # Scrapy 2.19's remote control listens on a port and writes job files: not wanted here.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
    "pricewatch.extensions.progress.Progress": 500,
}
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# --- rendering: crawls of shops that render (and extract --render) get scrapy-playwright as
# their download handler (the spider's update_settings, crawl.process.run_extract); other crawls
# keep Scrapy's own handler and never start Playwright or Chromium. PLAYWRIGHT_LAUNCH_OPTIONS
# (executable PRICEWATCH_CHROMIUM, headless, flags) comes from ConfigAddon.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_ABORT_REQUEST = "pricewatch.crawl.rendering.should_abort_request"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
# Open pages per browser context: the rendering concurrency (each page costs ~100 MB).
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_MAX_CONTEXTS = 1

# Scrapy 2.19 starts this many asyncio tasks for every callback's output, even for one item:
# 100 (the default) costs ~0.4 ms of CPU per page; 16 is plenty for one item per page.
CONCURRENT_ITEMS = 16

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

# --- pricewatch's own settings (alphabetical).
# Chromium executable used for rendering: Debian's headless shell when installed (the same
# Chromium without the desktop UI; ~30% less CPU per rendered page here), else Debian's chromium.
PRICEWATCH_CHROMIUM = default_chromium()
# Database URL; SQLite file by default, PostgreSQL by URL.
PRICEWATCH_DB_URL = None
# The crawl run's heartbeat is written at least this often (seconds), also while the crawl
# waits on backoff or rendering, so a stuck crawl is told from a dead one.
PRICEWATCH_HEARTBEAT_SECONDS = 15.0
# Print a progress line every N seconds during crawls (0 = off).
PRICEWATCH_PROGRESS_INTERVAL = 10.0
# How long a rendered page may take to show the shop's wait selector (milliseconds).
PRICEWATCH_RENDER_TIMEOUT_MS = 15_000
# First backoff delay for retries without Retry-After (doubles per attempt).
PRICEWATCH_RETRY_BASE_DELAY = 1.0
# Longest wait a Retry-After header may ask for before the request is given up as rate-limited.
PRICEWATCH_RETRY_MAX_DELAY = 120.0
# Revisit tracked listings a crawl did not reach, so removed products are marked gone.
PRICEWATCH_REVISIT_KNOWN = True
# The crawl_run a launcher opened for this crawl process (pricewatch/crawl/launcher.py);
# 0: the crawl opens its own run.
PRICEWATCH_RUN_ID = 0
# Items per database transaction.
PRICEWATCH_STORE_BATCH_SIZE = 200
# Longest time an item waits in memory before its batch is written (seconds).
PRICEWATCH_STORE_FLUSH_SECONDS = 2.0
# Stored topic captures of a source whose median size a new capture is checked against.
PRICEWATCH_TOPICS_RECENT_CAPTURES = 10
# A topic capture below this share of that median is stored but flagged "small".
PRICEWATCH_TOPICS_SMALL_SHARE = 0.5
