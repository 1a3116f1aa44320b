"""Extraction accuracy on the labelled real-page corpus (``tests/fixtures/pages/``).

Each saved page is read the way ``pricewatch extract`` reads a page of no known shop (generic
extraction: no selectors, no shop currency) and compared with its human label in
``tests/fixtures/pages/pages.json``. Printed: precision, recall and F1 for the price (amount
and currency must both match), for availability and for the list price, one line per miss,
and the extraction time per page beside its baseline, the time to decode and parse the same
page (which every spider pays anyway), in the same run: one process, median of ``--repeat``
passes.

Scoring, "unknown rather than wrong": a page answered with no price (or ``unknown``
availability) is a miss of recall only; a wrong answer is a miss of both precision and recall.
A page labelled with no price counts against precision when a price is given for it.

To run::

    .venv/bin/python bench/extract_accuracy.py
    .venv/bin/python bench/extract_accuracy.py --repeat 5 --json
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from scrapy.http import HtmlResponse

from pricewatch.extract import Extraction, extract_product

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


@dataclass
class Score:
    """Counts for one field: answers given, answers right, labels that have a value."""

    predicted: int = 0
    correct: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<13} precision={self.precision:.3f} recall={self.recall:.3f} "
            f"f1={self.f1:.3f}  ({self.correct} right of {self.predicted} answered, "
            f"{self.labelled} labelled)"
        )


def parse_page(path: Path, url: str) -> HtmlResponse:
    """A saved page as a fetched response, decoded and parsed (the baseline's work)."""
    response = HtmlResponse(url, body=path.read_bytes())
    _ = response.selector  # parsed once, as for every spider callback
    return response


def read_page(response: HtmlResponse) -> Extraction:
    """One parsed page through generic extraction, as for a page of no known shop."""
    return extract_product(
        response.selector, response.url, body=response.body, encoding=response.encoding
    )


def _amount(value: object) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def score(
    labels: list[dict[str, object]], results: list[Extraction]
) -> tuple[Score, Score, Score, list[str]]:
    """Price, availability and list-price scores, and a line per miss."""
    price, stock, listed = Score(), Score(), Score()
    misses: list[str] = []
    for label, got in zip(labels, results, strict=True):
        name = label["file"]
        want_price, want_currency = _amount(label["price"]), label["currency"]
        price.labelled += want_price is not None
        if got.price is not None:
            price.predicted += 1
            price.correct += got.price == want_price and got.currency == want_currency
        if (got.price, got.currency if got.price is not None else None) != (
            want_price,
            want_currency,
        ):
            misses.append(
                f"price  {name}: got {got.price} {got.currency} ({got.extracted_by}), "
                f"want {want_price} {want_currency}"
            )
        want_list = _amount(label["list_price"])
        listed.labelled += want_list is not None
        if got.list_price is not None:
            listed.predicted += 1
            listed.correct += got.list_price == want_list
        if got.list_price != want_list:
            misses.append(f"list   {name}: got {got.list_price}, want {want_list}")
        want_stock = label["availability"]
        stock.labelled += want_stock != "unknown"
        if got.availability != "unknown":
            stock.predicted += 1
            stock.correct += got.availability == want_stock
        if got.availability != want_stock:
            misses.append(
                f"stock  {name}: got {got.availability} ({got.availability_by}), want {want_stock}"
            )
    return price, stock, listed, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with pages.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (median is shown)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)

    labels = json.loads((args.corpus / "pages.json").read_text(encoding="utf-8"))
    paths = [args.corpus / str(label["file"]) for label in labels]
    read_page(parse_page(paths[0], str(labels[0]["url"])))  # imports (extruct...) not timed
    results: list[Extraction] = []
    parse_ms: list[float] = []
    extract_ms: list[float] = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        pages = [parse_page(p, str(label["url"])) for p, label in zip(paths, labels, strict=True)]
        parsed = time.perf_counter()
        results = [read_page(page) for page in pages]
        parse_ms.append((parsed - started) * 1000 / len(labels))
        extract_ms.append((time.perf_counter() - parsed) * 1000 / len(labels))
    price, stock, listed, misses = score(labels, results)
    ms_parse, ms_extract = statistics.median(parse_ms), statistics.median(extract_ms)
    kib = sum(p.stat().st_size for p in paths) / len(paths) / 1024

    print(
        f"corpus: {len(labels)} pages, {len({label['shop'] for label in labels})} shops, "
        f"{kib:.0f} KiB per page on average"
    )
    print(price.line("price"))
    print(stock.line("availability"))
    print(listed.line("list price"))
    print(
        f"time          extraction {ms_extract:.1f} ms/page, parsing alone {ms_parse:.1f} "
        f"ms/page (ratio {ms_extract / ms_parse:.2f}; median of {len(extract_ms)} passes, "
        "one process)"
    )
    for miss in misses:
        print(f"miss  {miss}")
    if args.json:
        figures = {
            "pages": len(labels),
            **{
                name: {"precision": s.precision, "recall": s.recall, "f1": s.f1}
                for name, s in (("price", price), ("availability", stock), ("list_price", listed))
            },
            "extract_ms_per_page": ms_extract,
            "parse_ms_per_page": ms_parse,
            "misses": len(misses),
        }
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
