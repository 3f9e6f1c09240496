"""The count tables behind the analysis pages: disparities (04), the reconciliation (06)
and capture-recapture (08). Statistics are computed on the page from the protected
counts; only the counts are declared here."""

from __future__ import annotations

import polars as pl

from .. import capture, reconcile, schema, summarychecks, words
from .. import claims as cl
from ..claimchecks import fmt
from ..disclosure import Cell, Relation, Table, cell
from . import summary as doj_summary_cells
from .counts import MOTIONS
from .page import PageTables
from .tables import CountTable, counts_table

__all__ = ["CAPTURE_CHOICE", "CAPTURE_EXCLUDED", "CAPTURE_STRATA", "claim_cell", "disparities",
           "reconciliation", "still_unidentified"]

HELD = ("1", "2", "3-5", "6-10", "11 or more")


def disparities(page: str, cases: pl.DataFrame, **_) -> PageTables:
    """Convictions and people (distinct ids) by race/ethnicity, for the rates and the
    ratios; convictions by motion and race/ethnicity, not shown as a table but behind
    the sensitivity of the ratios to one motion's race mix; convictions in every year
    from the first to the last (the trend)."""
    race = counts_table(page, "race", cases, ["race_ethnicity"])
    motions = counts_table(page, "disparities-race-by-motion", cases,
                           ["batch", "race_ethnicity"], people=False)
    tables = [_counts(race, "disparities-rates"), _counts(race, "disparities-rate-ratios"),
              _counts(motions, motions.name, csv=False),
              _years(page, "disparities-trend", cases)]
    return PageTables(page, tables)


def _counts(table: CountTable, name: str, *, csv: bool = True) -> CountTable:
    """``table``'s counts without their shares, in a table of its own."""
    frame = table.frame.select(*table.table.dims, *table.counts)
    return CountTable(name, frame, Table(table.table.page, name, table.table.dims,
                                         table.table.rows),
                      dict(table.counts), zeros=list(table.zeros), csv=csv)


def _years(page: str, name: str, cases: pl.DataFrame) -> CountTable:
    """Convictions in every year from the first to the last, zeros included."""
    per = dict(cases.group_by(pl.col("conviction_date").dt.year()).len().iter_rows())
    years = list(range(min(per), max(per) + 1)) if per else []
    rows = [{"dims": {"conviction_year": str(y)},
             "cells": {"count": cell("cases", "convictions", conviction_year=str(y))}}
            for y in years]
    frame = pl.DataFrame({"conviction_year": [str(y) for y in years],
                          "count": [per.get(y, 0) for y in years]},
                         schema={"conviction_year": pl.String, "count": pl.Int64})
    outside = [cell("cases", "convictions", conviction_year=str(y)) for y in range(1950, 2022)
               if not (years and years[0] <= y <= years[-1])]
    return CountTable(name, frame, Table(page, name, ("conviction_year",), rows),
                      {"count": "convictions"}, zeros=outside)


def reconciliation(page: str, cases: pl.DataFrame, *, doj_summary: dict | None = None,
                   **_) -> PageTables:
    """Convictions, cases and people per motion; people by convictions held; the overlap
    of the motions; and every claim's figure computed from the data, or, for the claims
    about whole records, taken from ``doj_summary`` (the ``analysis doj`` summary beside
    the case list, when there is one: :mod:`analysis.release.summary`)."""
    result = reconcile.reconcile(cases, cl.load())  # its counts serve the tables too
    if doj_summary is not None:  # every figure: the release withholds the small ones
        result = summarychecks.apply(result, doj_summary, withhold=False)
    present = result.counts.present
    tables, relations = [_per_motion(page, cases, present)], []
    held, rel = _held(page, cases)
    tables.append(held)
    relations += rel
    tables.append(_overlap(page, result.counts.cross_batch()))
    tables.append(_claims(page, cases, result))
    if doj_summary is not None:
        known = summarychecks.figures(doj_summary, withhold=False)
        gaps, rel = doj_summary_cells.difference(page, known)
        tables += gaps
        relations += rel
    return PageTables(page, tables, relations)


