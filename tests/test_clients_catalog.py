"""Catalogue import: encodings, XLSX, flexible headers, bad rows, re-import and --replace.

The files are written by the tests as a merchant's Excel would: GBK CSV, UTF-8 with and
without BOM, UTF-16 "Unicode text", XLSX with Chinese headers and numeric cells.
"""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from pricewatch.clients.catalog import (
    CatalogueRowsError,
    import_catalogue,
    normalize_gtin,
    parse_catalogue,
)
from pricewatch.clients.clients import client_record
from pricewatch.clients.tables import SheetError, decode_csv
from pricewatch.db.store import Store
from pricewatch.errors import PricewatchError

HEADERS_ZH = [
    "货号",
    "商品名称",
    "售价（元）",
    "成本",
    "最低售价",
    "条形码",
    "型号",
    "品牌",
    "关键词",
    "竞品链接",
]
ROWS = [
    [
        "LH-001",
        "海尔 Haier 470升 十字对开门冰箱 BCD-470WGHTD",
        "￥3,899.00",
        "3100",
        "3699",
        "6901234100059",
        "BCD-470WGHTD",
        "海尔",
        "冰箱，对开门、一级能效",
        "https://shop-a.example/item/1.html ; https://shop-b.example/p/2\nhttps://shop-c.example/x",
    ],
    ["LH-002", "农夫山泉 天然饮用水 550ml×24瓶", "29.9元", "", "", "", "", "", "", ""],
    ["LH-003", "九阳 破壁豆浆机", "1299", "", "", "", "DJ13B-D08D", "Joyoung", "", ""],
]


def gtin(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


ROWS[0][5] = gtin("690123410005")
APPLE = gtin("019425310003")


def write_csv(path: Path, rows: list[list[str]], encoding: str, bom: bytes = b"") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(bom + buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], sheet: str = "商品") -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


@pytest.fixture
def client(store: Store) -> str:
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
    return "lanhai"


def check_first_product(store: Store, client: str) -> None:
    products = {p.sku: p for p in store.catalogue(client)}
    assert sorted(products) == ["LH-001", "LH-002", "LH-003"]
    p = products["LH-001"]
    assert p.title == "海尔 Haier 470升 十字对开门冰箱 BCD-470WGHTD"
    assert (p.price, p.cost, p.min_price) == (
        Decimal("3899.00"),
        Decimal("3100.00"),
        Decimal("3699.00"),
    )
    assert p.currency == "CNY"
    assert (p.gtin, p.mpn, p.brand) == (gtin("690123410005"), "BCD-470WGHTD", "海尔")
    assert p.keywords == ("冰箱", "对开门", "一级能效")
    assert p.competitor_urls == (
        "https://shop-a.example/item/1.html",
        "https://shop-b.example/p/2",
        "https://shop-c.example/x",
    )
    assert products["LH-002"].price == Decimal("29.90")
    assert products["LH-002"].gtin is None and products["LH-002"].competitor_urls == ()


@pytest.mark.parametrize(
    ("encoding", "bom", "source"),
    [
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8 (BOM)"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
    ],
)
def test_csv_encodings(
    store: Store, client: str, tmp_path: Path, encoding: str, bom: bytes, source: str
) -> None:
    path = write_csv(tmp_path / "catalogue.csv", [HEADERS_ZH, *ROWS], encoding, bom)
    result = import_catalogue(store, client, path)
    assert result.parsed.source == source
    assert result.summary.added == ("LH-001", "LH-002", "LH-003")
    check_first_product(store, client)


def test_bom_header_is_not_part_of_the_sku_column(tmp_path: Path) -> None:
    # Decoded as plain UTF-8 the BOM would glue to the first header and hide the SKU column.
    path = write_csv(tmp_path / "c.csv", [["sku", "title"], ["A", "x"]], "utf-8", codecs.BOM_UTF8)
    assert [r.sku for r in parse_catalogue(path, "CNY").records] == ["A"]


