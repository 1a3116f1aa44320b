"""Report formats from one context: HTML (self-contained, escaped, zh-CN and en, template
overrides), JSON (the documented shape), Excel read back with openpyxl, and the catalogue."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import reportdata
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract
from reportdata import FORMULA_TITLE, KETTLE_TITLE, MUG_TOPIC, PERIOD, XSS

from pricewatch.db import Store
from pricewatch.reports.context import ReportContext, Topic
from pricewatch.reports.i18n import LOCALE_DIR, catalogue_path, translations
from pricewatch.reports.render.email import render_email
from pricewatch.reports.render.excel import currency_format, write_excel
from pricewatch.reports.render.html import render_html
from pricewatch.reports.render.json import render_json, report_data
from pricewatch.reports.writer import ReportFormatError, load_context, parse_formats

TEMPLATES = Path(__file__).resolve().parent.parent / "pricewatch/reports/templates"


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportContext]:
    db = tmp_path_factory.mktemp("render") / "pw.db"
    with Store.from_url(f"sqlite:///{db}") as store:
        reportdata.seed(store)
        reportdata.seed_topics(store)
        yield load_context(store, "acme", PERIOD)


def english(context: ReportContext) -> ReportContext:
    return replace(context, client=replace(context.client, locale="en", timezone="Europe/London"))


# ------------------------------------------------------------------------------ HTML


def test_html_escapes_scraped_text_everywhere(context: ReportContext) -> None:
    html = render_html(context)
    assert XSS not in html and "<b>Acme</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "艾克米 &lt;b&gt;Acme&lt;/b&gt; 商贸" in html  # the client's name too
    # Inside the SVG chart's label as well (the title is an attribute there).
    assert re.search(r'<svg class="chart"[^>]*aria-label="&lt;img', html)


def test_html_is_self_contained(context: ReportContext) -> None:
    html = render_html(context)
    assert "<script" not in html.lower()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html, re.I)
    assert not re.search(r"url\(|@import|src=", html.split("<body>")[0])
    assert html.count('<svg class="spark"') == 3  # products with competitor prices
    assert html.count('<svg class="chart"') == len(context.movers) == 3
    assert '<meta name="viewport"' in html and "@media print" in html


def test_html_in_chinese_with_local_money_and_dates(context: ReportContext) -> None:
    html = render_html(context)
    assert '<html lang="zh-CN">' in html
    assert "价格报告" in html and "本期变动" in html and "与您商品相关的热门话题" in html
    assert "¥299.00" in html and "¥284.80" in html and "US$40.00" in html
    assert "2026年11月13日" in html  # Babel's zh date, in Shanghai time
    assert "-¥40.00 (-13.8%)" in html
    assert "多平台热议" in html and "在榜时长" in html and "48.0 小时" in html


def test_chart_axis_names_moments_when_the_period_is_short(context: ReportContext) -> None:
    def axis(html: str) -> list[str]:
        chart = html[html.index('<svg class="chart"') :]
        chart = chart[: chart.index("</svg>")]
        labels = re.findall(
            r'text-anchor="(?:start|end)" font-size="11" fill="#555">([^<]+)<', chart
        )
        return labels[-2:]  # after the price axis's

    # A week: the ends are days (Babel's zh medium date, Shanghai time).
    assert axis(render_html(context)) == ["2026年11月13日", "2026年11月20日"]
    # Two hours (a report right after two crawls): the ends have their times, and differ.
    end = context.period.end
    short = replace(context, period=replace(context.period, start=end - timedelta(hours=2)))
    start_label, end_label = axis(render_html(short))
    assert start_label != end_label
    assert re.fullmatch(r"2026/11/20 \d\d:\d\d", start_label), start_label


def test_html_in_english(context: ReportContext) -> None:
    html = render_html(english(context))
    assert '<html lang="en">' in html
    assert "Price report for" in html and "Changes in the period" in html
    assert "价格报告" not in html
    assert "CN¥299.00" in html and "$40.00" in html
    assert "Nov 13, 2026" in html  # 2026-11-13 04:00 UTC, London time


def test_topics_section_shows_topics(context: ReportContext) -> None:
    html = render_html(context)
    section = html.split("与您商品相关的热门话题")[1].split("<footer>")[0]
    # Relevant topics: title (escaped, linked), platform, peak rank, heat, time on the list,
    # the products they relate to; then the cross-platform story with each platform's rank.
    assert '<a href="https://baidu.example/0" rel="noopener noreferrer nofollow">' in section
    assert "美的电热水壶新品发布" in section and "美的, 电热水壶" in section
    assert "<td>baidu</td>" in section and "2,000" in section and "24.0 小时" in section
    assert "&lt;img src=x onerror=alert(1)&gt; 美的电热水壶 1.7L" in section
    assert "-&lt;img src=x onerror=alert(1)&gt;马克杯 测评" in section and XSS not in section
    assert "0 分钟" in section  # the mug topic: one capture, no time on the list
    assert "冬季暴雪预警升级" in section and "weibo #1" in section
    assert "本期没有与您商品相关的热门话题" not in section
    topic = Topic(title="<b>露营</b>", source="weibo", url="javascript:alert(1)", peak_rank=1)
    html = render_html(replace(context, topics=(topic,) * 31, cross_platform=()))
    assert "&lt;b&gt;露营&lt;/b&gt;" in html and "<b>露营" not in html
    assert "javascript:" not in html  # only http(s) links become links
    assert html.count("&lt;b&gt;露营") == 30 and "另有 1 个话题" in html
    assert "本期没有在多个平台同时上榜的话题" in html
    empty = render_html(english(replace(context, topics=(), cross_platform=())))
    assert "No trending topic concerned your catalogue in this period." in empty
    brief = replace(context.topics[0], time_on_list=timedelta(minutes=40, seconds=20))
    assert "40 min" in render_html(english(replace(context, topics=(brief,))))


def test_templates_can_be_overridden(context: ReportContext, tmp_path: Path) -> None:
    (tmp_path / "report.css").write_text("body { color: rebeccapurple; }", encoding="utf-8")
    html = render_html(context, template_dir=tmp_path)
    assert "rebeccapurple" in html and "价格报告" in html  # report.html itself is the package's


# ------------------------------------------------------------------------------ e-mail body


def test_email_body_is_mail_safe(context: ReportContext) -> None:
    content = render_email(context, [Path("acme-2026-11-20.html"), Path("acme-2026-11-20.xlsx")])
    assert content.subject.startswith("艾克米 <b>Acme</b> 商贸 — 价格报告")  # a header: not HTML
    for tag in ("<style", "<svg", "<script", "<link"):
        assert tag not in content.html.lower()
    assert 'style="' in content.html and XSS not in content.html
    assert "需要关注" in content.html and "acme-2026-11-20.xlsx" in content.html
    # The plain-text part is text: titles as they are, not HTML-escaped.
    assert KETTLE_TITLE in content.text and "&lt;" not in content.text
    assert "被压价超过 5%: 2" in content.text


# ------------------------------------------------------------------------------ JSON


def test_json_has_exactly_the_documented_shape(context: ReportContext) -> None:
    data = json.loads(render_json(context))
    assert set(data) == {"client", "period", "summary", "products", "topics"}
    assert data["client"] == "acme"
    assert data["period"] == {
        "start": "2026-11-13T04:00:00+00:00",
        "end": "2026-11-20T04:00:00+00:00",
    }
    assert data["summary"] == {
        "products": 4,
        "matched": 3,
        "cheapest": 1,
        "undercut": 2,
        "avg_price_index": "7.39",
        "map_violations": 2,
    }
    kettle = next(p for p in data["products"] if p["sku"] == "KETTLE")
    assert set(kettle) == {
        "sku", "title", "own_price", "currency", "min_price", "median_price", "max_price",
        "price_index", "position", "competitors", "changes",
    }  # fmt: skip
    assert (kettle["own_price"], kettle["min_price"], kettle["median_price"]) == (
        "299.00",
        "249.00",
        "284.80",
    )
    assert (kettle["max_price"], kettle["price_index"], kettle["position"]) == ("310.00", "1.20", 3)
    us = next(c for c in kettle["competitors"] if c["shop"] == "usshop")
    assert us == {
        "shop": "usshop",
        "url": "http://127.0.0.1:9/usshop/kettle",
        "title": "usshop kettle",
        "price": "40.00",
        "currency": "USD",
        "availability": "in_stock",
        "last_seen": "2026-11-10T04:00:00+00:00",
        "included": True,
    }
    assert kettle["changes"] == [
        {
            "url": "http://127.0.0.1:9/hongxing/kettle",
            "old_price": "289.00",
            "new_price": "249.00",
            "old_availability": "in_stock",
            "new_availability": "in_stock",
            "at": "2026-11-17T04:00:00+00:00",
        }
    ]
    nomatch = next(p for p in data["products"] if p["sku"] == "NOMATCH")
    assert nomatch["min_price"] is None and nomatch["price_index"] is None
    assert report_data(context) == data


def test_json_topics_shape(context: ReportContext) -> None:
    topics = json.loads(render_json(context))["topics"]
    assert set(topics) == {"relevant", "cross_platform"}
    assert topics["relevant"][0] == {
        "source": "baidu",
        "title": "美的电热水壶新品发布",
        "url": "https://baidu.example/0",
        "peak_rank": 1,
        "peak_heat": 2000,
        "time_on_list_seconds": 2 * 86400,
        "first_seen": "2026-11-17T04:00:00+00:00",
        "skus": ["KETTLE"],
        "products": [KETTLE_TITLE],
        "terms": ["美的", "电热水壶"],
    }
    assert [t["skus"] for t in topics["relevant"]] == [["KETTLE"], ["KETTLE"], ["MUG"]]
    assert topics["cross_platform"] == [
        {
            "title": "冬季暴雪预警升级",
            "best_rank": 1,
            "skus": [],
            "platforms": [
                {
                    "source": "baidu",
                    "title": "冬季暴雪预警升级",
                    "url": "https://baidu.example/1",
                    "peak_rank": 1,
                },
                {
                    "source": "weibo",
                    "title": "冬季暴雪预警",
                    "url": "https://weibo.example/0",
                    "peak_rank": 1,
                },
            ],
        }
    ]


# ------------------------------------------------------------------------------ Excel


@pytest.fixture(scope="module")
def workbook(context: ReportContext, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_excel(context, tmp_path_factory.mktemp("xlsx") / "report.xlsx")


def test_excel_sheets_headers_filters_and_widths(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames == [
        "摘要", "比价矩阵", "变动", "价格历史", "库存", "热门话题", "跨平台话题", "价格走势",
    ]  # fmt: skip
    for name in wb.sheetnames[:-1]:
        ws = wb[name]
        assert ws.freeze_panes in ("A2", "C2"), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws.column_dimensions["A"].width > 5, name
    matrix = wb["比价矩阵"]
    assert [c.value for c in matrix[1]][:3] == ["货号", "商品", "我的价格"]
    assert matrix.freeze_panes == "C2"
    history = wb["价格历史"]
    # Rows in force or opened in the period: kettle 2+1+1+1+1, mug 3+1+1, formula 2.
    assert history.max_row == 1 + 13
    assert [c.value for c in wb["热门话题"][1]] == [
        "话题", "平台", "最高排名", "最高热度", "在榜小时数", "首次上榜", "相关商品", "货号",
        "匹配词", "链接",
    ]  # fmt: skip


def test_excel_topic_sheets(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    rows = [[c.value for c in row] for row in wb["热门话题"].iter_rows(min_row=2)]
    assert [row[:5] for row in rows] == [
        ["美的电热水壶新品发布", "baidu", 1, 2000, 48],
        ["美的电热水壶召回传闻辟谣", "weibo", 2, 1000, 24],
        [MUG_TOPIC, "weibo", 2, 1000, 0],
    ]
    assert rows[0][5].hour == 12  # 04:00 UTC, in Shanghai
    assert rows[0][6:] == [KETTLE_TITLE, "KETTLE", "美的, 电热水壶", "https://baidu.example/0"]
    mug = wb["热门话题"]["A4"]
    assert mug.data_type == "s" and mug.quotePrefix  # "-<img...": text, never a formula
    cross = [[c.value for c in row] for row in wb["跨平台话题"].iter_rows(min_row=2)]
    assert cross == [
        ["冬季暴雪预警升级", 2, 1, "baidu", 1, "冬季暴雪预警升级", None, "https://baidu.example/1"],
        ["冬季暴雪预警升级", 2, 1, "weibo", 1, "冬季暴雪预警", None, "https://weibo.example/0"],
    ]
    assert wb["跨平台话题"].auto_filter.ref == "A1:H3"


def test_excel_scraped_text_is_never_a_formula(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    matrix = wb["比价矩阵"]
    rows = {row[0].value: row for row in matrix.iter_rows(min_row=2)}
    formula = rows["+FORMULA"]
    assert formula[0].data_type == "s" and formula[0].quotePrefix  # the SKU "+FORMULA"
    assert formula[1].value == FORMULA_TITLE and formula[1].data_type == "s"
    assert formula[1].quotePrefix
    assert rows["KETTLE"][1].value == KETTLE_TITLE and not rows["KETTLE"][1].quotePrefix
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
    changes = wb["变动"]
    signs = [c.value for c in changes["H"][1:]]
    assert Decimal(str(min(v for v in signs if v is not None))) == Decimal("-95")


def test_excel_money_formats_conditional_formats_and_charts(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    matrix = wb["比价矩阵"]
    kettle = next(row for row in matrix.iter_rows(min_row=2) if row[0].value == "KETTLE")
    assert kettle[2].value == 299 and kettle[2].number_format == '"¥"#,##0.00;-"¥"#,##0.00'
    assert kettle[7].value == 1.2 and kettle[7].number_format == "0.00"
    rules = [
        rule.formula[0] for cf in matrix.conditional_formatting for rule in cf.rules if rule.formula
    ]
    assert any("<$D2" in f for f in rules)  # below MAP
    assert any("<$C2*0.95" in f for f in rules)  # undercut beyond the client's 5%
    changes_sheet = wb["变动"]
    assert changes_sheet["A2"].is_date and changes_sheet["A2"].value.hour == 12  # Shanghai time
    with zipfile.ZipFile(workbook) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3
        assert b"<c:lineChart>" in archive.read(charts[0])


def test_excel_in_english(context: ReportContext, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_excel(english(context), tmp_path / "en.xlsx"))
    assert wb.sheetnames[:2] == ["Summary", "Comparison"]


@pytest.mark.parametrize(
    ("currency", "locale", "expected"),
    [
        ("CNY", "zh-CN", '"¥"#,##0.00;-"¥"#,##0.00'),
        ("JPY", "en", '"¥"#,##0;-"¥"#,##0'),
        ("KWD", "en", '"KWD"#,##0.000;-"KWD"#,##0.000'),
    ],
)
def test_currency_number_format(currency: str, locale: str, expected: str) -> None:
    assert currency_format(currency, locale) == expected


# ------------------------------------------------------------------------------ catalogues


def _messages() -> set[str]:
    """Every message of the templates and of the Excel writer's ``_()`` calls."""
    found = set()
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    for path in TEMPLATES.iterdir():
        if path.suffix in (".html", ".txt"):
            with path.open("rb") as handle:
                for _, _, message, _ in babel_extract(handle, ("_", "gettext"), [], options):
                    found.add(message[0] if isinstance(message, tuple) else message)
    for module in ("excel.py", "excel_topics.py"):
        with (TEMPLATES.parent / "render" / module).open("rb") as handle:
            for _, _, message, _ in extract_python(handle, ("_",), [], {}):
                found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_template_message_has_a_chinese_translation() -> None:
    with catalogue_path("zh-CN").open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id: m.string for m in catalogue if m.id and not m.fuzzy}
    messages = _messages()
    assert len(messages) > 50
    missing = sorted(m for m in messages if not translated.get(m))
    assert not missing, f"untranslated in zh_CN/messages.po: {missing}"


