"""The site's release: every page's count tables, protected together.

:func:`page_tables` builds what one page publishes from the case list and the page's
parameters (the same function the page's notebook calls). :func:`protect_site` gathers
the tables of every page, hides cells with :func:`analysis.disclosure.protect` and has
the attacker check the result. The :class:`SitePlan` it returns names the hidden cells
and carries the declarations the published site's ``release.json`` records.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from .. import aggregate, capture
from ..disclosure import Cell, Relation, Violation, attacker, protect
from ..disclosure.space import cases_space
from . import analyses, arrests, counts
from .page import PageTables
from .tables import HIDDEN

__all__ = ["BUILDERS", "FORMAT", "READS_SUMMARY", "SitePlan", "page_tables",
           "protect_site"]

FORMAT = 1


def _explorer(page, cases, **params):
    filters = aggregate.Filters(
        batch=params.get("batch") or None, year_from=params.get("year_from") or None,
        year_to=params.get("year_to") or None, charge_level=params.get("level") or None,
        prosecuting_agency=params.get("agency") or None,
        jurisdiction=params.get("jurisdiction") or None)
    by = [aggregate.dimension(d) for d in str(params.get("group_by", "")).split(",")
          if d.strip()][:2]
    return counts.explorer(page, cases, filters=filters, by=by)


def _capture(page, cases, **params):
    strata = str(params.get("strata") or ",".join(capture.STRATA))
    return analyses.still_unidentified(
        page, cases, by=tuple(s.strip() for s in strata.split(",") if s.strip()))


# Each notebook's builder: (page name, cases, **the page's parameters) -> PageTables.
BUILDERS = {
    "01_dismissals_by_batch": counts.batches,
    "02_overview": counts.overview,
    "03_explorer": _explorer,
    "04_disparities": analyses.disparities,
    "05_agency_profile": counts.agency_profile,
    "06_reconciliation": analyses.reconciliation,
    "07_arrests_vs_relief": arrests.arrests_page,
    "08_still_unidentified": _capture,
}


# The pages whose builder takes the summary analysis doj wrote beside the case list.
READS_SUMMARY = ("06_reconciliation",)


def page_tables(notebook: str, page: str, cases: pl.DataFrame, *,
                counted: tuple | None = None, doj_summary: dict | None = None,
                **params) -> PageTables:
    """What the page of ``notebook`` (``"02_overview"`` or its file name) publishes: its
    data card's counts (every page has one; ``counted``: :func:`counts.tally` of
    ``cases``, when a site has taken it for all its pages) and its own tables.
    ``doj_summary``: the ``analysis doj`` summary beside the case list, if any (the
    reconciliation checks claims about whole records against it)."""
    stem = notebook.removesuffix(".ipynb").removesuffix(".py")
    builder = BUILDERS.get(stem)
    if doj_summary is not None and stem in READS_SUMMARY:
        params = params | {"doj_summary": doj_summary}
    built = builder(page, cases, **params) if builder else PageTables(page, [])
    built.tables.insert(0, counts.card(page, cases, counted))
    return built


@dataclass
class SitePlan:
    """The hidden cells of a release and what the attacker made of it."""

    data_sha256: str
    hidden: dict[Cell, str]
    pages: list[PageTables] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    rounds: int = 0
    seconds: float = 0.0

    @property
    def key(self) -> str:
        text = json.dumps(sorted(c.key for c in self.hidden))
        return hashlib.sha256((self.data_sha256 + text).encode()).hexdigest()[:16]

    def to_json(self) -> dict:
        """The plan as the renderer stores it. ``shown`` holds what readers see of the
        cells published outside any CSV (data cards, what an estimate or a percent rests
        on): the count, or the hidden label; never the count of a hidden cell."""
        cells: dict[str, dict] = {}
        tables, relations, pinned = [], [], []
        shown: dict[str, int | str] = {}
        for p in self.pages:
            for t in p.tables:
                values = t.values()
                outside = [c for _, _, c in t.table.cells()] if not t.csv else []
                outside += [c for row in t.table.rows for c in row.get("guards", {}).values()]
                for c in outside:
                    shown[c.key] = HIDDEN if c in self.hidden else int(values[c])
                for _, _, c in t.table.cells():
                    cells[c.key] = c.to_json()
                for row in t.table.rows:  # a guard stands for a count a figure rests on
                    for c in row.get("guards", {}).values():
                        cells[c.key] = c.to_json()
                for z in t.zeros:
                    cells[z.key] = z.to_json()
                tables.append(t.table.to_json() | {"csv": t.csv, "zeros": [z.key for z in
                                                                         t.zeros]})
            relations += [r.to_json() for r in p.relations]
            pinned += [c.key for c in p.pinned]
        return {"format": FORMAT, "data_sha256": self.data_sha256, "label": HIDDEN,
                "hidden": sorted(c.key for c in self.hidden), "cells": cells, "shown": shown,
                "tables": tables, "relations": relations, "pinned": pinned,
                "rounds": self.rounds, "violations": [str(v) for v in self.violations]}


def _values(pages: Iterable[PageTables]) -> dict[Cell, float]:
    out: dict[Cell, float] = {}
    for p in pages:
        for t in p.tables:
            for c, v in t.values().items():
                if c in out and out[c] != v:
                    raise ValueError(f"page {p.page!r} table {t.name!r} gives {v} for a cell "
                                     f"another table gives {out[c]} ({dict(c.where)})")
                out[c] = v
    return out


def protect_site(pages: list[PageTables], data_sha256: str, *, audit: bool = True,
                 arrest_years: Iterable[int] = ()) -> SitePlan:
    """Protect the cells of every page together (see :mod:`analysis.disclosure.protect`)."""
    started = time.monotonic()
    values = _values(pages)
    tables = [t.table for p in pages for t in p.tables]
    relations: list[Relation] = [r for p in pages for r in p.relations]
    pinned = [c for p in pages for c in p.pinned]
    domains = cases_space([]).domains
    check = attacker(tables, values, relations, arrest_years) if audit else None
    plan = protect(tables, values, relations=relations, pinned=pinned, domains=domains,
                   audit=check)
    return SitePlan(data_sha256, plan.hidden, pages, plan.violations, plan.rounds,
                    round(time.monotonic() - started, 2))


def __dir__() -> list[str]:
    return sorted(__all__)
