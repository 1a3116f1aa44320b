"""What ``pricewatch crawl`` says per shop and the exit code cron sees (cli/summary.py)."""

from __future__ import annotations

from typing import Any

import pytest

from pricewatch.cli.errors import ExitCode
from pricewatch.cli.summary import summarize, worst


def stats(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"finish_reason": "finished", "pricewatch/run_id": 7}
    for key, value in values.items():
        out[key.replace("__", "/")] = value
    return out


@pytest.mark.parametrize(
    ("given", "code", "problem"),
    [
        (
            stats(response_received_count=12, pricewatch__store__new_observations=10, **{}),
            ExitCode.OK,
            None,
        ),
        (
            stats(
                response_received_count=12,
                pricewatch__store__unchanged=9,
                pricewatch__failures__no_price=1,
            ),
            ExitCode.FAILED,
            None,
        ),
        (
            stats(pricewatch__failures__connection=1),
            ExitCode.NOTHING_CRAWLED,
            "the shop did not answer (connection: 1)",
        ),
        (
            stats(response_received_count=2),
            ExitCode.NOTHING_CRAWLED,
            "no product pages found on the 2 pages fetched",
        ),
        (
            stats(response_received_count=5, pricewatch__failures__no_price=4),
            ExitCode.NOTHING_CRAWLED,
            "every page failed (no_price: 4)",
        ),
        (
            stats(response_received_count=5, pricewatch__skipped__price_0=3),
            ExitCode.OK,
            None,
        ),
        (
            {**stats(response_received_count=5), "finish_reason": "shutdown"},
            ExitCode.INTERRUPTED,
            None,
        ),
        (
            {**stats(pricewatch__store__gone=1), "finish_reason": "closespider_timeout"},
            ExitCode.FAILED,
            None,
        ),
    ],
)
def test_summary_code_and_problem(
    given: dict[str, Any], code: ExitCode, problem: str | None
) -> None:
    summary = summarize("acme", given)
    assert summary.code == code
    if problem is None:
        assert summary.problem is None
    else:
        assert summary.problem is not None and summary.problem.startswith(problem)
    assert summary.line.startswith("acme: ") and summary.line.endswith("[run 7]")


def test_summary_line_counts() -> None:
    line = summarize(
        "acme",
        stats(
            response_received_count=3,
            pricewatch__store__new_observations=2,
            pricewatch__failures__http_503=1,
            pricewatch__skipped__price_0=1,
        ),
    ).line
    assert line == (
        "acme: finished; 3 pages, 2 new prices, 0 unchanged, 0 gone, 0 suspect, 1 failures "
        "(http_503: 1), 1 skipped (price 0) [run 7]"
    )


def test_worst_code_wins() -> None:
    assert worst([ExitCode.OK, ExitCode.NOTHING_CRAWLED, ExitCode.FAILED]) == 3
    assert worst([ExitCode.OK, ExitCode.INTERRUPTED, ExitCode.NOTHING_CRAWLED]) == 130
    assert worst([]) == ExitCode.OK
