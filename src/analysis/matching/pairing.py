"""One-to-one pairing of candidates, and which rule settled each contested pair.

Candidate pairs (:mod:`analysis.matching.candidates`) are put in one strict order: the
closest conviction dates first, then pairs whose count numbers agree, then the DOJ
row's and the court row's places in the stable order. :func:`one_to_one` keeps the
pairs a greedy pass down that order would keep (take a pair when neither of its rows is
taken yet), computed in rounds of joins: each round keeps every pair that comes first
for both of its rows, then drops every other pair touching a kept row. The first pair
left always comes first for both its rows, so each round keeps at least one, and for a
strict order the rounds keep exactly the greedy pass's pairs. Where that leaves a group
of linked rows with fewer pairs than it could hold, :mod:`analysis.matching.maximum`
re-pairs the group.

:func:`resolutions` names, for each kept pair, what told it apart from its closest
rival (another candidate sharing one of its rows): ``unique`` when it had none,
``most pairs`` when its group was re-paired to hold more pairs, else the first rule of
the order on which the two differ.
"""

from __future__ import annotations

import polars as pl

__all__ = ["ORDER", "RESOLUTIONS", "Resolution", "one_to_one", "resolutions"]

ORDER = ("date_difference", "count_differs", "d_rank", "c_rank")  # the pairs' order
RESOLUTIONS = ("unique", "closest date", "same count number", "stable order", "most pairs")
Resolution = pl.Enum(list(RESOLUTIONS))


def _ordered(candidates: pl.DataFrame) -> pl.DataFrame:
    """``candidates`` sorted by :data:`ORDER`, numbered in ``_order``."""
    return candidates.sort(ORDER).with_columns(_order=pl.int_range(pl.len(), dtype=pl.UInt32))


def one_to_one(candidates: pl.DataFrame) -> pl.DataFrame:
    """The pairs kept, no row in two of them (the columns of ``candidates``)."""
    live, kept = _ordered(candidates), []
    while live.height:
        first = pl.col("_order")
        best = live.filter((first == first.min().over("d")) & (first == first.min().over("c")))
        kept.append(best)
        live = (live
                # every other pair of a kept DOJ row, then of a kept court row
                .join(best.select("d"), on="d", how="anti")
                .join(best.select("c"), on="c", how="anti"))
    if not kept:
        return candidates.clear()
    return pl.concat(kept).sort("_order").drop("_order")


def resolutions(candidates: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """``kept`` with ``resolution`` (:data:`Resolution`): how each pair was told from
    its closest rival among ``candidates`` (``most pairs`` where ``kept`` has a true
    ``repaired``)."""
    ordered = _ordered(candidates)
    pair = kept.select(pd="d", pc="c", pdiff="date_difference", pcount="count_differs")
    rivals = pl.concat([
        # rivals for the pair's DOJ row, then for its court row
        ordered.join(pair, left_on="d", right_on="pd", how="inner")
        .filter(pl.col("c") != pl.col("pc")).with_columns(pd=pl.col("d")),
        ordered.join(pair, left_on="c", right_on="pc", how="inner")
        .filter(pl.col("d") != pl.col("pd")).with_columns(pc=pl.col("c")),
    ], how="diagonal")
    closest = (rivals.sort("_order")
               # the closest rival of each kept pair
               .group_by("pd", "pc").agg(pl.col("date_difference", "count_differs").first())
               .rename({"pd": "d", "pc": "c", "date_difference": "rdiff",
                        "count_differs": "rcount"}))
    repaired = pl.col("repaired") if "repaired" in kept.columns else pl.lit(False)
    rule = (pl.when(pl.col("rdiff").is_null()).then(pl.lit(RESOLUTIONS[0]))
            .when(repaired).then(pl.lit(RESOLUTIONS[4]))
            .when(pl.col("rdiff") != pl.col("date_difference")).then(pl.lit(RESOLUTIONS[1]))
            .when(pl.col("rcount") != pl.col("count_differs")).then(pl.lit(RESOLUTIONS[2]))
            .otherwise(pl.lit(RESOLUTIONS[3])))
    return (kept.join(closest, on=["d", "c"], how="left", maintain_order="left")
            .with_columns(resolution=rule.cast(Resolution))
            .drop("rdiff", "rcount"))


def __dir__() -> list[str]:
    return sorted(__all__)