def _per_motion(page: str, cases: pl.DataFrame, present: set[str]) -> CountTable:
    frame = reconcile.people_vs_convictions(cases)
    batches = [b for b in schema.BATCHES if b in present]
    rows = []
    for b in [*batches, None]:
        where = {} if b is None else {"batch": b}
        rows.append({"dims": {"motion": b or "Total"},
                     "cells": {"convictions": cell("cases", "convictions", **where),
                               "cases": cell("cases", "cases", **where),
                               "people": cell("cases", "people", **where)}})
    return CountTable("convictions-cases-and-people-in-each-motion", frame,
                      Table(page, "per-motion", ("motion",), rows),
                      {"convictions": "convictions", "cases": "cases", "people": "people"},
                      {"convictions_per_person": "people"})


def _held(page: str, cases: pl.DataFrame) -> tuple[CountTable, list[Relation]]:
    """People by the number of convictions they hold in each motion; each person of a
    motion falls in one bin."""
    frame = reconcile.people_by_convictions_in_motion(cases)
    label = {words.motion_with_records(b): b for b in schema.BATCHES}
    rows, relations, seen = [], [], set()
    for motion, bin_ in frame.select("motion", "held").iter_rows():
        b = label[motion]
        seen.add((b, bin_))
        rows.append({"dims": {"motion": b, "held": bin_},
                     "cells": {"people": cell("cases", "people", batch=b,
                                              held_in_motion=bin_)}})
    zeros = [cell("cases", "people", batch=b, held_in_motion=h) for b in schema.BATCHES
             for h in HELD if (b, h) not in seen]
    for b in schema.BATCHES:
        parts = [cell("cases", "people", batch=b, held_in_motion=h) for h in HELD]
        relations.append(Relation(((cell("cases", "people", batch=b), 1.0),
                                   *((p, -1.0) for p in parts)), "="))
    table = CountTable("people-by-convictions-held-in-each-motion", frame,
                       Table(page, "held", ("motion", "held"), rows), {"people": "people"},
                       zeros=zeros)
    return table, relations


def _overlap(page: str, frame: pl.DataFrame) -> CountTable:
    """The overlap of the motions (``frame``: :func:`analysis.reconcile.cross_batch`)."""
    keys = [cell("cases", "overlap", match="case number and count"),
            cell("cases", "overlap", match="person, date and section"),
            cell("cases", "people", motions="both"),
            cell("cases", "people", motions="February 2020 only"),
            cell("cases", "people", motions="September 2021 only"),
            cell("cases", "people")]
    rows = [{"dims": {"measure": m}, "cells": {"value": c}}
            for m, c in zip(frame["measure"].to_list(), keys, strict=True)]
    assert set(MOTIONS) >= {"both"}
    return CountTable("convictions-and-people-found-in-both-motions", frame,
                      Table(page, "overlap", (), rows), {"value": "mixed"})


def claim_cell(claim: cl.Claim) -> Cell | None:
    """The cell a claim's figure counts in the data (its numerator, for a percent)."""
    if not claim.batches or claim.unit not in ("convictions", "cases", "people", "percent"):
        return None
    where: dict[str, tuple[str, ...]] = {"batch": claim.batches}
    for key, values in claim.filters:
        if key == "prosecutor":
            where[key] = tuple(schema.DISTRICT_ATTORNEY if v == "district_attorney"
                               else "city prosecutor" for v in values)
        else:
            where[key] = values
    unit = "convictions" if claim.unit in ("convictions", "cases") else "people"
    return cell("cases", unit, **where)


def _claims(page: str, cases: pl.DataFrame, result: reconcile.Reconciliation) -> CountTable:
    """Every claim against the data (``result``), as the page orders them, with the cell
    behind each computed count (a percent is guarded by the count of people it is a
    share of)."""
    claims = cl.by_id(result.claims)
    checks = sorted(result.data, key=lambda d: (not d.required,
                                                d.status != reconcile.INCONSISTENT))
    rows, records = [], []
    for d in checks:
        c = _cell_of(claims.get(d.claim), d.claim)
        row: dict = {"dims": {"claim": d.claim}, "cells": {}}
        if c is not None and d.computed is not None:
            if d.unit == "percent":
                numerator = reconcile.compute_count(cases, claims[d.claim], result.counts)
                row |= {"guards": {"computed": c}, "guard_values": {"computed": numerator}}
            else:
                row["cells"]["computed"] = c
        rows.append(row)
        # the verdict right after the figure, so a narrow screen shows it first
        records.append({"claim": d.claim, "published": d.published, "status": d.status,
                        "computed": fmt(d.computed, d.unit), "admits": d.admits,
                        "covers": words.scope_label(d.scope),
                        "must hold": "yes" if d.required else "no",
                        "explanation": d.explanation})
    frame = pl.DataFrame(records, schema={
        "claim": pl.String, "published": pl.String, "status": pl.String,
        "computed": pl.String, "admits": pl.String, "covers": pl.String,
        "must hold": pl.String, "explanation": pl.String})
    return CountTable("published-claims-published-against-the-figures", frame,
                      Table(page, "claims", (), rows), {"computed": "mixed"},
                      {"status": "computed", "explanation": "computed"})


