"""Rate ratios that count people, and how far the choices behind them move them.

* :func:`convictions_held`: how many people of each group hold 1, 2, 3 ... convictions.
* :func:`clustered_ratios`: each group's rate of convictions per resident over the
  reference group's (the crude ratio of totals) with a person-clustered interval. The
  list is complete, so the interval is for the rate of the process that produced it:
  each resident is a cluster, holding 0, 1 or several convictions, and the variance is
  the sandwich (HC0) of a Poisson GLM over residents (statsmodels, residents without a
  conviction as one frequency-weighted row per group). In closed form,
  ``Var(log RR) = V_g + V_r`` with ``V = (sum m_i**2 - N**2 / P) / N**2`` over the
  people of a group (``m_i`` convictions each, ``N`` in all, ``P`` residents): when
  everyone holds one conviction it is the Poisson ``1/N`` (less ``1/P``). Also the
  ratio of people per resident, whose people are counted once (Poisson interval).
* :func:`sensitivity`: the same ratios under the other choices the rates rest on
  (which residents, Unknown race, unfound convictions, one motion's race mix).

A person recorded under two groups counts once in each (as in
:func:`analysis.aggregate.counts`); the variance ignores the tie between the two.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping

import numpy as np
import polars as pl
from scipy import stats as sps

__all__ = ["SCENARIOS", "clustered_ratios", "convictions_held", "sensitivity"]


def convictions_held(cases: pl.DataFrame | pl.LazyFrame, *, group: str = "race_ethnicity",
                     person: str = "person_id") -> pl.DataFrame:
    """People by ``group`` and number of convictions held: ``group``, ``held``,
    ``people``."""
    return (
        cases.lazy()
        # convictions of each person in each group
        .group_by(pl.col(group).cast(pl.String), person).agg(held=pl.len().cast(pl.Int64))
        # people holding each number of convictions
        .group_by(group, "held").agg(people=pl.len().cast(pl.Int64))
        .sort(group, "held")
        .collect()
    )


def _populations(population: pl.DataFrame, group: str) -> dict[str, float]:
    return {str(g): float(p) for g, p in population.select(group, "population").iter_rows()
            if p is not None and p > 0}


def _glm_rows(held: pl.DataFrame, groups: list[str], pops: dict[str, float],
              group: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequency-weighted residents: (group index, convictions held, how many residents),
    residents without a conviction included."""
    rows = []
    for i, g in enumerate(groups):
        mine = held.filter(pl.col(group) == g)
        rows += [(i, m, k) for m, k in mine.select("held", "people").iter_rows()]
        without = pops[g] - float(mine["people"].sum())
        if without < 0:
            raise ValueError(f"group {g!r} has more people with a conviction than residents")
        rows.append((i, 0, without))
    a = np.asarray(rows, dtype=float)
    return a[:, 0].astype(int), a[:, 1], a[:, 2]


