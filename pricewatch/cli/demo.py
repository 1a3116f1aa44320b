"""``pricewatch demo``: the offline demo (serve the bundled shops, crawl twice, show changes)."""

from __future__ import annotations

import click


@click.command()
@click.option("--serve", is_flag=True, help="Only serve the demo shops until Ctrl-C.")
@click.option("--port", default=8801, show_default=True, help="Port of the first demo shop.")
def demo(serve: bool, port: int) -> None:
    """Offline demo: serve three shops locally, crawl twice, show what changed.

    With --serve --port N, 'pricewatch crawl demo_...' finds the shops on their new ports
    while they are served.
    """
    from pricewatch.demo.run import run_demo, serve_forever

    if serve:
        serve_forever(port)
    else:
        run_demo(port)
