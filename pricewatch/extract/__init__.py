"""Generic product extraction: structured data, shop selectors, a heuristic last resort.

``extract_product`` is the one entry point spiders and ``pricewatch extract`` use; money and
availability parsing live in :mod:`.money` and :mod:`.availability`.
"""

from pricewatch.extract.page import Extraction, extract_product, select_text

__all__ = ["Extraction", "extract_product", "select_text"]
