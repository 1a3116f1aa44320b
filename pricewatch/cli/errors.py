"""Exit codes and error reporting of the ``pricewatch`` command: one line per error.

=====  ==========================  ==========================================================
code   name                        when
=====  ==========================  ==========================================================
0      ``OK``                      everything worked
1      ``FAILED``                  an error (``error: ...``), or a crawl that stored prices but
                                   had failed pages (partial) or did not finish
2      ``USAGE``                   a bad command line: unknown option or shop, bad value, URL
3      ``NOTHING_CRAWLED``         a crawl stored nothing: shop unreachable, no product pages
                                   found, every product page failed
130    ``INTERRUPTED``             stopped with Ctrl-C (or SIGTERM)
=====  ==========================  ==========================================================

Errors print as one line on stderr (``error: ...``); Click's usage errors keep Click's message
but on one line, with a pointer to ``--help``. ``pricewatch --debug`` prints tracebacks. A
closed output pipe (``pricewatch prices --json | head``) ends the command quietly.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from pricewatch.errors import PricewatchError


class ExitCode(IntEnum):
    """Exit statuses of ``pricewatch`` commands (documented in the README)."""

    OK = 0
    FAILED = 1
    USAGE = 2
    NOTHING_CRAWLED = 3
    INTERRUPTED = 130


def error_line(exc: BaseException) -> str:
    """The one line an unexpected or expected error is reported as."""
    if isinstance(exc, PricewatchError):
        return f"error: {exc}"
    if isinstance(exc, OperationalError | ProgrammingError):
        reason = str(exc.orig or exc).strip().splitlines()[0]
        return f"error: cannot use the database: {reason}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"error: {type(exc).__name__}: {text} (run with --debug for the traceback)"


def usage_line(exc: click.UsageError) -> str:
    """Click's usage error message on one line, pointing at the command's ``--help``."""
    message = " ".join(exc.format_message().split())
    path = exc.ctx.command_path if exc.ctx is not None else "pricewatch"
    return f"error: {message} (see '{path} --help')"


def _quiet_closed_pipe() -> None:
    """stdout's reader went away: nothing more can be shown, and flushing must not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (tests): nothing to redirect


class PricewatchGroup(click.Group):
    """The command group that turns every error into one clear line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader stopped reading (``| head``): that is not an error.
            _quiet_closed_pipe()
            ctx.exit(ExitCode.OK)
        except Exception as exc:
            if ctx.meta.get("pricewatch_debug"):
                traceback.print_exc()
            else:
                click.echo(error_line(exc), err=True)
            ctx.exit(ExitCode.FAILED)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            click.echo(usage_line(exc), err=True)
            sys.exit(ExitCode.USAGE)
        except click.ClickException as exc:
            click.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("stopped", err=True)
            sys.exit(ExitCode.INTERRUPTED)
        sys.exit(result if isinstance(result, int) else ExitCode.OK)
