"""Report formats, each rendered from a :class:`~pricewatch.reports.context.ReportContext`."""