def test_semicolon_and_tab_separated(store: Store, client: str, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("SKU;Title;Price\nA1;Thing;12,50\nA2;Other;3\n", "utf-8")
    (tmp_path / "b.tsv").write_text("SKU\tTitle\tPrice\nB1\tThing, big\t1,299.00\n", "utf-8")
    a = parse_catalogue(tmp_path / "a.csv", "CNY").records
    b = parse_catalogue(tmp_path / "b.tsv", "CNY").records
    assert [(r.sku, r.price) for r in a] == [("A1", Decimal("12.50")), ("A2", Decimal("3"))]
    assert [(r.sku, r.title, r.price) for r in b] == [("B1", "Thing, big", Decimal("1299.00"))]


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"sku,title\nA,\xff\xfe\xfa\n")
    with pytest.raises(SheetError, match="not UTF-8 or GBK"):
        parse_catalogue(path, "CNY")
    assert decode_csv("货号".encode("gbk")) == ("货号", "gb18030")


def test_xlsx_with_chinese_headers_and_numeric_cells(
    store: Store, client: str, tmp_path: Path
) -> None:
    rows: list[list[object]] = [HEADERS_ZH, *ROWS]
    rows[2] = [*ROWS[1]]
    rows[2][2] = 29.9  # Excel keeps prices as numbers
    rows[3] = [*ROWS[2]]
    rows[3][2] = 1299
    rows[1] = [*ROWS[0]]
    rows[1][5] = int(gtin("690123410005"))  # and long barcodes as numbers too
    # A title line above the header: the header is the first row with a SKU column.
    path = write_xlsx(tmp_path / "catalogue.xlsx", [[], ["蓝海电器 商品表 2026-11"], *rows])
    result = import_catalogue(store, client, path)
    assert result.parsed.source == "xlsx sheet 商品"
    check_first_product(store, client)
    assert {p.sku: p.price for p in store.catalogue(client)}["LH-003"] == Decimal("1299.00")


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "c.xlsx", [["商品表"], ["货号", "售价"], ["A", "10"], [], ["B", "abc"]]
    )
    parsed = parse_catalogue(path, "CNY")
    assert [str(b) for b in parsed.bad] == ["row 5, column 售价: 'abc' is not a price"]


def test_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "header.csv").write_text("sku,title\n", "utf-8")
    write_xlsx(tmp_path / "blank.xlsx", [])
    for name, message in [
        ("old.xls", "old .xls files are not read"),
        ("fake.xlsx", "not a readable .xlsx file"),
        ("c.pdf", "expected a .csv or .xlsx file"),
        ("empty.csv", "the file is empty"),
        ("header.csv", "no products"),
        ("blank.xlsx", "every sheet is empty"),
        ("missing.csv", "no such file"),
    ]:
        with pytest.raises(PricewatchError, match=message):
            parse_catalogue(tmp_path / name, "CNY")


@pytest.mark.parametrize(
    "header",
    ["SKU", " sku ", "Sku", "货号", "商品编码", "编码", "商品 编码", "Item No.", "item_no"],
)
def test_sku_header_synonyms(tmp_path: Path, header: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"{header},Title\nA1,x\n", "utf-8")
    assert [r.sku for r in parse_catalogue(path, "CNY").records] == ["A1"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("标题", "title"),
        ("名称", "title"),
        ("Product Name", "title"),
        ("价格", "price"),
        ("我的价格", "price"),
        ("Price (CNY)", "price"),
        ("售价（元）", "price"),
        ("MAP", "min_price"),
        ("最低价", "min_price"),
        ("min_price", "min_price"),
        ("Min Price", "min_price"),
        ("成本", "cost"),
    ],
)
def test_header_synonyms(tmp_path: Path, header: str, field: str) -> None:
    value = "12" if field in ("price", "min_price", "cost") else "x"
    path = tmp_path / "c.csv"
    path.write_text(f"sku,{header}\nA1,{value}\n", "utf-8")
    record = parse_catalogue(path, "CNY").records[0]
    assert getattr(record, field) == (Decimal(12) if value == "12" else "x")


