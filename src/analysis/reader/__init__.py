"""What a page shows its readers, by page: tables with their words, charts, notes.

Compute modules (``aggregate``, ``stats``, ``capture``, ``reconcile``, ...) return
numbers; the modules here turn them into what a page displays, passing every count
through :mod:`analysis.suppress` on the way:

``tables``       labels of categories, counts and intervals as a reader reads them
``overview``     bar charts of counts and the empty-selection note (pages 02, 03, 05)
``disparities``  rates, rate ratios and the trend (page 04)
``reconcile``    the claims, checks and the waterfall (page 06)
``arrests``      the arrest extract beside the dismissals (page 07)
``capture``      what the capture-recapture page may show (page 08)
"""

from __future__ import annotations

import importlib

from .tables import count_text, interval_text, labelled

__all__ = ["arrests", "capture", "count_text", "disparities", "interval_text", "labelled",
           "overview", "reconcile", "tables"]


def __getattr__(name: str):
    if name in __all__:  # the page modules, imported on first use
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
