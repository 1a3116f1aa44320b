"""The Excel report (xlsxwriter): summary, comparison matrix, changes, price history (long
format), stock, trending topics (:mod:`~pricewatch.reports.render.excel_topics`), and native
line charts for the products that moved most.

Every sheet has a frozen header row, an autofilter and set column widths; prices carry the
client currency's number format; undercuts and MAP violations are highlighted by conditional
formatting, so they stay highlighted when the merchant edits a price. Text from shops is
written with ``write_string`` (never parsed as a formula or number), and a cell whose text
starts with ``= + - @`` (or a tab/CR) also gets Excel's quote prefix, so editing the cell
later does not turn it into a formula either. Times are the client's local time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import get_currency_symbol
from xlsxwriter import Workbook
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from pricewatch.money import currency_exponent
from pricewatch.reports.context import ProductReport, ReportContext
from pricewatch.reports.i18n import translations
from pricewatch.reports.render.environment import Formatters
from pricewatch.reports.render.series import competitor_lines, daily, days

#: Text that spreadsheet programs read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Longest text Excel keeps in a cell.
MAX_CELL_TEXT = 32_767


def currency_format(currency: str, locale: str) -> str:
    """An Excel number format for prices in ``currency``: ``"¥"#,##0.00``."""
    symbol = get_currency_symbol(currency, locale=locale.replace("-", "_")).replace('"', "")
    digits = currency_exponent(currency)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    return f'"{symbol}"{number};-"{symbol}"{number}'


class _Sheet:
    """A worksheet written row by row, with typed cell writers."""

    def __init__(self, book: _Book, name: str, headers: list[str], widths: list[int]) -> None:
        self.book = book
        self.ws: Worksheet = book.wb.add_worksheet(name[:31])
        self.columns = len(headers)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            self.ws.write_string(0, col, header, book.header)
            self.ws.set_column(col, col, width)
        self.ws.freeze_panes(1, 0)
        self.row = 1

    def cell(self, col: int, value: Any, kind: str = "text") -> None:
        book, ws, row = self.book, self.ws, self.row
        if value is None or value == "":
            ws.write_blank(row, col, None)
        elif kind == "money":
            ws.write_number(row, col, float(value), book.money)
        elif kind == "foreign":  # a price in its own currency: plain digits, currency beside it
            ws.write_number(row, col, float(value), book.decimal)
        elif kind == "index":
            ws.write_number(row, col, float(value), book.index)
        elif kind == "percent":
            ws.write_number(row, col, float(value), book.percent)
        elif kind == "int":
            ws.write_number(row, col, int(value))
        elif kind == "time":
            ws.write_datetime(row, col, book.local(value), book.time)
        else:
            text = str(value)[:MAX_CELL_TEXT]
            quoted = text.startswith(FORMULA_STARTS)
            ws.write_string(row, col, text, book.quoted if quoted else None)

    def next(self) -> None:
        self.row += 1

    def write_row(self, values: list[tuple[Any, str]]) -> None:
        """One row of ``(value, kind)`` cells from the first column, then the next row."""
        for col, (value, kind) in enumerate(values):
            self.cell(col, value, kind)
        self.next()

    def finish(self) -> None:
        self.ws.autofilter(0, 0, max(self.row - 1, 1), self.columns - 1)


class _Book:
    def __init__(self, path: Path, context: ReportContext) -> None:
        client = context.client
        self.fmt = Formatters(client.locale, client.timezone)
        self.wb = Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        self.header = self.wb.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
        self.money = self.wb.add_format(
            {"num_format": currency_format(client.currency, client.locale)}
        )
        self.decimal = self.wb.add_format({"num_format": "#,##0.00###"})
        self.index = self.wb.add_format({"num_format": "0.00"})
        self.percent = self.wb.add_format({"num_format": "+0.0%;-0.0%;0.0%"})
        self.time = self.wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.quoted = self.wb.add_format({"quote_prefix": True})
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.bad = self.wb.add_format({"bg_color": "#FDE2E1", "font_color": "#9C0006"})
        self.violation = self.wb.add_format(
            {"bg_color": "#FFD8A8", "font_color": "#7A3E00", "bold": True}
        )

    def local(self, value: datetime) -> datetime:
        # Excel has no time zones: the client's wall-clock time.
        return value.astimezone(self.fmt.zone).replace(tzinfo=None)


def write_excel(context: ReportContext, path: Path) -> Path:
    """Write the workbook to ``path``; returns it."""
    # Imported here: the topic sheets are built from this module's cell writers.
    from pricewatch.reports.render.excel_topics import topic_sheets

    _ = translations(context.client.locale).gettext
    book = _Book(path, context)
    _summary(book, context, _)
    _matrix(book, context, _)
    _changes(book, context, _)
    _history(book, context, _)
    _stock(book, context, _)
    topic_sheets(book, context, _)
    _charts(book, context, _)
    book.wb.close()
    return path