@pytest.mark.parametrize(
    ("header", "field", "value", "expected"),
    [
        ("EAN", "gtin", "6901234100059", None),
        ("barcode", "gtin", gtin("690123410005"), gtin("690123410005")),
        ("条码", "gtin", f"{APPLE[:7]} {APPLE[7:]}", APPLE),
        ("model", "mpn", "WH-1000XM5", "WH-1000XM5"),
        ("型号", "mpn", "  HX9911 ", "HX9911"),
        ("品牌", "brand", "SONY", "SONY"),
        ("竞品", "competitor_urls", "http://a.example/1", ("http://a.example/1",)),
        ("Keywords", "keywords", "降噪; 耳机 | 无线", ("降噪", "耳机", "无线")),
    ],
)
def test_identifier_headers(
    tmp_path: Path, header: str, field: str, value: str, expected: object
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f'sku,{header}\nA1,"{value}"\n', "utf-8")
    parsed = parse_catalogue(path, "CNY")
    if expected is None:
        assert [b.column for b in parsed.bad] == [header]
    else:
        assert getattr(parsed.records[0], field) == expected


def test_unknown_and_duplicate_columns(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("货号,备注,颜色\nA1,x,red\n", "utf-8")
    assert parse_catalogue(path, "CNY").ignored_columns == ["备注", "颜色"]
    path.write_text("货号,售价,价格\nA1,1,2\n", "utf-8")
    with pytest.raises(
        PricewatchError, match="columns '售价' and '价格' are both the price column"
    ):
        parse_catalogue(path, "CNY")
    path.write_text("title,price\nx,1\n", "utf-8")
    with pytest.raises(PricewatchError, match=r"no SKU column .* columns found: title, price"):
        parse_catalogue(path, "CNY")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("6901234100059"[:-1] + "0", None),
        (gtin("690123410005"), gtin("690123410005")),
        ("012345678905", "012345678905"),  # UPC-A
        ("96385074", "96385074"),  # EAN-8
        ("10012345678902", "10012345678902"),  # GTIN-14
    ],
)
def test_gtin(text: str, digits: str | None) -> None:
    if digits is None:
        with pytest.raises(ValueError, match="wrong check digit"):
            normalize_gtin(text)
    else:
        assert normalize_gtin(text) == digits


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("6.90123E+12", "a number Excel shortened"),
        ("69012341000", "has 11 digits"),
        ("690-123-ABC", "not a barcode"),
    ],
)
def test_bad_gtin(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_gtin(text)


BAD = [
    ["sku", "title", "price", "min_price", "barcode", "competitor_urls"],
    ["A1", "ok", "10", "", "", ""],
    ["", "no sku", "10", "", "", ""],
    ["A3", "bad price", "ten yuan", "", "", ""],
    ["A4", "other currency", "$12.99", "", "", ""],
    ["A5", "zero", "0", "", "", ""],
    ["A6", "bad url", "10", "", "", "http://ok.example/1 ftp://files.example/x"],
    ["A7", "two bad cells", "10", "-5", "6.90123E+12", ""],
    ["A1", "again", "11", "", "", ""],
    ["A9", "ok too", "¥1,299.00", "", "", ""],
    ["S" * 256, "too long a SKU", "10", "", "", ""],
]


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    store: Store, client: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", BAD, "utf-8")
    with pytest.raises(CatalogueRowsError) as caught:
        import_catalogue(store, client, path)
    assert [str(b) for b in caught.value.rows] == [
        "row 3, column sku: the SKU is empty",
        "row 4, column price: 'ten yuan' is not a price",
        "row 5, column price: '$12.99' is in USD; the client's prices are CNY",
        "row 6, column price: '0' is not a price",
        "row 7, column competitor_urls: 'ftp://files.example/x' is not an http(s) URL",
        "row 8, column min_price: '-5' is not a price",
        "row 8, column barcode: '6.90123E+12' is a number Excel shortened; "
        "format the column as text and export again",
        "row 9, column sku: SKU 'A1' is also on row 2",
        "row 11, column sku: longer than 255 characters",
    ]
    assert "8 bad rows, nothing imported" in str(caught.value)
    assert "--skip-bad to import the 2 good ones" in str(caught.value)
    assert store.catalogue(client) == []


def test_skip_bad_imports_the_good_rows(store: Store, client: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bad.csv", BAD, "utf-8")
    result = import_catalogue(store, client, path, skip_bad=True)
    assert result.summary.added == ("A1", "A9")
    assert len(result.skipped) == 9
    assert {p.sku: p.price for p in store.catalogue(client)} == {
        "A1": Decimal("10.00"),  # the first A1, not the duplicate row's 11
        "A9": Decimal("1299.00"),
    }


def test_every_row_bad_imports_nothing_even_with_skip_bad(
    store: Store, client: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bad.csv", [BAD[0], BAD[3]], "utf-8")
    with pytest.raises(CatalogueRowsError, match="every row is bad"):
        import_catalogue(store, client, path, skip_bad=True)


def test_reimport_updates_by_sku_and_replace_removes(
    store: Store, client: str, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "1.csv",
        [["sku", "title", "price"], ["A", "a", "10"], ["B", "b", "20"], ["C", "c", "30"]],
        "utf-8",
    )
    assert import_catalogue(store, client, first).summary.added == ("A", "B", "C")
    before = {p.sku: p for p in store.catalogue(client)}

    second = write_csv(
        tmp_path / "2.csv",
        [["sku", "title", "price"], ["A", "a", "10.00"], ["B", "b (new)", "20"], ["D", "d", "5"]],
        "utf-8",
    )
    s = import_catalogue(store, client, second).summary
    assert (s.added, s.updated, s.unchanged, s.removed) == (("D",), ("B",), ("A",), ())
    after = {p.sku: p for p in store.catalogue(client)}
    assert sorted(after) == ["A", "B", "C", "D"]
    assert after["B"].title == "b (new)" and after["B"].id == before["B"].id
    assert after["A"].updated_at == before["A"].updated_at
    assert after["B"].updated_at > before["B"].updated_at

    s = import_catalogue(store, client, second, replace=True).summary
    assert (s.added, s.updated, s.unchanged, s.removed) == ((), (), ("A", "B", "D"), ("C",))
    assert sorted(p.sku for p in store.catalogue(client)) == ["A", "B", "D"]


def test_replace_keeps_products_on_skipped_rows(store: Store, client: str, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "1.csv", [["sku", "price"], ["A", "10"], ["B", "20"], ["C", "30"]], "utf-8"
    )
    import_catalogue(store, client, first)
    second = write_csv(
        tmp_path / "2.csv", [["sku", "price"], ["A", "10"], ["B", "twenty"]], "utf-8"
    )
    s = import_catalogue(store, client, second, replace=True, skip_bad=True).summary
    # B's row was bad: skipped, not deleted; C is missing from the file: removed.
    assert s.removed == ("C",)
    assert {p.sku: p.price for p in store.catalogue(client)} == {
        "A": Decimal("10.00"),
        "B": Decimal("20.00"),
    }


def test_removing_a_field_updates_it(store: Store, client: str, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "1.csv", [["sku", "price", "品牌"], ["A", "10", "SONY"]], "utf-8")
    import_catalogue(store, client, first)
    second = write_csv(tmp_path / "2.csv", [["sku", "price", "品牌"], ["A", "10", ""]], "utf-8")
    assert import_catalogue(store, client, second).summary.updated == ("A",)
    assert store.catalogue(client)[0].brand is None


def test_prices_in_a_zero_decimal_currency(store: Store, tmp_path: Path) -> None:
    store.create_client(
        client_record(
            "tokyo", name="T", emails="t@t.jp", locale="en", currency="JPY", timezone="Asia/Tokyo"
        )
    )
    path = write_csv(tmp_path / "c.csv", [["sku", "price"], ["A", "¥1,299"]], "utf-8")
    import_catalogue(store, "tokyo", path)
    product = store.catalogue("tokyo")[0]
    assert (product.price, product.currency) == (Decimal("1299"), "JPY")


def test_unknown_client(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["sku"], ["A"]], "utf-8")
    with pytest.raises(PricewatchError, match="no client 'ghost'"):
        import_catalogue(store, "ghost", path)
