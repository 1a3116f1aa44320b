"""The ``pricewatch`` command line: the ``cli`` group, which registers each command group.

Commands live in one module per group (``cli/crawl.py``, ``cli/reading.py``, ``cli/runs.py``,
``cli/db.py``, ``cli/genspider.py``, ``cli/demo.py``); errors and exit codes are
``cli/errors.py``. Every command has ``--help``. Errors print as one line (``error: ...``) with
the exit codes of :class:`~pricewatch.cli.errors.ExitCode`; ``pricewatch --debug ...`` shows
the traceback instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from pricewatch.cli.crawl import crawl, extract
from pricewatch.cli.db import db
from pricewatch.cli.demo import demo
from pricewatch.cli.errors import ExitCode, PricewatchGroup
from pricewatch.cli.genspider import genspider
from pricewatch.cli.options import parse_settings
from pricewatch.cli.reading import history, prices, shops
from pricewatch.cli.runs import runs
from pricewatch.cli.times import parse_since

__all__ = ["ExitCode", "cli", "main", "parse_settings", "parse_since"]


@click.group(cls=PricewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="pricewatch")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """pricewatch: competitor price and stock monitoring.

    Database: PRICEWATCH_DB_URL (default: one SQLite file, see 'pricewatch db info').
    Exit status: 0 ok, 1 failed or partial, 2 bad command line, 3 nothing crawled,
    130 interrupted.
    """
    ctx.meta["pricewatch_debug"] = debug


for command in (crawl, extract, shops, genspider, prices, history, runs, db, demo):
    cli.add_command(command)

# Command groups of other modules register themselves below with cli.add_command(...).

from pricewatch.cli.daemon import daemon, schedules, status  # noqa: E402

cli.add_command(daemon)
cli.add_command(schedules)
cli.add_command(status)

from pricewatch.cli.clients import catalog, clients, fx  # noqa: E402
from pricewatch.cli.match import match  # noqa: E402

cli.add_command(clients)
cli.add_command(catalog)
cli.add_command(match)
cli.add_command(fx)


from pricewatch.cli.reports import report, reports  # noqa: E402

cli.add_command(report)
cli.add_command(reports)

from pricewatch.cli.topics import topics  # noqa: E402

cli.add_command(topics)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="pricewatch")


if __name__ == "__main__":
    main()