def _summary(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    s = ctx.summary
    sheet = _Sheet(book, _("Summary"), [_("Figure"), _("Value")], [42, 22])
    rows: list[tuple[str, Any, str]] = [
        (_("Client"), ctx.client.name, "text"),
        (
            _("Period"),
            f"{book.fmt.when(ctx.period.start)} – {book.fmt.when(ctx.period.end)}",
            "text",
        ),
        (_("Generated"), ctx.generated_at, "time"),
        (_("Currency"), ctx.client.currency, "text"),
        (_("Products tracked"), s.products, "int"),
        (_("With competitors"), s.matched, "int"),
        (_("Cheapest on"), s.cheapest, "int"),
        (_("Average price index"), s.avg_price_index, "index"),
        (_("Undercuts"), s.undercut, "int"),
        (_("MAP violations"), s.map_violations, "int"),
        (_("Price and stock changes"), s.changes, "int"),
        (_("New listings"), s.new_listings, "int"),
        (_("Gone listings"), s.gone_listings, "int"),
        (_("Suspect prices"), s.suspect, "int"),
    ]
    for label, value, kind in rows:
        sheet.cell(0, label)
        sheet.cell(1, value, kind)
        sheet.next()
    sheet.finish()


def _matrix(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    shops = sorted({c.shop for p in ctx.products for c in p.competitors})
    fixed = [
        _("SKU"),
        _("Product"),
        _("Your price"),
        _("MAP"),
        _("Lowest"),
        _("Median"),
        _("Highest"),
        _("Index"),
        _("Position"),
        _("Undercut"),
        _("MAP violations"),
    ]
    sheet = _Sheet(
        book,
        _("Comparison"),
        fixed + shops,
        [16, 40, 12, 12, 12, 12, 12, 8, 9, 10, 10] + [14] * len(shops),
    )
    sheet.ws.freeze_panes(1, 2)
    yes, no = _("yes"), _("no")
    for p in ctx.products:
        cells = [
            (p.sku, "text"),
            (p.title, "text"),
            (p.own_price, "money"),
            (p.map_price, "money"),
            (p.lowest, "money"),
            (p.median, "money"),
            (p.highest, "money"),
            (p.price_index, "index"),
            (p.position, "int"),
            (yes if p.undercut else no, "text"),
            (p.map_violations, "int"),
        ]
        for col, (value, kind) in enumerate(cells):
            sheet.cell(col, value, kind)
        for offset, shop in enumerate(shops):
            prices = [
                c.converted
                for c in p.competitors
                if c.shop == shop and c.converted is not None and not c.gone
            ]
            sheet.cell(len(fixed) + offset, min(prices) if prices else None, "money")
        sheet.next()
    last = max(sheet.row - 1, 1)
    if shops:
        first_col, last_col = len(fixed), len(fixed) + len(shops) - 1
        cell = xl_rowcol_to_cell(1, first_col, row_abs=False, col_abs=False)
        factor = 1 - Decimal(ctx.client.undercut_threshold_bp) / 10_000
        # MAP first: a listing below MAP is a violation whether or not it also undercuts.
        sheet.ws.conditional_format(
            1,
            first_col,
            last,
            last_col,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({cell}),ISNUMBER($D2),{cell}<$D2)",
                "format": book.violation,
            },
        )
        sheet.ws.conditional_format(
            1,
            first_col,
            last,
            last_col,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({cell}),ISNUMBER($C2),{cell}<$C2*{factor})",
                "format": book.bad,
            },
        )
    sheet.ws.conditional_format(
        1, 7, last, 7, {"type": "cell", "criteria": ">", "value": 1, "format": book.bad}
    )
    sheet.ws.conditional_format(
        1, 10, last, 10, {"type": "cell", "criteria": ">", "value": 0, "format": book.violation}
    )
    sheet.finish()


