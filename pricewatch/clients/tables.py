"""Reading a merchant's spreadsheet: CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030) or XLSX.

Gives the header row and the data rows as text, each with the row number the merchant sees in
Excel (the header is row 1 of a CSV), so every error can point at a cell. Blank rows are
skipped. XLSX is read with openpyxl (the first sheet that has data); numbers come back as the
text Excel shows for them (``1299``, ``19.9``), not as floats.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pricewatch.errors import PricewatchError

__all__ = ["SheetError", "Table", "decode_csv", "read_table"]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class SheetError(PricewatchError):
    """A file that cannot be read as a table at all (type, encoding, no header)."""


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    #: ``(row number, cells)``; cells as text, ``""`` for empty, as long as ``headers``.
    rows: list[tuple[int, list[str]]]
    #: What was read: ``"utf-8"``, ``"gb18030"``, ``"xlsx sheet 商品"``...
    source: str


def decode_csv(data: bytes, name: str = "file") -> tuple[str, str]:
    """The text of a CSV export and the encoding it was in.

    A byte-order mark decides; otherwise strict UTF-8, then GB18030 (a superset of GBK, what
    Chinese Excel writes as "CSV"). Anything else is one error naming the file.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding), "utf-8 (BOM)" if encoding == "utf-8-sig" else encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SheetError(
        f"{name}: not UTF-8 or GBK text; save it from Excel as 'CSV UTF-8' or as .xlsx"
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _table(records: Iterable[list[str]], source: str, name: str) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(records, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            continue
        rows.append((number, cells))
    if headers is None:
        raise SheetError(f"{name}: the file is empty (no header row)")
    width = max([len(headers), *(len(c) for _, c in rows)])
    headers = headers + [""] * (width - len(headers))
    return Table(headers, [(n, c + [""] * (width - len(c))) for n, c in rows], source)


def _read_csv(path: Path) -> Table:
    text, encoding = decode_csv(path.read_bytes(), path.name)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return _table(reader, encoding, path.name)
    except csv.Error as exc:
        raise SheetError(f"{path.name}: not a readable CSV file ({exc})") from None


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise SheetError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        for sheet in workbook.worksheets:
            records = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if any(any(cells) for cells in records):
                return _table(records, f"xlsx sheet {sheet.title}", path.name)
    finally:
        workbook.close()
    raise SheetError(f"{path.name}: every sheet is empty")


def read_table(path: Path) -> Table:
    """Read ``path`` by its suffix; :class:`SheetError` for what cannot be read."""
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix == ".xls":
        raise SheetError(f"{path.name}: old .xls files are not read; save it as .xlsx or CSV")
    raise SheetError(f"{path.name}: expected a .csv or .xlsx file")
