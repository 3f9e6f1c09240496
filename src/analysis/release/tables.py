"""Count tables as a page publishes them: the frame readers see and the cells behind it.

A :class:`CountTable` pairs a frame (display-ready: motions in words, decades as
``1990s``, raw counts) with a :class:`~analysis.disclosure.Table` that names the cell
behind every count, row by row. The site's release protects all those cells together;
:meth:`CountTable.protected` then gives the frame with hidden counts replaced by the
label and the columns derived from them (shares, rates) blanked.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from .. import aggregate, schema, words
from ..disclosure import Cell, Table, cell

__all__ = ["HIDDEN", "CountTable", "counts_table", "labelled", "scope_of", "zero_cells"]

# The one label every hidden count carries, on pages and in CSVs.
HIDDEN = "suppressed"


@dataclass
class CountTable:
    """A published table of counts and the cells behind them.

    ``counts`` maps each count column to its unit; ``derived`` maps a column computed
    from a count (a share, a rate) to that count column. A table with ``csv=False`` is
    not shown as a table, but something on the page follows from its shown cells (a
    model's estimate, a rate): the release treats them as published.
    """

    name: str
    frame: pl.DataFrame
    table: Table
    counts: dict[str, str]
    derived: dict[str, str] = field(default_factory=dict)
    csv: bool = True
    zeros: list[Cell] = field(default_factory=list)  # cells of absent rows: known zeros
    hidden: frozenset[Cell] = frozenset()  # the site's release hides these

    def values(self) -> dict[Cell, int]:
        """The true count of every cell the table declares (guards included)."""
        out = {c: _number(self.frame[col][i]) for i, col, c in self.table.cells()}
        for row in self.table.rows:
            for col, c in row.get("guards", {}).items():
                out[c] = int(row["guard_values"][col])
        out.update(dict.fromkeys(self.zeros, 0))
        return out

    def hidden_mask(self, hidden: Iterable[Cell] | None = None) -> dict[str, list[bool]]:
        """Per count column, which rows are hidden (by their own cell or a guard)."""
        hidden = set(self.hidden if hidden is None else hidden)
        return {col: [row["cells"].get(col) in hidden or row.get("guards", {}).get(col)
                      in hidden for row in self.table.rows]
                for col in self.counts}

    def with_frame(self, frame: pl.DataFrame, derived: Mapping[str, str] = ()) -> CountTable:
        """The same cells shown in another frame (rows in the same order): statistics a
        page adds, ``derived`` from the count columns, blank where they are hidden."""
        if frame.height != self.frame.height:
            raise ValueError(f"table {self.name!r}: {frame.height} rows for "
                             f"{self.frame.height} declared")
        for column in (c for c in self.table.dims if c in frame.columns
                       and c in self.frame.columns):
            if frame[column].cast(pl.String).to_list() != \
                    self.frame[column].cast(pl.String).to_list():
                raise ValueError(f"table {self.name!r}: the new frame's rows are not in the "
                                 f"declared order (column {column!r})")
        return CountTable(self.name, frame, self.table, self.counts,
                          {**self.derived, **dict(derived)}, self.csv, self.zeros, self.hidden)

    def renamed(self, columns: Mapping[str, str]) -> CountTable:
        """The same table with count columns renamed (their cells follow)."""
        rows = [{**row, "cells": {columns.get(k, k): c for k, c in row["cells"].items()}}
                for row in self.table.rows]
        table = Table(self.table.page, self.table.name, self.table.dims, rows,
                      self.table.partitions, self.table.column_dim)
        return CountTable(self.name, self.frame.rename(
            {k: v for k, v in columns.items() if k in self.frame.columns}), table,
            {columns.get(k, k): u for k, u in self.counts.items()},
            {columns.get(k, k): columns.get(v, v) for k, v in self.derived.items()},
            self.csv, self.zeros, self.hidden)

    def is_hidden(self, row: int, column: str) -> bool:
        return self.hidden_mask()[column][row]

    def value(self, column: str, *, absent: int | None = None, **dims: str) -> int | None:
        """The published count of ``column`` in the row with these dimension values
        (as declared: ``batch="feb2020"``, ``batch="Total"``); None when it is hidden.
        A row the table leaves out gives ``absent`` when set (absent rows count nobody),
        else a KeyError."""
        for i, row in enumerate(self.table.rows):
            if all(str(row["dims"].get(d)) == str(v) for d, v in dims.items()):
                return None if self.is_hidden(i, column) else _number(self.frame[column][i])
        if absent is not None:
            return absent
        raise KeyError(f"table {self.name!r} has no row {dims}")

    def protected(self, hidden: Iterable[Cell] | None = None, *,
                  as_text: bool = True) -> pl.DataFrame:
        """The frame to publish: hidden counts as ``HIDDEN`` (or null with
        ``as_text=False``, for charts), their derived columns null."""
        mask = self.hidden_mask(hidden)
        out = self.frame
        for col, src in self.derived.items():
            out = out.with_columns(pl.when(pl.Series(mask[src], dtype=pl.Boolean)).then(None)
                                   .otherwise(pl.col(col)).alias(col))
        for col in self.counts:
            flag = pl.Series(mask[col], dtype=pl.Boolean)  # typed, so an empty table works
            value = pl.col(col).cast(pl.String) if as_text else pl.col(col)
            out = out.with_columns(pl.when(flag).then(pl.lit(HIDDEN if as_text else None))
                                   .otherwise(value).alias(col))
        return out


def _number(value) -> int:
    """A count as the frame holds it: a number, or text with thousands separators."""
    if value is None:
        return 0
    return int(str(value).replace(",", "")) if isinstance(value, str) else int(value)


def scope_of(filters: aggregate.Filters | None) -> dict[str, tuple[str, ...]]:
    """A selection of cases as a predicate: the dimensions it fixes and their values."""
    if filters is None:
        return {}
    out = {}
    for column in ("batch", "charge_level", "hs_section", "offense_type", "jurisdiction",
                   "prosecuting_agency", "race_ethnicity"):
        value = getattr(filters, column)
        if value is not None:
            out[column] = (value,) if isinstance(value, str) else tuple(value)
    if filters.year_from is not None or filters.year_to is not None:
        lo = filters.year_from if filters.year_from is not None else 1950
        hi = filters.year_to if filters.year_to is not None else 2021
        out["conviction_year"] = tuple(str(y) for y in range(lo, hi + 1))
    return out


def zero_cells(page: str, scope: Mapping[str, Sequence[str]], dims: Sequence[str],
               present: set[tuple], units: Iterable[str], source: str = "cases",
               domains: Mapping[str, Sequence[str]] | None = None) -> list[Cell]:
    """The cells of the rows a table leaves out because they count nothing."""
    domains = domains or schema.CATEGORIES
    out = []
    # a dimension the selection fixes ranges only over the values it keeps
    ranges = [[v for v in domains[d] if d not in scope or str(v) in scope[d]] for d in dims]
    for combo in itertools.product(*ranges):
        if tuple(str(v) for v in combo) in present:
            continue
        where = dict(scope) | dict(zip(dims, combo, strict=True))
        out += [cell(source, unit, **where) for unit in units]
    return out


def counts_table(page: str, name: str, cases, by: Sequence[str], *,
                 filters: aggregate.Filters | None = None,
                 share_within: Sequence[str] | None = None,
                 people: bool = True) -> CountTable:
    """:func:`analysis.aggregate.counts` as a count table: convictions and people by
    ``by`` (shares derived from them), absent rows declared as zeros."""
    by = [aggregate.dimension(b) for b in by]
    raw = aggregate.counts(cases, by, filters=filters, share_within=share_within,
                           people=people)
    scope = scope_of(filters)
    units = ("convictions", "people") if people else ("convictions",)
    rows = []
    for row in raw.iter_rows(named=True):
        where = dict(scope) | {d: str(row[d]) for d in by}
        rows.append({"dims": {d: str(row[d]) for d in by},
                     "cells": {u: cell("cases", u, **where) for u in units}})
    present = {tuple(str(row[d]) for d in by) for row in raw.iter_rows(named=True)}
    domains = dict(schema.CATEGORIES) | _year_domains(cases)
    zeros = zero_cells(page, scope, by, present, units, domains=domains) \
        if all(d in domains for d in by) else []
    derived = {f"{u}_share": u for u in units}
    return CountTable(name, labelled(raw), Table(page, name, tuple(by), rows),
                      {u: u for u in units}, derived, zeros=zeros)


def _year_domains(cases) -> dict[str, tuple[str, ...]]:
    """Years and decades as dimensions: every one from the earliest allowed to the last
    motion's."""
    years = tuple(str(y) for y in range(1950, 2022))
    return {"conviction_year": years,
            "conviction_decade": tuple(sorted({str(int(y) // 10 * 10) for y in years}))}


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Categories as text a reader knows: motion names, offense types in words, years,
    decades as '1990s'."""
    out = frame
    if "batch" in out.columns:
        out = out.with_columns(pl.col("batch").cast(pl.String)
                               .replace(words.MOTION_LABELS).alias("batch"))
    if "offense_type" in out.columns:
        out = out.with_columns(pl.col("offense_type").cast(pl.String)
                               .replace(words.OFFENSE_LABELS).alias("offense_type"))
    if "conviction_year" in out.columns:  # a year is a label, not a quantity
        out = out.with_columns(pl.col("conviction_year").cast(pl.String))
    if "conviction_decade" in out.columns:
        out = out.with_columns(schema.decade_label().alias("conviction_decade"))
    return out.with_columns(pl.col(c).cast(pl.String) for c, t in out.schema.items()
                            if isinstance(t, pl.Enum | pl.Categorical))


def __dir__() -> list[str]:
    return sorted(__all__)
