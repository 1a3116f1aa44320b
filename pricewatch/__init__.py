"""pricewatch: competitor price and stock monitoring."""

__version__ = "0.1.0"
