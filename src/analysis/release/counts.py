"""The count tables of the counting pages: by motion (01), overview (02), explorer (03)
and agency profiles (05)."""

from __future__ import annotations

import polars as pl

from .. import aggregate, schema, words
from ..disclosure import Relation, Table, cell
from .page import PageTables
from .tables import CountTable, counts_table, scope_of, zero_cells

__all__ = ["CARD", "agency_profile", "batches", "card", "explorer", "overview", "tally"]

# Every page's data card counts the rows and people it reads.
CARD = "data-card"

BINS = {"1": (1, 1), "2": (2, 2), "3": (3, 3), "4-5": (4, 5), "6+": (6, None)}
MOTIONS = {"February 2020 only": ("feb2020",), "September 2021 only": ("sep2021",),
           "both": ("feb2020", "sep2021")}


def tally(cases: pl.DataFrame) -> tuple[dict[str, int], int, int]:
    """What a data card counts: convictions per motion, convictions and people in all.
    The same for every page of a list, so a site counts them once (:func:`card`)."""
    per = cases.group_by("batch").len().with_columns(pl.col("batch").cast(pl.String))
    return dict(per.iter_rows()), cases.height, cases["person_id"].n_unique()


def card(page: str, cases: pl.DataFrame,
         counted: tuple[dict[str, int], int, int] | None = None) -> CountTable:
    """The data card's counts: convictions per motion and in all, and people in all
    (``counted``: :func:`tally` of ``cases``, when already taken)."""
    per, height, people = counted or tally(cases)
    rows = [{"dims": {"batch": b}, "cells": {"convictions": cell("cases", "convictions",
                                                                 batch=b)}}
            for b in schema.BATCHES if b in per]
    rows.append({"dims": {"batch": "Total"},
                 "cells": {"convictions": cell("cases", "convictions"),
                           "people": cell("cases", "people")}})
    frame = pl.DataFrame({"batch": [r["dims"]["batch"] for r in rows],
                          "convictions": [*(per[b] for b in schema.BATCHES if b in per),
                                          height],
                          "people": [None] * (len(rows) - 1) + [people]},
                         schema={"batch": pl.String, "convictions": pl.Int64,
                                 "people": pl.Int64})
    zeros = [cell("cases", "convictions", batch=b) for b in schema.BATCHES if b not in per]
    return CountTable(CARD, frame, Table(page, CARD, ("batch",), rows),
                      {"convictions": "convictions", "people": "people"}, csv=False,
                      zeros=zeros)


def batches(page: str, cases: pl.DataFrame, **_) -> PageTables:
    """Convictions by motion (with its records) and charge level."""
    raw = (cases.group_by("batch", "charge_level").agg(convictions=pl.len())
           .sort("batch", "charge_level"))
    rows = [{"dims": {"motion": str(b), "charge_level": str(lvl)},
             "cells": {"convictions": cell("cases", "convictions", batch=str(b),
                                           charge_level=str(lvl))}}
            for b, lvl in raw.select("batch", "charge_level").iter_rows()]
    frame = raw.select(pl.col("batch").cast(pl.String).replace(
        {b: words.motion_with_records(b) for b in schema.BATCHES}).alias("motion"),
        pl.col("charge_level").cast(pl.String), "convictions")
    present = {(str(b), str(lvl)) for b, lvl in raw.select("batch", "charge_level").iter_rows()}
    table = CountTable("dismissed-conviction-counts-by-motion-and", frame,
                       Table(page, "by-motion", ("motion", "charge_level"), rows),
                       {"convictions": "convictions"},
                       zeros=zero_cells(page, {}, ("batch", "charge_level"), present,
                                        ("convictions",)))
    return PageTables(page, [table])


def _totals(page: str, cases: pl.DataFrame) -> CountTable:
    head = aggregate.headline(cases)
    levels = {"felonies": "felony", "misdemeanors": "misdemeanor", "infractions": "infraction"}
    rows = []
    for b in head["batch"].to_list():
        where = {} if b == "all" else {"batch": b}
        cells = {u: cell("cases", u, **where) for u in ("convictions", "people")}
        cells |= {col: cell("cases", "convictions", charge_level=lvl, **where)
                  for col, lvl in levels.items()}
        rows.append({"dims": {"batch": "Total" if b == "all" else b}, "cells": cells})
    frame = head.with_columns(pl.col("batch").replace({**words.MOTION_LABELS, "all": "Total"}))
    counts = {"convictions": "convictions", "people": "people"} | \
        dict.fromkeys(levels, "convictions")
    return CountTable("overview-totals", frame, Table(page, "overview-totals", ("batch",),
                                                      rows), counts)


def _per_person(page: str, cases: pl.DataFrame) -> tuple[CountTable, list[Relation]]:
    """People by how many convictions they had dismissed, and those convictions; a
    person falls in one bin, so the bins add up to everyone."""
    raw = aggregate.people_by_convictions_dismissed(cases)
    rows, relations = [], []
    everyone, convictions = cell("cases", "people"), cell("cases", "convictions")
    for b in raw["convictions_dismissed"].to_list():
        people = cell("cases", "people", dismissed_per_person=b)
        held = cell("cases", "convictions", dismissed_per_person=b)
        rows.append({"dims": {"convictions_dismissed": b},
                     "cells": {"people": people, "convictions": held}})
        lo, hi = BINS[b]
        if hi == lo:  # everyone in the bin holds exactly lo convictions
            relations.append(Relation(((held, 1.0), (people, -float(lo))), "="))
            continue
        relations.append(Relation(((people, float(lo)), (held, -1.0)), "<="))
        if hi is not None:
            relations.append(Relation(((held, 1.0), (people, -float(hi))), "<="))
    for unit, whole in (("people", everyone), ("convictions", convictions)):
        parts = [(r["cells"][unit], 1.0) for r in rows]
        relations.append(Relation(((whole, 1.0), *((c, -k) for c, k in parts)), "="))
    table = CountTable("overview-per-person", raw,
                       Table(page, "overview-per-person", ("convictions_dismissed",), rows),
                       {"people": "people", "convictions": "convictions"})
    return table, relations


