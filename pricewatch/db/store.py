"""The storage API: crawl runs, batches of scraped items, and the queries behind the CLI.

:class:`Store` is what pipelines and the CLI use; nothing else should write to the database.

Prices are stored as run-length series (see :class:`~pricewatch.db.models.PriceObservation`):
a crawl that sees the same price, list price, currency and availability as the latest row only
moves that row's ``last_seen``; any change opens a new row. ``store_batch`` is on the hot path
of crawls (thousands of pages a minute), so it works set-wise: a handful of SELECTs load the
batch's shops, listings and latest observations, the items are applied in memory in order, and
the result is written with bulk INSERTs and executemany UPDATEs in one transaction.

Money leaves the store as ``Decimal`` (via ``pricewatch.extract.money``), never as float.
"""

from __future__ import annotations

import logging
import math
import os
import socket
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import CursorResult, Engine, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from pricewatch.db.engine import ensure_schema, make_engine, writer
from pricewatch.db.models import (
    RUN_STATUSES,
    CrawlFailure,
    CrawlRun,
    Listing,
    PriceObservation,
    Shop,
)
from pricewatch.items import ListingGone, ProductItem, utcnow

log = logging.getLogger(__name__)

#: Keys per ``IN (...)`` list: far below SQLite's and PostgreSQL's bound-parameter limits.
CHUNK = 500

# A new price is suspect when it moved by more than 90% against the previous one:
# new > prev * 1.9 or new < prev * 0.1, as integer fractions so minor units compare exactly.
SUSPECT_UP_NUM, SUSPECT_UP_DEN = 19, 10
SUSPECT_DOWN_NUM, SUSPECT_DOWN_DEN = 1, 10

#: How much later than its run a process may seem to have started and still own the run.
PID_REUSE_SLACK_S = 30.0

_LISTING_ATTRS = ("title", "sku", "gtin", "mpn", "brand", "image")


# --------------------------------------------------------------------------------------------
# Results


@dataclass(slots=True)
class BatchResult:
    """What :meth:`Store.store_batch` did with a batch."""

    new_observations: int = 0
    unchanged: int = 0
    new_listings: int = 0
    #: Listings newly marked gone (404/410).
    gone: int = 0
    #: New observations flagged suspect (counted in ``new_observations`` too).
    suspect: int = 0
    #: Items not stored: no price or no currency (pipelines record those as failures).
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class CurrentPrice:
    """The latest observation of a listing that is not gone (``Store.current_prices``)."""

    listing_id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    price: Decimal
    list_price: Decimal | None
    currency: str
    availability: str
    #: When the listing started showing this price/availability.
    since: datetime
    last_seen: datetime
    suspect: bool


@dataclass(frozen=True, slots=True)
class PriceChange:
    """An observation that replaced an earlier one (``Store.changes_since``)."""

    listing_id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    old_price: Decimal
    old_currency: str
    old_availability: str
    new_price: Decimal
    currency: str
    new_availability: str
    #: When the new observation was first seen.
    at: datetime
    #: (new - old) / old * 100, rounded to 0.01; ``None`` if the currency changed or old is 0.
    percent: Decimal | None
    suspect: bool


@dataclass(frozen=True, slots=True)
class ListingInfo:
    """A listing as returned by ``Store.history``."""

    id: int
    shop: str
    url: str
    title: str | None
    sku: str | None
    gtin: str | None
    mpn: str | None
    brand: str | None
    image: str | None
    first_seen: datetime
    last_seen: datetime
    gone_at: datetime | None


