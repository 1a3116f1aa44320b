"""Storage size: database bytes per tracked listing after a month of daily crawls.

To run: .venv/bin/python bench/storage_size.py [--listings 2000] [--days 30] [--postgres URL]

The benchmark feeds :meth:`pricewatch.db.store.Store.store_batch` directly (no HTTP, no
Scrapy): ``--listings`` products spread over ``--shops`` shops, one crawl run per shop per
day, batches of ``--batch`` items (the pipeline's default size), ``fetched_at`` one day later
for each crawl, and ``--change`` (5%) of the prices moving each day. The items look like what
the full crawl path stores (title, SKU, GTIN, brand, image URL, ``extracted_by``).

Figures:

* rows per table: with run-length observations a listing has one row per price *change*,
  not per crawl;
* SQLite: the database file after ``VACUUM`` (and a WAL checkpoint), divided by the number of
  listings; with ``--postgres URL``, the sum of ``pg_total_relation_size`` (table + indexes +
  TOAST) of the schema's tables after ``VACUUM FULL``, in a scratch database created next to
  the one the URL names (and dropped afterwards);
* the same database rewritten with one observation row per listing per crawl (what a naive
  "insert every scrape" schema keeps), measured the same way: the run-length saving;
* how fast ``store_batch`` stored the first crawl (all new) and the later ones (mostly
  unchanged), in items per second.

Correctness is checked before anything is measured: the number of observation rows equals
listings + price changes, and ``Store.current_prices`` returns every listing's latest
simulated price; the script exits 1 otherwise. The last line is
``bytes/listing sqlite=<n>`` (plus `` postgres=<n>`` with ``--postgres``).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import make_url

from pricewatch.db.engine import normalize_url
from pricewatch.db.models import Base, PriceObservation
from pricewatch.db.store import Store
from pricewatch.records import PriceRecord

SEED = 20240601
START = datetime(2024, 6, 1, 3, 0, tzinfo=UTC)
_BRANDS = ("星河", "Lantern", "云尚", "Hongxing", "北辰", "Acme", "青木", "Nordlys")
_KINDS = ("无线降噪耳机", "Mechanical Keyboard", "智能手表", "Espresso Machine", "空气净化器")
_WORDS = ("轻薄", "长续航", "快充", "防水", "Pro", "Max", "2024款", "官方正品", "包邮", "礼盒装")


@dataclass
class Listing:
    shop: str
    url: str
    title: str
    sku: str
    gtin: str
    brand: str
    image: str
    price: Decimal
    availability: str = "in_stock"


class BenchFailure(Exception):
    """The stored data is not what was fed in: the size figure would mean nothing."""


def make_listings(count: int, shops: int, rng: random.Random) -> list[Listing]:
    listings = []
    for i in range(count):
        shop = f"shop-{i % shops + 1}"
        brand = rng.choice(_BRANDS)
        title = (
            f"{brand} {rng.choice(_KINDS)} {rng.choice('ABCDEFGHKMNPRSTX')}{rng.randint(1, 99)} "
            + " ".join(rng.sample(_WORDS, 3))
        )
        sku = f"{shop[-1]}{rng.randint(10**8, 10**9 - 1)}"
        listings.append(
            Listing(
                shop=shop,
                url=f"https://www.{shop}.example.cn/item/{sku}.html?spm=a1z10.3-c.w4002.{i}",
                title=title,
                sku=sku,
                gtin=f"69{rng.randint(10**10, 10**11 - 1)}",
                brand=brand,
                image=f"https://img.{shop}.example.cn/imgextra/i{i % 4}/{sku}/O1CN01{sku}.jpg",
                price=Decimal(rng.randint(990, 1_999_900)) / 100,
            )
        )
    return listings


def change_prices(listings: list[Listing], share: float, rng: random.Random) -> int:
    """Move ``share`` of the prices by -30%..+30% (never to the same value); returns how many."""
    changed = rng.sample(listings, round(len(listings) * share))
    for listing in changed:
        factor = Decimal(rng.choice([-1, 1]) * rng.randint(1, 30)) / 100 + 1
        new = (listing.price * factor).quantize(Decimal("0.01"))
        listing.price = new if new != listing.price else listing.price + Decimal("1.00")
    return len(changed)


def item(listing: Listing, fetched_at: datetime) -> PriceRecord:
    return PriceRecord(
        url=listing.url,
        shop=listing.shop,
        title=listing.title,
        price=listing.price,
        currency="CNY",
        availability="in_stock",
        sku=listing.sku,
        gtin=listing.gtin,
        brand=listing.brand,
        image=listing.image,
        extracted_by="json-ld",
        confidence="high",
        fetched_at=fetched_at,
    )


def scrapy_like_stats(pages: int, start: datetime) -> dict[str, Any]:
    """A stats dict of the size Scrapy hands to ``finish_run`` (stored as JSON per run)."""
    return {
        "downloader/request_count": pages,
        "downloader/request_bytes": pages * 310,
        "downloader/request_method_count/GET": pages,
        "downloader/response_count": pages,
        "downloader/response_status_count/200": pages,
        "downloader/response_bytes": pages * 9_800,
        "elapsed_time_seconds": pages / 120,
        "finish_reason": "finished",
        "finish_time": start + timedelta(seconds=pages / 120),
        "httpcompression/response_bytes": pages * 40_000,
        "httpcompression/response_count": pages,
        "item_scraped_count": pages,
        "items_per_minute": 7200.0,
        "log_count/WARNING": 0,
        "memusage/max": 180_000_000,
        "memusage/startup": 120_000_000,
        "pricewatch/extracted_by/json-ld": pages,
        "pricewatch/store/new_observations": pages // 20,
        "pricewatch/store/unchanged": pages - pages // 20,
        "response_received_count": pages,
        "responses_per_minute": 7200.0,
        "scheduler/dequeued": pages,
        "scheduler/enqueued": pages,
        "start_time": start,
    }


@dataclass
class Simulation:
    rows: dict[str, int]
    first_day_items_per_s: float
    later_items_per_s: float
    changes: int


def simulate(
    store: Store, listings: list[Listing], days: int, share: float, batch: int, seed: int
) -> Simulation:
    rng = random.Random(seed + 1)
    by_shop: dict[str, list[Listing]] = {}
    for listing in listings:
        by_shop.setdefault(listing.shop, []).append(listing)
    changes = 0
    timings: list[tuple[int, float]] = []
    for day in range(days):
        if day:
            changes += change_prices(listings, share, rng)
        day_start = START + timedelta(days=day)
        stored, elapsed = 0, 0.0
        for shop, shop_listings in by_shop.items():
            run_id = store.start_run(shop)
            for offset in range(0, len(shop_listings), batch):
                chunk = shop_listings[offset : offset + batch]
                # Pages arrive over the crawl, a few per second.
                items = [
                    item(x, day_start + timedelta(seconds=(offset + i) / 8))
                    for i, x in enumerate(chunk)
                ]
                t0 = time.perf_counter()
                store.store_batch(run_id, items)
                elapsed += time.perf_counter() - t0
                stored += len(items)
            store.finish_run(
                run_id, status="finished", stats=scrapy_like_stats(len(shop_listings), day_start)
            )
        timings.append((stored, elapsed))
    later = timings[1:] or timings
    return Simulation(
        rows=table_rows(store),
        first_day_items_per_s=timings[0][0] / timings[0][1],
        later_items_per_s=sum(n for n, _ in later) / sum(t for _, t in later),
        changes=changes,
    )


def table_rows(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in Base.metadata.tables.items()
        }


def check(store: Store, listings: list[Listing], sim: Simulation) -> None:
    problems = []
    expected_obs = len(listings) + sim.changes
    if sim.rows["price_observation"] != expected_obs:
        problems.append(
            f"{sim.rows['price_observation']} observation rows, expected {expected_obs} "
            f"({len(listings)} listings + {sim.changes} price changes)"
        )
    if sim.rows["listing"] != len(listings):
        problems.append(f"{sim.rows['listing']} listings, expected {len(listings)}")
    current = {row.url: row for row in store.current_prices()}
    wrong = [
        f"{x.url}: {current[x.url].price if x.url in current else None} != {x.price}"
        for x in listings
        if x.url not in current or current[x.url].price != x.price
    ]
    if wrong:
        problems.append(f"{len(wrong)} wrong current prices, e.g. {wrong[0]}")
    if problems:
        raise BenchFailure("; ".join(problems))


def expand_to_daily_rows(store: Store, days: int) -> int:
    """Rewrite price_observation with one row per listing per crawl; returns the row count."""
    table = Base.metadata.tables[PriceObservation.__tablename__]
    with store.engine.begin() as conn:
        runs = list(conn.execute(select(table)).mappings())
        conn.execute(delete(table))
        rows: list[dict[str, Any]] = []
        for run in runs:
            seen = run["first_seen"]
            while seen <= run["last_seen"]:
                row = {k: v for k, v in run.items() if k != "id"}
                row.update(first_seen=seen, last_seen=seen)
                rows.append(row)
                seen += timedelta(days=1)
        for offset in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[offset : offset + 5000])
    return len(rows)


def sqlite_size(path: Path) -> tuple[int, dict[str, int]]:
    """File size after a WAL checkpoint and VACUUM, and bytes per table with its indexes."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        by_table = dict(
            conn.execute(
                "SELECT coalesce(s.tbl_name, d.name), sum(d.pgsize) FROM dbstat d "
                "LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY 1 ORDER BY 2 DESC"
            ).fetchall()
        )
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0), by_table