def _people_by_motions(page: str, cases: pl.DataFrame) -> tuple[CountTable, list[Relation]]:
    """People by the motions that dismissed their convictions: each person in one row."""
    raw = aggregate.people_by_motions(cases)
    rows = [{"dims": {"motions": m},
             "cells": {"people": cell("cases", "people", motions=m)}}
            for m in raw["motions"].to_list()]
    parts = {m: cell("cases", "people", motions=m) for m in MOTIONS}
    relations = [Relation(((cell("cases", "people", batch=b), 1.0),
                           *((parts[m], -1.0) for m, bs in MOTIONS.items() if b in bs)), "=")
                 for b in schema.BATCHES]
    relations.append(Relation(((cell("cases", "people"), 1.0),
                               *((p, -1.0) for p in parts.values())), "="))
    zeros = [parts[m] for m in MOTIONS if m not in raw["motions"].to_list()]
    table = CountTable("overview-people-motions", raw,
                       Table(page, "overview-people-motions", ("motions",), rows),
                       {"people": "people"}, zeros=zeros)
    return table, relations


def overview(page: str, cases: pl.DataFrame, **_) -> PageTables:
    """Totals, each dimension by motion, the years (chart), people and convictions."""
    tables = [_totals(page, cases)]
    for name, dim in (("overview-level", "charge_level"), ("overview-decade", "conviction_decade"),
                      ("overview-offense", "offense_type"), ("overview-race", "race_ethnicity")):
        tables.append(counts_table(page, name, cases, ["batch", dim], share_within=["batch"]))
    tables.append(counts_table(page, "overview-years", cases, ["conviction_year", "batch"],
                               people=False))
    per_person, rel_a = _per_person(page, cases)
    motions, rel_b = _people_by_motions(page, cases)
    return PageTables(page, [*tables, per_person, motions], [*rel_a, *rel_b])


def explorer(page: str, cases: pl.DataFrame, *, filters: aggregate.Filters,
             by: list[str], **_) -> PageTables:
    """The selection's total and its counts by one or two dimensions."""
    total = counts_table(page, "explorer-total", cases, [], filters=filters)
    tables = [total]
    if by and not aggregate.is_empty(cases, filters):
        tables.append(counts_table(page, "explorer-counts", cases, by, filters=filters))
    return PageTables(page, tables)


def agency_profile(page: str, cases: pl.DataFrame, *, agency: str,
                   top_jurisdictions: int = 15, **_) -> PageTables:
    """One agency's convictions by motion and level, decade, offense, race, and the
    jurisdictions they were filed in (the largest by name, the rest together)."""
    members = schema.agency_members(agency)
    filters = aggregate.Filters(prosecuting_agency=members)
    if aggregate.is_empty(cases, filters):
        return PageTables(page, [])
    # a page covering several agencies counts each of them too
    each = [counts_table(page, "agency-each", cases, ["prosecuting_agency", "batch"],
                         filters=filters)] if len(members) > 1 else []
    tables = [*each,
              counts_table(page, "agency-motion", cases, ["batch", "charge_level"],
                           filters=filters),
              counts_table(page, "agency-decade", cases, ["conviction_decade"], filters=filters),
              counts_table(page, "agency-offense", cases, ["offense_type"], filters=filters),
              _jurisdictions(page, cases, filters, top_jurisdictions),
              counts_table(page, "agency-race", cases, ["race_ethnicity"], filters=filters)]
    return PageTables(page, tables)


def _jurisdictions(page: str, cases: pl.DataFrame, filters: aggregate.Filters,
                   top: int) -> CountTable:
    """The largest jurisdictions by name, the others as one row."""
    places = aggregate.counts(cases, ["jurisdiction"], filters=filters, people=False)
    ranked = places.sort("convictions", descending=True).with_columns(
        jurisdiction=pl.when(pl.int_range(pl.len()) < top)
        .then(pl.col("jurisdiction").cast(pl.String)).otherwise(pl.lit("All other jurisdictions")))
    named = ranked["jurisdiction"].head(top).to_list()
    frame = ranked.group_by("jurisdiction", maintain_order=True).agg(
        pl.col("convictions").sum(), pl.col("convictions_share").sum())
    scope = scope_of(filters)
    rest = tuple(j for j in schema.JURISDICTIONS if j not in named)
    rows = [{"dims": {"jurisdiction": j},
             "cells": {"convictions": cell("cases", "convictions", **scope,
                                           jurisdiction=rest if j == "All other jurisdictions"
                                           else j)}}
            for j in frame["jurisdiction"].to_list()]
    zeros = [] if "All other jurisdictions" in frame["jurisdiction"].to_list() else \
        [cell("cases", "convictions", **scope, jurisdiction=rest)] if rest else []
    return CountTable("agency-jurisdiction", frame,
                      Table(page, "agency-jurisdiction", ("jurisdiction",), rows),
                      {"convictions": "convictions"}, {"convictions_share": "convictions"},
                      zeros=zeros)


def __dir__() -> list[str]:
    return sorted(__all__)
