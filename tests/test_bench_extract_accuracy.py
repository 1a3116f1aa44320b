"""``bench/extract_accuracy.py``: it scores a corpus, prints a line per miss, and its scoring
counts "unknown" as a recall miss only and a wrong answer as both a precision and recall miss.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from pricewatch.extract import Extraction

BENCH = Path(__file__).resolve().parents[1] / "bench"
CORPUS = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("extract_accuracy")


def test_runs_on_a_corpus_and_prints_figures_and_misses(tmp_path: Path) -> None:
    labels = json.loads((CORPUS / "pages.json").read_text(encoding="utf-8"))
    picked = [
        next(row for row in labels if row["file"] == "bookstoscrape-sharp-objects.html"),
        next(row for row in labels if row["file"].startswith("etsy-")),  # a known price miss
    ]
    for row in picked:
        shutil.copy(CORPUS / row["file"], tmp_path / row["file"])
    (tmp_path / "pages.json").write_text(json.dumps(picked), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(BENCH / "extract_accuracy.py"), "--corpus", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "corpus: 2 pages, 2 shops, " + out[0].split(", ")[2]
    assert re.match(r"price +precision=0\.500 recall=0\.500 f1=0\.500", out[1])
    assert re.match(r"availability +precision=1\.000 recall=1\.000 f1=1\.000", out[2])
    assert re.match(r"time +extraction \d+\.\d ms/page, parsing alone \d+\.\d ms/page", out[4])
    assert any(line.startswith("miss  price  etsy-") for line in out)
    figures = json.loads(out[-1])
    assert figures["pages"] == 2 and figures["price"]["f1"] == 0.5


def label(price: str | None, availability: str = "in_stock") -> dict[str, object]:
    return {
        "file": "p.html",
        "price": price,
        "currency": "EUR" if price else None,
        "list_price": None,
        "availability": availability,
    }


def got(price: str | None, availability: str = "in_stock") -> Extraction:
    amount = Decimal(price) if price else None
    return Extraction(
        url="u", price=amount, currency="EUR" if price else None, availability=availability
    )  # type: ignore[arg-type]


def test_unknown_is_a_recall_miss_wrong_is_both(bench: ModuleType) -> None:
    labels = [label("10"), label("20"), label("30"), label(None, "out_of_stock")]
    results = [
        got("10"),  # right
        got(None, "unknown"),  # no answer: recall only
        got("31", "out_of_stock"),  # wrong price and wrong stock: precision and recall
        got("5", "out_of_stock"),  # a price where there is none: precision
    ]
    price, stock, listed, misses = bench.score(labels, results)
    assert (price.correct, price.predicted, price.labelled) == (1, 3, 3)
    assert price.precision == pytest.approx(1 / 3) and price.recall == pytest.approx(1 / 3)
    assert (stock.correct, stock.predicted, stock.labelled) == (2, 3, 4)
    assert listed.predicted == 0 and listed.f1 == 1.0  # nothing labelled, nothing answered
    assert len([m for m in misses if m.startswith("price")]) == 3
    assert len([m for m in misses if m.startswith("stock")]) == 2