def _changes(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    headers = [
        _("When"),
        _("SKU"),
        _("Shop"),
        _("Listing"),
        _("Old price"),
        _("New price"),
        _("Currency"),
        _("Change"),
        _("Change %"),
        _("Old stock"),
        _("New stock"),
        _("Suspect price"),
    ]
    sheet = _Sheet(book, _("Changes"), headers, [17, 16, 14, 50, 12, 12, 9, 12, 10, 14, 14, 10])
    changes = sorted(((p, c) for p in ctx.products for c in p.changes), key=lambda pc: pc[1].at)
    for product, change in changes:
        values = [
            (change.at, "time"),
            (product.sku, "text"),
            (change.shop, "text"),
            (change.url, "text"),
            (change.old_price, "foreign"),
            (change.new_price, "foreign"),
            (change.currency, "text"),
            (change.delta, "foreign"),
            (change.relative, "percent"),
            (_availability(change.old_availability, _), "text"),
            (_availability(change.new_availability, _), "text"),
            (_("yes") if change.suspect else "", "text"),
        ]
        for col, (value, kind) in enumerate(values):
            sheet.cell(col, value, kind)
        sheet.next()
    last = max(sheet.row - 1, 1)
    sheet.ws.conditional_format(
        1, 7, last, 7, {"type": "cell", "criteria": "<", "value": 0, "format": book.bad}
    )
    sheet.finish()


def _history(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    headers = [
        _("SKU"),
        _("Shop"),
        _("Listing"),
        _("From"),
        _("Price"),
        _("Currency"),
        _("In %(currency)s") % {"currency": ctx.client.currency},
        _("Stock"),
    ]
    sheet = _Sheet(book, _("Price history"), headers, [16, 14, 50, 17, 12, 9, 14, 14])
    for p in ctx.products:
        for c in p.competitors:
            for point in c.history:
                values = [
                    (p.sku, "text"),
                    (c.shop, "text"),
                    (c.url, "text"),
                    (point.at, "time"),
                    (point.price, "foreign"),
                    (point.currency, "text"),
                    (point.converted, "money"),
                    (_availability(point.availability, _), "text"),
                ]
                for col, (value, kind) in enumerate(values):
                    sheet.cell(col, value, kind)
                sheet.next()
    sheet.finish()


def _stock(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    headers = [
        _("SKU"),
        _("Product"),
        _("Shop"),
        _("Listing"),
        _("Stock"),
        _("Last seen"),
        _("Counted"),
        _("New"),
        _("Gone"),
    ]
    sheet = _Sheet(book, _("Stock"), headers, [16, 36, 14, 50, 14, 17, 9, 7, 7])
    yes, no = _("yes"), _("no")
    for p in ctx.products:
        for c in p.competitors:
            values = [
                (p.sku, "text"),
                (p.title, "text"),
                (c.shop, "text"),
                (c.url, "text"),
                (_availability(c.availability, _), "text"),
                (c.last_seen, "time"),
                (yes if c.included else no, "text"),
                (yes if c.new else "", "text"),
                (yes if c.gone else "", "text"),
            ]
            for col, (value, kind) in enumerate(values):
                sheet.cell(col, value, kind)
            sheet.next()
    sheet.finish()


def _charts(book: _Book, ctx: ReportContext, _: Callable[[str], str]) -> None:
    """Daily prices of the products that moved most, each with a native line chart."""
    ws = book.wb.add_worksheet(_("Price trends")[:31])
    moments = days(ctx.period, book.fmt.zone)
    row = 0
    for sku in ctx.movers:
        product = ctx.product(sku)
        lines = competitor_lines(product)
        ws.write_string(row, 0, f"{product.title or sku} ({sku})"[:MAX_CELL_TEXT], book.title)
        header = row + 1
        ws.write_string(header, 0, _("Date"), book.header)
        ws.write_string(header, 1, _("Your price"), book.header)
        for col, line in enumerate(lines, start=2):
            _label(ws, header, col, line.label, book)
        for offset, moment in enumerate(moments, start=1):
            ws.write_datetime(header + offset, 0, book.local(moment), book.date)
            if product.own_price is not None:
                ws.write_number(header + offset, 1, float(product.own_price), book.money)
        for col, line in enumerate(lines, start=2):
            for offset, value in enumerate(daily(line, moments), start=1):
                if value is not None:
                    ws.write_number(header + offset, col, float(value), book.money)
        _line_chart(book, ws, product, header, len(moments), len(lines) + 1, _)
        row = header + max(len(moments), 16) + 3
    ws.set_column(0, 0, 12)
    ws.set_column(1, 12, 12)


def _label(ws: Worksheet, row: int, col: int, text: str, book: _Book) -> None:
    quoted = text.startswith(FORMULA_STARTS)
    ws.write_string(row, col, text, book.quoted if quoted else book.header)


def _line_chart(
    book: _Book,
    ws: Worksheet,
    product: ProductReport,
    header: int,
    count: int,
    series: int,
    _: Callable[[str], str],
) -> None:
    chart = book.wb.add_chart({"type": "line"})
    name = ws.get_name()
    for col in range(1, series + 1):
        chart.add_series(
            {
                "name": [name, header, col],
                "categories": [name, header + 1, 0, header + count, 0],
                "values": [name, header + 1, col, header + count, col],
                "line": {"dash_type": "dash", "color": "#111111"} if col == 1 else {"width": 2},
            }
        )
    chart.set_title({"name": _("Price history") + f" — {product.sku}"})
    chart.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
    chart.set_y_axis({"num_format": currency_format(product.currency, book.fmt.locale)})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart(header, series + 2, chart, {"x_scale": 1.3, "y_scale": 1.1})


def _availability(value: str, _: Callable[[str], str]) -> str:
    labels = {
        "in_stock": _("In stock"),
        "out_of_stock": _("Out of stock"),
        "preorder": _("Pre-order"),
    }
    return labels.get(value, _("Unknown"))
