"""Delivering reports to clients: e-mail over SMTP (:mod:`pricewatch.delivery.smtp`)."""
