"""Matching client products to competitor listings: URLs, GTIN/MPN, fuzzy suggestions, review.

Listings are stored the way crawls store them (``store_batch``), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.clients.catalog import import_catalogue
from pricewatch.clients.clients import client_record
from pricewatch.clients.matching import add_manual, gtin14, match_exact, suggest
from pricewatch.db.store import Store
from pricewatch.db.store.matches import UnknownMatchError
from pricewatch.errors import PricewatchError
from pricewatch.records import GoneRecord, PriceRecord, utcnow

SHOP_A = "http://127.0.0.1:9801"
SHOP_B = "http://127.0.0.1:9802"


def ean(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


SONY_EAN = ean("454854810004")
# The same product's UPC-A (12 digits): a GTIN-13 with a leading 0 is the UPC.
UPC = ean("001234567890")[1:]


def seed_listings(store: Store) -> None:
    run = store.start_run("shop_a")
    store.store_batch(
        run,
        [
            price(
                "shop_a",
                f"{SHOP_A}/p/sony",
                "索尼 SONY WH-1000XM5 头戴式无线降噪耳机 黑色",
                "2499",
                gtin=SONY_EAN,
                brand="SONY",
            ),
            price("shop_a", f"{SHOP_A}/p/haier", "Haier/海尔 BCD-470WGHTD 十字门冰箱", "3999"),
            price("shop_a", f"{SHOP_A}/p/water", "农夫山泉 饮用天然水 550ML*24 箱装", "29.9"),
            price("shop_a", f"{SHOP_A}/p/apple-fruit", "烟台红富士苹果 5kg 新鲜水果 脆甜", "59"),
            price("shop_a", f"{SHOP_A}/p/upc", "Gadget", "10", gtin=UPC),
            price("shop_a", f"{SHOP_A}/p/mpn", "Widget", "10", mpn="ab-1234", brand="Acme"),
            price("shop_a", f"{SHOP_A}/p/mpn-other", "Widget", "10", mpn="AB1234", brand="Other"),
            price("shop_a", f"{SHOP_A}/p/gone", "Gone thing", "10", gtin=ean("690000000001")),
        ],
    )
    store.store_batch(run, [GoneRecord("shop_a", f"{SHOP_A}/p/gone", 404)])
    run_b = store.start_run("shop_b")
    store.store_batch(
        run_b,
        [
            price(
                "shop_b",
                f"{SHOP_B}/item/1.html",
                "Apple iPhone 15 128GB 黑色",
                "5999",
                brand="Apple",
            ),
            price(
                "shop_b",
                f"{SHOP_B}/item/2.html",
                "索尼 WH-1000XM4 头戴式无线降噪耳机 黑色",
                "1999",
                brand="SONY",
            ),
        ],
    )


def price(shop: str, url: str, title: str, amount: str, **fields: object) -> PriceRecord:
    return PriceRecord(
        shop=shop,
        url=url,
        title=title,
        price=Decimal(amount),
        currency="CNY",
        fetched_at=utcnow(),
        **fields,  # type: ignore[arg-type]
    )


CATALOGUE = """sku,title,brand,barcode,mpn,competitor_urls
S1,索尼 WH-1000XM5 无线降噪耳机,SONY,{sony},,
H1,海尔 470升 十字对开门冰箱 BCD-470WGHTD,海尔,,,{a}/p/haier#reviews
W1,农夫山泉 天然饮用水 550ml×24瓶 整箱,,,,
F1,烟台红富士苹果 5kg 新鲜水果,,,,
P1,苹果 iPhone 15 128GB 黑色,苹果,,,
U1,Gadget,,{upc},,
M1,Widget,Acme,,AB 1234,
N1,New thing,,,,{a}/p/new {b}/item/9.html http://unknown.example/x
G1,Gone thing,,{gone},,
"""


@pytest.fixture
def client(store: Store, tmp_path: Path) -> str:
    seed_listings(store)
    store.create_client(
        client_record(
            "lanhai",
            name="蓝海",
            emails="a@lanhai.cn",
            locale="zh-CN",
            currency="CNY",
            timezone="Asia/Shanghai",
        )
    )
    path = tmp_path / "c.csv"
    path.write_text(
        CATALOGUE.format(
            sony=SONY_EAN, a=SHOP_A, b=SHOP_B, upc="0" + UPC, gone=ean("690000000001")
        ),
        "utf-8",
    )
    import_catalogue(store, "lanhai", path)
    return "lanhai"


def pairs(store: Store, client: str, status: str | None = None) -> set[tuple[str, str, str]]:
    return {(m.sku, m.url, m.method) for m in store.matches(client, status=status)}


def test_gtin14() -> None:
    assert gtin14("0012345678905") == gtin14("012345678905") == "00012345678905"
    assert gtin14("abc") is None and gtin14("") is None and gtin14("00000000") is None


def test_exact_matches(store: Store, client: str) -> None:
    result = match_exact(store, client)
    confirmed = pairs(store, client, "confirmed")
    assert confirmed == {
        ("S1", f"{SHOP_A}/p/sony", "gtin"),
        ("H1", f"{SHOP_A}/p/haier", "url"),  # the fragment does not matter
        ("U1", f"{SHOP_A}/p/upc", "gtin"),  # EAN-13 with a leading 0 = the UPC-A
        ("M1", f"{SHOP_A}/p/mpn", "mpn"),  # not the other brand's AB1234
        ("N1", f"{SHOP_A}/p/new", "url"),
        ("N1", f"{SHOP_B}/item/9.html", "url"),
    }
    # The gone listing is not matched by GTIN.
    assert result.by_method == {"url": 3, "gtin": 2, "mpn": 1}
    assert result.saved.added == 6
    # URLs nobody tracked became listings of the shop whose listings share their host...
    assert sorted(result.new_listings) == [
        ("shop_a", f"{SHOP_A}/p/new"),
        ("shop_b", f"{SHOP_B}/item/9.html"),
    ]
    assert f"{SHOP_A}/p/new" in store.listing_urls("shop_a")  # so the next crawl fetches it
    # ...and a host no shop claims is reported, not guessed.
    assert [str(p) for p in result.problems] == [
        "N1: http://unknown.example/x: no shop for unknown.example: add one "
        "(pricewatch genspider SLUG URL) or say which with --base-url SHOP=URL"
    ]
    # Running it again changes nothing and adds no listing twice.
    again = match_exact(store, client)
    assert (again.saved.added, again.saved.unchanged, again.new_listings) == (0, 6, [])


def test_base_urls_say_which_shop_a_host_is(store: Store, client: str) -> None:
    result = match_exact(store, client, shop_urls={"shop_c": "http://unknown.example/"})
    assert ("shop_c", "http://unknown.example/x") in result.new_listings
    assert result.problems == []


def test_fuzzy_suggestions(store: Store, client: str) -> None:
    result = suggest(store, client)
    suggested = pairs(store, client, "suggested")
    assert ("W1", f"{SHOP_A}/p/water", "fuzzy") in suggested  # 550ml×24 = 550ML*24
    assert ("F1", f"{SHOP_A}/p/apple-fruit", "fuzzy") in suggested  # fruit with fruit
    assert ("P1", f"{SHOP_B}/item/1.html", "fuzzy") in suggested  # 苹果 (brand) = Apple
    # Never the fruit with the phone, nor the XM5 with the XM4 listing.
    assert (
        not {("F1", f"{SHOP_B}/item/1.html", "fuzzy"), ("P1", f"{SHOP_A}/p/apple-fruit", "fuzzy")}
        & suggested
    )
    assert not any(sku == "S1" and url.endswith("/item/2.html") for sku, url, _ in suggested)
    # Listings confirmed for a product are not suggested for another one.
    confirmed_urls = {url for _, url, _ in pairs(store, client, "confirmed")}
    assert not {url for _, url, _ in suggested} & confirmed_urls
    assert result.suggested == len(suggested)
    scores = {m.sku: m.score for m in store.matches(client, "suggested")}
    assert all(s is not None and 60 <= s <= 100 for s in scores.values())


def test_review_confirm_reject(store: Store, client: str) -> None:
    suggest(store, client)
    by_sku = {m.sku: m for m in store.matches(client, "suggested")}
    water, fruit = by_sku["W1"], by_sku["F1"]
    confirmed = store.decide_matches([water.id], "confirmed", client=client)
    assert [(m.id, m.status) for m in confirmed] == [(water.id, "confirmed")]
    assert confirmed[0].decided_at is not None
    store.decide_matches([fruit.id], "rejected")
    # A rejected pair is never suggested again, a confirmed one stays confirmed.
    again = suggest(store, client)
    assert again.saved.added == 0 and again.saved.kept_rejected >= 1
    statuses = {m.id: m.status for m in store.matches(client)}
    assert (statuses[water.id], statuses[fruit.id]) == ("confirmed", "rejected")
    assert store.client(client).confirmed_matches == 7


def test_decisions_on_unknown_ids_change_nothing(store: Store, client: str) -> None:
    suggest(store, client)
    some = store.matches(client, "suggested")[0]
    with pytest.raises(UnknownMatchError, match="no match 999999"):
        store.decide_matches([some.id, 999999], "confirmed")
    assert store.matches(client, "suggested")[0].status == "suggested"
    store.create_client(
        client_record(
            "other", name="O", emails="o@o.cn", locale="en", currency="CNY", timezone="UTC"
        )
    )
    with pytest.raises(UnknownMatchError, match=f"no match {some.id} for client 'other'"):
        store.decide_matches([some.id], "rejected", client="other")
    with pytest.raises(ValueError, match="confirmed or rejected"):
        store.decide_matches([some.id], "suggested")


def test_a_catalogue_url_confirms_an_earlier_suggestion(
    store: Store, client: str, tmp_path: Path
) -> None:
    suggest(store, client)
    water = next(m for m in store.matches(client, "suggested") if m.sku == "W1")
    path = tmp_path / "more.csv"
    path.write_text(f"sku,title,competitor_urls\nW1,农夫山泉 550ml×24瓶,{SHOP_A}/p/water\n")
    import_catalogue(store, client, path)
    result = match_exact(store, client)
    assert result.saved.updated == 1
    updated = next(m for m in store.matches(client) if m.id == water.id)
    assert (updated.status, updated.method) == ("confirmed", "url")


def test_removing_a_product_removes_its_matches(store: Store, client: str, tmp_path: Path) -> None:
    match_exact(store, client)
    path = tmp_path / "only.csv"
    path.write_text("sku,title\nS1,索尼 WH-1000XM5\n", "utf-8")
    import_catalogue(store, client, path, replace=True)
    assert {m.sku for m in store.matches(client)} == {"S1"}


def test_prices_far_apart_are_not_suggested(store: Store, tmp_path: Path) -> None:
    run = store.start_run("shop_p")
    store.store_batch(
        run,
        [
            price("shop_p", "https://p.example/1", "安克 Anker 20000mAh 移动电源 黑色", "149"),
            price("shop_q", "https://q.example/1", "安克 Anker 20000mAh 移动电源 黑色", "1490"),
        ],
    )
    store.create_client(
        client_record("p", name="P", emails="p@p.cn", locale="en", currency="CNY", timezone="UTC")
    )
    path = tmp_path / "p.csv"
    path.write_text("sku,title,price\nA1,安克 Anker 20000mAh 移动电源,¥159.00\n", "utf-8")
    import_catalogue(store, "p", path)
    suggest(store, "p")
    [only] = store.matches("p", "suggested")
    # The same title at ten times the price (a pallet? another product?) is not suggested.
    assert only.url == "https://p.example/1"
    # Review shows both prices.
    assert (only.own_price, only.own_currency) == (Decimal("159.00"), "CNY")
    assert (only.listing_price, only.listing_currency) == (Decimal("149.00"), "CNY")


def test_candidates_carry_the_latest_price(store: Store) -> None:
    seed_listings(store)
    run = store.start_run("shop_a")
    store.store_batch(run, [price("shop_a", f"{SHOP_A}/p/water", "农夫山泉 550ML*24", "27.9")])
    store.add_listings("shop_a", [f"{SHOP_A}/p/never-fetched"], domain="127.0.0.1")
    by_url = {c.url: c for c in store.match_candidates()}
    assert (by_url[f"{SHOP_A}/p/water"].price, by_url[f"{SHOP_A}/p/water"].currency) == (
        Decimal("27.90"),
        "CNY",
    )
    assert by_url[f"{SHOP_A}/p/never-fetched"].price is None
    assert f"{SHOP_A}/p/gone" not in by_url


def test_manual_match_overrides_a_rejection(store: Store, client: str) -> None:
    suggest(store, client)
    water = next(m for m in store.matches(client, "suggested") if m.sku == "W1")
    store.decide_matches([water.id], "rejected")
    match, added = add_manual(store, client, "W1", f"{SHOP_A}/p/water")
    assert (match.id, match.status, added) == (water.id, "confirmed", None)
    new, added = add_manual(store, client, "F1", f"{SHOP_B}/item/77.html")
    assert (new.method, new.status) == ("manual", "confirmed")
    assert added == ("shop_b", f"{SHOP_B}/item/77.html")
    with pytest.raises(PricewatchError, match="no product with SKU 'NOPE'"):
        add_manual(store, client, "NOPE", f"{SHOP_A}/p/water")
    with pytest.raises(PricewatchError, match=r"no shop for elsewhere\.example"):
        add_manual(store, client, "F1", "https://elsewhere.example/p")
    assert "https://elsewhere.example/p" not in {c.url for c in store.match_candidates()}


def test_matches_go_when_the_catalogue_stops_giving_their_evidence(
    store: Store, client: str, tmp_path: Path
) -> None:
    suggest(store, client)
    water = next(m for m in store.matches(client, "suggested") if m.sku == "W1")
    store.decide_matches([water.id], "confirmed")
    before = pairs(store, client, "confirmed")
    assert ("H1", f"{SHOP_A}/p/haier", "url") in before
    assert ("S1", f"{SHOP_A}/p/sony", "gtin") in before
    # H1 loses its URL, S1 its barcode, M1 its MPN; W1's match was a person's decision.
    path = tmp_path / "changed.csv"
    path.write_text(
        "sku,title,brand,barcode,mpn,competitor_urls\n"
        "H1,海尔 470升 十字对开门冰箱 BCD-470WGHTD,海尔,,,\n"
        "S1,索尼 WH-1000XM5 无线降噪耳机,SONY,,,\n"
        "M1,Widget,Acme,,ZZ-9999,\n"
        "W1,农夫山泉 天然饮用水 550ml×24瓶 整箱,,,,\n",
        "utf-8",
    )
    import_catalogue(store, client, path)
    result = match_exact(store, client)
    assert result.removed == 3
    after = pairs(store, client, "confirmed")
    assert before - after == {
        ("H1", f"{SHOP_A}/p/haier", "url"),
        ("S1", f"{SHOP_A}/p/sony", "gtin"),
        ("M1", f"{SHOP_A}/p/mpn", "mpn"),
    }
    assert ("W1", f"{SHOP_A}/p/water", "fuzzy") in after


def test_a_gone_listing_keeps_its_match(store: Store, client: str) -> None:
    match_exact(store, client)
    store.store_batch(store.start_run("shop_a"), [GoneRecord("shop_a", f"{SHOP_A}/p/sony", 404)])
    result = match_exact(store, client)
    assert result.removed == 0
    assert ("S1", f"{SHOP_A}/p/sony", "gtin") in pairs(store, client, "confirmed")
