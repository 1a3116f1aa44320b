"""``python -m pricewatch``: the CLI (used for crawl subprocesses)."""

from pricewatch.cli.main import main

main()
