"""The report context: figures per product and the headline, from real rows, on SQLite and
PostgreSQL (the ``store`` fixture); the period options; the trending topics relevant to the
catalogue and across platforms; the store queries are set-wise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import reportdata
from reportdata import NOW, PERIOD, count_statements, days_ago

from pricewatch.db import Store
from pricewatch.db.store.clients import UnknownClientError
from pricewatch.reports.context import Period, build_context
from pricewatch.reports.period import PeriodError, resolve_period
from pricewatch.reports.trending import load_trending
from pricewatch.reports.writer import load_context


@pytest.fixture
def context(store: Store):  # type: ignore[no-untyped-def]
    reportdata.seed(store)
    return build_context(store.report_source("acme", PERIOD.start, PERIOD.end), PERIOD)


def test_kettle_lowest_median_highest_index_position(context) -> None:  # type: ignore[no-untyped-def]
    kettle = context.product("KETTLE")
    assert kettle.own_price == Decimal("299.00")
    # 249 (hongxing, dropped in the period), 284.80 (USD 40 at 7.12), 310 (lantian).
    assert (kettle.lowest, kettle.median, kettle.highest) == (
        Decimal("249.00"),
        Decimal("284.80"),
        Decimal("310.00"),
    )
    assert kettle.price_index == Decimal("1.20")  # 299 / 249 = 1.2008
    assert kettle.position == 3
    assert not kettle.cheapest
    assert kettle.undercut  # 249 < 299 * 0.95
    shops = {c.shop: c for c in kettle.competitors}
    assert "cheap" not in shops  # a suggested match is not in reports
    assert shops["usshop"].included and shops["usshop"].converted == Decimal("284.80")
    assert shops["usshop"].price == Decimal("40.00") and shops["usshop"].currency == "USD"
    assert (shops["eushop"].included, shops["eushop"].excluded_reason) == (False, "currency")
    assert shops["eushop"].converted is None
    assert (shops["yunshang"].included, shops["yunshang"].excluded_reason) == (
        False,
        "out_of_stock",
    )
    # Below MAP (259): hongxing at 249, and yunshang at 199 (out of stock, still advertised).
    assert kettle.map_violations == 2
    assert shops["hongxing"].map_violation and shops["yunshang"].map_violation
    assert not shops["lantian"].map_violation
    assert shops["hongxing"].last_seen == days_ago(3)
    [change] = kettle.changes  # the 10-days-ago prices are before the period
    assert (change.old_price, change.new_price, change.delta) == (
        Decimal("289.00"),
        Decimal("249.00"),
        Decimal("-40.00"),
    )
    assert change.relative == Decimal("-0.1384") and change.at == days_ago(3)


def test_mug_stock_changes_new_and_gone_listings(context) -> None:  # type: ignore[no-untyped-def]
    mug = context.product("MUG")
    shops = {c.shop: c for c in mug.competitors}
    assert (shops["lantian"].gone, shops["lantian"].excluded_reason) == (True, "gone")
    assert shops["yunshang"].new and not shops["hongxing"].new
    assert (mug.lowest, mug.median, mug.highest) == (
        Decimal("52.00"),
        Decimal("55.00"),
        Decimal("58.00"),
    )
    assert mug.price_index == Decimal("0.96") and mug.position == 1 and mug.cheapest
    assert not mug.undercut
    stock = [(c.old_availability, c.new_availability, c.new_price) for c in mug.changes]
    assert stock == [
        ("in_stock", "out_of_stock", Decimal("55.00")),
        ("out_of_stock", "in_stock", Decimal("58.00")),
    ]
    assert mug.changes[0].relative == 0
    assert [(e.sku, e.shop) for e in context.new_listings] == [("MUG", "yunshang")]
    assert [(e.sku, e.shop, e.at) for e in context.gone_listings] == [
        ("MUG", "lantian", days_ago(2))
    ]


def test_suspect_price_and_summary(context) -> None:  # type: ignore[no-untyped-def]
    formula = context.product("+FORMULA")
    assert formula.suspect and formula.changes[0].suspect
    assert formula.price_index == Decimal("20.00") and formula.position == 2
    nomatch = context.product("NOMATCH")
    assert nomatch.competitors == () and nomatch.price_index is None and nomatch.position is None
    s = context.summary
    assert (s.products, s.matched, s.cheapest, s.undercut, s.map_violations) == (4, 3, 1, 2, 2)
    assert s.avg_price_index == Decimal("7.39")  # (1.20 + 0.96 + 20.00) / 3
    assert (s.changes, s.new_listings, s.gone_listings, s.suspect) == (4, 1, 1, 1)
    # Moved most: FORMULA (-95%), KETTLE (-13.84%), MUG (+5.45%).
    assert context.movers == ("+FORMULA", "KETTLE", "MUG")
    assert context.topics == ()


def test_a_past_period_sees_the_prices_of_then(store: Store) -> None:
    reportdata.seed(store)
    before = Period(days_ago(12), days_ago(5))
    ctx = build_context(store.report_source("acme", before.start, before.end), before)
    kettle = ctx.product("KETTLE")
    assert kettle.lowest == Decimal("284.80") and kettle.changes == ()
    assert ctx.product("MUG").competitors[0].availability == "in_stock"
    assert len(ctx.new_listings) == 8  # first seen 10 days ago; the new mug listing not yet
    assert ctx.gone_listings == ()


def test_exchange_rate_used_inversely(store: Store) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from pricewatch.db.models import FxRate

    reportdata.seed(store)
    with Session(store.engine) as session, session.begin():
        session.execute(update(FxRate).values(base="CNY", quote="USD", rate="0.125"))
    ctx = build_context(store.report_source("acme", PERIOD.start, PERIOD.end), PERIOD)
    shops = {c.shop: c for c in ctx.product("KETTLE").competitors}
    assert shops["usshop"].converted == Decimal("320.00")  # 40 / 0.125


def test_report_source_is_a_fixed_number_of_queries(db_url: str) -> None:
    """Set-wise: twice the catalogue, the same number of statements."""

    def statements(store: Store) -> int:
        store.report_source("acme", PERIOD.start, PERIOD.end)  # migrate, warm up
        return count_statements(
            store, lambda: store.report_source("acme", PERIOD.start, PERIOD.end)
        )

    with Store.from_url(db_url) as store:
        reportdata.seed(store)
        small = statements(store)
        reportdata.seed_more(store, 40)
        large = statements(store)
    assert small == large <= 8


def test_unknown_client(store: Store) -> None:
    with pytest.raises(UnknownClientError, match="no client 'nobody'"):
        store.report_source("nobody", PERIOD.start, PERIOD.end)


# ------------------------------------------------------------------------------ period


def test_period_since_and_from_to() -> None:
    assert resolve_period(since=None, start=None, end=None, timezone="UTC", now=NOW) == Period(
        NOW - timedelta(days=7), NOW
    )
    assert resolve_period(since="12h", start=None, end=None, timezone="UTC", now=NOW).start == (
        NOW - timedelta(hours=12)
    )
    assert resolve_period(since="2w", start=None, end=None, timezone="UTC", now=NOW).start == (
        NOW - timedelta(weeks=2)
    )
    # Dates are whole days in the client's time zone (Shanghai is UTC+8).
    period = resolve_period(
        since=None, start="2026-11-01", end="2026-11-07", timezone="Asia/Shanghai", now=NOW
    )
    assert period.start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 7, 16, 0, tzinfo=UTC)
    open_ended = resolve_period(
        since=None, start="2026-11-01T08:00", end=None, timezone="Asia/Shanghai", now=NOW
    )
    assert open_ended == Period(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), NOW)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "7d", "start": "2026-11-01"}, "not both"),
        ({"end": "2026-11-01"}, "--to needs --from"),
        ({"start": "2026-11-05", "end": "2026-11-01"}, "--to must be after --from"),
        ({"start": "yesterday"}, "--from 'yesterday': expected a date"),
        ({"since": "7x"}, "--since '7x': expected 7d"),
        ({"since": "0d"}, "empty"),
        ({"since": "2027-01-01"}, "in the future"),
        ({"since": "7d", "timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_period_options(options: dict[str, str], message: str) -> None:
    args = {"since": None, "start": None, "end": None, "timezone": "UTC", **options}
    with pytest.raises(PeriodError, match=message):
        resolve_period(**args, now=NOW)  # type: ignore[arg-type]


def test_a_client_without_catalogue_or_prices(store: Store) -> None:
    """An empty catalogue, and products whose matched listings have no price yet."""
    from sqlalchemy.orm import Session

    from pricewatch.db.models import Client, ClientProduct, Listing, ProductMatch, Shop

    assert store.reports() == []  # also migrates the new database
    with Session(store.engine) as session, session.begin():
        session.add(Client(slug="empty", name="Empty", emails=[], currency="EUR"))
        client = Client(slug="fresh", name="Fresh", emails=[], currency="EUR")
        shop = Shop(slug="acme")
        session.add_all([client, shop])
        session.flush()
        product = ClientProduct(client_id=client.id, sku="A", price_minor=1000, currency="EUR")
        listing = Listing(
            shop_id=shop.id,
            url="https://acme.example/a",
            first_seen=days_ago(1),
            last_seen=days_ago(1),
        )
        session.add_all([product, listing])
        session.flush()
        session.add(
            ProductMatch(
                client_product_id=product.id,
                listing_id=listing.id,
                method="url",
                status="confirmed",
            )
        )
    empty = build_context(store.report_source("empty", PERIOD.start, PERIOD.end), PERIOD)
    assert empty.products == () and empty.summary.products == 0
    assert empty.summary.avg_price_index is None and empty.movers == ()
    fresh = build_context(store.report_source("fresh", PERIOD.start, PERIOD.end), PERIOD)
    [competitor] = fresh.products[0].competitors
    assert (competitor.included, competitor.excluded_reason, competitor.price) == (
        False,
        "no_price",
        None,
    )
    assert fresh.products[0].lowest is None and fresh.summary.matched == 1


# ------------------------------------------------------------------------------ trending


def test_trending_topics_relevant_to_the_catalogue(store: Store) -> None:
    """Topics naming the catalogue's brand or keywords in the period, best match then best
    rank first, with peak rank, heat and time on the list within the period; the pinned item,
    the topic after the period and the unrelated story are not among them."""
    reportdata.seed(store)
    reportdata.seed_topics(store)
    ctx = load_context(store, "acme", PERIOD)
    got = [(t.source, t.title, t.peak_rank, t.skus) for t in ctx.topics]
    assert got == [
        ("baidu", reportdata.KETTLE_LAUNCH, 1, ("KETTLE",)),
        ("weibo", reportdata.KETTLE_RECALL, 2, ("KETTLE",)),  # #1 only before the period
        ("weibo", reportdata.MUG_TOPIC, 2, ("MUG",)),
    ]
    launch, recall, mug = ctx.topics
    assert launch.terms == ("美的", "电热水壶") and launch.products == (reportdata.KETTLE_TITLE,)
    assert (launch.peak_heat, launch.time_on_list) == (2000, timedelta(days=2))
    assert recall.time_on_list == timedelta(days=1)  # from the period's start
    assert recall.first_seen == days_ago(8)  # entered the list before the period
    assert mug.time_on_list == timedelta() and mug.products == ("马克杯 350ml",)
    [snow] = ctx.cross_platform
    assert snow.title == reportdata.SNOW_BAIDU and snow.best_rank == 1 and snow.skus == ()
    assert [(p.source, p.title, p.peak_rank) for p in snow.platforms] == [
        ("baidu", reportdata.SNOW_BAIDU, 1),
        ("weibo", reportdata.SNOW, 1),
    ]
    # A period without topics: an empty section (and nothing segmented).
    quiet = load_context(store, "acme", Period(days_ago(30), days_ago(20)))
    assert quiet.topics == () and quiet.cross_platform == ()


def test_trending_for_a_client_without_catalogue_keeps_cross_platform(store: Store) -> None:
    from sqlalchemy.orm import Session

    from pricewatch.db.models import Client

    reportdata.seed_topics(store)
    with Session(store.engine) as session, session.begin():
        session.add(Client(slug="empty", name="Empty", emails=[], currency="CNY"))
    trending = load_trending(store, "empty", PERIOD.start, PERIOD.end)
    assert trending.topics == () and len(trending.cross_platform) == 1
    with pytest.raises(UnknownClientError, match="no client 'nobody'"):
        load_context(store, "nobody", PERIOD)


def test_trending_section_is_a_fixed_number_of_queries(db_url: str) -> None:
    """Set-wise: ten times the topics and forty more products, the same statements."""

    def statements(store: Store) -> int:
        return count_statements(
            store, lambda: load_trending(store, "acme", PERIOD.start, PERIOD.end)
        )

    with Store.from_url(db_url) as store:
        reportdata.seed(store)
        reportdata.seed_topics(store)
        small = statements(store)
        reportdata.seed_more(store, 40)
        for n in range(10):
            titles = [f"美的电热水壶话题{n}-{i}" for i in range(10)]
            reportdata._capture(store, f"source{n}", days_ago(2), titles)
        large = statements(store)
        assert len(load_trending(store, "acme", PERIOD.start, PERIOD.end).topics) > 100
    # Two reads (the period's topics: rows and captures; the catalogue: client and products),
    # each with SQLite's BEGIN.
    assert small == large <= 6
