"""Report scale: one client's report (context + HTML + Excel) at 1/10 and full catalogue size.

To run: .venv/bin/python bench/report_scale.py [--products 5000] [--competitors 5] [--days 90]

For each size (``--products / 10`` and ``--products``) a SQLite database is built in a child
process: one client with that many own products, each matched (confirmed) to ``--competitors``
listings spread over eight shops, ``--days`` of daily crawls stored run-length the way the
store keeps them — each day 3% of the listings change price (a ±2–15% move, now and then a
95% drop that is flagged suspect), 1% change stock, 0.5% of the listings are gone, one shop
prices in USD (converted through an ``fx_rate``), some listings appear during the last week.
Another child process then times, on that database, for the last 7 days:

* ``context``: :meth:`Store.report_source` (the set-wise queries) and
  :func:`pricewatch.reports.context.build_context`;
* ``html``: :func:`pricewatch.reports.render.html.render_html`;
* ``xlsx``: :func:`pricewatch.reports.render.excel.write_excel`;

and reports its peak RSS (``ru_maxrss``). A fresh process per measurement keeps one size's
memory out of the other's figure. Before timing is trusted the report is checked against the
generator: every product present with all its competitors, and the number of changes in the
period equal to the rows the generator opened in it; the script exits 1 otherwise.

The last line is ``report s_small=<s> s_large=<s> growth=<large/small>`` (seconds of context +
HTML + Excel). Targets: growth ≤ 12 (10x the data) and the large report under 20 s.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from pricewatch.db import ensure_schema, make_engine
from pricewatch.db.models import (
    Client,
    ClientProduct,
    FxRate,
    Listing,
    PriceObservation,
    ProductMatch,
    Shop,
)
from pricewatch.db.store import Store

SEED = 20261120
END = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
PERIOD_DAYS = 7
SHOPS = ("hongxing", "lantian", "yunshang", "jingxi", "beichen", "qingmu", "nordlys", "usshop")
USD_SHOP = "usshop"
_KINDS = ("无线降噪耳机", "机械键盘", "智能手表", "咖啡机", "空气净化器", "电热水壶", "Air Fryer")
_WORDS = ("轻薄", "长续航", "快充", "Pro", "Max", "2026款", "官方正品", "礼盒装", "256GB")


def build(path: Path, products: int, competitors: int, days: int) -> dict[str, int]:
    """The database for one size; returns what the checks expect."""
    rng = random.Random(SEED + products)
    start = END - timedelta(days=days)
    period_start = END - timedelta(days=PERIOD_DAYS)
    engine = make_engine(f"sqlite:///{path}")
    ensure_schema(engine)
    with Session(engine) as session, session.begin():
        session.execute(insert(Shop), [{"id": i + 1, "slug": s} for i, s in enumerate(SHOPS)])
        session.add(
            Client(
                id=1,
                slug="bench",
                name="压测客户",
                emails=["b@x.example"],
                locale="zh-CN",
                currency="CNY",
                timezone="Asia/Shanghai",
                undercut_threshold_bp=500,
            )
        )
        session.add(FxRate(base="USD", quote="CNY", rate="7.12"))
        own_rows, listing_rows, match_rows, obs_rows = [], [], [], []
        expected_changes = 0
        listing_id = obs_id = 0
        for p in range(1, products + 1):
            base = rng.randrange(2_000, 900_000)  # fen
            own_rows.append(
                {
                    "id": p,
                    "client_id": 1,
                    "sku": f"SKU-{p:06}",
                    "title": f"{rng.choice(_KINDS)} {rng.choice(_WORDS)} {p}",
                    "price_minor": base,
                    "min_price_minor": base * 85 // 100,
                    "currency": "CNY",
                }
            )
            for shop in rng.sample(range(1, len(SHOPS) + 1), competitors):
                listing_id += 1
                usd = SHOPS[shop - 1] == USD_SHOP
                first = start if rng.random() > 0.01 else END - timedelta(days=rng.randrange(1, 7))
                gone = END - timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.005 else None
                listing_rows.append(
                    {
                        "id": listing_id,
                        "shop_id": shop,
                        "url": f"https://{SHOPS[shop - 1]}.example/p/{p}-{listing_id}",
                        "title": f"{SHOPS[shop - 1]} {p}",
                        "first_seen": first,
                        "last_seen": gone or END,
                        "gone_at": gone,
                    }
                )
                match_rows.append(
                    {
                        "client_product_id": p,
                        "listing_id": listing_id,
                        "method": "url",
                        "status": "confirmed",
                    }
                )
                price = int(base * rng.uniform(0.85, 1.15))
                if usd:
                    price = price * 100 // 712
                stock, opened = "in_stock", first
                day, rows = first, []
                while day < (gone or END):
                    nxt = day + timedelta(days=1)
                    moved = rng.random() < 0.03
                    restock = rng.random() < 0.01
                    if moved or restock:
                        rows.append((opened, day, price, stock))
                        if moved:
                            drop = rng.random() < 0.02
                            factor = (
                                0.05 if drop else 1 + rng.choice((-1, 1)) * rng.uniform(0.02, 0.15)
                            )
                            price = max(1, int(price * factor))
                        if restock:
                            stock = "out_of_stock" if stock == "in_stock" else "in_stock"
                        opened = nxt
                        if period_start < nxt <= END and rows:
                            expected_changes += 1
                    day = nxt
                rows.append((opened, gone or END, price, stock))
                previous = None
                for first_seen, last_seen, minor, availability in rows:
                    obs_id += 1
                    obs_rows.append(
                        {
                            "id": obs_id,
                            "listing_id": listing_id,
                            "price_minor": minor,
                            "currency": "USD" if usd else "CNY",
                            "availability": availability,
                            "first_seen": first_seen,
                            "last_seen": last_seen,
                            "suspect": previous is not None and minor * 10 < previous,
                        }
                    )
                    previous = minor
        for table, rows_ in (
            (ClientProduct, own_rows),
            (Listing, listing_rows),
            (ProductMatch, match_rows),
            (PriceObservation, obs_rows),
        ):
            for offset in range(0, len(rows_), 5_000):
                session.execute(insert(table), rows_[offset : offset + 5_000])
    engine.dispose()
    return {
        "products": products,
        "competitors": competitors,
        "changes": expected_changes,
        "observations": obs_id,
    }


def measure(path: Path, out: Path) -> dict[str, Any]:
    """Time context, HTML and Excel on ``path`` as ``pricewatch report`` makes them."""
    from pricewatch.reports.context import Period
    from pricewatch.reports.writer import load_context, write_files

    period = Period(END - timedelta(days=PERIOD_DAYS), END)
    with Store.from_url(f"sqlite:///{path}") as store:
        store.report_client("bench")  # migrations checked, connection open: not timed
        t0 = time.perf_counter()
        context = load_context(store, "bench", period)
        t1 = time.perf_counter()
        [html] = write_files(context, ["html"], out)
        t2 = time.perf_counter()
        [xlsx] = write_files(context, ["xlsx"], out)
        t3 = time.perf_counter()
    return {
        "context": t1 - t0,
        "html": t2 - t1,
        "xlsx": t3 - t2,
        "total": t3 - t0,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "html_mib": html.stat().st_size / 2**20,
        "xlsx_mib": xlsx.stat().st_size / 2**20,
        "products": len(context.products),
        "competitors": sorted({len(p.competitors) for p in context.products}),
        "changes": context.summary.changes,
    }


def check(result: dict[str, Any], expected: dict[str, int]) -> list[str]:
    problems = []
    if result["products"] != expected["products"]:
        problems.append(
            f"{result['products']} products in the report, {expected['products']} built"
        )
    if result["competitors"] != [expected["competitors"]]:
        problems.append(
            f"competitors per product {result['competitors']}, built {expected['competitors']}"
        )
    if result["changes"] != expected["changes"]:
        problems.append(f"{result['changes']} changes in the report, {expected['changes']} built")
    return problems


def _child(*args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"child {' '.join(args)} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--competitors", type=int, default=5)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--child", choices=("build", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        print(json.dumps(build(args.db, args.products, args.competitors, args.days)))
        return
    if args.child == "measure":
        print(json.dumps(measure(args.db, args.db.parent / f"{args.db.stem}-out")))
        return
    if args.competitors > len(SHOPS):
        sys.exit(f"--competitors at most {len(SHOPS)}")
    seconds = {}
    with tempfile.TemporaryDirectory(prefix="pricewatch-report-bench-") as tmp:
        for label, products in (("small", max(args.products // 10, 1)), ("large", args.products)):
            db = Path(tmp) / f"{label}.db"
            built = _child(
                "--child",
                "build",
                "--db",
                str(db),
                "--products",
                str(products),
                "--competitors",
                str(args.competitors),
                "--days",
                str(args.days),
            )
            result = _child("--child", "measure", "--db", str(db))
            problems = check(result, built)
            if problems:
                sys.exit(f"{label}: the report is wrong: " + "; ".join(problems))
            print(
                f"{label}: {products} products x {args.competitors} competitors x {args.days} days"
                f" ({built['observations']} observation rows, {built['changes']} changes in the"
                f" last {PERIOD_DAYS} days): context {result['context']:.2f} s,"
                f" html {result['html']:.2f} s ({result['html_mib']:.1f} MiB),"
                f" xlsx {result['xlsx']:.2f} s ({result['xlsx_mib']:.1f} MiB),"
                f" total {result['total']:.2f} s,"
                f" peak RSS {result['rss_mib']:.0f} MiB"
            )
            seconds[label] = result["total"]
    growth = seconds["large"] / seconds["small"]
    print(
        f"report s_small={seconds['small']:.2f} s_large={seconds['large']:.2f} growth={growth:.2f}"
    )


if __name__ == "__main__":
    main()
