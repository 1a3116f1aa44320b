"""Matching at scale: ``match suggest`` for one client, its time, peak RSS and its accuracy.

To run::

    .venv/bin/python bench/match_scale.py                  # 2,000 products, and 1/10 of that
    .venv/bin/python bench/match_scale.py --products 5000 --postgres postgresql://postgres@127.0.0.1/test

Builds a SQLite database (or a scratch PostgreSQL database) with a generated catalogue of
``--products`` own products and ``--per-product`` competitor listings of each one, spread over
5 shops, written the way each shop titles things (brand in Chinese or Latin or both, words in
another order, shop boilerplate, ``550ml*24`` for ``550ml×24瓶``), plus as many listings of
*near misses*: the same title with another model number or another size (``256GB`` for
``128GB``), which must not be suggested. Then times :func:`pricewatch.clients.matching.suggest`
(every query set-wise: a handful of statements whatever the size) at the full size and at 1/10
and prints, per size, seconds, peak RSS, precision (suggestions that are the product) and
recall (the product's listings that were suggested, out of at most ``--limit``). Last line::

    match s_small=<s> s_large=<s> growth=<large/small> cpu_growth=<...> precision=<p> recall=<r>

The work is linear: each product is scored against a bounded number of candidates (an
inverted index, rarest words and model numbers first), so growth should stay near 10 for 10×
the data. ``cpu_growth`` (CPU time of this process) is the steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pricewatch.clients.clients import client_record
from pricewatch.clients.matching import suggest
from pricewatch.clients.records import ProductRecord
from pricewatch.clients.similarity import features
from pricewatch.db.store import Store
from pricewatch.records import PriceRecord, utcnow

BRANDS = [
    ("海尔", "Haier"),
    ("美的", "Midea"),
    ("索尼", "SONY"),
    ("华为", "HUAWEI"),
    ("小米", "Xiaomi"),
    ("格力", "GREE"),
    ("飞利浦", "Philips"),
    ("九阳", "Joyoung"),
    ("苏泊尔", "SUPOR"),
    ("联想", "Lenovo"),
    ("戴森", "Dyson"),
    ("罗技", "Logitech"),
]
KINDS = [
    "对开门冰箱",
    "电饭煲",
    "降噪耳机",
    "平板电脑",
    "智能手环",
    "立柜式空调",
    "电动牙刷",
    "破壁豆浆机",
    "不粘炒锅",
    "笔记本电脑",
    "吹风机",
    "无线鼠标",
    "扫地机器人",
    "保温杯",
    "电热水壶",
    "空气净化器",
    "加湿器",
    "电压力锅",
    "榨汁机",
    "电风扇",
]
EXTRAS = [
    "家用",
    "智能",
    "静音",
    "大容量",
    "一级能效",
    "白色",
    "黑色",
    "新款",
    "官方正品",
    "多功能",
    "节能",
    "便携",
    "升级版",
    "礼盒装",
]
# Sizes by dimension: a near miss has another size of the same kind.
SIZES = [
    ["128GB", "256GB", "512GB"],
    ["4L", "5L", "1.5L"],
    ["550ml×24瓶", "380ml×24瓶"],
    ["10000mAh", "20000mAh"],
    ["28cm", "32cm"],
    ["470升", "520升"],
    ["55英寸", "65英寸"],
]
BOILERPLATE = ["【官方旗舰店】", "包邮", "现货速发", "顺丰", ""]
SERIES = [
    "云锦",
    "星河",
    "小新",
    "青春",
    "极光",
    "锐龙",
    "天猫精灵",
    "冰晶",
    "逸动",
    "畅享",
    "雅致",
    "睿智",
    "轻享",
    "悦色",
    "Air",
    "Pro",
    "Max",
    "Lite",
    "Neo",
    "Ultra",
]
SHOPS = [f"shop_{i}" for i in range(5)]


def model_number(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTWXYZ") for _ in range(rng.randint(2, 3)))
    return f"{letters}-{rng.randint(100, 9999)}{rng.choice(['', 'A', 'S', 'W', 'PRO'])}"


def generate(n: int, per_product: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    products, listings = [], []
    used: set[tuple[str, str]] = set()
    for i in range(n):
        zh, en = rng.choice(BRANDS)
        kind = rng.choice(KINDS)
        # Real catalogues tell their products apart by a model number or a series name.
        model = model_number(rng) if rng.random() < 0.7 else None
        while model is None:  # a series name no other product of the brand has
            series = f"{rng.choice(SERIES)}{rng.randint(1, 99)}"
            if (zh, series) not in used:
                used.add((zh, series))
                kind = f"{series} {kind}"
                break
        sizes = rng.choice(SIZES)
        size = rng.choice(sizes) if rng.random() < 0.7 else None
        extras = rng.sample(EXTRAS, 2)
        title = " ".join(x for x in (zh, kind, size, model, *extras) if x)
        products.append({"sku": f"P{i:05d}", "title": title, "brand": zh})
        for j in range(per_product):
            brand = rng.choice([zh, en, f"{zh} {en}", f"{en}/{zh}"])
            words = [*kind.split(), *rng.sample(EXTRAS, 2)]
            rng.shuffle(words)
            shown_size = size.replace("×", "*").replace("瓶", "") if size and j % 2 else size
            parts = [rng.choice(BOILERPLATE), brand, shown_size, model, *words]
            listings.append(
                {
                    "shop": SHOPS[j % len(SHOPS)],
                    "key": f"{i}-{j}",
                    "of": i,
                    "title": " ".join(p for p in parts if p),
                    "brand": en,
                }
            )
        # A near miss: same words, another model or another size.
        if model or size:
            other_model = model_number(rng) if model else None
            other_size = rng.choice([s for s in sizes if s != size]) if size else None
            parts = [en, kind, other_size or size, other_model or model, *extras]
            listings.append(
                {
                    "shop": SHOPS[i % len(SHOPS)],
                    "key": f"{i}-x",
                    "of": None,
                    "title": " ".join(p for p in parts if p),
                    "brand": en,
                }
            )
    return products, listings


def build(store: Store, products: list[dict], listings: list[dict]) -> dict[str, int | None]:
    store.create_client(
        client_record(
            "bench",
            name="Bench",
            emails="b@bench.example",
            locale="zh-CN",
            currency="CNY",
            timezone="Asia/Shanghai",
        )
    )
    store.import_catalogue(
        "bench",
        [
            ProductRecord(sku=p["sku"], currency="CNY", title=p["title"], brand=p["brand"])
            for p in products
        ],
    )
    truth: dict[str, int | None] = {}
    for shop in SHOPS:
        run = store.start_run(shop)
        batch = [x for x in listings if x["shop"] == shop]
        records = [
            PriceRecord(
                shop=shop,
                url=f"https://{shop}.example/p/{x['key']}",
                title=x["title"],
                price=Decimal(99),
                currency="CNY",
                fetched_at=utcnow(),
                brand=x["brand"],
            )
            for x in batch
        ]
        for start in range(0, len(records), 1000):
            store.store_batch(run, records[start : start + 1000])
        truth.update((f"https://{shop}.example/p/{x['key']}", x["of"]) for x in batch)
    return truth


def measure(
    url: str, n: int, per_product: int, limit: int
) -> tuple[float, float, float, float, int]:
    features("预热 jieba")  # load the segmenter's dictionary before the clock starts
    products, listings = generate(n, per_product)
    with Store.from_url(url) as store:
        truth = build(store, products, listings)
        started, cpu = time.perf_counter(), time.process_time()
        suggest(store, "bench", limit=limit)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        found = store.matches("bench", status="suggested")
    right = sum(1 for m in found if truth[m.url] == int(m.sku[1:]))
    if "--show-errors" in sys.argv:
        for m in found:
            if truth[m.url] != int(m.sku[1:]):
                print(f"  wrong {m.score}: {m.product_title} | {m.listing_title}")
    precision = right / len(found) if found else 0.0
    recall = right / (n * min(limit, per_product))
    return seconds, cpu, precision, recall, len(found)


def _scratch_postgres(admin_url: str) -> tuple[str, object]:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"pricewatch_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--per-product", type=int, default=5)
    parser.add_argument("--limit", type=int, default=5, help="suggestions per product")
    parser.add_argument("--postgres", help="an admin URL to create scratch databases from")
    parser.add_argument("--show-errors", action="store_true", help="print wrong suggestions")
    args = parser.parse_args()
    results = {}
    for label, n in (("small", max(args.products // 10, 1)), ("large", args.products)):
        with tempfile.TemporaryDirectory() as tmp:
            if args.postgres:
                url, drop = _scratch_postgres(args.postgres)
            else:
                url, drop = f"sqlite:///{tmp}/bench.db", (lambda: None)
            try:
                seconds, cpu, precision, recall, count = measure(
                    url, n, args.per_product, args.limit
                )
            finally:
                drop()  # type: ignore[operator]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results[label] = (seconds, precision, recall, cpu)
        print(
            f"{label}: {n} products x {args.per_product} listings (+near misses): "
            f"suggest {seconds:.2f} s ({cpu:.2f} s CPU in this process), {count} suggestions, "
            f"precision {precision:.3f}, "
            f"recall {recall:.3f}, peak RSS {rss:.0f} MiB",
            flush=True,
        )
    small, large = results["small"][0], results["large"][0]
    cpu_growth = results["large"][3] / results["small"][3]
    print(
        f"match s_small={small:.2f} s_large={large:.2f} growth={large / small:.1f} "
        f"cpu_growth={cpu_growth:.1f} "
        f"precision={results['large'][1]:.3f} recall={results['large'][2]:.3f}"
    )


if __name__ == "__main__":
    main()
