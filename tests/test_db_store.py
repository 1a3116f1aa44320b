"""The Store: run-length price series, listings, runs and failures, and the CLI queries.

Every test runs on SQLite and PostgreSQL (the ``db_url`` fixture in conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pricewatch.crawl.supervision import open_run, reap_stale_runs
from pricewatch.db import Store
from pricewatch.db.models import CrawlRun, Listing, PriceObservation, Shop
from pricewatch.db.store import is_suspect, json_safe
from pricewatch.records import GoneRecord, PriceRecord

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
URL = "https://www.acme.example/p/kettle"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def product(
    price: str = "10.00",
    hours: float = 0,
    *,
    url: str = URL,
    shop: str = "acme",
    currency: str = "EUR",
    **fields: Any,
) -> PriceRecord:
    return PriceRecord(
        url=url,
        shop=shop,
        title=fields.pop("title", "Kettle"),
        price=Decimal(price),
        currency=currency,
        fetched_at=fields.pop("fetched_at", at(hours)),
        extracted_by=fields.pop("extracted_by", "json-ld"),
        **fields,
    )


def crawl(store: Store, *items: PriceRecord | GoneRecord, spider: str = "acme") -> Any:
    """One crawl run storing ``items`` as one batch; returns the BatchResult."""
    run_id = store.start_run(spider)
    result = store.store_batch(run_id, list(items))
    store.finish_run(run_id, status="finished", stats={})
    return result


def observations(store: Store, url: str = URL) -> list[Any]:
    found = store.history(url)
    assert len(found) == 1
    return found[0][1]


def rows(store: Store, model: type[Any]) -> list[Any]:
    with Session(store.engine) as session:
        return list(session.scalars(select(model).order_by(model.id)))


# ------------------------------------------------------------------------------ run length


def test_same_price_extends_the_row_changes_open_new_ones(store: Store) -> None:
    first = crawl(store, product("10.00", 0))
    assert (first.new_listings, first.new_observations, first.unchanged) == (1, 1, 0)
    for hours in (1, 2):
        result = crawl(store, product("10.00", hours))
        assert (result.new_listings, result.new_observations, result.unchanged) == (0, 0, 1)

    [obs] = observations(store)
    assert (obs.price, obs.first_seen, obs.last_seen) == (Decimal("10.00"), at(0), at(2))

    crawl(store, product("12.50", 3))
    crawl(store, product("10.00", 4))  # back to the old price: a third row, not the first
    history = observations(store)
    assert [(o.price, o.first_seen, o.last_seen) for o in history] == [
        (Decimal("10.00"), at(0), at(2)),
        (Decimal("12.50"), at(3), at(3)),
        (Decimal("10.00"), at(4), at(4)),
    ]
    listing = store.history(URL)[0][0]
    assert (listing.first_seen, listing.last_seen, listing.gone_at) == (at(0), at(4), None)


def test_availability_change_alone_opens_a_row(store: Store) -> None:
    crawl(store, product("10.00", 0, availability="in_stock"))
    result = crawl(store, product("10.00", 1, availability="out_of_stock"))
    assert (result.new_observations, result.unchanged, result.suspect) == (1, 0, 0)
    assert [o.availability for o in observations(store)] == ["in_stock", "out_of_stock"]


def test_list_price_change_opens_a_row(store: Store) -> None:
    crawl(store, product("10.00", 0, list_price=Decimal("15.00")))
    crawl(store, product("10.00", 1, list_price=None))
    assert [o.list_price for o in observations(store)] == [Decimal("15.00"), None]


def test_currency_change_opens_a_row_and_is_not_suspect(store: Store) -> None:
    crawl(store, product("10.00", 0, currency="EUR"))
    result = crawl(store, product("1600", 1, currency="JPY"))
    assert (result.new_observations, result.suspect) == (1, 0)
    history = observations(store)
    assert [(o.price, o.currency, o.suspect) for o in history] == [
        (Decimal("10.00"), "EUR", False),
        (Decimal("1600"), "JPY", False),
    ]


def test_run_id_and_extraction_details_are_kept(store: Store) -> None:
    run_id = store.start_run("acme")
    store.store_batch(run_id, [product("10.00", extracted_by="heuristic", confidence="low")])
    [obs] = observations(store)
    assert (obs.run_id, obs.extracted_by, obs.confidence) == (run_id, "heuristic", "low")


# ------------------------------------------------------------------------------ suspect


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (100, 191, True),  # +91%
        (100, 190, False),  # +90% exactly: not "more than"
        (100, 150, False),
        (100, 50, False),
        (100, 10, False),  # -90% exactly
        (100, 9, True),  # -91%
        (0, 1, True),
    ],
)
def test_is_suspect(old: int, new: int, expected: bool) -> None:
    assert is_suspect(old, new) is expected


def test_suspect_flagging(store: Store) -> None:
    cases = {  # url suffix: (old, new, suspect)
        "up": ("100.00", "195.00", True),
        "down": ("100.00", "9.99", True),
        "half_up": ("100.00", "150.00", False),
        "half_down": ("100.00", "50.00", False),
    }
    crawl(store, *(product(old, 0, url=f"{URL}-{k}") for k, (old, _, _) in cases.items()))
    result = crawl(store, *(product(new, 1, url=f"{URL}-{k}") for k, (_, new, _) in cases.items()))
    assert (result.new_observations, result.suspect) == (4, 2)
    for key, (old, new, suspect) in cases.items():
        history = observations(store, f"{URL}-{key}")
        assert [(o.price, o.suspect) for o in history] == [
            (Decimal(old), False),
            (Decimal(new), suspect),
        ]
    # Stored anyway and shown as current, flagged.
    current = {c.url.rsplit("-", 1)[1]: c for c in store.current_prices()}
    assert current["up"].price == Decimal("195.00") and current["up"].suspect


# ------------------------------------------------------------------------------ skipping, gone


def test_items_without_price_are_not_stored(store: Store) -> None:
    # The validate pipeline is the gate: such items become failures, never records; the store
    # refuses anything that is not a record, and a record cannot hold a missing price.
    from pricewatch.extract import Extraction
    from pricewatch.items import ProductItem
    from pricewatch.pipelines.validate import to_record
    from pricewatch.records import FailureRecord

    no_price = ProductItem(Extraction(url=URL, error="no price found on the page"), shop="acme")
    no_currency = ProductItem(Extraction(url=URL, price=Decimal("5.00")), shop="acme")
    records = [to_record(no_price), to_record(no_currency)]
    assert [(r.reason, type(r)) for r in records] == [  # type: ignore[union-attr]
        ("no_price", FailureRecord),
        ("no_currency", FailureRecord),
    ]
    run_id = store.start_run("acme")
    with pytest.raises(TypeError, match="store_batch takes PriceRecord or GoneRecord"):
        store.store_batch(run_id, records)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="store_batch takes PriceRecord or GoneRecord"):
        store.store_batch(run_id, [no_price])  # type: ignore[list-item]
    for bad in ("0", "-1"):
        with pytest.raises(ValueError, match="price must be a positive Decimal"):
            product(bad)
    with pytest.raises(ValueError, match="ISO 4217"):
        product("5.00", currency="")
    assert store.current_prices() == []
    assert store.history(URL) == []
    assert rows(store, Shop) == []


def test_listing_gone_and_back(store: Store) -> None:
    crawl(store, product("10.00", 0), product("20.00", 0, url=URL + "-2"))
    result = crawl(store, GoneRecord(url=URL, shop="acme", http_status=404, fetched_at=at(1)))
    assert result.gone == 1
    assert [c.url for c in store.current_prices()] == [URL + "-2"]
    listing = store.history(URL)[0][0]
    assert (listing.gone_at, listing.last_seen) == (at(1), at(0))

    # Still gone a day later: gone_at keeps the first sighting.
    result = crawl(store, GoneRecord(url=URL, shop="acme", http_status=410, fetched_at=at(24)))
    assert result.gone == 0
    assert store.history(URL)[0][0].gone_at == at(1)

    # Back with the same price: gone_at cleared, and a new row (the old one must not span
    # the time the page was gone).
    result = crawl(store, product("10.00", 48))
    assert (result.new_observations, result.unchanged) == (1, 0)
    listing, history = store.history(URL)[0]
    assert (listing.gone_at, listing.last_seen) == (None, at(48))
    assert [(o.first_seen, o.last_seen) for o in history] == [(at(0), at(0)), (at(48), at(48))]
    assert {c.url for c in store.current_prices()} == {URL, URL + "-2"}


def test_gone_for_unknown_listing_is_ignored(store: Store) -> None:
    gone = GoneRecord(url=URL, shop="nowhere", http_status=404, fetched_at=at(0))
    assert crawl(store, gone).gone == 0
    assert rows(store, Listing) == []
    assert rows(store, Shop) == []


# ------------------------------------------------------------------------------ batches


def test_duplicate_urls_in_one_batch_are_applied_in_order(store: Store) -> None:
    result = crawl(
        store,
        product("10.00", 0),
        product("10.00", 1),
        product("12.00", 2),
        product("12.00", 3),
        GoneRecord(url=URL, shop="acme", http_status=404, fetched_at=at(4)),
    )
    assert (result.new_listings, result.new_observations, result.unchanged, result.gone) == (
        1,
        2,
        2,
        1,
    )
    listing, history = store.history(URL)[0]
    assert [(o.price, o.first_seen, o.last_seen) for o in history] == [
        (Decimal("10.00"), at(0), at(1)),
        (Decimal("12.00"), at(2), at(3)),
    ]
    assert listing.gone_at == at(4)


def test_stored_row_extended_then_changed_in_one_batch(store: Store) -> None:
    crawl(store, product("10.00", 0))
    result = crawl(store, product("10.00", 1), product("11.00", 2), product("11.00", 3))
    assert (result.new_observations, result.unchanged) == (1, 2)
    assert [(o.price, o.first_seen, o.last_seen) for o in observations(store)] == [
        (Decimal("10.00"), at(0), at(1)),
        (Decimal("11.00"), at(2), at(3)),
    ]


def test_mixed_batch_across_shops(store: Store) -> None:
    items = [product(str(10 + i), 0, url=f"https://a.example/p/{i}", shop="a") for i in range(30)]
    items += [product(str(20 + i), 0, url=f"https://b.example/p/{i}", shop="b") for i in range(30)]
    assert crawl(store, *items).new_listings == 60
    again = [product(str(10 + i), 1, url=f"https://a.example/p/{i}", shop="a") for i in range(30)]
    again += [product("99", 1, url="https://b.example/p/0", shop="b")]
    result = crawl(store, *again)
    assert (result.new_listings, result.new_observations, result.unchanged) == (0, 1, 30)
    assert len(store.current_prices()) == 60
    assert len(store.current_prices(shop="b")) == 30
    shops = {s.slug: s for s in rows(store, Shop)}
    assert shops["a"].domain == "a.example" and shops["a"].default_currency == "EUR"


def test_large_batch_uses_chunked_lookups(store: Store) -> None:
    # More URLs than one IN (...) chunk.
    items = [product("1.00", 0, url=f"{URL}/{i}") for i in range(1200)]
    assert crawl(store, *items).new_listings == 1200
    items = [product("1.00" if i % 2 else "2.00", 1, url=f"{URL}/{i}") for i in range(1200)]
    result = crawl(store, *items)
    assert (result.new_listings, result.new_observations, result.unchanged) == (0, 600, 600)


def test_listing_details_are_updated_but_not_erased(store: Store) -> None:
    crawl(store, product("10.00", 0, title="Kettle", sku="K-1", gtin="4006381333931", brand="Acme"))
    crawl(store, product("10.00", 1, title="Kettle 1.7 l", sku=None, image="https://img/1.jpg"))
    listing = store.history(URL)[0][0]
    assert (listing.title, listing.sku, listing.gtin, listing.brand, listing.image) == (
        "Kettle 1.7 l",
        "K-1",
        "4006381333931",
        "Acme",
        "https://img/1.jpg",
    )


def test_minor_units_are_exact(store: Store) -> None:
    crawl(
        store,
        product("1980", 0, url=URL + "-jp", currency="JPY"),
        product("1299.99", 0, url=URL + "-cn", currency="CNY", list_price=Decimal("1599.00")),
        product("12.345", 0, url=URL + "-kw", currency="KWD"),
        product("0.10", 0, url=URL + "-eu", currency="eur"),
    )
    stored = {
        o.currency: (o.price_minor, o.list_price_minor) for o in rows(store, PriceObservation)
    }
    assert stored == {
        "JPY": (1980, None),
        "CNY": (129999, 159900),
        "KWD": (12345, None),
        "EUR": (10, None),
    }
    current = {c.currency: c for c in store.current_prices()}
    assert str(current["JPY"].price) == "1980"
    assert str(current["CNY"].price) == "1299.99"
    assert str(current["CNY"].list_price) == "1599.00"
    assert str(current["KWD"].price) == "12.345"
    assert str(current["EUR"].price) == "0.10"
    assert all(isinstance(c.price, Decimal) for c in current.values())


def test_timestamps_are_aware_utc(store: Store) -> None:
    from zoneinfo import ZoneInfo

    shanghai = datetime(2026, 3, 1, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # 08:00 UTC
    item = product("10.00", fetched_at=shanghai)
    crawl(store, item)
    [current] = store.current_prices()
    assert current.last_seen == T0
    assert current.last_seen.utcoffset() == timedelta(0)
    run = store.runs()[0]
    assert run.started_at.tzinfo is not None and run.finished_at is not None
    assert rows(store, Shop)[0].created_at.utcoffset() == timedelta(0)  # server default

    run_id = store.start_run("acme")
    with pytest.raises(ValueError, match="naive datetime"):
        store.store_batch(run_id, [product("11.00", 1, fetched_at=datetime(2026, 3, 1, 9, 0))])


def test_concurrent_writers(db_url: str) -> None:
    # Two crawls writing at the same time through separate engines (SQLite: BEGIN IMMEDIATE
    # plus busy_timeout; no "database is locked").
    errors: list[BaseException] = []

    def crawl_shop(shop: str) -> None:
        try:
            with Store.from_url(db_url) as store:
                run_id = store.start_run(shop)
                for n in range(15):
                    items = [
                        product(str(10 + n % 3), n, url=f"https://{shop}.example/{i}", shop=shop)
                        for i in range(40)
                    ]
                    store.store_batch(run_id, items)
                store.finish_run(run_id, status="finished", stats={})
        except BaseException as exc:
            errors.append(exc)

    Store.from_url(db_url).current_prices()  # migrate first
    threads = [threading.Thread(target=crawl_shop, args=(s,)) for s in ("a", "b", "c")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.from_url(db_url) as store:
        assert len(store.current_prices()) == 120
        assert {r.observations_new for r in store.runs()} == {40 * 15}


# ------------------------------------------------------------------------------ queries


def test_current_prices(store: Store) -> None:
    crawl(store, product("10.00", 0, sku="K-1"), product("5.00", 0, url=URL + "-2", shop="b"))
    crawl(
        store, product("9.00", 2, sku="K-1", list_price=Decimal("12.00"), availability="in_stock")
    )
    prices = store.current_prices()
    assert [(c.shop, c.url) for c in prices] == [("acme", URL), ("b", URL + "-2")]
    kettle = prices[0]
    assert (kettle.title, kettle.sku, kettle.price, kettle.list_price) == (
        "Kettle",
        "K-1",
        Decimal("9.00"),
        Decimal("12.00"),
    )
    assert (kettle.currency, kettle.availability, kettle.since, kettle.last_seen) == (
        "EUR",
        "in_stock",
        at(2),
        at(2),
    )
    assert kettle.suspect is False
    assert [c.url for c in store.current_prices(shop="b")] == [URL + "-2"]
    assert store.current_prices(shop="nope") == []


def test_changes_since(store: Store) -> None:
    crawl(store, product("10.00", 0), product("20.00", 0, url=URL + "-2"))
    crawl(store, product("10.00", 5), product("25.00", 5, url=URL + "-2"))
    crawl(store, product("8.00", 10, availability="in_stock"), product("25.00", 10, url=URL + "-2"))
    crawl(
        store, product("1600", 11, currency="JPY"), product("5.00", 11, url="https://o/x", shop="o")
    )

    changes = store.changes_since(at(1))
    assert [(c.url, c.old_price, c.new_price, c.percent, c.at) for c in changes] == [
        (URL + "-2", Decimal("20.00"), Decimal("25.00"), Decimal("25.00"), at(5)),
        (URL, Decimal("10.00"), Decimal("8.00"), Decimal("-20.00"), at(10)),
        (URL, Decimal("8.00"), Decimal("1600"), None, at(11)),  # currency changed
    ]
    eight = changes[1]
    assert (eight.old_availability, eight.new_availability, eight.currency) == (
        "unknown",
        "in_stock",
        "EUR",
    )
    assert (changes[2].old_currency, changes[2].currency) == ("EUR", "JPY")
    assert [c.at for c in store.changes_since(at(10))] == [at(11)]
    assert store.changes_since(at(11)) == []
    assert store.changes_since(at(1), shop="o") == []  # first sighting is not a change
    assert len(store.changes_since(at(1), shop="acme")) == 3


def test_history_by_url_or_sku(store: Store) -> None:
    crawl(
        store,
        product("10.00", 0, sku="K-1"),
        product("11.00", 0, url="https://b/k", shop="b", sku="K-1"),
    )
    crawl(store, product("12.00", 1, sku="K-1"))
    by_sku = store.history("K-1")
    assert [(info.shop, info.url) for info, _ in by_sku] == [("acme", URL), ("b", "https://b/k")]
    assert [o.price for o in by_sku[0][1]] == [Decimal("10.00"), Decimal("12.00")]
    assert [o.price for o in by_sku[1][1]] == [Decimal("11.00")]
    [(info, history)] = store.history("https://b/k")
    assert (info.shop, info.sku, len(history)) == ("b", "K-1", 1)
    assert store.history("nothing") == []


# ------------------------------------------------------------------------------ runs


def test_runs_failures_and_counters(store: Store) -> None:
    run_id = store.start_run("acme")
    store.store_batch(run_id, [product("10.00", 0), product("10.00", 1)])
    store.record_failure(run_id, "https://acme.example/a", "no_price", "no offer found")
    store.record_failure(run_id, "https://acme.example/b", "no_price")
    store.record_failures(run_id, [("https://acme.example/c", "http_404", None)])
    stats = {
        "start_time": datetime(2026, 3, 1, tzinfo=UTC),
        "elapsed_time_seconds": 1.5,
        "downloader/response_status_count/200": 3,
        "memusage/max": Decimal("1.5"),
        "odd": {1, 2},
        "nan": float("nan"),
    }
    info = store.finish_run(run_id, status="finished", stats=stats)
    assert info.status == "finished"
    assert info.failures == 3
    assert info.failures_by_reason == {"http_404": 1, "no_price": 2}
    assert info.duration_s is not None and info.duration_s >= 0
    assert (info.items_scraped, info.observations_new, info.observations_unchanged) == (2, 1, 1)
    assert (info.pid, info.hostname) == (os.getpid(), os.uname().nodename)

    [run] = store.runs()
    assert run == store.run(run_id)
    assert run.stats == {
        "start_time": "2026-03-01T00:00:00+00:00",
        "elapsed_time_seconds": 1.5,
        "downloader/response_status_count/200": 3,
        "memusage/max": "1.5",
        "odd": [1, 2],
        "nan": "nan",
    }
    failures = store.failures(run_id)
    assert [(f.url, f.reason, f.detail) for f in failures] == [
        ("https://acme.example/a", "no_price", "no offer found"),
        ("https://acme.example/b", "no_price", None),
        ("https://acme.example/c", "http_404", None),
    ]
    assert all(f.at.tzinfo is not None for f in failures)
    assert store.failures(run_id + 1) == []


def test_runs_newest_first_and_limit(store: Store) -> None:
    ids = [store.start_run(f"s{i}") for i in range(3)]
    store.finish_run(ids[0], status="failed", stats={}, error="Traceback ...")
    assert [r.id for r in store.runs()] == ids[::-1]
    assert [r.id for r in store.runs(limit=2)] == ids[:0:-1]
    assert store.runs()[-1].error == "Traceback ..."
    assert store.runs()[0].status == "running"


def test_runs_of_one_spider_with_a_status_before_a_run(store: Store) -> None:
    ids = [store.start_run(name) for name in ("a", "b", "a", "a", "b", "a")]
    for run_id in ids[:4]:
        store.finish_run(run_id, status="finished", stats={})
    store.finish_run(ids[2], status="failed", stats={}, error="boom")
    assert [r.id for r in store.runs(spider="a")] == [ids[5], ids[3], ids[2], ids[0]]
    assert [r.id for r in store.runs(spider="a", status="finished")] == [ids[3], ids[0]]
    assert [r.id for r in store.runs(spider="a", before=ids[3])] == [ids[2], ids[0]]
    assert [r.id for r in store.runs(1, spider="b", status="running")] == [ids[4]]
    assert store.runs(spider="nobody") == []


def test_bad_run_arguments(store: Store) -> None:
    with pytest.raises(LookupError):
        store.store_batch(12345, [product()])
    run_id = store.start_run("acme")
    with pytest.raises(ValueError):
        store.finish_run(run_id, status="running", stats={})
    with pytest.raises(ValueError):
        store.finish_run(run_id, status="done", stats={})
    with pytest.raises(LookupError):
        store.finish_run(12345, status="finished", stats={})


def test_upsert_shop(store: Store) -> None:
    shop_id = store.upsert_shop("acme", domain="acme.example", default_currency="cny", render=True)
    crawl(store, product("10.00"))
    assert store.upsert_shop("acme", render=False) == shop_id
    [shop] = rows(store, Shop)
    assert (shop.slug, shop.domain, shop.default_currency, shop.render) == (
        "acme",
        "acme.example",
        "CNY",
        False,
    )


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(proc.stdout)


def test_reap_stale_runs(store: Store) -> None:
    dead = store.start_run("dead")
    store.store_batch(dead, [product("10.00", 0)])
    store.record_failure(dead, "https://acme.example/x", "timeout")
    alive = store.start_run("alive")  # this process
    elsewhere = store.start_run("elsewhere")
    with Session(store.engine) as session, session.begin():
        session.execute(update(CrawlRun).where(CrawlRun.id == dead).values(pid=_dead_pid()))
        session.execute(
            update(CrawlRun).where(CrawlRun.id == elsewhere).values(hostname="other-host", pid=1)
        )
    before = store.run(dead)
    assert before is not None

    assert reap_stale_runs(store) == [dead]
    assert reap_stale_runs(store) == []
    runs = {r.id: r for r in store.runs()}
    killed = runs[dead]
    assert killed.status == "killed"
    assert killed.finished_at is not None and killed.finished_at >= before.started_at
    assert killed.failures_by_reason == {"timeout": 1}
    assert "killed" in (killed.error or "")
    assert runs[alive].status == "running"
    assert runs[elsewhere].status == "running"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_reused_pid_counts_as_dead(store: Store) -> None:
    # A live process that started after the run cannot be the run's process: its pid was
    # reused after the crawl died. One that started before it may be.
    early = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run_early = store.start_run("early")
        run_late = store.start_run("late")
        late = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
            with Session(store.engine) as session, session.begin():
                session.execute(
                    update(CrawlRun).where(CrawlRun.id == run_early).values(pid=early.pid)
                )
                session.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == run_late)
                    .values(pid=late.pid, started_at=an_hour_ago)
                )
            assert reap_stale_runs(store) == [run_late]
        finally:
            late.kill()
            late.wait()
    finally:
        early.kill()
        early.wait()


def test_sigkilled_crawl_keeps_committed_data_and_is_reaped(db_url: str) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import UTC, datetime
        from decimal import Decimal
        from pricewatch.db import Store
        from pricewatch.records import PriceRecord
        store = Store.from_url({db_url!r})
        run_id = store.start_run("doomed")
        for n in range(3):
            item = PriceRecord(url="https://acme.example/%d" % n, shop="acme",
                               price=Decimal("9.99"), currency="EUR",
                               fetched_at=datetime.now(UTC))
            store.store_batch(run_id, [item])
        store.record_failure(run_id, "https://acme.example/x", "timeout")
        # Die holding a connection in the middle of an open write transaction.
        conn = store.engine.connect()
        conn.exec_driver_sql("UPDATE shop SET domain = 'half-written'")
        print(run_id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -9, proc.stderr
    run_id = int(proc.stdout)

    with Store.from_url(db_url) as store:
        assert len(store.current_prices()) == 3
        assert rows(store, Shop)[0].domain == "acme.example"  # the open transaction is gone
        assert store.runs()[0].status == "running"
        open_run(store, "next")  # reaps
        killed = store.run(run_id)
        assert killed is not None
        assert (killed.status, killed.items_scraped, killed.failures) == ("killed", 3, 1)


# ------------------------------------------------------------------------------ helpers


def test_json_safe() -> None:
    assert json_safe({"a": (1, 2.5, None, True), 3: timedelta(seconds=2)}) == {
        "a": [1, 2.5, None, True],
        "3": 2.0,
    }
    assert json_safe(float("inf")) == "inf"
    assert json_safe(object).startswith("<class")
