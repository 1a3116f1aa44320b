"""Scrapy's downloader with ``CONCURRENT_REQUESTS_PER_DOMAIN`` actually enforced.

In Scrapy 2.19 under the asyncio reactor, ``Downloader._process_queue`` schedules each queued
download as a task and only the task marks the request as transferring. The loop checks the free
transfer slots before any task has run, so it starts every queued request of a shop at once and
the per-shop limit never holds (``scrapy/core/downloader/__init__.py``: the loop at l. 300-303
tests ``slot.free_transfer_slots()``, ``_schedule_coro`` creates a task, and only ``_download``
adds to ``slot.transferring``, at l. 315). Here the request is marked transferring before its
task is scheduled (``Downloader._download`` adds it again, which a set ignores, and removes it
when done); the rest of ``_process_queue`` is Scrapy's, line for line.

tests/test_downloader.py fails when Scrapy fixes this (then drop this module and the
``DOWNLOADER`` setting) or changes the method copied here.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PoliteDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: count it before the task runs
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
