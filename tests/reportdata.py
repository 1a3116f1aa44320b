"""A client with a catalogue, matched competitor listings and ten days of prices, for the
report tests (rows inserted directly: the report code reads them, it does not write them).

The period the tests report on is :data:`PERIOD` (the last 7 days before :data:`NOW`).
What each product exercises:

* ``KETTLE`` (own ¥299.00, MAP ¥259.00): a CNY listing that dropped 289 → 249 in the period
  (an undercut and a MAP violation), one at 310, one out of stock at 199 (excluded, but still
  advertised below MAP), one in USD converted at 7.12 (284.80), one in EUR without a rate
  (excluded), and a suggested (unconfirmed) match at 100 that must not appear. Its title is
  an XSS attempt plus Chinese text.
* ``MUG`` (own ¥50.00): a listing that went out of stock and came back dearer, one that went
  gone in the period, one first seen in the period — the client is cheapest.
* ``FORMULA`` (own ¥100.00): a competitor whose price fell by 95% (suspect); its title
  starts with ``=`` (a formula in a spreadsheet) and its SKU with ``+``.
* ``NOMATCH``: no competitor at all.

:func:`seed_topics` adds hot-list captures around the period for the catalogue's words
(``KETTLE``: brand 美的, keyword 电热水壶; ``MUG``: keyword 马克杯); see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pricewatch.db import Store
from pricewatch.db.models import Client, ClientProduct, FxRate, Listing, ProductMatch
from pricewatch.records import GoneRecord, PriceRecord
from pricewatch.reports.context import Period
from pricewatch.spiders.topics._base import rank
from pricewatch.topics.capture import TopicCapture, TopicEntry, to_topic_record

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=7), NOW)
XSS = "<img src=x onerror=alert(1)>"
KETTLE_TITLE = f"{XSS} 美的电热水壶 1.7L"
FORMULA_TITLE = '=HYPERLINK("http://evil.example","click")'
SLUG = "acme"

HX = "http://127.0.0.1:9/hongxing/"
LT = "http://127.0.0.1:9/lantian/"
YS = "http://127.0.0.1:9/yunshang/"
US = "http://127.0.0.1:9/usshop/"
EU = "http://127.0.0.1:9/eushop/"
CHEAP = "http://127.0.0.1:9/cheap/"


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def price(
    shop: str,
    url: str,
    amount: str,
    when: datetime,
    *,
    currency: str = "CNY",
    stock: str = "in_stock",
) -> PriceRecord:
    return PriceRecord(
        shop=shop,
        url=url,
        price=Decimal(amount),
        currency=currency,
        fetched_at=when,
        availability=stock,  # type: ignore[arg-type]
        title=f"{shop} {url.rsplit('/', 1)[-1]}",
    )


def crawl(store: Store, *records: PriceRecord | GoneRecord) -> None:
    run = store.start_run("test")
    store.store_batch(run, list(records))
    store.finish_run(run, status="finished", stats={})


def seed(
    store: Store, *, locale: str = "zh-CN", emails: tuple[str, ...] = ("boss@acme.example",)
) -> None:
    """The client ``acme`` and everything described in the module docstring."""
    kettle = {
        "hx": HX + "kettle",
        "lt": LT + "kettle",
        "ys": YS + "kettle",
        "us": US + "kettle",
        "eu": EU + "kettle",
        "cheap": CHEAP + "kettle",
    }
    mug = {"hx": HX + "mug", "lt": LT + "mug", "ys": YS + "mug"}
    formula = HX + "formula"
    # Ten days ago: the state before the period.
    crawl(
        store,
        price("hongxing", kettle["hx"], "289.00", days_ago(10)),
        price("lantian", kettle["lt"], "310.00", days_ago(10)),
        price("yunshang", kettle["ys"], "199.00", days_ago(10), stock="out_of_stock"),
        price("usshop", kettle["us"], "40.00", days_ago(10), currency="USD"),
        price("eushop", kettle["eu"], "35.00", days_ago(10), currency="EUR"),
        price("cheap", kettle["cheap"], "100.00", days_ago(10)),
        price("hongxing", mug["hx"], "55.00", days_ago(10)),
        price("lantian", mug["lt"], "60.00", days_ago(10)),
        price("hongxing", formula, "100.00", days_ago(10)),
    )
    crawl(store, price("hongxing", mug["hx"], "55.00", days_ago(4), stock="out_of_stock"))
    crawl(
        store,
        price("hongxing", kettle["hx"], "249.00", days_ago(3)),
        price("lantian", kettle["lt"], "310.00", days_ago(3)),
    )
    crawl(
        store,
        price("hongxing", mug["hx"], "58.00", days_ago(2)),
        GoneRecord(shop="lantian", url=mug["lt"], http_status=404, fetched_at=days_ago(2)),
    )
    crawl(
        store,
        price("yunshang", mug["ys"], "52.00", days_ago(1)),
        price("hongxing", formula, "5.00", days_ago(1)),
    )
    with Session(store.engine) as session, session.begin():
        client = Client(
            slug=SLUG,
            name="艾克米 <b>Acme</b> 商贸",
            emails=list(emails),
            locale=locale,
            currency="CNY",
            timezone="Asia/Shanghai",
            undercut_threshold_bp=500,
        )
        session.add(client)
        session.flush()

        def product(
            sku: str,
            title: str,
            own: int | None,
            map_: int | None = None,
            brand: str | None = None,
            keywords: tuple[str, ...] = (),
        ) -> int:
            row = ClientProduct(
                client_id=client.id,
                sku=sku,
                title=title,
                price_minor=own,
                min_price_minor=map_,
                currency="CNY",
                brand=brand,
                keywords=list(keywords),
            )
            session.add(row)
            session.flush()
            return row.id

        ids = {
            "KETTLE": product("KETTLE", KETTLE_TITLE, 29900, 25900, "美的", ("电热水壶",)),
            "MUG": product("MUG", "马克杯 350ml", 5000, keywords=("马克杯",)),
            "+FORMULA": product("+FORMULA", FORMULA_TITLE, 10000),
            "NOMATCH": product("NOMATCH", "无匹配商品", 1000),
        }
        listing = {url: id_ for id_, url in session.execute(select(Listing.id, Listing.url))}

        def match(sku: str, url: str, status: str = "confirmed", method: str = "url") -> None:
            session.add(
                ProductMatch(
                    client_product_id=ids[sku],
                    listing_id=listing[url],
                    method=method,
                    status=status,
                )
            )

        for key in ("hx", "lt", "ys", "us", "eu"):
            match("KETTLE", kettle[key])
        match("KETTLE", kettle["cheap"], status="suggested", method="fuzzy")
        for url in mug.values():
            match("MUG", url, method="gtin")
        match("+FORMULA", formula)
        session.add(FxRate(base="USD", quote="CNY", rate="7.12"))


def seed_more(store: Store, count: int) -> None:
    """``count`` more products for ``acme``, each matched to two listings with changes."""
    records = []
    for n in range(count):
        for shop in ("hongxing", "lantian"):
            url = f"http://127.0.0.1:9/{shop}/extra-{n}"
            records.append(price(shop, url, f"{100 + n}.00", days_ago(9)))
    crawl(store, *records)
    crawl(store, *(price(r.shop, r.url, f"{r.price + 1}", days_ago(2)) for r in records))
    with Session(store.engine) as session, session.begin():
        client_id = session.scalars(select(Client.id).where(Client.slug == SLUG)).one()
        listing = {url: id_ for id_, url in session.execute(select(Listing.id, Listing.url))}
        for n in range(count):
            row = ClientProduct(
                client_id=client_id,
                sku=f"EXTRA-{n:03}",
                title=f"Extra {n}",
                price_minor=10000,
                currency="CNY",
            )
            session.add(row)
            session.flush()
            for shop in ("hongxing", "lantian"):
                session.add(
                    ProductMatch(
                        client_product_id=row.id,
                        listing_id=listing[f"http://127.0.0.1:9/{shop}/extra-{n}"],
                        method="url",
                        status="confirmed",
                    )
                )


KETTLE_RECALL = "美的电热水壶召回传闻辟谣"
KETTLE_LAUNCH = "美的电热水壶新品发布"
MUG_TOPIC = f"-{XSS}马克杯 测评"  # starts like a spreadsheet formula, and an XSS attempt
SNOW = "冬季暴雪预警"
SNOW_BAIDU = "冬季暴雪预警升级"


def _capture(
    store: Store, source: str, when: datetime, titles: list[str], pinned: str = ""
) -> None:
    entries = [
        TopicEntry(t, heat=1000 * (len(titles) - i), url=f"https://{source}.example/{i}")
        for i, t in enumerate(titles)
    ]
    if pinned:
        entries.insert(0, TopicEntry(pinned, pinned=True))
    item = TopicCapture(source, f"http://127.0.0.1:9/{source}", rank(entries), when)
    store.store_topic_capture(to_topic_record(item))


def seed_topics(store: Store) -> None:
    """Hot lists around :data:`PERIOD` (7 days before :data:`NOW`):

    * weibo, 8 days ago: KETTLE_RECALL #1 (before the period), SNOW #2; 6 days ago: SNOW #1,
      KETTLE_RECALL #2, a pinned item naming 美的 (pinned: never trending); 5 days ago: SNOW
      alone (the recall left); 4 days ago a failed capture (no gap); 3 days ago: SNOW,
      MUG_TOPIC. So KETTLE_RECALL's best rank *in the period* is 2 and its time on the list
      within it one day (period start → 6 days ago); SNOW's four (period start → 3 days ago);
      MUG_TOPIC's none (one capture).
    * baidu, 3 days ago: SNOW_BAIDU #1, KETTLE_LAUNCH #2; 1 day ago: KETTLE_LAUNCH #1,
      SNOW_BAIDU #2 (two days on the list). SNOW and SNOW_BAIDU are one cross-platform story.
    * baidu, one hour after the period: "美的电热水壶降价" (outside the period).
    """
    _capture(store, "weibo", days_ago(8), [KETTLE_RECALL, SNOW])
    _capture(store, "weibo", days_ago(6), [SNOW, KETTLE_RECALL], pinned="#权威发布# 美的电热水壶")
    _capture(store, "weibo", days_ago(5), [SNOW])
    store.store_topic_capture(
        to_topic_record(
            TopicCapture("weibo", "http://127.0.0.1:9/weibo", [], days_ago(4), reason="blocked")
        )
    )
    _capture(store, "weibo", days_ago(3), [SNOW, MUG_TOPIC])
    _capture(store, "baidu", days_ago(3), [SNOW_BAIDU, KETTLE_LAUNCH])
    _capture(store, "baidu", days_ago(1), [KETTLE_LAUNCH, SNOW_BAIDU])
    _capture(store, "baidu", NOW + timedelta(hours=1), ["美的电热水壶降价"])


def count_statements(store: Store, call: Callable[[], object]) -> int:
    """How many statements ``call`` sends to the database."""
    count = 0

    def counter(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(store.engine, "before_cursor_execute", counter)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", counter)
    return count
