"""Smoke tests of the benchmarks in ``bench/``: they run, check their crawls, print their figures.

The scripts run as subprocesses with tiny sizes (60 pages; 50 listings over 3 days), as a
user would run them; their correctness checks are also fed broken data directly, since a
benchmark that measures a broken crawl is worthless.
"""

from __future__ import annotations

import importlib
import random
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _import(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A module of ``bench/``, imported the way its scripts import each other."""
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module(name)


def test_crawl_throughput_runs_both_variants_and_checks_them() -> None:
    proc = _run("crawl_throughput.py", "--pages", "60")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"pages/s bare=\d+\.\d full=\d+\.\d ratio=\d+\.\d\d", lines[-1]), lines
    runs = [line for line in lines if line.startswith("run ")]
    assert [line.split(":")[0] for line in runs] == ["run 1/1 bare", "run 1/1 full"]
    assert all(line.endswith("; correct") for line in runs), runs
    assert all("(60 pages in " in line for line in runs), runs
    assert re.search(r"^peak RSS bare=\d+\.\d MiB full=\d+\.\d MiB", proc.stdout, re.M)
    assert "BENCHMARK FAILED" not in proc.stderr


def test_storage_size_runs_and_checks_the_stored_series() -> None:
    proc = _run("storage_size.py", "--listings", "50", "--days", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert re.fullmatch(r"bytes/listing sqlite=\d+", lines[-1]), lines
    rows = next(line for line in lines if line.startswith("sqlite: rows "))
    assert "listing=50 " in rows
    # 50 listings + 5% of them (rounded: 2 or 3) changing on each of days 2 and 3.
    assert "price_observation=54 " in rows, rows
    assert "one row per crawl (3 rows per listing)" in proc.stdout


def test_crawl_checks_reject_wrong_prices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = _import("throughput.shop", monkeypatch)
    checks = _import("throughput.checks", monkeypatch)
    catalog = shop.make_catalog(3)
    port = 8000
    urls = shop.product_urls(port, 3)
    stats: dict[str, Any] = {
        "downloader/response_status_count/200": 3,
        "item_scraped_count": 3,
        "finish_reason": "finished",
        "pricewatch/store/new_observations": 3,
    }
    result = {"responses": 3, "elapsed_s": 1.0, "stats": stats}
    scraped = [[u, p.title, p.price_text] for u, p in zip(urls, catalog, strict=True)]
    checks.check_bare({**result, "scraped": scraped}, catalog, port)
    scraped[1][2] = "¥0.01"
    with pytest.raises(checks.BenchFailure, match=re.escape(urls[1])):
        checks.check_bare({**result, "scraped": scraped}, catalog, port)

    from pricewatch.db.store import Store
    from pricewatch.records import PriceRecord

    db_url = f"sqlite:///{tmp_path / 'bench.db'}"
    with Store.from_url(db_url) as store:
        run_id = store.start_run(shop.SHOP)
        items = [
            PriceRecord(
                url=u,
                shop=shop.SHOP,
                title=p.title,
                sku=p.sku,
                price=p.price if i != 2 else p.price + 1,
                currency=shop.CURRENCY,
                availability=p.availability,
                fetched_at=datetime.now(UTC),
            )
            for i, (u, p) in enumerate(zip(urls, catalog, strict=True))
        ]
        store.store_batch(run_id, items)
        store.finish_run(run_id, status="finished", stats={})
    with pytest.raises(checks.BenchFailure, match=re.escape(urls[2])):
        checks.check_full(result, catalog, port, db_url)


def test_storage_check_rejects_a_lost_price_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = _import("storage_size", monkeypatch)
    from pricewatch.db.store import Store

    listings = storage.make_listings(8, 2, random.Random(1))
    with Store.from_url(f"sqlite:///{tmp_path / 'storage.db'}") as store:
        sim = storage.simulate(store, listings, 2, 0.25, 200, 1)
        storage.check(store, listings, sim)
        listings[0].price += 1  # the database no longer holds what was "crawled"
        with pytest.raises(storage.BenchFailure, match="wrong current prices"):
            storage.check(store, listings, sim)
