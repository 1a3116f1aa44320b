"""One spider registry: scrapy list, pricewatch shops list and the registry agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pricewatch.crawl.process import project_settings
from pricewatch.shops import load_shops
from pricewatch.spiders.registry import SPIDER_PACKAGES, RegistrySpiderLoader, load_spiders

REPO = Path(__file__).resolve().parent.parent


def test_registry_covers_every_spider_package_scrapy_loads() -> None:
    settings = project_settings()
    assert tuple(settings.getlist("SPIDER_MODULES")) == SPIDER_PACKAGES
    assert settings.get("SPIDER_LOADER_CLASS") == "pricewatch.spiders.registry.RegistrySpiderLoader"
    loader = RegistrySpiderLoader.from_settings(settings)
    assert loader.list() == sorted(load_spiders())
    assert set(load_shops()) <= set(loader.list())


def test_scrapy_list_and_shops_list_agree() -> None:
    scrapy_list = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    shops_list = subprocess.run(
        [sys.executable, "-m", "pricewatch", "shops", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scrapy_list.returncode == 0 and shops_list.returncode == 0, scrapy_list.stderr
    listed = set(scrapy_list.stdout.split())
    shops = {line.split()[0] for line in shops_list.stdout.splitlines() if line.strip()}
    assert shops == set(load_shops())
    assert listed == set(load_spiders())
    assert shops <= listed
