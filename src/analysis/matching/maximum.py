"""The most pairs a step can hold, where the greedy pairing holds fewer.

The candidates of a step fall into groups: rows linked to each other through shared
candidates (the connected components of the bipartite graph of DOJ and court rows).
Greedy pairing down the order (:func:`analysis.matching.pairing.one_to_one`) nearly
always pairs as many rows of a group as any pairing could; it falls short when a row
loses its only candidate to a pair whose other row had another. :func:`repair` finds the
most pairs each group can hold (Hopcroft-Karp, ``scipy.sparse.csgraph.
maximum_bipartite_matching``) and re-pairs, as a whole, each group where the greedy
pairing holds fewer: the most pairs; among those the smallest total of date
differences; then the most pairs with equal count numbers; then the smallest total of
the pairs' places in the order (the group's candidates numbered down the order from 0).

That is one minimum-cost assignment (``scipy.sparse.csgraph.
min_weight_full_bipartite_matching``, sparse, every re-paired group in one call): each
pair costs ``(days x (n + 1) + count differs) x W + place + 1``, with ``n`` the most
pairs the group could have and ``W`` above any total of ``place + 1``, so each criterion
outweighs all that follow it; each DOJ row may also take a partner of its own that stands
for staying unpaired, at a cost above any pairing of its group, so the fewest rows stay
unpaired. The costs are whole numbers exact in floating point: a group too large for
that (totals near 2**52) is costed without the places (the solver then settles what is
still tied), and one too large even so keeps its greedy pairing.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import sparse
from scipy.sparse import csgraph

from .pairing import ORDER

__all__ = ["EXACT", "repair"]

EXACT = 2.0**52  # totals below this are exact in a float's 53 bits


def _groups(found: pl.DataFrame) -> pl.DataFrame:
    """``found`` with ``_di``, ``_ci`` (the rows numbered densely from 0) and ``_group``
    (the connected component of the candidate graph holding the pair)."""
    numbered = found.with_columns(_di=pl.col("d").rank("dense").cast(pl.Int64) - 1,
                                  _ci=pl.col("c").rank("dense").cast(pl.Int64) - 1)
    di, ci = numbered["_di"].to_numpy(), numbered["_ci"].to_numpy()
    nd = int(di.max()) + 1
    size = nd + int(ci.max()) + 1
    graph = sparse.coo_array((np.ones(len(di)), (di, nd + ci)), shape=(size, size))
    _, labels = csgraph.connected_components(graph, directed=False)
    return numbered.with_columns(_group=pl.Series(labels[di], dtype=pl.Int64))


def _most(numbered: pl.DataFrame) -> pl.DataFrame:
    """The most pairs each group can hold: ``_group``, ``_most``."""
    di, ci = numbered["_di"].to_numpy(), numbered["_ci"].to_numpy()
    graph = sparse.csr_array((np.ones(len(di)), (di, ci)),
                             shape=(int(di.max()) + 1, int(ci.max()) + 1))
    partner = csgraph.maximum_bipartite_matching(graph, perm_type="column")
    rows = numbered.select("_di", "_group").unique()
    matched = pl.DataFrame({"_di": np.arange(len(partner)), "_paired": partner >= 0})
    return (rows.join(matched, on="_di", how="inner")
            .group_by("_group").agg(_most=pl.col("_paired").sum()))


def _costs(short: pl.DataFrame, with_places: bool) -> pl.DataFrame:
    """The candidates of the groups to re-pair with ``_cost`` and ``_stay`` (the cost
    of a DOJ row staying unpaired), and ``_exact`` (every total stays exact)."""
    n = pl.col("_most").cast(pl.Float64)
    low = (pl.col("_place") + 1) if with_places else pl.lit(1)
    weight = (n * pl.len().over("_group") + 1) if with_places else (n + 1)
    rows = pl.col("d").n_unique().over("_group").cast(pl.Float64)
    return (short
            # each pair's place in its group's order, from 0
            .sort("_group", *ORDER)
            .with_columns(_place=pl.int_range(pl.len()).over("_group"))
            # days, then equal counts, then places, each above all that follow
            .with_columns(_cost=(pl.col("date_difference").cast(pl.Float64) * (n + 1)
                                 + pl.col("count_differs").cast(pl.Float64)) * weight
                          + low.cast(pl.Float64))
            # staying unpaired costs more than any pairing of the group
            .with_columns(_stay=n * pl.col("_cost").max().over("_group") + 1)
            .with_columns(_exact=((rows + 1) * pl.col("_stay")).max().over("_group") < EXACT))


def _assign(costed: pl.DataFrame) -> pl.DataFrame:
    """The minimum-cost pairing of ``costed`` (candidates with ``_cost`` and
    ``_stay``): the pairs kept, with the columns of the candidates."""
    # rows and columns in the stable order within each group, so the result does not
    # depend on the order of the files
    rows = (costed.group_by("_group", "d").agg(pl.col("d_rank", "_stay").first())
            .sort("_group", "d_rank").with_row_index("_r"))
    cols = (costed.group_by("_group", "c").agg(pl.col("c_rank").first())
            .sort("_group", "c_rank").with_row_index("_k"))
    edges = (costed.join(rows.select("d", "_r"), on="d").join(cols.select("c", "_k"), on="c"))
    r, k = rows.height, cols.height
    index = np.arange(r)
    matrix = sparse.csr_array(
        (np.concatenate([edges["_cost"].to_numpy(), rows["_stay"].to_numpy()]),
         (np.concatenate([edges["_r"].to_numpy(), index]),
          np.concatenate([edges["_k"].to_numpy(), k + index]))), shape=(r, k + r))
    at_row, at_col = csgraph.min_weight_full_bipartite_matching(matrix)
    chosen = pl.DataFrame({"_r": at_row, "_k": at_col}).cast(pl.UInt32).filter(pl.col("_k") < k)
    return edges.join(chosen, on=["_r", "_k"], how="semi")


def repair(found: pl.DataFrame, greedy: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """The pairs of ``greedy`` (kept from the candidates ``found``) with every group the
    greedy pairing left short re-paired (see the module's notes), a column ``repaired``
    marking the pairs of those groups, and ``{"groups": re-paired groups,
    "pairs_gained": pairs added, "too_large": groups left greedy}``."""
    stats = {"groups": 0, "pairs_gained": 0, "too_large": 0}
    if found.height == 0:
        return greedy.with_columns(repaired=pl.lit(False)), stats
    numbered = _groups(found)
    group = numbered.select("d", "c", "_group")
    held = (greedy.join(group, on=["d", "c"], how="left").group_by("_group")
            .agg(_held=pl.len()))
    short = (_most(numbered).join(held, on="_group", how="left")
             .with_columns(pl.col("_held").fill_null(0))
             .filter(pl.col("_held") < pl.col("_most")))
    if short.height == 0:
        return greedy.with_columns(repaired=pl.lit(False)), stats
    candidates = numbered.join(short, on="_group", how="inner")
    costed = _costs(candidates, with_places=True)
    rough = _costs(costed.filter(~pl.col("_exact")).drop(
        "_place", "_cost", "_stay", "_exact"), with_places=False)
    costed = pl.concat([costed.filter("_exact"), rough.filter("_exact")], how="diagonal")
    solved = _assign(costed) if costed.height else costed
    redone = costed["_group"].unique()
    kept = pl.concat([
        greedy.join(group, on=["d", "c"], how="left")
        # the greedy pairs of every group not re-paired
        .filter(~pl.col("_group").is_in(redone.implode()))
        .select(*greedy.columns, repaired=pl.lit(False)),
        solved.select(*greedy.columns, repaired=pl.lit(True)),
    ])
    redone_short = short.filter(pl.col("_group").is_in(redone.implode()))
    stats.update(groups=redone_short.height,
                 pairs_gained=solved.height - int(redone_short["_held"].sum()),
                 too_large=short.height - redone_short.height)
    return kept, stats


def __dir__() -> list[str]:
    return sorted(__all__)
