"""Crawl throughput: a bare Scrapy spider vs. the full pricewatch path, on the same local shop.

To run: .venv/bin/python bench/crawl_throughput.py [--pages 2000] [--repeat 1]

What happens in one run:

1. A generated shop of ``--pages`` product pages (20-60 KB of HTML each: navigation, inline CSS
   and JS, related-product cards, a schema.org ``Product`` JSON-LD block, ``<h1 class="title">``
   and ``<span class="price">¥1,299.00</span>``) is rendered once, in memory, inside a separate
   server process (multiprocessing, so it runs on the other core). The server is a minimal
   asyncio HTTP/1.1 keep-alive server on 127.0.0.1 that answers from a dict of pre-built
   responses (gzip-compressed when the client accepts it, as shops do); it is not the
   bottleneck: its CPU use during each crawl is printed next to the crawl's figures.
2. Each variant crawls exactly the same product URLs (a start URL list, no listing pages) in
   its own child process (Twisted's reactor cannot restart), with the same concurrency:
   ``CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN = 32``, AutoThrottle off,
   robots.txt not fetched, ``LOG_LEVEL = WARNING``:

   * ``bare``: a plain ``scrapy.Spider`` with Scrapy's default settings, two CSS selectors
     (title, price text), no pipelines, no extraction library;
   * ``full``: a :class:`pricewatch.platforms.StructuredDataSpider` subclass given the URLs
     through its ``urls`` argument, run by pricewatch's ``run_crawls`` with the project's
     settings (download handler, middlewares, extensions) and the project's
     ``ValidatePipeline`` + ``StorePipeline`` writing to a fresh SQLite file in a temp dir.

3. Each child measures its own throughput: pages/s = responses / (time of the spider_closed
   signal - time of the first response). The interval therefore excludes interpreter start,
   imports, the database migration and the first connection, and includes the pipelines'
   final flush (Scrapy closes pipelines before it sends spider_closed) and a final
   ``gc.collect()`` (parsed pages held by reference cycles would otherwise be freed, and paid
   for, after the clock stops, flattering whichever variant leaves more garbage behind). Over
   the same interval it measures its CPU time (all threads, so the store's writer thread
   counts): pages per CPU-second is much less sensitive than pages/s to other load on a
   shared machine. It also
   reports its peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``) and, separately, the RSS of
   the helper processes it started (read from /proc at spider_closed: the full path's
   scrapy-playwright download handlers start Playwright's node driver), plus how long the
   process took and how long until its first response.
4. The parent checks correctness and exits 1 when a crawl is broken: the server answered
   exactly one request per page, every page came back with status 200, no errors were
   logged, the bare spider's titles and price texts equal the generated ones, and the full
   run's database (``Store.current_prices``) holds one listing per page with exactly the
   generated title, price, currency, availability and SKU, in a finished run without failures.

``--repeat K`` runs bare, full, bare, full, ... K times each and reports the medians. The last
line is ``pages/s bare=<n> full=<n> ratio=<full/bare>``; the target is ratio >= 0.7, reported
but not enforced (the machine may be noisy).

Where things are: this script is the parent (command line, runs, report) and, with ``--mode``,
the crawling child. The shop's catalogue and pages are in ``throughput/shop.py``, its server
in ``throughput/server.py``, the two crawls and their clock in ``throughput/measure.py``, the
correctness checks in ``throughput/checks.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from throughput.checks import BenchFailure, check_bare, check_full
from throughput.measure import CONCURRENCY, child_main, parse_settings
from throughput.server import ShopServer
from throughput.shop import DEFAULT_SEED, make_catalog

DEFAULT_PAGES = 2000
TARGET_RATIO = 0.7
CHILD_TIMEOUT_S = 900


def run_child(
    mode: str, port: int, pages: int, workdir: Path, run: int, settings: list[str]
) -> tuple[dict[str, Any], str]:
    out = workdir / f"{mode}-{run}.json"
    db_url = f"sqlite:///{workdir / f'full-{run}.db'}"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--mode",
        mode,
        "--port",
        str(port),
        "--pages",
        str(pages),
        "--out",
        str(out),
        "--db",
        db_url,
        *(f"--set={setting}" for setting in settings),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRICEWATCH_")}
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, timeout=CHILD_TIMEOUT_S, check=False)
    if proc.returncode != 0:
        raise BenchFailure(f"{mode} crawl process exited with status {proc.returncode}")
    result = json.loads(out.read_text())
    result["process_s"] = time.monotonic() - started
    result["startup_s"] = (result["first_response"] or started) - started
    return result, db_url


def describe(run: str, result: Mapping[str, Any], server_cpu: float) -> str:
    helpers = result["helpers"].split()
    helper_note = (
        f" + {len(helpers)} helper process(es) {result['helpers_rss_kib'] / 1024:.0f} MiB"
        f" ({', '.join(h.partition('[')[0] for h in helpers)})"
        if helpers
        else ""
    )
    return (
        f"{run}: {result['pages_per_s']:.1f} pages/s "
        f"({result['responses']} pages in {result['elapsed_s']:.2f}s, "
        f"{result['pages_per_cpu_s']:.1f} pages per CPU-second); "
        f"peak RSS {result['maxrss_kib'] / 1024:.1f} MiB{helper_note}; "
        f"process {result['process_s']:.1f}s (first response after "
        f"{result['startup_s']:.1f}s), children {result['children_cpu_s']:.1f}s CPU; "
        f"server {server_cpu / result['elapsed_s'] * 100:.0f}% of a core; correct"
    )


def report(results: Mapping[str, list[dict[str, Any]]], repeat: int) -> None:
    """The summary after all runs: medians per variant, peak RSS, the target, the ratio."""

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode])

    bare, full = median("bare", "pages_per_s"), median("full", "pages_per_s")
    ratio = full / bare if bare else 0.0
    bare_cpu, full_cpu = median("bare", "pages_per_cpu_s"), median("full", "pages_per_cpu_s")
    print(
        f"pages per CPU-second bare={bare_cpu:.1f} full={full_cpu:.1f} "
        f"ratio={full_cpu / bare_cpu if bare_cpu else 0.0:.2f}"
    )
    peak = {mode: max(r["maxrss_kib"] for r in results[mode]) / 1024 for mode in results}
    helpers = {mode: max(r["helpers_rss_kib"] for r in results[mode]) / 1024 for mode in results}
    print(
        f"peak RSS bare={peak['bare']:.1f} MiB full={peak['full']:.1f} MiB "
        f"(crawl processes; their helper processes: bare={helpers['bare']:.0f} MiB "
        f"full={helpers['full']:.0f} MiB)"
    )
    met = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"target ratio >= {TARGET_RATIO}: {met} (median of {repeat} run(s) per variant)")
    print(f"pages/s bare={bare:.1f} full={full:.1f} ratio={ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help="product pages to crawl")
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant (median)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Scrapy setting for both variants (VALUE read as JSON if it parses); repeatable",
    )
    parser.add_argument(
        "--full-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="like --set, for the full variant only (to try a change to pricewatch/settings.py)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=("bare", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pages < 1 or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    try:
        parse_settings(args.set + args.full_set)
    except ValueError as exc:
        parser.error(str(exc))
    if args.mode:
        return child_main(args)

    catalog = make_catalog(args.pages, args.seed)
    results: dict[str, list[dict[str, Any]]] = {"bare": [], "full": []}
    t0 = time.perf_counter()
    with (
        ShopServer(args.pages, args.seed) as server,
        tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp,
    ):
        print(
            f"shop: {args.pages} product pages, {server.html_bytes / args.pages / 1024:.1f} KiB "
            f"of HTML per page on average, http://127.0.0.1:{server.port}/ "
            f"(ready in {time.perf_counter() - t0:.1f}s); concurrency {CONCURRENCY}",
            flush=True,
        )
        try:
            for run in range(args.repeat):
                for mode in ("bare", "full"):
                    before = server.stats()
                    result, db_url = run_child(
                        mode,
                        server.port,
                        args.pages,
                        Path(tmp),
                        run,
                        args.set + (args.full_set if mode == "full" else []),
                    )
                    after = server.stats()
                    served = after["requests"] - before["requests"]
                    if served != args.pages:
                        raise BenchFailure(
                            f"{mode} crawl: the server answered {served} requests for "
                            f"{args.pages} pages"
                        )
                    if mode == "bare":
                        check_bare(result, catalog, server.port)
                    else:
                        check_full(result, catalog, server.port, db_url)
                    results[mode].append(result)
                    server_cpu = after["cpu_s"] - before["cpu_s"]
                    print(describe(f"run {run + 1}/{args.repeat} {mode}", result, server_cpu))
        except BenchFailure as exc:
            print(f"BENCHMARK FAILED: {exc}", file=sys.stderr, flush=True)
            return 1

    report(results, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
