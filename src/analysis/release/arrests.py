"""The count tables of the arrests page (07): the arrest extract's counts, and the case
list's convictions filed in the City of Los Angeles set beside them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .. import arrests, prop64, schema
from ..disclosure import Table, cell
from .page import PageTables
from .tables import CountTable, zero_cells

__all__ = ["OTHER_GROUPS", "arrests_page", "groups"]

LA = "Los Angeles"
# The published February 2020 shares name three groups and put the rest together.
OTHER_GROUPS = "Asian/Pacific Islander, other or unknown"
GROUPS = {"Latino": ("Latino",), "Black": ("Black",), "White": ("White",),
          OTHER_GROUPS: ("Asian/Pacific Islander", "Other", "Unknown")}


def groups() -> pl.Expr:
    """The race/ethnicity column in the published groups."""
    race = pl.col("race_ethnicity").cast(pl.String)
    return pl.when(race.is_in(["Latino", "Black", "White"])).then(race) \
        .otherwise(pl.lit(OTHER_GROUPS))


def arrests_page(page: str, cases: pl.DataFrame, *, arrests_path: str = "",
                 mapping_path: str = "", **_) -> PageTables:
    """Arrests by race, by year and level, by year and charge, by year and race, before
    and after Proposition 64; the City of Los Angeles's convictions by group and year."""
    mapping = arrests.load_mapping(mapping_path or None)
    file = Path(arrests_path) if arrests_path else arrests.default_path(mapping)
    if not file.is_file():
        return PageTables(page, [])
    lapd = arrests.read_arrests(file, mapping)
    years = tuple(str(y) for y in range(int(lapd["year"].min()), int(lapd["year"].max()) + 1))
    domains = dict(schema.CATEGORIES) | {"year": years, "charge": arrests.CHARGES}
    tables = [_by(page, "lapd-marijuana-arrests-by-race-ethnicity-all", lapd,
                  ["race_ethnicity"], domains),
              _by(page, "lapd-marijuana-arrests-by-year-and-charge-level", lapd,
                  ["year", "charge_level"], domains),
              _wide(page, lapd, domains),
              _by(page, "lapd-marijuana-arrests-by-year-and-race", lapd,
                  ["year", "race_ethnicity"], domains),
              _rename(_by(page, "r", lapd, ["race_ethnicity"], domains),
                      "lapd-marijuana-arrests-per-10-000-county"),
              _change(page, lapd),
              _shares(page, lapd, cases),
              _years(page, lapd, cases)]
    return PageTables(page, tables)


def _by(page: str, name: str, lapd: pl.DataFrame, by: list[str], domains) -> CountTable:
    raw = lapd.group_by(*by).agg(arrests=pl.len()).sort(*by)
    rows = [{"dims": {d: str(row[d]) for d in by},
             "cells": {"arrests": cell("arrests", "arrests", **{d: str(row[d]) for d in by})}}
            for row in raw.iter_rows(named=True)]
    present = {tuple(str(row[d]) for d in by) for row in raw.iter_rows(named=True)}
    frame = raw.with_columns(pl.col(d).cast(pl.String) for d in by)
    return CountTable(name, frame, Table(page, name, tuple(by), rows), {"arrests": "arrests"},
                      zeros=zero_cells(page, {}, by, present, ("arrests",), source="arrests",
                                       domains=domains))


def _rename(table: CountTable, name: str) -> CountTable:
    return CountTable(name, table.frame, Table(table.table.page, name, table.table.dims,
                                               table.table.rows), table.counts,
                      zeros=table.zeros)


def _wide(page: str, lapd: pl.DataFrame, domains) -> CountTable:
    """Arrests by year (rows) and charge (columns)."""
    name = "lapd-marijuana-arrests-by-year-and-charge"
    wide = (lapd.group_by("year", "charge").agg(arrests=pl.len()).sort("charge")
            .pivot(on="charge", index="year", values="arrests").fill_null(0).sort("year")
            .with_columns(pl.col("year").cast(pl.String)))
    charges = [c for c in wide.columns if c != "year"]
    rows = [{"dims": {"year": y},
             "cells": {c: cell("arrests", "arrests", year=y, charge=c) for c in charges}}
            for y in wide["year"].to_list()]
    missing = [c for c in arrests.CHARGES if c not in charges]
    zeros = [cell("arrests", "arrests", year=y, charge=c) for y in domains["year"]
             for c in missing] + [cell("arrests", "arrests", year=y) for y in domains["year"]
                                  if y not in wide["year"].to_list()]
    return CountTable(name, wide, Table(page, name, ("year",), rows, column_dim="charge"),
                      dict.fromkeys(charges, "arrests"), zeros=zeros)


