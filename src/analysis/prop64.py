"""How arrests changed after Proposition 64, from arrest counts alone.

No population by race of the City of Los Angeles is at hand (see docs/methodology.md,
"Arrests"), so nothing here divides arrests by residents. Two measures use counts only:

* :func:`count_change`: per group, the mean arrests a year after the change over the mean
  a year before, from a count model of the yearly counts (:func:`analysis.stats.fit_counts`:
  Poisson, or negative binomial when the years swing more than Poisson noise);
* :func:`ratio_change`: the change in one group's arrests relative to another's, for
  example the Black/White ratio of arrest counts after over the same ratio before. If the
  two groups' populations kept their proportion between the periods, it is also the change
  in the ratio of their arrest rates, whatever the populations are.

:func:`windows` names the years each side of the change.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats as sps

from . import schema
from .stats import DISPERSION_LEVEL, fit_counts

__all__ = ["FIRST_YEAR_AFTER", "RatioChange", "count_change", "ratio_change",
           "windows"]

# Proposition 64 took effect on 9 November 2016; 2017 is the first full year after it.
FIRST_YEAR_AFTER = schema.PROP64_EFFECTIVE.year + 1


def windows(first: int, last: int, *, every_year_before: bool = False
            ) -> tuple[range, range]:
    """The years before and after Proposition 64 within ``first``..``last``: 2017 to
    ``last`` after; before, as many years as after (so each side weighs the same span),
    or every year from ``first`` with ``every_year_before``. Raises ValueError when
    either side is empty."""
    after = range(FIRST_YEAR_AFTER, last + 1)
    start = first if every_year_before else max(first, FIRST_YEAR_AFTER - len(after))
    before = range(start, FIRST_YEAR_AFTER)
    if not before or not after:
        raise ValueError(f"years {first}-{last} do not reach both sides of "
                         f"{FIRST_YEAR_AFTER}")
    return before, after


def _yearly(yearly: pl.DataFrame, group: str, name: str, years: list[int]) -> np.ndarray:
    """One group's count in each of ``years`` (zero where the table has no row)."""
    got = dict(yearly.filter(pl.col(group).cast(pl.String) == name)
               .select(pl.col("year").cast(pl.Int32), "count").iter_rows())
    return np.array([float(got.get(y, 0)) for y in years])


def _order(name: str) -> tuple[int, str]:
    """Groups in the schema's order, any other name after them."""
    return (schema.RACES.index(name) if name in schema.RACES else len(schema.RACES), name)


def count_change(yearly: pl.DataFrame, *, before: range, after: range,
                 group: str = "race_ethnicity", confidence: float = 0.95) -> pl.DataFrame:
    """Per group and for all groups: arrests before and after, and the ratio of mean
    arrests a year after to before, with its interval and the model that gave it.

    ``yearly`` has ``year``, ``group`` and ``count``. Columns: ``group``,
    ``arrests_before``, ``arrests_after``, ``ratio``, ``ratio_low``, ``ratio_high``,
    ``model``; the ratio is blank for a group with no arrest on one side.
    """
    z = sps.norm.ppf(0.5 + confidence / 2)
    years = [*before, *after]
    after_flag = np.array([float(y in after) for y in years])
    design = np.column_stack([np.ones_like(after_flag), after_flag])
    names = sorted(yearly[group].cast(pl.String).unique().to_list(), key=_order)
    rows = []
    for name in [*names, "All groups"]:
        y = (sum(_yearly(yearly, group, g, years) for g in names) if name == "All groups"
             else _yearly(yearly, group, name, years))
        row = {group: name, "arrests_before": int(y[after_flag == 0].sum()),
               "arrests_after": int(y[after_flag == 1].sum()), "ratio": None,
               "ratio_low": None, "ratio_high": None, "model": None}
        if row["arrests_before"] and row["arrests_after"]:
            fit = fit_counts(y, design)
            b, se = float(fit.result.params[-1]), float(fit.result.bse[-1])
            row |= {"ratio": math.exp(b), "ratio_low": math.exp(b - z * se),
                    "ratio_high": math.exp(b + z * se), "model": fit.model}
        rows.append(row)
    return pl.DataFrame(rows, schema={group: pl.String, "arrests_before": pl.Int64,
                                      "arrests_after": pl.Int64, "ratio": pl.Float64,
                                      "ratio_low": pl.Float64, "ratio_high": pl.Float64,
                                      "model": pl.String})


