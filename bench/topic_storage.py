"""Topic storage: observation rows against a row per entry per capture, and capture write time
as history grows.

To run: .venv/bin/python bench/topic_storage.py [--days 30] [--entries 50] [--db URL]

Feeds :meth:`pricewatch.db.store.Store.store_topic_capture` directly (no HTTP, no Scrapy) with
hourly captures of two simulated sources for ``--days`` days, ``--entries`` ranked entries each:

* ``hot``: a Weibo-like list whose heat moves on every capture and where about a fifth of the
  entries are replaced each hour (run-length saves little: every entry changes);
* ``daily``: a GitHub-trending-like list that changes once a day (24 identical captures a day).

Figures: ``topic_observation`` rows per source against the baseline of one row per entry per
capture (what a naive "insert every scrape" schema keeps), and the mean time of a capture write
over the first and the last 48 captures of each source (their ratio stays near 1 when writes
do not slow down with history: every statement is bounded by the capture's size).

Correctness is checked first: each source's stored list at its last capture equals the last
simulated list (titles, ranks, heats); the script exits 1 otherwise. The last line is
``rows/baseline hot=<r> daily=<r> write_ms first=<ms> last=<ms> ratio=<r>``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from pricewatch.db.models import Topic, TopicObservation
from pricewatch.db.store import Store
from pricewatch.records import TopicCaptureRecord, TopicEntryRecord
from pricewatch.topics.text import normalise_title

START = datetime(2026, 11, 1, tzinfo=UTC)


def simulate(
    kind: str, hours: int, entries: int, rng: random.Random
) -> list[list[tuple[str, int]]]:
    """``hours`` lists of ``(title, heat)``, best first."""
    serial = 0
    current: list[tuple[str, int]] = []
    lists = []
    for hour in range(hours):
        if kind == "daily" and hour % 24 and current:
            lists.append(list(current))
            continue
        keep = current if kind == "hot" else current[: entries // 2]
        keep = [(t, h) for t, h in keep if rng.random() > 0.2]
        while len(keep) < entries:
            serial += 1
            keep.append((f"{kind} 话题 {serial}", rng.randint(10_000, 3_000_000)))
        drift = (lambda h: int(h * rng.uniform(0.9, 1.3))) if kind == "hot" else (lambda h: h)
        current = sorted(((t, drift(h)) for t, h in keep), key=lambda x: -x[1])[:entries]
        lists.append(list(current))
    return lists


def record(source: str, at: datetime, items: list[tuple[str, int]]) -> TopicCaptureRecord:
    entries = tuple(
        TopicEntryRecord(normalise_title(t), t, i, heat=h, raw={"title": t, "heat": h})
        for i, (t, h) in enumerate(items, start=1)
    )
    return TopicCaptureRecord(source, "http://127.0.0.1/hot", at, entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--db", help="database URL (default: a scratch SQLite file)")
    args = parser.parse_args()
    hours = args.days * 24
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'topics.db'}"
        with Store.from_url(url) as store:
            timings: dict[str, list[float]] = {}
            lists = {kind: simulate(kind, hours, args.entries, rng) for kind in ("hot", "daily")}
            for hour in range(hours):
                at = START + timedelta(hours=hour)
                for kind, series in lists.items():
                    begun = time.perf_counter()
                    store.store_topic_capture(record(kind, at, series[hour]))
                    timings.setdefault(kind, []).append(time.perf_counter() - begun)
            for kind, series in lists.items():
                stored = [(r.title, r.rank, r.heat) for r in store.topic_list(kind)]
                expected = [(t, i, h) for i, (t, h) in enumerate(series[-1], start=1)]
                if stored != expected:
                    print(f"FAIL: {kind}: the stored last list differs from the simulated one")
                    return 1
            ratios = {}
            with store._read_session() as session:
                for kind in lists:
                    rows = session.scalar(
                        select(func.count())
                        .select_from(TopicObservation)
                        .join(Topic, Topic.id == TopicObservation.topic_id)
                        .where(Topic.source == kind)
                    )
                    baseline = hours * args.entries
                    ratios[kind] = (rows or 0) / baseline
                    print(
                        f"{kind:>5}: {rows} observation rows for {baseline} entry-captures "
                        f"({ratios[kind]:.3f})"
                    )
    first = sum(sum(t[:48]) / 48 for t in timings.values()) / len(timings) * 1000
    last = sum(sum(t[-48:]) / 48 for t in timings.values()) / len(timings) * 1000
    print(
        f"rows/baseline hot={ratios['hot']:.3f} daily={ratios['daily']:.3f} "
        f"write_ms first={first:.2f} last={last:.2f} ratio={last / first:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
