"""The count tables of the arrests page (07): the arrest extract's counts, and the case
list's convictions filed in the City of Los Angeles set beside them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .. import arrests, prop64, schema
from ..disclosure import Table, cell
from .page import PageTables
from .tables import CountTable, zero_cells

__all__ = ["ARRESTS", "DISMISSED", "OTHER_GROUPS", "arrests_page", "groups"]

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
    and after Proposition 64; the City of Los Angeles's convictions by group and year
    beside the arrests."""
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
    """Arrests in the years before Proposition 64 the page compares (as many as after,
    :func:`analysis.prop64.windows`) and in the years after, per group and for all."""
    before, after = prop64.windows(int(lapd["year"].min()), int(lapd["year"].max()))
    years = {"arrests_before": before, "arrests_after": after}
    names = sorted(lapd["race_ethnicity"].cast(pl.String).unique().to_list(),
                   key=schema.RACES.index) + ["All groups"]
    rows, records = [], []
    for g in names:
        where = {} if g == "All groups" else {"race_ethnicity": g}
        scoped = lapd if not where else lapd.filter(pl.col("race_ethnicity") == g)
        rows.append({"dims": {"race_ethnicity": g if where else "Total"}, "cells": {
            c: cell("arrests", "arrests", year=tuple(str(y) for y in span), **where)
            for c, span in years.items()}})
        records.append({"race/ethnicity": g} | {
            c: scoped.filter(pl.col("year").is_between(span[0], span[-1])).height
            for c, span in years.items()})
    name = "lapd-marijuana-arrests-before-and-after-proposition-64"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("race_ethnicity",), rows),
                      dict.fromkeys(years, "arrests"))


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
    name = "arrests-and-dismissals-by-race-ethnicity"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("group",), rows),
                      {"arrests": "arrests", "convictions": "convictions"})


ARRESTS, DISMISSED = "LAPD arrests", "dismissed convictions, City of LA"


def _years(page: str, lapd: pl.DataFrame, cases: pl.DataFrame) -> CountTable:
    """Per year of the arrest file: arrests, and the City of LA's dismissed convictions
    by year of conviction (two columns, so each says what it rests on)."""
    first, last = int(lapd["year"].min()), int(lapd["year"].max())
    arrested = dict(lapd.group_by("year").len().iter_rows())
    convicted = dict(cases.filter(pl.col("jurisdiction") == LA)
                     .group_by(pl.col("conviction_date").dt.year()).len().iter_rows())
    rows, records = [], []
    for y in range(first, last + 1):
        rows.append({"dims": {"year": str(y)}, "cells": {
            ARRESTS: cell("arrests", "arrests", year=str(y)),
            DISMISSED: cell("cases", "convictions", conviction_year=str(y), jurisdiction=LA)}})
        records.append({"year": str(y), ARRESTS: arrested.get(y, 0),
                        DISMISSED: convicted.get(y, 0)})
    name = "arrests-and-dismissals-by-year"
    return CountTable(name, pl.DataFrame(records), Table(page, name, ("year",), rows),
                      {ARRESTS: "arrests", DISMISSED: "convictions"})


def __dir__() -> list[str]:
    return sorted(__all__)