def _change(page: str, lapd: pl.DataFrame) -> CountTable:
    """Arrests in the three years before Proposition 64 and the years after, per group
    and for all: the before/after rates follow from them."""
    after, last = prop64.FIRST_YEAR_AFTER, int(lapd["year"].max())
    before = tuple(str(y) for y in range(after - 3, after))
    later = tuple(str(y) for y in range(after, last + 1))
    names = sorted(lapd["race_ethnicity"].cast(pl.String).unique().to_list(),
                   key=schema.RACES.index) + ["All groups"]
    rows, records = [], []
    for g in names:
        where = {} if g == "All groups" else {"race_ethnicity": g}
        scoped = lapd if not where else lapd.filter(pl.col("race_ethnicity") == g)
        counts = {"arrests_before": scoped.filter(pl.col("year").is_between(after - 3,
                                                                             after - 1)).height,
                  "arrests_after": scoped.filter(pl.col("year") >= after).height}
        rows.append({"dims": {"race_ethnicity": g if where else "Total"},
                     "cells": {"arrests_before": cell("arrests", "arrests", year=before, **where),
                               "arrests_after": cell("arrests", "arrests", year=later, **where)}})
        records.append({"race/ethnicity": g, **counts})
    name = "change-around-proposition-64-rates-per-10-000"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("race_ethnicity",), rows),
                      {"arrests_before": "arrests", "arrests_after": "arrests"})


def _shares(page: str, lapd: pl.DataFrame, cases: pl.DataFrame) -> CountTable:
    """Per published group: arrests and the City of LA's convictions (the shares are
    computed from them on the page)."""
    city = cases.filter(pl.col("jurisdiction") == LA)
    arrested = dict(lapd.group_by(group=groups()).len().iter_rows())
    convicted = dict(city.group_by(group=groups()).len().iter_rows())
    rows, records = [], []
    for g, races in sorted(GROUPS.items()):
        rows.append({"dims": {"group": g}, "cells": {
            "arrests": cell("arrests", "arrests", race_ethnicity=races),
            "convictions": cell("cases", "convictions", jurisdiction=LA, race_ethnicity=races)}})
        records.append({"group": g, "arrests": arrested.get(g, 0),
                        "convictions": convicted.get(g, 0)})
    name = "shares-by-race-ethnicity-percent"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("group",), rows),
                      {"arrests": "arrests", "convictions": "convictions"})


def _years(page: str, lapd: pl.DataFrame, cases: pl.DataFrame) -> CountTable:
    """Arrests by year beside the City of LA's dismissed convictions by conviction year."""
    first, last = int(lapd["year"].min()), int(lapd["year"].max())
    city = cases.filter(pl.col("jurisdiction") == LA).with_columns(
        year=pl.col("conviction_date").dt.year())
    records, rows = [], []
    for series, frame, source, unit, dim in (
            ("LAPD arrests", lapd, "arrests", "arrests", "year"),
            ("dismissed convictions, City of LA", city.filter(pl.col("year") >= first),
             "cases", "convictions", "conviction_year")):
        per = dict(frame.group_by("year").len().iter_rows())
        top = last if source == "arrests" else max([first, *per])
        for y in range(first, top + 1):
            where = {dim: str(y)} | ({"jurisdiction": LA} if source == "cases" else {})
            rows.append({"dims": {"series": series, "year": str(y)},
                         "cells": {"count": cell(source, unit, **where)}})
            records.append({"series": series, "year": y, "count": per.get(y, 0)})
    name = "arrests-and-dismissals-by-year"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("series", "year"), rows),
                      {"count": "mixed"})


def __dir__() -> list[str]:
    return sorted(__all__)