def _clustered_fit(held: pl.DataFrame, groups: list[str], pops: dict[str, float],
                   group: str) -> tuple[np.ndarray, np.ndarray]:
    """Log rate ratios against ``groups[0]`` and their person-clustered standard errors."""
    import statsmodels.api as sm

    index, y, weight = _glm_rows(held, groups, pops, group)
    x = np.column_stack([np.ones_like(y)] + [(index == i).astype(float)
                                              for i in range(1, len(groups))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(y, x, family=sm.families.Poisson(), freq_weights=weight).fit(
            cov_type="HC0")
    return np.asarray(fit.params)[1:], np.asarray(fit.bse)[1:]


def clustered_ratios(held: pl.DataFrame, population: pl.DataFrame, *, reference: str,
                     group: str = "race_ethnicity", confidence: float = 0.95) -> pl.DataFrame:
    """Rate ratios of convictions and of people against ``reference``.

    ``held`` is :func:`convictions_held` of the groups to compare (groups without
    population take no part). Columns: ``group``, ``convictions``, ``people``,
    ``population``, ``ratio`` with ``ratio_low``/``ratio_high`` (person-clustered),
    ``naive_low``/``naive_high`` (every conviction counted as independent, for
    comparison), ``widening`` (how many times wider the clustered interval is) and
    ``people_ratio`` with its Poisson interval. The reference row has ratio 1.
    """
    pops = _populations(population, group)
    held = held.with_columns(pl.col(group).cast(pl.String))
    totals = (held.group_by(group).agg(convictions=(pl.col("held") * pl.col("people")).sum(),
                                       people=pl.col("people").sum())
              .filter(pl.col(group).is_in(list(pops)), pl.col("convictions") > 0))
    groups = totals[group].to_list()
    if reference not in groups:
        raise ValueError(f"reference group {reference!r} needs a population and a count")
    groups = [reference, *sorted(g for g in groups if g != reference)]
    log_rr, se = _clustered_fit(held, groups, pops, group)
    z = float(sps.norm.ppf(0.5 + confidence / 2))
    n = dict(totals.select(group, "convictions").iter_rows())
    k = dict(totals.select(group, "people").iter_rows())
    rows = [_ratio_row(reference, n, k, pops, 0.0, math.nan, reference, z)]
    rows += [_ratio_row(g, n, k, pops, b, s, reference, z)
             for g, b, s in zip(groups[1:], log_rr, se, strict=True)]
    return pl.DataFrame(rows).rename({"group": group})


def _ratio_row(g: str, n: dict, k: dict, pops: dict, log_rr: float, se: float,
               reference: str, z: float) -> dict:
    """One group's ratios and intervals (none for the reference group)."""
    base = {"group": g, "convictions": int(n[g]), "people": int(k[g]),
            "population": int(pops[g])}
    if g == reference:
        blank = dict.fromkeys(("ratio_low", "ratio_high", "naive_low", "naive_high",
                               "widening", "people_ratio_low", "people_ratio_high"))
        return base | {"ratio": 1.0, "people_ratio": 1.0} | blank
    naive = math.sqrt(1 / n[g] + 1 / n[reference])
    people = math.log((k[g] / pops[g]) / (k[reference] / pops[reference]))
    people_se = math.sqrt(1 / k[g] + 1 / k[reference])
    return base | {
        "ratio": math.exp(log_rr), "ratio_low": math.exp(log_rr - z * se),
        "ratio_high": math.exp(log_rr + z * se), "naive_low": math.exp(log_rr - z * naive),
        "naive_high": math.exp(log_rr + z * naive), "widening": se / naive,
        "people_ratio": math.exp(people), "people_ratio_low": math.exp(people - z * people_se),
        "people_ratio_high": math.exp(people + z * people_se)}


# --- sensitivity ------------------------------------------------------------------------

# (what is uncertain, the scenario): the rows of :func:`sensitivity`, in order.
SCENARIOS = (
    ("the page's choices", "as shown above"),
    ("which residents", "2010 census residents instead of the 2019 estimate"),
    ("Unknown race", "Unknown shared out like the known groups' convictions"),
    ("Unknown race", "Unknown all counted as the reference group"),
    ("Unknown race", "Unknown all counted as the group compared"),
    ("unfound convictions", "unfound convictions like the found ones"),
    ("unfound convictions", "unfound convictions spread evenly over residents"),
    ("one motion's race mix", "the February 2020 motion alone"),
    ("one motion's race mix", "the September 2021 motion spread evenly over residents"),
)


def _ratio(n: Mapping[str, float], pops: Mapping[str, float], g: str, ref: str) -> float:
    return (n[g] / pops[g]) / (n[ref] / pops[ref]) if n[ref] > 0 else math.nan


def _scenario(n: dict, pops: dict, g: str, ref: str, row: int, *, unknown, pops_other,
              unfound, early, late) -> float | None:
    """The ratio of group ``g`` under scenario ``row`` of :data:`SCENARIOS`; None when
    a count it needs is not given (hidden or absent)."""
    even = {h: p / sum(pops.values()) for h, p in pops.items()}  # residents' shares
    if row in (0, 2, 5):  # shared out like the convictions: the ratio does not move
        return _ratio(n, pops, g, ref)
    if row == 1:
        return None if pops_other is None else _ratio(n, pops_other, g, ref)
    if row in (3, 4):
        if unknown is None:
            return None
        to = ref if row == 3 else g
        return _ratio(n | {to: n[to] + unknown}, pops, g, ref)
    if row == 6:
        return None if unfound is None else _ratio(
            {h: n[h] + unfound * even[h] for h in n}, pops, g, ref)
    if early is None or late is None:
        return None
    if row == 7:
        return _ratio(early, pops, g, ref) if early.get(ref) else None
    spread = sum(late.values())
    return _ratio({h: early[h] + spread * even[h] for h in n}, pops, g, ref)


def sensitivity(counts: Mapping[str, int], population: pl.DataFrame, *, reference: str,
                group: str = "race_ethnicity", unknown: int | None = None,
                population_other: pl.DataFrame | None = None, unfound: int | None = None,
                by_motion: tuple[Mapping[str, int], Mapping[str, int]] | None = None,
                ) -> pl.DataFrame:
    """Each group's rate ratio against ``reference`` under every row of
    :data:`SCENARIOS`: ``counts`` are convictions by group, ``unknown`` those of
    Unknown race, ``population_other`` another year's residents, ``unfound`` how many
    convictions neither list found, ``by_motion`` the groups' convictions in each
    motion (earlier, later). Columns: ``uncertainty``, ``scenario``, one per group
    compared (a scenario without the counts it needs is blank)."""
    pops = _populations(population, group)
    other = None if population_other is None else _populations(population_other, group)
    n = {g: float(c) for g, c in counts.items() if g in pops}
    if reference not in n or not n[reference]:
        raise ValueError(f"reference group {reference!r} needs a population and a count")
    if other is not None and not set(n) <= set(other):
        other = None
    early, late = ((None, None) if by_motion is None else
                   tuple({g: float(m.get(g, 0)) for g in n} for m in by_motion))
    pops = {g: pops[g] for g in n}
    compared = sorted(g for g in n if g != reference)
    rows = [{"uncertainty": what, "scenario": scenario} | {
        g: _scenario(n, pops, g, reference, i, unknown=unknown, pops_other=other,
                     unfound=unfound, early=early, late=late) for g in compared}
        for i, (what, scenario) in enumerate(SCENARIOS)]
    return pl.DataFrame(rows, schema={"uncertainty": pl.String, "scenario": pl.String}
                        | dict.fromkeys(compared, pl.Float64))


def __dir__() -> list[str]:
    return sorted(__all__)