def test_catalogue_compiles_in_memory_without_mo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import pricewatch.reports.i18n as i18n

    shutil.copytree(LOCALE_DIR, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("zh-CN").gettext("Stock") == "库存"
        assert not list((tmp_path / "locale").rglob("*.mo"))
        written = i18n.compile_catalogues()
        assert [p.name for p in written] == ["messages.mo"]
        assert i18n.translations("zh_CN").gettext("Stock") == "库存"
    finally:
        i18n.translations.cache_clear()
    with pytest.raises(ValueError, match="no report translation for 'fr'"):
        translations("fr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("html,xlsx", ("html", "xlsx")), ("PDF, json,pdf", ("pdf", "json")), ("xlsx", ("xlsx",))],
)
def test_parse_formats(text: str, expected: tuple[str, ...]) -> None:
    assert parse_formats(text) == expected


@pytest.mark.parametrize(("text", "message"), [("html,docx", "'docx'"), (",", "no report format")])
def test_bad_formats(text: str, message: str) -> None:
    with pytest.raises(ReportFormatError, match=message):
        parse_formats(text)


@pytest.mark.parametrize("locale", ["zh-CN", "en", "de", "fr", "hi-IN"])
@pytest.mark.parametrize("currency", ["CNY", "USD", "JPY", "KWD", "EUR"])
def test_cached_money_formatting_equals_babel(locale: str, currency: str) -> None:
    """The report's fast money path writes exactly what pricewatch.money.format_money does
    (hi-IN groups digits 12,34,567: there the fast path declines and Babel formats)."""
    from pricewatch.money import format_money
    from pricewatch.reports.render.environment import Formatters

    fmt = Formatters(locale, "UTC")
    for text in (
        "0",
        "0.005",
        "-0.004",
        "1",
        "12.345",
        "999.999",
        "1000",
        "-1234567.125",
        "98765432.1",
    ):
        amount = Decimal(text)
        assert fmt.money(amount, currency) == format_money(amount, currency, locale), text
        assert fmt.money(amount, currency) == format_money(amount, currency, locale)  # cached
