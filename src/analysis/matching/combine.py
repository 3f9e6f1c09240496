"""The combined case list: each conviction once, with the lists that hold it.

A matched pair becomes one row, the DOJ row's (its batch is the February 2020 motion's
when the DOJ list says so), found in both lists; where the DOJ row lacks the courthouse
or the subsection the court row's is used, and the court row's race or ethnicity
replaces ``Unknown``. A DOJ row left unmatched is found in the DOJ list only; a court
row left unmatched is found in the court list only and keeps its batch. A court row of
the February 2020 batch that no DOJ row matched stays found in the DOJ list too (that
motion was built from the DOJ file, and a list that says otherwise would not
validate); the report counts such rows, since they usually mean the keys of the two
lists do not agree. The result is in the case schema, DOJ rows in their order, then
the court-only rows in theirs.
"""

from __future__ import annotations

import polars as pl

from .. import schema

__all__ = ["combine"]


def combine(doj: pl.DataFrame, court: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The combined list of ``doj`` and ``court`` (frames in the case schema) given the
    kept ``pairs`` (positions ``d`` and ``c``)."""
    fill = ("court_location", "hs_subsection", "race_ethnicity")
    partner = (
        pairs.select("d", "c")
        # the court row of each matched DOJ row: the fields it may supply
        .join(court.with_row_index("c").select("c", *fill), on="c", how="inner")
        .select("d", *(pl.col(f).alias(f"{f}_court") for f in fill))
    )
    unknown = pl.col("race_ethnicity") == "Unknown"
    doj_rows = (
        doj.with_row_index("d")
        # each DOJ row beside its court partner, if it has one
        .join(partner, on="d", how="left", maintain_order="left")
        # found in the DOJ list always; in the court list when matched
        .with_columns(
            found_in_doj=pl.lit(True),
            found_in_court=pl.col("d").is_in(pairs["d"].implode()),
            court_location=pl.coalesce("court_location", "court_location_court"),
            hs_subsection=pl.coalesce("hs_subsection", "hs_subsection_court"),
            race_ethnicity=pl.when(unknown & pl.col("race_ethnicity_court").is_not_null())
            .then(pl.col("race_ethnicity_court")).otherwise(pl.col("race_ethnicity")),
        )
    )
    court_rows = (
        court.with_row_index("c")
        # the court rows no DOJ row matched
        .filter(~pl.col("c").is_in(pairs["c"].implode()))
        # found in the court list; in the DOJ list only on the February 2020 batch's word
        .with_columns(found_in_court=pl.lit(True), found_in_doj=pl.col("batch") == "feb2020")
    )
    return pl.concat([doj_rows.select(schema.COLUMNS), court_rows.select(schema.COLUMNS)]
                     ).cast(dict(schema.SCHEMA))


def __dir__() -> list[str]:
    return sorted(__all__)
