"""Prometheus metrics of the daemon (``pricewatch daemon --metrics 127.0.0.1:9410``).

=========================================  ===============================================
metric                                     meaning
=========================================  ===============================================
``pricewatch_job_runs_total{job,outcome}``   scheduled job runs by outcome
``pricewatch_crawl_runs_total{spider,outcome}``  crawl processes by outcome
``pricewatch_crawl_pages_total{spider}``     pages fetched (responses received)
``pricewatch_crawl_items_total{spider}``     items stored by crawls
``pricewatch_crawl_failures_total{spider,reason}``  recorded failures by reason
``pricewatch_last_success_timestamp_seconds{spider}``  last successful crawl per shop/source
``pricewatch_jobs_waiting``                  jobs waiting for a free crawl process slot
``pricewatch_crawl_processes_running``       crawl processes running now
``pricewatch_daemon_heartbeat_timestamp_seconds``  the daemon's last heartbeat
=========================================  ===============================================

Each daemon has its own registry (no global state), so tests can run several.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from pricewatch.crawl.launcher import JobResult


class DaemonMetrics:
    def __init__(self, waiting: Callable[[], int], running: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.job_runs = Counter(
            "pricewatch_job_runs", "Scheduled job runs by outcome", ["job", "outcome"], registry=r
        )
        self.crawl_runs = Counter(
            "pricewatch_crawl_runs", "Crawl processes by outcome", ["spider", "outcome"], registry=r
        )
        self.pages = Counter("pricewatch_crawl_pages", "Pages fetched", ["spider"], registry=r)
        self.items = Counter("pricewatch_crawl_items", "Items stored", ["spider"], registry=r)
        self.failures = Counter(
            "pricewatch_crawl_failures", "Recorded failures", ["spider", "reason"], registry=r
        )
        self.last_success = Gauge(
            "pricewatch_last_success_timestamp_seconds",
            "Last successful crawl (Unix time) per shop or topic source",
            ["spider"],
            registry=r,
        )
        self.heartbeat = Gauge(
            "pricewatch_daemon_heartbeat_timestamp_seconds", "Last heartbeat", registry=r
        )
        waiting_gauge = Gauge("pricewatch_jobs_waiting", "Jobs waiting for a slot", registry=r)
        waiting_gauge.set_function(lambda: float(waiting()))
        running_gauge = Gauge(
            "pricewatch_crawl_processes_running", "Crawl processes running", registry=r
        )
        running_gauge.set_function(lambda: float(running()))

    def serve(self, address: str) -> tuple[str, int]:
        """Expose ``/metrics`` on ``HOST:PORT``; returns the address bound."""
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"--metrics {address!r}: expected HOST:PORT, e.g. 127.0.0.1:9410")
        server, _thread = start_http_server(int(port), addr=host, registry=self.registry)
        bound_host, bound_port = server.server_address[:2]
        return str(bound_host), int(bound_port)

    def record_job(self, job: str, outcome: str) -> None:
        self.job_runs.labels(job, outcome).inc()

    def record_crawl(self, result: JobResult, outcome: str) -> None:
        run = result.run
        self.crawl_runs.labels(run.spider, outcome).inc()
        stats = run.stats or {}
        self.pages.labels(run.spider).inc(int(stats.get("response_received_count", 0) or 0))
        self.items.labels(run.spider).inc(run.items_scraped)
        for reason, count in (run.failures_by_reason or {}).items():
            self.failures.labels(run.spider, reason).inc(count)
        if outcome == "ok" and run.finished_at is not None:
            self.last_success.labels(run.spider).set(run.finished_at.timestamp())
