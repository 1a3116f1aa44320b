"""Extraction accuracy on the labelled real-page corpus (``tests/fixtures/pages/``).

Each saved page is read the way ``pricewatch extract`` reads a page of no known shop (generic
extraction: no selectors, no shop currency) and compared with its human label in
``tests/fixtures/pages/pages.json``. Printed: precision, recall and F1 for the price (amount
and currency must both match) and for availability, one line per miss, and the extraction
time per page (parsing included, one process, median of ``--repeat`` runs).

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


def read_page(path: Path, url: str) -> Extraction:
    """One saved page through generic extraction, decoded as a fetched page would be."""
    response = HtmlResponse(url, body=path.read_bytes())
    return extract_product(response.selector, url, body=response.body, encoding=response.encoding)


def score(
    labels: list[dict[str, object]], results: list[Extraction]
) -> tuple[Score, Score, list[str]]:
    price, stock = Score(), Score()
    misses: list[str] = []
    for label, got in zip(labels, results, strict=True):
        want_price = Decimal(str(label["price"])) if label["price"] is not None else None
        want_currency = label["currency"]
        price.labelled += want_price is not None
        if got.price is not None:
            price.predicted += 1
            if got.price == want_price and got.currency == want_currency:
                price.correct += 1
        if (got.price, got.currency) != (want_price, want_currency if want_price else got.currency):
            misses.append(
                f"price  {label['file']}: got {got.price} {got.currency} "
                f"({got.extracted_by}), want {want_price} {want_currency}"
            )
        want_stock = label["availability"]
        stock.labelled += want_stock != "unknown"
        if got.availability != "unknown":
            stock.predicted += 1
            stock.correct += got.availability == want_stock
        if got.availability != want_stock:
            misses.append(f"stock  {label['file']}: got {got.availability}, want {want_stock}")
    return price, stock, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with pages.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes (median is shown)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)

    labels = json.loads((args.corpus / "pages.json").read_text(encoding="utf-8"))
    paths = [args.corpus / str(label["file"]) for label in labels]
    results: list[Extraction] = []
    pass_ms: list[float] = []
    for _ in range(max(1, args.repeat)):
        started = time.perf_counter()
        results = [read_page(p, str(label["url"])) for p, label in zip(paths, labels, strict=True)]
        pass_ms.append((time.perf_counter() - started) * 1000)
    price, stock, misses = score(labels, results)
    ms_per_page = statistics.median(pass_ms) / len(labels)
    kib = sum(p.stat().st_size for p in paths) / len(paths) / 1024

    print(
        f"corpus: {len(labels)} pages, {len({label['shop'] for label in labels})} shops, "
        f"{kib:.0f} KiB per page on average"
    )
    print(price.line("price"))
    print(stock.line("availability"))
    print(f"time          {ms_per_page:.1f} ms/page (median of {len(pass_ms)} passes, one process)")
    for miss in misses:
        print(f"miss  {miss}")
    if args.json:
        print(
            json.dumps(
                {
                    "pages": len(labels),
                    "price": {"precision": price.precision, "recall": price.recall, "f1": price.f1},
                    "availability": {
                        "precision": stock.precision,
                        "recall": stock.recall,
                        "f1": stock.f1,
                    },
                    "ms_per_page": ms_per_page,
                    "misses": len(misses),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
