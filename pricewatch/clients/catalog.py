"""Catalogue import: a merchant's CSV or XLSX into the client's products, all or nothing.

Headers are matched flexibly — case, spaces, ``_``/``-`` and a bracketed unit (``售价（元）``,
``Price (CNY)``) do not matter — in English or Chinese (:data:`HEADER_SYNONYMS`). Only the SKU
column is required (title lines above the header are skipped); unknown columns are ignored
and named in the result. Each cell is checked: prices read with pricewatch's money rules in
the client's currency (``¥1,299.00``, ``1299``, ``1299元``; another currency is an error),
GTINs must be 8, 12, 13 or 14 digits with a valid check digit (``6.90123E+12``, what Excel
makes of a long number, is called out), competitor URLs (several per cell, separated by
whitespace, ``;`` or newlines) must be http(s) URLs, and a SKU may appear once. Every bad
cell is reported with its row number, column and reason; when any row is bad nothing is
imported unless ``skip_bad``. Re-importing updates products by SKU; ``replace`` also removes
products missing from the file (never those on skipped bad rows).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from pricewatch.clients.records import ProductRecord
from pricewatch.clients.tables import Table, read_table
from pricewatch.db.store import Store
from pricewatch.db.store.client_results import ImportSummary
from pricewatch.errors import PricewatchError
from pricewatch.money import parse_price

__all__ = [
    "HEADER_SYNONYMS",
    "BadRow",
    "CatalogueRowsError",
    "ImportResult",
    "ParsedCatalogue",
    "import_catalogue",
    "normalize_gtin",
    "parse_catalogue",
]

#: Catalogue fields and the headers that name them (compared after :func:`_header_key`).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "货号", "商品编码", "编码", "商品货号", "商家编码", "item", "itemno", "id"),
    "title": ("title", "商品名称", "标题", "名称", "商品标题", "品名", "name", "productname"),
    "price": ("price", "售价", "价格", "我的价格", "销售价", "零售价", "ourprice", "myprice"),
    "cost": ("cost", "成本", "成本价", "进价", "costprice"),
    "min_price": ("minprice", "map", "最低价", "最低售价", "限价", "minimumprice"),
    "gtin": ("gtin", "ean", "barcode", "条码", "条形码", "upc", "ean13", "商品条码"),
    "mpn": ("mpn", "model", "型号", "规格型号", "modelnumber"),
    "brand": ("brand", "品牌"),
    "keywords": ("keywords", "关键词", "关键字", "tags", "标签"),
    "competitor_urls": ("competitorurls", "竞品链接", "competitorurl", "竞品", "urls", "链接"),
}
_FIELD_BY_HEADER = {name: f for f, names in HEADER_SYNONYMS.items() for name in names}
_MONEY_FIELDS = ("price", "cost", "min_price")
_BRACKETED = re.compile(r"[(\[（【][^)\]）】]*[)\]）】]")
_HEADER_NOISE = re.compile(r"[\s_\-./:：*]+")
_URL_SEPARATORS = re.compile(r"[\s;；]+")
_KEYWORD_SEPARATORS = re.compile(r"[,，;；、|\n]+")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?e\+?\d+", re.IGNORECASE)
_GTIN_LENGTHS = (8, 12, 13, 14)
_HEADER_SEARCH_ROWS = 10
#: The longest SKU, MPN and brand the schema stores (String(255)).
_MAX_TEXT = 255


class CatalogueRowsError(PricewatchError):
    """Bad rows in a catalogue; :attr:`rows` has each one (row number, column, reason)."""

    def __init__(self, message: str, rows: Sequence[BadRow]) -> None:
        super().__init__(message)
        self.rows = list(rows)


@dataclass(frozen=True, slots=True)
class BadRow:
    row: int
    column: str
    reason: str
    #: The SKU on that row, when it could be read (kept by ``--replace``).
    sku: str | None = None

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(slots=True)
class ParsedCatalogue:
    records: list[ProductRecord] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    #: Headers no field matched (their columns are not read).
    ignored_columns: list[str] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True, slots=True)
class ImportResult:
    summary: ImportSummary
    parsed: ParsedCatalogue

    @property
    def skipped(self) -> list[BadRow]:
        return self.parsed.bad


def _header_key(header: str) -> str:
    text = unicodedata.normalize("NFKC", header).strip().lower()
    text = _BRACKETED.sub("", text)
    return _HEADER_NOISE.sub("", text)


def _header_row(table: Table) -> Table:
    """The table from its header row: the first of the top rows that has a SKU column.

    Merchants' sheets often start with a title line (``蓝海电器 商品表 2026-11``) above the
    header; up to :data:`_HEADER_SEARCH_ROWS` such lines are skipped.
    """
    candidates = [table.headers] + [cells for _, cells in table.rows[:_HEADER_SEARCH_ROWS]]
    for skip, cells in enumerate(candidates):
        if any(_FIELD_BY_HEADER.get(_header_key(c)) == "sku" for c in cells):
            if skip == 0:
                return table
            return Table(cells, table.rows[skip:], table.source)
    return table


def _map_headers(table: Table, name: str) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(table.headers):
        if not header:
            continue
        found = _FIELD_BY_HEADER.get(_header_key(header))
        if found is None:
            ignored.append(header)
        elif found in columns:
            first = table.headers[columns[found]]
            raise PricewatchError(
                f"{name}: columns {first!r} and {header!r} are both the {found} column"
            )
        else:
            columns[found] = index
    if "sku" not in columns:
        raise PricewatchError(
            f"{name}: no SKU column (sku, 货号, 商品编码 or 编码); "
            f"columns found: {', '.join(h for h in table.headers if h) or 'none'}"
        )
    return columns, ignored


def normalize_gtin(text: str) -> str:
    """The digits of a GTIN/EAN/UPC; ``ValueError`` with the reason when it is not one."""
    raw = text.strip()
    if _SCIENTIFIC.fullmatch(raw):
        raise ValueError(
            f"{raw!r} is a number Excel shortened; format the column as text and export again"
        )
    digits = re.sub(r"[\s-]", "", raw)
    if not digits.isdigit():
        raise ValueError(f"{raw!r} is not a barcode (digits only)")
    if len(digits) not in _GTIN_LENGTHS:
        raise ValueError(f"{raw!r} has {len(digits)} digits; a GTIN has 8, 12, 13 or 14")
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        raise ValueError(f"{raw!r} has a wrong check digit")
    return digits


def _money(text: str, currency: str) -> Decimal:
    parsed = parse_price(text, currency)
    if parsed is None:
        raise ValueError(f"{text!r} is not a price")
    if parsed.currency not in (None, currency):
        raise ValueError(f"{text!r} is in {parsed.currency}; the client's prices are {currency}")
    return parsed.amount


def _urls(text: str) -> tuple[str, ...]:
    urls = []
    for url in _URL_SEPARATORS.split(text.strip()):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{url!r} is not an http(s) URL")
        urls.append(url)
    return tuple(dict.fromkeys(urls))


def _parse_row(
    number: int, cells: list[str], columns: dict[str, int], headers: list[str], currency: str
) -> tuple[ProductRecord | None, list[BadRow]]:
    values = {f: cells[i] for f, i in columns.items()}
    sku = values["sku"] or None
    bad: list[BadRow] = []
    out: dict[str, object] = {}

    def fail(name: str, reason: str) -> None:
        bad.append(BadRow(number, headers[columns[name]], reason, sku))

    if sku is None:
        fail("sku", "the SKU is empty")
    for name in _MONEY_FIELDS:
        if values.get(name):
            try:
                out[name] = _money(values[name], currency)
            except ValueError as exc:
                fail(name, str(exc))
    if values.get("gtin"):
        try:
            out["gtin"] = normalize_gtin(values["gtin"])
        except ValueError as exc:
            fail("gtin", str(exc))
    if values.get("competitor_urls"):
        try:
            out["competitor_urls"] = _urls(values["competitor_urls"])
        except ValueError as exc:
            fail("competitor_urls", str(exc))
    if values.get("keywords"):
        words = (w.strip() for w in _KEYWORD_SEPARATORS.split(values["keywords"]))
        out["keywords"] = tuple(dict.fromkeys(w for w in words if w))
    for name in ("title", "mpn", "brand"):
        if values.get(name):
            out[name] = " ".join(values[name].split())
    for name in ("sku", "mpn", "brand"):
        if len(values.get(name) or "") > _MAX_TEXT:
            fail(name, f"longer than {_MAX_TEXT} characters")
    if bad or sku is None:
        return None, bad
    return ProductRecord(sku=sku, currency=currency, **out), []  # type: ignore[arg-type]


def parse_catalogue(path: Path, currency: str) -> ParsedCatalogue:
    """Read and check every row of ``path``; errors go to ``bad``, nothing is stored."""
    table = _header_row(read_table(path))
    columns, ignored = _map_headers(table, path.name)
    parsed = ParsedCatalogue(ignored_columns=ignored, source=table.source)
    first_row: dict[str, int] = {}
    sku_column = columns["sku"]
    for number, cells in table.rows:
        record, bad = _parse_row(number, cells, columns, table.headers, currency)
        sku = cells[sku_column]
        if sku and sku in first_row:
            # A SKU twice is an error even when its first row is bad: which row is meant?
            reason = f"SKU {sku!r} is also on row {first_row[sku]}"
            bad.append(BadRow(number, table.headers[sku_column], reason, sku))
            record = None
        elif sku:
            first_row[sku] = number
        parsed.bad.extend(bad)
        if record is not None:
            parsed.records.append(record)
    if not parsed.records and not parsed.bad:
        raise PricewatchError(f"{path.name}: no products (only a header row)")
    return parsed


def import_catalogue(
    store: Store, client: str, path: Path, *, replace: bool = False, skip_bad: bool = False
) -> ImportResult:
    """Import ``path`` into ``client``'s catalogue (see the module docstring).

    :class:`CatalogueRowsError` with every bad row, and nothing stored, when a row is bad and
    ``skip_bad`` is false.
    """
    info = store.client(client)
    parsed = parse_catalogue(path, info.currency)
    if parsed.bad and not skip_bad:
        rows = len({b.row for b in parsed.bad})
        raise CatalogueRowsError(
            f"{path.name}: {rows} bad row{'s' if rows > 1 else ''}, nothing imported "
            f"(fix them, or --skip-bad to import the {len(parsed.records)} good ones)",
            parsed.bad,
        )
    if not parsed.records:
        raise CatalogueRowsError(f"{path.name}: every row is bad, nothing imported", parsed.bad)
    keep = {b.sku for b in parsed.bad if b.sku}
    summary = store.import_catalogue(client, parsed.records, replace=replace, keep_skus=keep)
    return ImportResult(summary=summary, parsed=parsed)