@dataclass(frozen=True, slots=True)
class ObservationRow:
    """One run-length row of a listing's history (``Store.history``)."""

    price: Decimal
    list_price: Decimal | None
    currency: str
    availability: str
    first_seen: datetime
    last_seen: datetime
    suspect: bool
    run_id: int | None
    extracted_by: str | None
    confidence: str | None


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A crawl run (``Store.runs``, ``Store.run``, ``Store.finish_run``)."""

    id: int
    spider: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    items_scraped: int
    observations_new: int
    observations_unchanged: int
    failures: int
    failures_by_reason: dict[str, int]
    error: str | None
    pid: int | None
    hostname: str | None
    stats: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class FailureInfo:
    """A recorded crawl failure (``Store.failures``)."""

    id: int
    run_id: int
    url: str
    reason: str
    detail: str | None
    at: datetime


# --------------------------------------------------------------------------------------------
# Helpers


def _money() -> Any:
    # Imported lazily: the money module lives with the extractors and the storage layer must
    # stay importable (e.g. for migrations) without pulling them in.
    from pricewatch.extract import money

    return money


def json_safe(value: Any) -> Any:
    """``value`` converted to something ``json.dumps`` accepts (for Scrapy's stats dump).

    datetimes become ISO 8601 strings, timedeltas seconds, Decimals strings, sets lists,
    non-finite floats and unknown objects their ``str()``.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((json_safe(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def is_suspect(previous_minor: int, new_minor: int) -> bool:
    """Whether a price moved by more than 90% up or down (exact integer arithmetic)."""
    return (
        new_minor * SUSPECT_UP_DEN > previous_minor * SUSPECT_UP_NUM
        or new_minor * SUSPECT_DOWN_DEN < previous_minor * SUSPECT_DOWN_NUM
    )


def _percent(old_minor: int, new_minor: int) -> Decimal | None:
    if old_minor == 0:
        return None
    ratio = Decimal(new_minor - old_minor) * 100 / Decimal(old_minor)
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _hostname() -> str:
    return socket.gethostname()


def _process_alive(pid: int, started_at: datetime) -> bool:
    """Whether ``pid`` is still the live process that started a run at ``started_at``."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, but belongs to another user
    info = _linux_process_info(pid)
    if info is None:
        return True  # not Linux (or /proc unreadable): trust kill(0)
    state, process_start = info
    if state in ("Z", "X"):
        return False  # zombie: dead, its parent just has not reaped it yet
    # A process that started after the run did cannot be the run's process: the pid was
    # reused. The slack covers the coarse boot time and small wall-clock corrections (the
    # kernel derives btime from the current clock). Should a big clock step still make a live
    # run look dead, its next finish_run sets the real status again.
    return process_start <= started_at.timestamp() + PID_REUSE_SLACK_S


def _linux_process_info(pid: int) -> tuple[str, float] | None:
    """(state, start time as a Unix timestamp) of ``pid`` from /proc, or None."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
        with open("/proc/stat") as fh:
            boot = next(int(line.split()[1]) for line in fh if line.startswith("btime "))
    except (OSError, StopIteration, ValueError):
        return None
    # The command name (field 2) may contain spaces and parentheses: split after the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    state, start_ticks = fields[0], int(fields[19])
    return state, boot + start_ticks / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# In-memory state of one batch


@dataclass(slots=True, eq=False)
class _ListingState:
    shop_id: int
    url: str
    first_seen: datetime
    last_seen: datetime
    id: int | None = None
    title: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    image: str | None = None
    gone_at: datetime | None = None
    is_new: bool = False
    touched: bool = False

    def changes(self) -> dict[str, Any]:
        """The columns a crawl may change (for the UPDATE of a stored listing)."""
        return {
            "title": self.title,
            "sku": self.sku,
            "gtin": self.gtin,
            "mpn": self.mpn,
            "brand": self.brand,
            "image": self.image,
            "last_seen": self.last_seen,
            "gone_at": self.gone_at,
        }

    def row(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "url": self.url,
            "first_seen": self.first_seen,
            **self.changes(),
        }


@dataclass(slots=True, eq=False)
class _ObsState:
    listing: _ListingState
    price_minor: int
    list_price_minor: int | None
    currency: str
    availability: str
    first_seen: datetime
    last_seen: datetime
    id: int | None = None
    run_id: int | None = None
    suspect: bool = False
    extracted_by: str | None = None
    confidence: str | None = None

    def key(self) -> tuple[int, int | None, str, str]:
        return (self.price_minor, self.list_price_minor, self.currency, self.availability)

    def row(self) -> dict[str, Any]:
        assert self.listing.id is not None
        return {
            "listing_id": self.listing.id,
            "price_minor": self.price_minor,
            "list_price_minor": self.list_price_minor,
            "currency": self.currency,
            "availability": self.availability,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "run_id": self.run_id,
            "suspect": self.suspect,
            "extracted_by": self.extracted_by,
            "confidence": self.confidence,
        }


# --------------------------------------------------------------------------------------------
# The store


class Store:
    """Storage for crawl runs and price series on top of a SQLAlchemy engine.

    Each public method is one short transaction, so a store may be shared between threads
    and a crawl killed at any moment leaves every completed call committed. The schema is
    migrated to the current revision on first use.
    """

    def __init__(self, engine: Engine, *, owns_engine: bool = False) -> None:
        self.engine = engine
        # Same pool; on SQLite its transactions take the write lock at BEGIN.
        self._writer = writer(engine)
        self._owns_engine = owns_engine
        self._schema_ready = False

    @classmethod
    def from_url(cls, url: str | None = None) -> Store:
        """A store on its own engine for ``url`` (default: ``$PRICEWATCH_DB_URL``)."""
        return cls(make_engine(url), owns_engine=True)

    def close(self) -> None:
        """Release the engine's connections if this store created the engine."""
        if self._owns_engine:
            self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _ready(self) -> None:
        if not self._schema_ready:
            ensure_schema(self.engine)
            self._schema_ready = True

    def _read_session(self) -> Session:
        self._ready()
        return Session(self.engine)

    def _write_session(self) -> Session:
        self._ready()
        return Session(self._writer, expire_on_commit=False)

    # ---------------------------------------------------------------------------- shops

    def upsert_shop(
        self,
        slug: str,
        *,
        domain: str | None = None,
        default_currency: str | None = None,
        render: bool | None = None,
    ) -> int:
        """Create or update a shop's row (the arguments given, not None, are written)."""
        with self._write_session() as session, session.begin():
            shop = session.scalars(select(Shop).where(Shop.slug == slug)).one_or_none()
            if shop is None:
                shop = Shop(slug=slug, render=bool(render))
                session.add(shop)
            if domain is not None:
                shop.domain = domain
            if default_currency is not None:
                shop.default_currency = default_currency.upper()
            if render is not None:
                shop.render = render
            session.flush()
            return shop.id

    # ---------------------------------------------------------------------------- runs

    def start_run(self, spider: str) -> int:
        """Record a new ``running`` crawl of ``spider`` by this process; returns its id.

        Runs left ``running`` by dead processes are reaped first (see
        :meth:`reap_stale_runs`).
        """
        self.reap_stale_runs()
        now = utcnow()
        with self._write_session() as session, session.begin():
            run = CrawlRun(
                spider=spider,
                status="running",
                started_at=now,
                heartbeat_at=now,
                pid=os.getpid(),
                hostname=_hostname(),
            )
            session.add(run)
            session.flush()
            return run.id

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        stats: Mapping[str, Any] | None,
        error: str | None = None,
    ) -> RunInfo:
        """Close a run: status, finish time, duration, failure counts by reason, stats.

        ``status`` is one of ``finished``, ``interrupted``, ``failed`` (``killed`` is for
        :meth:`reap_stale_runs`). ``stats`` is Scrapy's stats dict; it is made JSON-safe.
        """
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"invalid final run status {status!r}")
        now = utcnow()
        with self._write_session() as session, session.begin():
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise LookupError(f"no crawl run {run_id}")
            self._close_run(session, run, status=status, finished_at=now)
            run.stats = json_safe(dict(stats)) if stats is not None else None
            run.error = error
            run.heartbeat_at = now
            session.flush()
            return _run_info(run)

    @staticmethod
    def _close_run(session: Session, run: CrawlRun, *, status: str, finished_at: datetime) -> None:
        by_reason = {
            reason: count
            for reason, count in session.execute(
                select(CrawlFailure.reason, func.count())
                .where(CrawlFailure.run_id == run.id)
                .group_by(CrawlFailure.reason)
                .order_by(CrawlFailure.reason)
            )
        }
        run.status = status
        run.finished_at = finished_at
        run.duration_s = max(0.0, (finished_at - run.started_at).total_seconds())
        run.failures = sum(by_reason.values())
        run.failures_by_reason = by_reason

    def reap_stale_runs(self) -> list[int]:
        """Mark ``killed`` the runs of this host still ``running`` whose process is gone.

        A process killed with SIGKILL (or by the OOM killer) cannot close its run. Runs are
        matched by hostname and pid; a pid now used by a process that started after the run
        counts as dead. Runs of other hosts are left alone: their pids mean nothing here. The
        finish time of a killed run is its last heartbeat (its last write). Returns the ids.
        """
        host = _hostname()
        reaped: list[int] = []
        with self._write_session() as session, session.begin():
            running = session.scalars(
                select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.hostname == host)
            ).all()
            for run in running:
                if run.pid is None or _process_alive(run.pid, run.started_at):
                    continue
                finished_at = run.heartbeat_at or run.started_at
                self._close_run(session, run, status="killed", finished_at=finished_at)
                run.error = (
                    f"process {run.pid} on {host} ended without finishing the run "
                    "(killed or crashed); marked killed"
                )
                reaped.append(run.id)
        for run_id in reaped:
            log.warning("crawl run %s: its process is gone, marked killed", run_id)
        return reaped

    def record_failure(
        self,
        run_id: int,
        url: str,
        reason: str,
        detail: str | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        """Record a page that produced no observation (``reason`` is a short code)."""
        self.record_failures(run_id, [(url, reason, detail)], at=at)

    def record_failures(
        self,
        run_id: int,
        failures: Iterable[tuple[str, str, str | None]],
        *,
        at: datetime | None = None,
    ) -> int:
        """Bulk :meth:`record_failure`: ``(url, reason, detail)`` tuples, one transaction."""
        when = at or utcnow()
        rows = [
            {"run_id": run_id, "url": url, "reason": reason, "detail": detail, "at": when}
            for url, reason, detail in failures
        ]
        if rows:
            with self._write_session() as session, session.begin():
                session.execute(insert(CrawlFailure), rows)
        return len(rows)

    # ---------------------------------------------------------------------------- batches

    def store_batch(self, run_id: int, items: Sequence[ProductItem | ListingGone]) -> BatchResult:
        """Store a batch of scraped items in one transaction, in order.

        * A :class:`ProductItem` upserts its shop (by slug) and listing (title, sku, gtin,
          mpn, brand, image when given; ``last_seen``; clears ``gone_at``) and either extends
          the listing's latest observation (same price, list price, currency, availability)
          or opens a new one, flagged ``suspect`` when the price moved by more than 90%
          against the previous observation in the same currency. A listing coming back after
          being gone always opens a new observation, so a row never spans a gap.
        * Items without a price or currency are skipped (``BatchResult.skipped``).
        * A :class:`ListingGone` sets ``gone_at`` on a known listing (unknown URLs are
          ignored; an already gone listing keeps its first ``gone_at``).

        The same URL may appear several times in a batch. The run's counters are updated in
        the same transaction.
        """
        self._ready()
        try:
            return self._store_batch(run_id, items)
        except IntegrityError:
            # Another process inserted one of our shops or listings between our SELECT and
            # INSERT (only possible on PostgreSQL; SQLite writers are serialised). Everything
            # was rolled back: one retry sees the other process's rows.
            log.info("store_batch: concurrent insert of the same shop/listing, retrying")
            return self._store_batch(run_id, items)

    def _store_batch(self, run_id: int, items: Sequence[ProductItem | ListingGone]) -> BatchResult:
        result = BatchResult()
        money = _money()
        entries: list[ProductItem | ListingGone] = []
        for item in items:
            if isinstance(item, ProductItem):
                if item.price is None or not item.currency:
                    result.skipped += 1
                    continue
            elif not isinstance(item, ListingGone):
                raise TypeError(f"cannot store {type(item).__name__}")
            if item.fetched_at.utcoffset() is None:
                raise ValueError(f"naive datetime in fetched_at of {item.url}: must be aware UTC")
            entries.append(item)

        now = utcnow()
        with self._write_session() as session, session.begin():
            counters: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(
                    items_scraped=CrawlRun.items_scraped + len(entries),
                    heartbeat_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            if counters.rowcount == 0:
                raise LookupError(f"no crawl run {run_id}")
            if not entries:
                return result

            shop_ids = self._shop_ids(session, entries)
            listings = self._load_listings(session, shop_ids, entries)
            latest = self._load_latest(session, listings)
            new_listings: list[_ListingState] = []
            new_obs: list[_ObsState] = []
            # Stored rows whose last_seen moves (kept here: `latest` may move on to a newer row
            # later in the batch).
            extended: dict[int, _ObsState] = {}

            for item in entries:
                shop_id = shop_ids.get(item.shop)
                key = (shop_id, item.url)
                if isinstance(item, ListingGone):
                    gone = listings.get(key)
                    if gone is not None and gone.gone_at is None:
                        gone.gone_at = item.fetched_at
                        gone.touched = True
                        result.gone += 1
                    continue

                assert shop_id is not None and item.price is not None and item.currency
                seen = item.fetched_at
                listing = listings.get(key)
                if listing is None:
                    listing = _ListingState(
                        shop_id=shop_id, url=item.url, first_seen=seen, last_seen=seen, is_new=True
                    )
                    listings[key] = listing
                    new_listings.append(listing)
                    result.new_listings += 1
                for attr in _LISTING_ATTRS:
                    # Keep what we know when one crawl fails to extract a field.
                    value = getattr(item, attr)
                    if value is not None:
                        setattr(listing, attr, value)
                listing.last_seen = max(listing.last_seen, seen)
                came_back = listing.gone_at is not None
                listing.gone_at = None
                listing.touched = True

                currency = item.currency.upper()
                price = money.to_minor_units(item.price, currency)
                list_price = (
                    money.to_minor_units(item.list_price, currency)
                    if item.list_price is not None
                    else None
                )
                state = (price, list_price, currency, item.availability)
                previous = latest.get(key)
                if previous is not None and not came_back and previous.key() == state:
                    previous.last_seen = max(previous.last_seen, seen)
                    if previous.id is not None:
                        extended[previous.id] = previous
                    result.unchanged += 1
                    continue
                suspect = (
                    previous is not None
                    and previous.currency == currency
                    and is_suspect(previous.price_minor, price)
                )
                obs = _ObsState(
                    listing=listing,
                    price_minor=price,
                    list_price_minor=list_price,
                    currency=currency,
                    availability=item.availability,
                    first_seen=seen,
                    last_seen=seen,
                    run_id=run_id,
                    suspect=suspect,
                    extracted_by=item.extracted_by,
                    confidence=item.confidence,
                )
                latest[key] = obs
                new_obs.append(obs)
                result.new_observations += 1
                result.suspect += suspect

            self._write(session, listings.values(), new_listings, extended.values(), new_obs)
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id)
                .values(
                    observations_new=CrawlRun.observations_new + result.new_observations,
                    observations_unchanged=CrawlRun.observations_unchanged + result.unchanged,
                )
                .execution_options(synchronize_session=False)
            )
        return result

    @staticmethod
    def _shop_ids(session: Session, entries: Sequence[ProductItem | ListingGone]) -> dict[str, int]:
        """slug -> id for the batch's shops, creating those that priced items need."""
        slugs = sorted({item.shop for item in entries})
        query = select(Shop.slug, Shop.id)
        ids = {slug: id_ for slug, id_ in session.execute(query.where(Shop.slug.in_(slugs)))}
        missing: dict[str, dict[str, Any]] = {}
        for item in entries:
            if isinstance(item, ProductItem) and item.shop not in ids and item.shop not in missing:
                host = urlsplit(item.url).hostname
                missing[item.shop] = {
                    "slug": item.shop,
                    "domain": host.removeprefix("www.") if host else None,
                    "default_currency": item.currency.upper() if item.currency else None,
                }
        if missing:
            session.execute(insert(Shop), list(missing.values()))
            ids.update(
                (slug, id_)
                for slug, id_ in session.execute(query.where(Shop.slug.in_(list(missing))))
            )
        return ids

    @staticmethod
    def _load_listings(
        session: Session,
        shop_ids: Mapping[str, int],
        entries: Sequence[ProductItem | ListingGone],
    ) -> dict[tuple[int | None, str], _ListingState]:
        urls_by_shop: dict[int, set[str]] = defaultdict(set)
        for item in entries:
            shop_id = shop_ids.get(item.shop)
            if shop_id is not None:
                urls_by_shop[shop_id].add(item.url)
        listings: dict[tuple[int | None, str], _ListingState] = {}
        columns = (
            Listing.id,
            Listing.shop_id,
            Listing.url,
            Listing.title,
            Listing.sku,
            Listing.gtin,
            Listing.mpn,
            Listing.brand,
            Listing.image,
            Listing.first_seen,
            Listing.last_seen,
            Listing.gone_at,
        )
        for shop_id, urls in urls_by_shop.items():
            for chunk in _chunks(sorted(urls)):
                rows = session.execute(
                    select(*columns).where(Listing.shop_id == shop_id, Listing.url.in_(chunk))
                )
                for row in rows:
                    listings[(row.shop_id, row.url)] = _ListingState(
                        id=row.id,
                        shop_id=row.shop_id,
                        url=row.url,
                        title=row.title,
                        sku=row.sku,
                        gtin=row.gtin,
                        mpn=row.mpn,
                        brand=row.brand,
                        image=row.image,
                        first_seen=row.first_seen,
                        last_seen=row.last_seen,
                        gone_at=row.gone_at,
                    )
        return listings

    @staticmethod
    def _load_latest(
        session: Session, listings: Mapping[tuple[int | None, str], _ListingState]
    ) -> dict[tuple[int | None, str], _ObsState]:
        """The latest observation (highest id) of each of ``listings``, keyed like them."""
        by_id = {listing.id: key for key, listing in listings.items() if listing.id is not None}
        latest: dict[tuple[int | None, str], _ObsState] = {}
        PO = PriceObservation
        for chunk in _chunks(sorted(by_id)):
            newest = select(func.max(PO.id)).where(PO.listing_id.in_(chunk)).group_by(PO.listing_id)
            rows = session.execute(
                select(
                    PO.id,
                    PO.listing_id,
                    PO.price_minor,
                    PO.list_price_minor,
                    PO.currency,
                    PO.availability,
                    PO.first_seen,
                    PO.last_seen,
                ).where(PO.id.in_(newest))
            )
            for row in rows:
                key = by_id[row.listing_id]
                latest[key] = _ObsState(
                    id=row.id,
                    listing=listings[key],
                    price_minor=row.price_minor,
                    list_price_minor=row.list_price_minor,
                    currency=row.currency,
                    availability=row.availability,
                    first_seen=row.first_seen,
                    last_seen=row.last_seen,
                )
        return latest

    @staticmethod
    def _write(
        session: Session,
        listings: Iterable[_ListingState],
        new_listings: Sequence[_ListingState],
        extended: Iterable[_ObsState],
        new_obs: Sequence[_ObsState],
    ) -> None:
        if new_listings:
            ids = session.scalars(
                insert(Listing).returning(Listing.id, sort_by_parameter_order=True),
                [listing.row() for listing in new_listings],
            ).all()
            for listing, new_id in zip(new_listings, ids, strict=True):
                listing.id = new_id
        changed = [
            {"id": listing.id, **listing.changes()}
            for listing in listings
            if listing.touched and not listing.is_new
        ]
        if changed:
            session.execute(update(Listing), changed)
        # Rows opened in this batch are inserted with their final last_seen; only stored rows
        # need an UPDATE.
        moved = [{"id": obs.id, "last_seen": obs.last_seen} for obs in extended]
        if moved:
            session.execute(update(PriceObservation), moved)
        if new_obs:
            session.execute(insert(PriceObservation), [obs.row() for obs in new_obs])

    # ---------------------------------------------------------------------------- queries

    def current_prices(self, shop: str | None = None) -> list[CurrentPrice]:
        """The latest observation of every listing that is not gone, by shop and URL."""
        money = _money()
        PO = PriceObservation
        newer = aliased(PriceObservation)
        latest_id = (
            select(func.max(newer.id))
            .where(newer.listing_id == Listing.id)
            .correlate(Listing)
            .scalar_subquery()
        )
        stmt = (
            select(
                Listing.id,
                Shop.slug,
                Listing.url,
                Listing.title,
                Listing.sku,
                PO.price_minor,
                PO.list_price_minor,
                PO.currency,
                PO.availability,
                PO.first_seen,
                PO.last_seen,
                PO.suspect,
            )
            .select_from(Listing)
            .join(Shop, Listing.shop_id == Shop.id)
            .join(PO, PO.listing_id == Listing.id)
            .where(PO.id == latest_id, Listing.gone_at.is_(None))
            .order_by(Shop.slug, Listing.url)
        )
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [
                CurrentPrice(
                    listing_id=row.id,
                    shop=row.slug,
                    url=row.url,
                    title=row.title,
                    sku=row.sku,
                    price=money.from_minor_units(row.price_minor, row.currency),
                    list_price=(
                        money.from_minor_units(row.list_price_minor, row.currency)
                        if row.list_price_minor is not None
                        else None
                    ),
                    currency=row.currency,
                    availability=row.availability,
                    since=row.first_seen,
                    last_seen=row.last_seen,
                    suspect=row.suspect,
                )
                for row in session.execute(stmt)
            ]

    def changes_since(self, since: datetime, shop: str | None = None) -> list[PriceChange]:
        """Every observation opened after ``since`` that replaced an earlier one, oldest first.

        Includes availability-only changes (``percent`` 0) and currency changes (``percent``
        None). A listing that changed twice appears twice.
        """
        money = _money()
        new = aliased(PriceObservation, name="new")
        old = aliased(PriceObservation, name="old")
        between = aliased(PriceObservation, name="between")
        previous_id = (
            select(func.max(between.id))
            .where(between.listing_id == new.listing_id, between.id < new.id)
            .correlate(new)
            .scalar_subquery()
        )
        stmt = (
            select(
                Listing.id,
                Shop.slug,
                Listing.url,
                Listing.title,
                Listing.sku,
                old.price_minor.label("old_price"),
                old.currency.label("old_currency"),
                old.availability.label("old_availability"),
                new.price_minor.label("new_price"),
                new.currency.label("new_currency"),
                new.availability.label("new_availability"),
                new.first_seen,
                new.suspect,
            )
            .select_from(new)
            .join(Listing, new.listing_id == Listing.id)
            .join(Shop, Listing.shop_id == Shop.id)
            .join(old, old.listing_id == new.listing_id)
            .where(new.first_seen > since, old.id == previous_id)
            .order_by(new.first_seen, new.id)
        )
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [
                PriceChange(
                    listing_id=row.id,
                    shop=row.slug,
                    url=row.url,
                    title=row.title,
                    sku=row.sku,
                    old_price=money.from_minor_units(row.old_price, row.old_currency),
                    old_currency=row.old_currency,
                    old_availability=row.old_availability,
                    new_price=money.from_minor_units(row.new_price, row.new_currency),
                    currency=row.new_currency,
                    new_availability=row.new_availability,
                    at=row.first_seen,
                    percent=(
                        _percent(row.old_price, row.new_price)
                        if row.old_currency == row.new_currency
                        else None
                    ),
                    suspect=row.suspect,
                )
                for row in session.execute(stmt)
            ]

    def history(self, url_or_sku: str) -> list[tuple[ListingInfo, list[ObservationRow]]]:
        """Listings whose URL or SKU is exactly ``url_or_sku``, with observations oldest first."""
        money = _money()
        with self._read_session() as session:
            found = session.execute(
                select(Listing, Shop.slug)
                .join(Shop, Listing.shop_id == Shop.id)
                .where(or_(Listing.url == url_or_sku, Listing.sku == url_or_sku))
                .order_by(Shop.slug, Listing.url)
            ).all()
            ids = [listing.id for listing, _ in found]
            observations: dict[int, list[ObservationRow]] = defaultdict(list)
            for chunk in _chunks(ids):
                for obs in session.scalars(
                    select(PriceObservation)
                    .where(PriceObservation.listing_id.in_(chunk))
                    .order_by(PriceObservation.listing_id, PriceObservation.id)
                ):
                    observations[obs.listing_id].append(
                        ObservationRow(
                            price=money.from_minor_units(obs.price_minor, obs.currency),
                            list_price=(
                                money.from_minor_units(obs.list_price_minor, obs.currency)
                                if obs.list_price_minor is not None
                                else None
                            ),
                            currency=obs.currency,
                            availability=obs.availability,
                            first_seen=obs.first_seen,
                            last_seen=obs.last_seen,
                            suspect=obs.suspect,
                            run_id=obs.run_id,
                            extracted_by=obs.extracted_by,
                            confidence=obs.confidence,
                        )
                    )
            return [
                (_listing_info(listing, slug), observations[listing.id]) for listing, slug in found
            ]

    def listing_urls(self, shop: str) -> list[str]:
        """URLs of the shop's listings that are not gone (crawls revisit the ones they miss)."""
        stmt = (
            select(Listing.url)
            .join(Shop, Listing.shop_id == Shop.id)
            .where(Shop.slug == shop, Listing.gone_at.is_(None))
            .order_by(Listing.id)
        )
        with self._read_session() as session:
            return list(session.scalars(stmt))

    def gone_since(self, since: datetime, shop: str | None = None) -> list[ListingInfo]:
        """Listings marked gone (404/410) at or after ``since``, by shop and URL."""
        stmt = (
            select(Listing, Shop.slug)
            .join(Shop, Listing.shop_id == Shop.id)
            .where(Listing.gone_at >= since)
            .order_by(Shop.slug, Listing.url)
        )
        if shop is not None:
            stmt = stmt.where(Shop.slug == shop)
        with self._read_session() as session:
            return [_listing_info(listing, slug) for listing, slug in session.execute(stmt)]

    def runs(self, limit: int = 20) -> list[RunInfo]:
        """The latest ``limit`` crawl runs, newest first."""
        with self._read_session() as session:
            rows = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit))
            return [_run_info(run) for run in rows]

    def run(self, run_id: int) -> RunInfo | None:
        """One crawl run, or None."""
        with self._read_session() as session:
            run = session.get(CrawlRun, run_id)
            return _run_info(run) if run is not None else None

    def failures(self, run_id: int) -> list[FailureInfo]:
        """The failures recorded for a run, in order."""
        with self._read_session() as session:
            rows = session.scalars(
                select(CrawlFailure).where(CrawlFailure.run_id == run_id).order_by(CrawlFailure.id)
            )
            return [
                FailureInfo(
                    id=row.id,
                    run_id=row.run_id,
                    url=row.url,
                    reason=row.reason,
                    detail=row.detail,
                    at=row.at,
                )
                for row in rows
            ]


def _run_info(run: CrawlRun) -> RunInfo:
    return RunInfo(
        id=run.id,
        spider=run.spider,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_s=run.duration_s,
        items_scraped=run.items_scraped,
        observations_new=run.observations_new,
        observations_unchanged=run.observations_unchanged,
        failures=run.failures,
        failures_by_reason=dict(run.failures_by_reason or {}),
        error=run.error,
        pid=run.pid,
        hostname=run.hostname,
        stats=run.stats,
    )


def _listing_info(listing: Listing, shop_slug: str) -> ListingInfo:
    return ListingInfo(
        id=listing.id,
        shop=shop_slug,
        url=listing.url,
        title=listing.title,
        sku=listing.sku,
        gtin=listing.gtin,
        mpn=listing.mpn,
        brand=listing.brand,
        image=listing.image,
        first_seen=listing.first_seen,
        last_seen=listing.last_seen,
        gone_at=listing.gone_at,
    )