def postgres_size(store: Store) -> tuple[int, dict[str, int]]:
    """Sum of pg_total_relation_size over the schema's tables after VACUUM FULL, and by table."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL ANALYZE"))
        by_table = {
            name: int(size)
            for name, size in conn.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC"
                )
            )
        }
    return sum(by_table.values()), by_table


@contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    """A new, empty database on the server ``url`` points at; dropped afterwards."""
    import psycopg
    from psycopg import sql

    admin = normalize_url(url).set(drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    name = f"pricewatch_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(conninfo).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def measure(
    backend: str, url: str, args: argparse.Namespace, sqlite_path: Path | None = None
) -> float:
    """Simulate, check, measure run-length and naive sizes; returns bytes per listing."""
    rng = random.Random(args.seed)
    listings = make_listings(args.listings, args.shops, rng)
    with Store.from_url(url) as store:
        sim = simulate(store, listings, args.days, args.change, args.batch, args.seed)
        check(store, listings, sim)
        rows = " ".join(f"{name}={count}" for name, count in sim.rows.items())
        print(f"{backend}: rows {rows}")
        print(
            f"{backend}: store_batch {sim.first_day_items_per_s:.0f} items/s on day 1 (all new), "
            f"{sim.later_items_per_s:.0f} items/s on days 2-{args.days} "
            f"({args.change:.0%} changed)"
        )
        store.engine.dispose()
        size, by_table = sqlite_size(sqlite_path) if sqlite_path else postgres_size(store)
        daily_rows = expand_to_daily_rows(store, args.days)
        store.engine.dispose()
        naive, _ = sqlite_size(sqlite_path) if sqlite_path else postgres_size(store)
    tables = " ".join(f"{name}={n}" for name, n in by_table.items())
    print(f"{backend}: bytes by table, indexes included: {tables}")
    per_listing, naive_per_listing = size / args.listings, naive / args.listings
    print(
        f"{backend}: {size} bytes = {per_listing:.0f} bytes/listing "
        f"({sim.rows['price_observation'] / args.listings:.2f} observation rows per listing); "
        f"one row per crawl ({daily_rows / args.listings:.0f} rows per listing): {naive} bytes "
        f"= {naive_per_listing:.0f} bytes/listing; run-length storage is "
        f"{naive / size:.1f}x smaller",
        flush=True,
    )
    return per_listing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=2000, help="tracked listings")
    parser.add_argument("--days", type=int, default=30, help="daily crawls")
    parser.add_argument("--change", type=float, default=0.05, help="share of prices moving daily")
    parser.add_argument("--shops", type=int, default=4, help="shops the listings belong to")
    parser.add_argument("--batch", type=int, default=200, help="items per store_batch call")
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL server")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.listings < args.shops or args.days < 1 or args.shops < 1 or args.batch < 1:
        parser.error("need --listings >= --shops >= 1, --days >= 1, --batch >= 1")
    if not 0 <= args.change <= 1:
        parser.error("--change is a share between 0 and 1")
    print(
        f"{args.listings} listings in {args.shops} shops, {args.days} daily crawls, "
        f"{args.change:.0%} of prices changing per day, batches of {args.batch}",
        flush=True,
    )
    figures = {}
    try:
        with tempfile.TemporaryDirectory(prefix="pricewatch-storage-") as tmp:
            path = Path(tmp) / "pricewatch.db"
            figures["sqlite"] = measure("sqlite", f"sqlite:///{path}", args, sqlite_path=path)
        if args.postgres:
            with scratch_postgres(args.postgres) as url:
                figures["postgres"] = measure("postgres", url, args)
    except BenchFailure as exc:
        print(f"BENCHMARK FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print("bytes/listing " + " ".join(f"{k}={v:.0f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
