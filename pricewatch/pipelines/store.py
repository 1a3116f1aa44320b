"""Store items in the database in batches, off the crawl's thread, and keep the crawl_run row.

- Each crawl opens a ``crawl_run`` row when the spider opens and closes it (status, counts,
  failures by reason, Scrapy stats) when the spider closes.
- Products and gone listings are written in batches of ``PRICEWATCH_STORE_BATCH_SIZE`` or every
  ``PRICEWATCH_STORE_FLUSH_SECONDS``, one transaction per batch, on one writer thread, so the
  reactor thread keeps downloading and parsing while the database works (batches stay in order).
- Failures (:class:`~pricewatch.items.CrawlFailure`) are recorded with the same batches.

A crawl killed outright loses at most the batch in memory; everything committed stays, and the
next run marks the dead run as killed (see ``Store.reap_stale_runs``).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from pricewatch.db.store import Store
from pricewatch.items import CrawlFailure, ListingGone, ProductItem

#: Batches allowed to wait for the writer thread before the crawl waits for the database.
MAX_PENDING_BATCHES = 4


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.db_url: str | None = settings.get("PRICEWATCH_DB_URL")
        self.batch_size = settings.getint("PRICEWATCH_STORE_BATCH_SIZE", 200)
        self.flush_seconds = settings.getfloat("PRICEWATCH_STORE_FLUSH_SECONDS", 2.0)
        self.store: Store | None = None
        self.run_id: int | None = None
        self._batch: list[Any] = []
        self._last_flush = time.monotonic()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pricewatch-store")
        self._pending: list[Future[None]] = []
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = Store.from_url(self.db_url)
        spider = self.crawler.spider
        assert spider is not None
        self.run_id = self.store.start_run(spider.name)
        self.crawler.stats.set_value("pricewatch/run_id", self.run_id)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ProductItem | ListingGone | CrawlFailure):
            self._batch.append(item)
            if (
                len(self._batch) >= self.batch_size
                or time.monotonic() - self._last_flush >= self.flush_seconds
            ):
                await self._flush()
        return item

    async def _flush(self) -> None:
        batch, self._batch = self._batch, []
        self._last_flush = time.monotonic()
        if batch:
            self._pending.append(self._writer.submit(self._write, batch))
        for future in [f for f in self._pending if f.done()]:
            future.result()  # a writer error surfaces in the crawl, not silently
        self._pending = [f for f in self._pending if not f.done()]
        while len(self._pending) > MAX_PENDING_BATCHES:
            await asyncio.wrap_future(self._pending.pop(0))

    def _write(self, batch: list[Any]) -> None:
        assert self.store is not None and self.run_id is not None
        stats = self.crawler.stats
        storable = [i for i in batch if isinstance(i, ProductItem | ListingGone)]
        if storable:
            result = self.store.store_batch(self.run_id, storable)
            stats.inc_value("pricewatch/store/new_observations", result.new_observations)
            stats.inc_value("pricewatch/store/unchanged", result.unchanged)
            stats.inc_value("pricewatch/store/new_listings", result.new_listings)
            stats.inc_value("pricewatch/store/gone", result.gone)
            stats.inc_value("pricewatch/store/suspect", result.suspect)
        failures = [(f.url, f.reason, f.detail) for f in batch if isinstance(f, CrawlFailure)]
        if failures:
            self.store.record_failures(self.run_id, failures)
            stats.inc_value("pricewatch/store/failures", len(failures))

    async def close_spider(self) -> None:
        await self._flush()
        for future in self._pending:
            await asyncio.wrap_future(future)
        self._pending.clear()
        self._writer.shutdown(wait=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the run after pipelines closed, when the stats are complete."""
        if self.store is None or self.run_id is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        # "shutdown" is Ctrl-C/SIGTERM, "closespider_*" a configured limit: the run stopped
        # early but nothing went wrong; anything else (e.g. "cancelled") is a failure.
        if reason == "finished":
            status = "finished"
        elif reason == "shutdown" or reason.startswith("closespider"):
            status = "interrupted"
        else:
            status = "failed"
        self.store.finish_run(
            self.run_id, status=status, stats=stats, error=None if status == "finished" else reason
        )
