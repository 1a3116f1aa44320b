"""Generic product extraction: structured data, shop selectors, a heuristic last resort.

``extract_product`` is the one entry point; spiders and ``pricewatch extract`` reach it through
a shop's :class:`ReadingRules`. Money parsing lives in :mod:`pricewatch.money`, availability in
:mod:`.availability`.
"""

from pricewatch.extract.page import Extraction, extract_product, select_text
from pricewatch.extract.rules import ReadingRules

__all__ = ["Extraction", "ReadingRules", "extract_product", "select_text"]
