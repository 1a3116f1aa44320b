"""One file per competitor shop: a platform base subclass with class attributes.

The file name is the shop's ``name`` (a test checks this). ``pricewatch genspider SLUG URL``
writes a new one with its offline test and fixture.
"""
