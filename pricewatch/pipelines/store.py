"""Store records in the database in batches, off the crawl's thread, and keep the crawl_run row.

- Each crawl opens a ``crawl_run`` row when the spider opens (or takes over the one its launcher
  opened, ``PRICEWATCH_RUN_ID``) and closes it (status, counts, failures by reason, Scrapy
  stats) when the spider closes.
- Records from the validate pipeline (prices, gone listings, failures) are written in batches
  of ``PRICEWATCH_STORE_BATCH_SIZE``, one transaction per batch, on one writer thread, so the
  reactor thread keeps downloading and parsing while the database works (batches stay in
  order). A timer flushes a batch at most ``PRICEWATCH_STORE_FLUSH_SECONDS`` after its first
  record arrived, even while the crawl waits (backoff, rendering), and beats the run's
  heartbeat at least every ``PRICEWATCH_HEARTBEAT_SECONDS``.
- Topic captures (:class:`~pricewatch.records.TopicCaptureRecord`) are stored one transaction
  each; one smaller than ``PRICEWATCH_TOPICS_SMALL_SHARE`` of the median size of the source's
  last ``PRICEWATCH_TOPICS_RECENT_CAPTURES`` is stored flagged ``small``.
- The writer thread only talks to the database: what a batch did is counted into Scrapy's
  stats back on the reactor thread, where the progress extension reads them.
- A spider that revisits tracked listings (``ProductSpider.revisit_known``) gets their URLs
  through ``known_listings_loaded``, read on the writer thread when the run opens.

Anything reaching this pipeline that is not a record is a programming error (a new item type
without a conversion in the validate pipeline): it raises instead of passing silently.

A crawl killed outright loses at most the batch in memory; everything committed stays, and the
next run marks the dead run as killed (see :mod:`pricewatch.crawl.supervision`).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from twisted.internet import reactor, task

from pricewatch.crawl.supervision import open_run
from pricewatch.db.store import BatchResult, Store
from pricewatch.records import FailureRecord, GoneRecord, PriceRecord, TopicCaptureRecord

#: Batches allowed to wait for the writer thread before the crawl waits for the database.
MAX_PENDING_BATCHES = 4
RECORD_TYPES = (PriceRecord, GoneRecord, FailureRecord, TopicCaptureRecord)


@dataclass(slots=True)
class _Written:
    """What one writer-thread job did, counted into stats on the reactor thread."""

    result: BatchResult | None = None
    failures: int = 0
    known_listings: list[str] | None = None


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.db_url: str | None = settings.get("PRICEWATCH_DB_URL")
        self.batch_size = settings.getint("PRICEWATCH_STORE_BATCH_SIZE", 200)
        self.flush_seconds = settings.getfloat("PRICEWATCH_STORE_FLUSH_SECONDS", 2.0)
        self.heartbeat_seconds = settings.getfloat("PRICEWATCH_HEARTBEAT_SECONDS", 15.0)
        self.launched_run_id: int | None = settings.getint("PRICEWATCH_RUN_ID", 0) or None
        self.topics_small_share = settings.getfloat("PRICEWATCH_TOPICS_SMALL_SHARE", 0.5)
        self.topics_recent = settings.getint("PRICEWATCH_TOPICS_RECENT_CAPTURES", 10)
        self.store: Store | None = None
        self.run_id: int | None = None
        self._batch: list[Any] = []
        #: When the oldest record of the current batch arrived (monotonic).
        self._batch_started: float | None = None
        self._last_write = time.monotonic()
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pricewatch-store")
        self._pending: list[Future[_Written]] = []
        self._timer: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = Store.from_url(self.db_url)
        spider = self.crawler.spider
        assert spider is not None
        if self.launched_run_id is not None:
            # The launcher reaped dead runs when it opened this one.
            self.store.claim_run(self.launched_run_id)
            self.run_id = self.launched_run_id
        else:
            self.run_id = open_run(self.store, spider.name)
        self.crawler.stats.set_value("pricewatch/run_id", self.run_id)
        if getattr(spider, "wants_known_listings", lambda: False)():
            spider.expect_known_listings()  # type: ignore[attr-defined]
            self._submit(self._load_known, spider.name)
        self._timer = task.LoopingCall(self._tick)
        interval = min(self.flush_seconds, self.heartbeat_seconds, 1.0)
        self._timer.start(max(0.05, interval), now=False)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RECORD_TYPES):
            raise TypeError(
                f"the store pipeline got a {type(item).__name__}: every item must be turned "
                "into a record by the validate pipeline (pricewatch/pipelines/validate.py)"
            )
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(item)
        if len(self._batch) >= self.batch_size:
            await self._flush()
        return item

    # ------------------------------------------------------------------ reactor thread

    def _tick(self) -> None:
        """Timer: flush a batch that waited long enough, beat the heartbeat, count results."""
        now = time.monotonic()
        if self._batch and now - (self._batch_started or now) >= self.flush_seconds:
            self._flush_nowait()
        elif now - self._last_write >= self.heartbeat_seconds and not self._pending:
            self._submit(self._heartbeat)
        self._collect()

    def _submit(self, fn: Any, *args: Any) -> None:
        self._last_write = time.monotonic()
        future = self._writer.submit(fn, *args)
        # Count the results as soon as they are in, on the reactor thread.
        future.add_done_callback(lambda _: reactor.callFromThread(self._collect))
        self._pending.append(future)

    def _flush_nowait(self) -> None:
        batch, self._batch = self._batch, []
        self._batch_started = None
        if batch:
            self._submit(self._write, batch)

    async def _flush(self) -> None:
        self._flush_nowait()
        self._collect()
        while len(self._pending) > MAX_PENDING_BATCHES:
            await asyncio.wrap_future(self._pending[0])
            self._collect()

    def _collect(self) -> None:
        """Apply finished writer jobs in order; a writer error surfaces in the crawl."""
        while self._pending and self._pending[0].done():
            self._apply(self._pending.pop(0).result())

    def _apply(self, written: _Written) -> None:
        stats = self.crawler.stats
        result = written.result
        if result is not None:
            stats.inc_value("pricewatch/store/new_observations", result.new_observations)
            stats.inc_value("pricewatch/store/unchanged", result.unchanged)
            stats.inc_value("pricewatch/store/new_listings", result.new_listings)
            stats.inc_value("pricewatch/store/gone", result.gone)
            stats.inc_value("pricewatch/store/suspect", result.suspect)
        if written.failures:
            stats.inc_value("pricewatch/store/failures", written.failures)
        if written.known_listings is not None:
            spider = self.crawler.spider
            if spider is not None:
                spider.known_listings_loaded(written.known_listings)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ writer thread

    def _write(self, batch: list[Any]) -> _Written:
        assert self.store is not None and self.run_id is not None
        written = _Written()
        listings = [r for r in batch if isinstance(r, PriceRecord | GoneRecord)]
        if listings:
            written.result = self.store.store_batch(self.run_id, listings)
        failures = [r for r in batch if isinstance(r, FailureRecord)]
        if failures:
            written.failures = self.store.record_failures(self.run_id, failures)
        for capture in (r for r in batch if isinstance(r, TopicCaptureRecord)):
            self.store.store_topic_capture(
                capture,
                run_id=self.run_id,
                small_share=self.topics_small_share,
                recent=self.topics_recent,
            )
        if not listings:
            self.store.heartbeat(self.run_id)  # store_batch beats it itself
        return written

    def _heartbeat(self) -> _Written:
        assert self.store is not None and self.run_id is not None
        self.store.heartbeat(self.run_id)
        return _Written()

    def _load_known(self, spider: str) -> _Written:
        assert self.store is not None
        return _Written(known_listings=self.store.listing_urls(spider))

    # ------------------------------------------------------------------ closing

    async def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self._flush_nowait()
        for future in list(self._pending):
            await asyncio.wrap_future(future)
        self._collect()
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
        try:
            self.store.finish_run(
                self.run_id,
                status=status,
                stats=stats,
                error=None if status == "finished" else reason,
            )
        finally:
            self.store.close()