@dataclass(frozen=True)
class RatioChange:
    """How one group's arrests changed relative to another's (:func:`ratio_change`)."""

    group: str
    reference: str
    before: range
    after: range
    ratio_before: float  # group's arrests / reference's, pooled over the years before
    ratio_after: float
    change: float  # ratio_after / ratio_before
    naive_low: float  # interval treating every arrest as independent (binomial)
    naive_high: float
    low: float  # the interval reported: widened when the yearly ratios swing (quasi-binomial)
    high: float
    pearson_ratio: float  # Pearson chi-square / residual df of the binomial fit
    pearson_p_value: float
    df_resid: int
    confidence: float

    @property
    def widened(self) -> bool:
        """Whether the yearly ratios swing more than chance allows, so the reported
        interval is the quasi-binomial one."""
        return self.df_resid > 0 and self.pearson_p_value < DISPERSION_LEVEL

    @property
    def excludes_one(self) -> bool:
        return self.low > 1 or self.high < 1


def ratio_change(yearly: pl.DataFrame, *, before: range, after: range, group: str = "Black",
                 reference: str = "White", column: str = "race_ethnicity",
                 confidence: float = 0.95) -> RatioChange:
    """The ratio of ``group``'s arrests to ``reference``'s after the change, over the same
    ratio before, with its interval.

    Model: each year, of the arrests of the two groups, the share that are ``group``'s is
    binomial, its log odds one value before and another after (a binomial GLM). The odds
    are the ratio of the two counts, so exp(the after coefficient) is the pooled ratio
    after over the pooled ratio before, with the Wald interval
    exp(log change +- z sqrt(1/a + 1/b + 1/c + 1/d)) of the four pooled counts. When the
    Pearson test finds the yearly ratios swinging beyond binomial noise (p below
    :data:`analysis.stats.DISPERSION_LEVEL`), the reported interval is the quasi-binomial
    one: the standard error times the square root of Pearson chi-square / residual df,
    with Student's t on the residual df. Raises ValueError when a pooled count is zero.
    """
    import statsmodels.api as sm

    years = [*before, *after]
    a, b = _yearly(yearly, column, group, years), _yearly(yearly, column, reference, years)
    flag = np.array([float(y in after) for y in years])
    pooled = [v[flag == side].sum() for side in (0, 1) for v in (a, b)]
    if min(pooled) == 0:
        raise ValueError(f"{group} or {reference} has no arrest on one side of the change")
    keep = (a + b) > 0  # a year with neither group's arrest says nothing about the ratio
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(np.column_stack([a[keep], b[keep]]),
                     np.column_stack([np.ones(keep.sum()), flag[keep]]),
                     family=sm.families.Binomial()).fit()
    est, se = float(fit.params[1]), float(fit.bse[1])
    df = int(round(fit.df_resid))
    x2 = float(fit.pearson_chi2)
    p = float(sps.chi2.sf(x2, df)) if df > 0 else math.nan
    z = sps.norm.ppf(0.5 + confidence / 2)
    naive = (math.exp(est - z * se), math.exp(est + z * se))
    reported = naive
    if df > 0 and p < DISPERSION_LEVEL:
        wide = se * math.sqrt(x2 / df) * sps.t.ppf(0.5 + confidence / 2, df)
        reported = (math.exp(est - wide), math.exp(est + wide))
    return RatioChange(group, reference, before, after, pooled[0] / pooled[1],
                       pooled[2] / pooled[3], math.exp(est), *naive, *reported,
                       x2 / df if df > 0 else math.nan, p, df, confidence)


def __dir__() -> list[str]:
    return sorted(__all__)