def _cell_of(claim: cl.Claim | None, claim_id: str) -> Cell | None:
    """The cell behind a claim's computed figure: the summary's, for a claim about whole
    records (it has a figure only when a summary was applied), else the case list's."""
    if claim is None:
        return _derived_cell(claim_id)
    if claim.measure in summarychecks.MEASURES:
        return doj_summary_cells.cell_of(claim.measure)
    return claim_cell(claim)


def _derived_cell(claim_id: str) -> Cell | None:
    if claim_id == "derived-01":
        return cell("cases", "convictions", batch="sep2021", charge_level="misdemeanor",
                    prosecutor=schema.DISTRICT_ATTORNEY)
    if claim_id == "derived-02":
        return cell("cases", "overlap", match="case number and count")
    return None


# The capture page's tables: the domain parts left out, and the shared parts under the
# page's strata (shown) and under each other choice of strata that splits them otherwise.
CAPTURE_EXCLUDED = "capture-recapture-domains-not-estimated"
CAPTURE_STRATA = "capture-recapture-where-both-lists-searched"
CAPTURE_CHOICE = "capture-shared-"  # + the choice of strata, for the range (no CSV)


def still_unidentified(page: str, cases: pl.DataFrame, *, by: tuple[str, ...] = capture.STRATA,
                       **_) -> PageTables:
    """The three observed cells of every domain part left out of the estimate, and of
    every stratum of the shared parts under each distinct choice of strata (the page's
    ``by``, no strata, decades): each estimate shown gives its cells back."""
    parts = capture.label_parts(cases)
    shared = parts.filter(pl.col("status") == capture.SHARED)
    tables = [_capture(page, CAPTURE_EXCLUDED, parts.filter(pl.col("status") != capture.SHARED),
                       ("status",), True)]
    for i, choice in enumerate(capture.distinct_partitions(shared, [by, (), ("decade",)])):
        name = CAPTURE_STRATA if i == 0 else CAPTURE_CHOICE + (words.slug("-".join(choice))
                                                               or "none")
        tables.append(_capture(page, name, shared, choice, i == 0))
    return PageTables(page, tables)


def _capture(page: str, name: str, rows: pl.DataFrame, by: tuple[str, ...],
             csv: bool) -> CountTable:
    """The cells of ``rows`` (labelled by :func:`analysis.capture.label_parts`) per
    domain part and stratum of ``by``."""
    dims = (*capture.DOMAIN, *by)
    table = capture.capture_table(rows, by=(*dims, "from_year", "to_year"))
    out = []
    for row in table.iter_rows(named=True):
        where = _part(row) | {d: str(row[d]) for d in by if d not in ("decade", "status")}
        out.append({"dims": {d: str(row[d]) for d in dims},
                    "cells": {k: cell("cases", "convictions", capture=k, **where)
                              for k in capture.CELLS}})
    frame = table.select(*dims, "from_year", "to_year", *capture.CELLS).with_columns(
        pl.col(d).cast(pl.String) for d in dims)
    return CountTable(name, frame, Table(page, name, dims, out),
                      dict.fromkeys(capture.CELLS, "convictions"), csv=csv)


def _part(row: dict) -> dict:
    """The predicate of a row's domain part (its level, its prosecutor unless a felony,
    which only the District Attorney files, and its years), narrowed to its decade."""
    low, high = row["from_year"], row["to_year"]
    if row.get("decade") is not None:
        first = int(str(row["decade"]).removesuffix("s"))
        low, high = max(low, first), min(high, first + 9)
    where = {"charge_level": str(row["charge_level"])}
    if where["charge_level"] != "felony":
        where["prosecutor"] = str(row["prosecutor"])
    if (low, high) != (capture.FIRST_YEAR, capture.LAST_YEAR):
        where["conviction_year"] = tuple(str(y) for y in range(low, high + 1))
    return where


def __dir__() -> list[str]:
    return sorted(__all__)
