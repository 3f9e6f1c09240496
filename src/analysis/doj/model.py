"""Convictions and subjects: the record each rule looks at.

A conviction is a count whose disposition starts with ``CONVICTED``; later rows with
the same ``CNT_ORDER`` in the same subject's record are parts of its sentence, which
add up (the end is the conviction date plus every part). A subject is the DOJ's
``SUBJECT_ID``, as in the reference tool. Per conviction this module marks a
superstrike (a ``superstrikes.csv`` offence, or a gang-enhanceable one in a case that
also holds the 186.22(b)(4) enhancement, dated at the enhanced offence) and a PC 290
registrable offence; per subject it gathers the dates and facts the rules compare
against: the first superstrike, the first PC 290 conviction or registration, the
number of convictions and of Prop 64 ones, a sentence still running, a recent
conviction, a death, the age.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import summary

__all__ = ["convictions", "subjects"]


def convictions(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per conviction (subject x CNT_ORDER), with its sentence end, its index
    ``cid`` and whether it is a superstrike."""
    key = ["subject", "cnt_order"]
    return (rows
            # convicted counts only
            .filter(pl.col("convicted"))
            # one conviction per count of a subject's record; its sentence parts add up
            .with_columns(pl.col("sentence_hours").sum().over(key))
            .filter(pl.struct(key).is_first_distinct())
            .with_row_index("cid")
            # when the sentence ends (unknown date: already ended, as the reference reads it)
            .with_columns(ends=pl.col("event_date").cast(pl.Datetime("ms"))
                          + pl.duration(hours=pl.col("sentence_hours")),
                          # the case (cycle and step) a gang enhancement must share
                          case6=pl.col("cnt_order").str.slice(0, 6))
            # a gang-enhanceable offence with the enhancement in the same case is one
            .with_columns(strike=pl.col("strike") | (pl.col("enhanceable") & pl.col(
                "enhancement").any().over("subject", "case6")))
            # the facts of the whole record come from subjects()
            .drop("enhanceable", "enhancement", "convicted", "deceased", "registration", "age"))


def subjects(rows: pl.DataFrame, convicted: pl.DataFrame, *, compute_at: dt.date,
             years_conviction_free: int) -> pl.DataFrame:
    """One row per subject with what the rules compare a conviction against."""
    at = dt.datetime.combine(compute_at, dt.time())
    free_since = summary.years_before(compute_at, years_conviction_free)
    records = (rows.lazy().group_by("subject")
               # the first row's age; a death or a PC 290 registration anywhere
               .agg(age=pl.col("age").sort_by("row").first(), deceased=pl.col("deceased").any(),
                    first_registration=pl.col("event_date").filter("registration").min()))
    record = (convicted.lazy().group_by("subject")
              .agg(first_strike=pl.col("event_date").filter("strike").min(),
                   first_pc290=pl.col("event_date").filter("pc290").min(),
                   convictions=pl.len(), prop64=pl.col("p64").is_not_null().sum(),
                   running=(pl.col("ends") > at).any(),
                   recent=(pl.col("event_date") > free_since).any()))
    return (records.join(record, on="subject", how="left")
            # the earlier of a registrable conviction and a registration
            .with_columns(first_290=pl.min_horizontal("first_pc290", "first_registration"),
                          convictions=pl.col("convictions").fill_null(0),
                          prop64=pl.col("prop64").fill_null(0),
                          running=pl.col("running").fill_null(False),
                          recent=pl.col("recent").fill_null(False))
            .drop("first_pc290", "first_registration")
            .collect())


def __dir__() -> list[str]:
    return sorted(__all__)
