"""Spiders: ``shops/`` holds one small file per competitor shop, ``topics/`` trending lists."""
