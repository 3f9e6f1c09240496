"""The candidate pairs of each matching step, as polars joins.

Each list is first given two helper columns (:func:`prepare`): ``_row``, the row's
position in the list as given, and ``_rank``, its place in an order that does not
depend on the file's row order (case id, count, batch, conviction date, then position),
which breaks the last ties deterministically. A candidate frame has one row per pair:
``d`` and ``c`` (the DOJ and court rows' positions), ``date_difference`` (whole days
between the two conviction dates, never negative), ``count_differs`` (the count numbers
differ) and both ranks. No identifier leaves this module in a candidate frame.
"""

from __future__ import annotations

import polars as pl

__all__ = ["CANDIDATE_SCHEMA", "case_candidates", "court_key", "person_candidates", "prepare"]

CANDIDATE_SCHEMA = pl.Schema({
    "d": pl.UInt32, "c": pl.UInt32, "date_difference": pl.Int32,
    "count_differs": pl.Boolean, "d_rank": pl.UInt32, "c_rank": pl.UInt32,
})
_SIDE = ("case_id", "person_id", "count", "conviction_date", "hs_section", "_court", "_row",
         "_rank")


def court_key(column: str = "court_location") -> pl.Expr:
    """A courthouse name as the case step compares it: Unicode NFKC, upper case, runs of
    spaces and punctuation made one space; null when blank."""
    plain = (pl.col(column).str.normalize("NFKC").str.to_uppercase()
             .str.replace_all(r"[\s\p{P}]+", " ").str.strip_chars())
    return pl.when(plain != "").then(plain)


def prepare(cases: pl.DataFrame) -> pl.DataFrame:
    """``cases`` with ``_row`` (its position), ``_rank`` (its place in the stable order)
    and ``_court`` (:func:`court_key`)."""
    courts = cases.select("court_location").unique().with_columns(_court=court_key())
    return (
        cases
        # where each row stands in the list as given
        .with_row_index("_row")
        # the stable order: by key first, the position only among equal keys
        .with_columns(_rank=pl.arg_sort_by("case_id", "count", "batch", "conviction_date",
                                           "_row").arg_sort().cast(pl.UInt32))
        # each courthouse's name as compared, worked out once per name
        .join(courts, on="court_location", how="left", maintain_order="left")
    )


def _pairs(joined: pl.LazyFrame) -> pl.LazyFrame:
    """Joined rows (the court side suffixed ``_c``) as candidate pairs."""
    days = (pl.col("conviction_date") - pl.col("conviction_date_c")).dt.total_days().abs()
    return joined.select(
        d=pl.col("_row"), c=pl.col("_row_c"), date_difference=days.cast(pl.Int32),
        count_differs=pl.col("count") != pl.col("count_c"),
        d_rank=pl.col("_rank"), c_rank=pl.col("_rank_c"),
    )


def case_candidates(doj: pl.DataFrame, court: pl.DataFrame) -> pl.DataFrame:
    """Pairs sharing the case id, the courthouse (both given) and the code section,
    whatever their dates."""
    key = ["case_id", "_court", "hs_section"]
    return _pairs(
        doj.lazy().select(_SIDE).filter(pl.col("_court").is_not_null())
        # the same case at the same courthouse, the same section
        .join(court.lazy().select(_SIDE).filter(pl.col("_court").is_not_null()),
              on=key, how="inner", suffix="_c")
    ).collect()


def person_candidates(doj: pl.DataFrame, court: pl.DataFrame, *, tolerance: int
                      ) -> pl.DataFrame:
    """Pairs of the same person and code section whose conviction dates are at most
    ``tolerance`` days apart (0: the same day)."""
    key = ["person_id", "hs_section"]
    if tolerance == 0:  # the same day: the date joins too (fewer pairs to filter)
        key.append("conviction_date")
    joined = (
        doj.lazy().select(_SIDE)
        # the same person convicted under the same section
        .join(court.lazy().select(_SIDE), on=key, how="inner", suffix="_c")
    )
    if tolerance == 0:  # the joined date column keeps one name; both sides hold it
        joined = joined.with_columns(conviction_date_c=pl.col("conviction_date"))
    return (
        joined.pipe(_pairs)
        # close enough in date
        .filter(pl.col("date_difference") <= tolerance)
    ).collect()


def __dir__() -> list[str]:
    return sorted(__all__)
