"""`extract report`: a run's tables as static pages to read and click, opened from disk.

``build.py`` writes the folder, ``pages.py`` works out what each page shows, ``text.py``
rebuilds an article's text and marks it up, ``charts.py`` draws the charts as SVG. The
templates and the stylesheet are package data in ``templates/`` and ``assets/``.
"""

from extract.report.build import ReportError, ReportSummary, build_report

__all__ = ["ReportError", "ReportSummary", "build_report"]
