"""Client merchants, their catalogues and the matching of their products to competitor listings.

Modules, one concern each: :mod:`.clients` (validated client settings), :mod:`.tables`
(reading CSV/XLSX files), :mod:`.catalog` (catalogue rows, bad-row reports, import),
:mod:`.matching` (URL, GTIN/MPN and title matching), :mod:`.similarity` (title features and
scores), :mod:`.brands` (brand names in Chinese and Latin), :mod:`.records` (what the store
takes). Nothing is imported here, so the store can use :mod:`.records` without loading the
rest.
"""
