"""Errors pricewatch reports to users as one clear line (the CLI prints ``str(error)``)."""

from __future__ import annotations


class PricewatchError(Exception):
    """Base class: an expected failure with a message meant for the user."""


class ShopDefinitionError(PricewatchError):
    """A shop file or shop config entry is malformed; the message names the shop."""


class UnknownShopError(PricewatchError):
    """A shop name that no spider has."""
