"""What a page shows its readers, by page: tables with their words, charts, notes.

Compute modules (``aggregate``, ``stats``, ``capture``, ``reconcile``, ...) return
numbers; the modules here turn them into what a page displays. Every count reaches them
as a :class:`~analysis.release.CountTable` of the site's release, already protected:

``tables``       the data card, tables with their CSVs, the assumptions, and labels of
                 categories, counts and intervals (the first four also at the top:
                 ``reader.table``)
``tidy``         a table's CSV as data (numbers, flags of hidden counts, bounds apart)
``overview``     bar charts of counts and the empty-selection note (pages 02, 03, 05)
``disparities``  rates, rate ratios and the trend (page 04)
``uncertainty``  what page 04 finds and what dominates the uncertainty of its ratios
``reconcile``    the claims, checks and the waterfall (page 06)
``records``      the claims about whole records, against an ``analysis doj`` summary (06)
``arrests``      the arrest extract beside the dismissals (page 07)
``capture``      what the capture-recapture page may show (page 08)
"""

from __future__ import annotations

import importlib

from .tables import (
    assumptions,
    count_text,
    data_card,
    data_tag,
    footnote,
    illustrative,
    inputs,
    interval_text,
    labelled,
    number,
    on_synthetic,
    opening,
    table,
    tip,
)

__all__ = ["arrests", "assumptions", "capture", "count_text", "data_card", "data_tag",
           "disparities", "footnote", "illustrative", "inputs", "interval_text", "labelled",
           "number", "on_synthetic", "opening", "overview", "reconcile", "records", "table",
           "tables",
           "tidy", "tip", "uncertainty"]


def __getattr__(name: str):
    if name in __all__:  # the page modules, imported on first use
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
