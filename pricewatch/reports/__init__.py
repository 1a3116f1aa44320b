"""Client reports: a context built by set-wise queries, rendered as HTML, Excel, PDF and JSON.

==================  ==========================================================================
module              holds
==================  ==========================================================================
``context``         the report's plain data (:func:`build_context`) and its figures
``period``          ``--since 7d`` / ``--from --to`` in the client's time zone
``i18n``            Babel message catalogues (``locale/``) for the templates
``render/``         ``html``, ``excel``, ``pdf``, ``json``, the e-mail body, SVG charts
``writer``          writing a report's files into ``reports/out/CLIENT/DATE/`` and recording it
==================  ==========================================================================

The queries live in :mod:`pricewatch.db.store.reports`; e-mail delivery in
:mod:`pricewatch.delivery.smtp`.
"""
