"""Disparity statistics with honest uncertainty: rates, rate ratios, trends.

* :func:`rates`: events per ``per`` residents by group, with the exact (Garwood)
  Poisson interval.
* :func:`rate_ratios`: each group's rate relative to a reference group, from a Poisson
  GLM with ``log(population)`` as offset (statsmodels), negative binomial when
  :func:`analysis.countmodels.fit_counts` finds overdispersion. With strata (years,
  motions) and one population per group, the fixed effects leave the ratio the crude
  ratio of totals and the tests then ask whether group and stratum are independent;
  only a population per stratum gives the strata work.
* :func:`trend`: counts by conviction year smoothed by a Poisson (or negative binomial)
  GLM on a natural cubic spline of the year (and a step, where a list starts), with a
  confidence band for the expected count.

Person-clustered rate ratios and their sensitivity are :mod:`analysis.disparity`'s.

The functions take aggregated frames (``DataFrame`` or ``LazyFrame``), such as those of
:mod:`analysis.aggregate`, and the population table of
:func:`analysis.reference.population_by_race`. They are also used for arrests, so they
name no case column beyond their parameters.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy import stats as sps

from .countmodels import (
    DISPERSION_LEVEL,
    NEGATIVE_BINOMIAL,
    POISSON,
    Dispersion,
    Fit,
    fit_counts,
    overdispersion,
)

__all__ = ["DISPERSION_LEVEL", "Dispersion", "Fit", "Frame", "NEGATIVE_BINOMIAL", "POISSON",
           "change_per_year", "fit_counts", "match_group", "overdispersion",
           "poisson_interval", "rate_ratios", "rates", "trend"]

Frame = pl.DataFrame | pl.LazyFrame


def _frame(data: Frame) -> pl.DataFrame:
    return data.collect() if isinstance(data, pl.LazyFrame) else data


def _require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    for c in columns:
        if c not in frame.columns:
            raise ValueError(f"{what} has no column {c!r} (columns: {', '.join(frame.columns)})")


def poisson_interval(count: np.ndarray | int, confidence: float = 0.95) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    """Exact (Garwood) interval for a Poisson mean given an observed count."""
    k = np.asarray(count, dtype=float)
    a = 1 - confidence
    low = np.where(k > 0, sps.chi2.ppf(a / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    high = sps.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return low, high


def _with_population(counts: Frame, population: Frame, group: str,
                     count_col: str) -> pl.DataFrame:
    """Counts summed per group (and any other columns), population joined by group."""
    counts, population = _frame(counts), _frame(population)
    _require(counts, [group, count_col], "the counts frame")
    _require(population, [group, "population"], "the population frame")
    if counts[count_col].null_count() or (counts[count_col] < 0).any():
        raise ValueError(f"{count_col!r} must be non-negative counts without gaps")
    pop = population.select(
        pl.col(group).cast(pl.String).alias("_key"), pl.col("population").cast(pl.Float64))
    return (
        counts
        # join on the group's text so Enum and String groups match
        .with_columns(_key=pl.col(group).cast(pl.String))
        .join(pop, on="_key", how="left", maintain_order="left")
        .drop("_key")
    )


def rates(counts: Frame, population: Frame, *, group: str = "race_ethnicity",
          count_col: str = "count", per: int = 10_000, confidence: float = 0.95) -> pl.DataFrame:
    """Events per ``per`` residents by group, with the exact Poisson interval.

    ``counts`` may hold several rows per group (e.g. by year); they are summed.
    Columns: ``group``, ``count``, ``population``, ``rate``, ``rate_low``, ``rate_high``.
    A group without population (``Unknown`` race) keeps its count with null rate.
    """
    counts = _frame(counts)
    _require(counts, [group, count_col], "the counts frame")
    summed = (
        counts
        # one row per group, in the group's order
        .group_by(group, maintain_order=True).agg(count=pl.col(count_col).sum().cast(pl.Int64))
        .sort(group)
    )
    joined = _with_population(summed, population, group, "count")
    k = joined["count"].to_numpy()
    pop = joined["population"].to_numpy()
    low, high = poisson_interval(k, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = per / pop
    return joined.with_columns(
        population=pl.col("population").cast(pl.Int64),
        rate=pl.Series(k * scale).fill_nan(None),
        rate_low=pl.Series(low * scale).fill_nan(None),
        rate_high=pl.Series(high * scale).fill_nan(None),
    ).select(group, "count", "population", "rate", "rate_low", "rate_high")


def _dummies(values: Sequence, levels: Sequence) -> np.ndarray:
    """Indicator columns for ``levels`` (the reference level left out by the caller)."""
    arr = np.asarray(values, dtype=object)
    return np.column_stack([(arr == lv).astype(float) for lv in levels]) if levels \
        else np.zeros((len(arr), 0))


def rate_ratios(counts: Frame, population: Frame, *, group: str = "race_ethnicity",
                reference: str = "White", count_col: str = "count",
                strata: Sequence[str] | None = None, per: int = 10_000,
                confidence: float = 0.95) -> pl.DataFrame:
    """Each group's rate relative to ``reference``, with a model-based interval.

    ``counts`` holds one row per group, or per group and stratum (``strata`` columns,
    default: every column besides ``group`` and ``count_col`` that is not a float).
    The model is ``log E[count] = log(population) + group + strata``. Population is the
    same in every stratum of a group: today's residents stand in for each year's.

    Columns: ``group``, ``count``, ``population``, ``rate`` (per ``per``), ``ratio``,
    ``ratio_low``, ``ratio_high``, ``p_value`` (ratio = 1), ``model``,
    ``dispersion_statistic``, ``dispersion_p_value``, ``model_choice`` (the test and
    the choice in words). The reference row has ratio 1 and no interval; groups
    without population (``Unknown``) or without any count have no ratio.
    """
    data = _frame(counts)
    _require(data, [group, count_col], "the counts frame")
    strata = _default_strata(data, group, count_col) if strata is None else list(strata)
    data = _with_population(data.select(group, *strata, count_col), population, group,
                            count_col)
    reference = match_group(data[group].cast(pl.String).to_list(), reference)
    totals = (data.group_by(group, maintain_order=True)
              .agg(count=pl.col(count_col).sum().cast(pl.Int64),
                   population=pl.col("population").first())
              .sort(group))
    fit_groups = [g for g, n, p in totals.select(pl.col(group).cast(pl.String), "count",
                                                   "population").iter_rows()
                  if p is not None and p > 0 and n > 0]
    if reference not in fit_groups:
        raise ValueError(f"reference group {reference!r} needs a population and at least "
                         "one count")
    model_rows = data.filter(pl.col(group).cast(pl.String).is_in(fit_groups))
    others = [g for g in fit_groups if g != reference]
    x = _design(model_rows, group, others, strata)
    y = model_rows[count_col].to_numpy().astype(float)
    fit = fit_counts(y, x, np.log(model_rows["population"].to_numpy()))
    estimates = {reference: (1.0, None, None, None)} | _group_ratios(fit, others, confidence)
    return _ratio_table(totals, group, estimates, fit, per)


def _default_strata(data: pl.DataFrame, group: str, count_col: str) -> list[str]:
    """Columns that split the counts: text or categories, and whole-number years."""
    return [c for c, t in data.schema.items() if c not in (group, count_col)
            and (not t.is_numeric() or (t.is_integer() and ("year" in c or "decade" in c)))]


def match_group(keys: list[str], reference: str) -> str:
    """``reference`` as ``keys`` (the groups of the counts) spell it, matched without
    regard to case or surrounding spaces; ValueError when no group matches."""
    if not isinstance(reference, str):
        raise TypeError(f"reference must be a group name (str), not "
                        f"{type(reference).__name__} {reference!r}")
    found = [k for k in dict.fromkeys(keys) if k.casefold() == reference.strip().casefold()]
    if not found:
        raise ValueError(f"reference group {reference!r} is not among the counts "
                         f"({', '.join(sorted(set(keys)))})")
    return found[0]


def _design(rows: pl.DataFrame, group: str, others: list[str],
            strata: Sequence[str]) -> np.ndarray:
    """Intercept, one indicator per non-reference group, fixed effects of the strata."""
    columns = [np.ones((rows.height, 1)), _dummies(rows[group].cast(pl.String).to_list(),
                                                   others)]
    for s in strata:
        values = rows[s].cast(pl.String).to_list()
        columns.append(_dummies(values, sorted(set(values))[1:]))
    return np.column_stack(columns)


def _group_ratios(fit: Fit, others: list[str], confidence: float) -> dict[str, tuple]:
    """Each group's ratio, interval and p-value, from its coefficient."""
    params = np.asarray(fit.result.params)
    ci = np.asarray(fit.result.conf_int(alpha=1 - confidence))
    pvals = np.asarray(fit.result.pvalues)
    return {g: (math.exp(params[i]), math.exp(ci[i, 0]), math.exp(ci[i, 1]), float(pvals[i]))
            for i, g in enumerate(others, start=1)}


def _ratio_table(totals: pl.DataFrame, group: str, estimates: dict[str, tuple], fit: Fit,
                 per: int) -> pl.DataFrame:
    """One row per group: its count, population, rate, ratio and the model's choice."""
    rows = []
    for g, n, p in totals.select(pl.col(group).cast(pl.String), "count",
                                 "population").iter_rows():
        ratio, low, high, pv = estimates.get(g, (0.0 if (p and n == 0) else None, None, None,
                                                 None))
        rows.append({"_key": g, "count": n, "population": None if p is None else int(p),
                     "rate": None if not p else n / p * per, "ratio": ratio,
                     "ratio_low": low, "ratio_high": high, "p_value": pv})
    out = pl.DataFrame(rows, schema={"_key": pl.String, "count": pl.Int64,
                                     "population": pl.Int64, "rate": pl.Float64,
                                     "ratio": pl.Float64, "ratio_low": pl.Float64,
                                     "ratio_high": pl.Float64, "p_value": pl.Float64})
    disp = fit.dispersion
    return out.with_columns(
        pl.col("_key").cast(totals.schema[group]).alias(group),
        model=pl.lit(fit.model if fit.alpha is None else
                     f"{fit.model}, alpha = {fit.alpha:.3g}"),
        dispersion_statistic=pl.lit(disp.statistic if math.isfinite(disp.statistic)
                                    else None, dtype=pl.Float64),
        dispersion_p_value=pl.lit(disp.p_value if math.isfinite(disp.p_value) else None,
                                  dtype=pl.Float64),
        model_choice=pl.lit(disp.describe()),
    ).select(group, "count", "population", "rate", "ratio", "ratio_low", "ratio_high",
             "p_value", "model", "dispersion_statistic", "dispersion_p_value",
             "model_choice")


def trend(counts: Frame, *, year_col: str = "conviction_year", count_col: str = "count",
          spline_df: int = 4, confidence: float = 0.95, leave_out=(),
          step: int | None = None) -> pl.DataFrame:
    """Counts by year with a model-based smooth and its confidence band.

    Years between the first and last with no row count as zero; years in ``leave_out``
    (hidden counts) take no part in the fit. The model is a Poisson GLM (negative
    binomial when overdispersed) of the count on a natural cubic regression spline of
    the year with ``spline_df`` degrees of freedom (``1``: a constant yearly change on
    the log scale), plus, with ``step``, a jump from that year on (a list that starts
    covering convictions then). The band is the ``confidence`` interval of the expected
    count, not of a single year's count. Columns: ``year_col``, ``count``, ``fitted``,
    ``fitted_low``, ``fitted_high``, ``model``, ``model_choice``, ``pearson_ratio``
    (Pearson chi-square / residual df of the Poisson fit), ``df_resid`` and, with a
    step inside the years, ``step_ratio``, ``step_low``, ``step_high`` (the jump as a
    ratio of expected counts, with its interval).
    """
    data = _frame(counts)
    _require(data, [year_col, count_col], "the counts frame")
    per_year = data.group_by(year_col).agg(count=pl.col(count_col).sum().cast(pl.Int64))
    if per_year.height == 0:
        raise ValueError("no counts to fit a trend to")
    first, last = per_year[year_col].min(), per_year[year_col].max()
    years = pl.DataFrame({year_col: pl.int_range(first, last + 1, eager=True)
                          .cast(per_year.schema[year_col])})
    full = (years.join(per_year, on=year_col, how="left", maintain_order="left")
            .with_columns(pl.col("count").fill_null(0)))
    if full["count"].sum() == 0:
        raise ValueError("every year has a count of zero: no trend to fit")
    t = full[year_col].to_numpy().astype(float)
    y = full["count"].to_numpy().astype(float)
    x = _basis(t, spline_df)
    stepped = step is not None and t.min() < step <= t.max()
    if stepped:  # the jump enters as its own column, after the smooth
        x = np.column_stack([x, (t >= step).astype(float)])
    used = ~np.isin(t, np.asarray([float(v) for v in leave_out]))
    if not used.any() or y[used].sum() == 0:
        raise ValueError("no year the fit may use has a count: no trend to fit")
    fit = fit_counts(y[used], x[used])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exp overflow far outside the data is harmless
        frame = fit.result.get_prediction(x).summary_frame(alpha=1 - confidence)
    model = fit.model if fit.alpha is None else f"{fit.model}, alpha = {fit.alpha:.3g}"
    smooth = x.shape[1] - 1 - stepped
    shape = "log-linear in year" if smooth == 1 else \
        f"natural cubic spline of year, {smooth} df"
    shape += f", with a step from {step}" if stepped else ""
    return full.with_columns(
        fitted=pl.Series(frame["mean"].to_numpy()),
        fitted_low=pl.Series(frame["mean_ci_lower"].to_numpy()),
        fitted_high=pl.Series(frame["mean_ci_upper"].to_numpy()),
        model=pl.lit(f"{model}; {shape}"), **_fit_columns(fit, stepped, confidence))


def _fit_columns(fit: Fit, stepped: bool, confidence: float) -> dict[str, pl.Expr]:
    """The trend's choice of model, Pearson chi-square / df and step (the last column)."""
    jump = (np.exp([fit.result.params[-1], *fit.result.conf_int(1 - confidence)[-1]])
            if stepped else [None] * 3)
    disp = fit.dispersion
    return {"model_choice": pl.lit(disp.describe()),
            "pearson_ratio": pl.lit(disp.pearson_ratio if disp.df_resid > 0 else None,
                                    pl.Float64),
            "df_resid": pl.lit(disp.df_resid, pl.Int64)} | {
        c: pl.lit(None if v is None else float(v), pl.Float64)
        for c, v in zip(("step_ratio", "step_low", "step_high"), jump, strict=True)}


def _basis(t: np.ndarray, spline_df: int) -> np.ndarray:
    """Intercept plus a centred straight line or natural cubic spline of ``t``."""
    n_years = len(np.unique(t))
    spline_df = max(1, min(int(spline_df), n_years - 1))
    centred = (t - t.mean()) / max(t.std(), 1.0)
    if spline_df == 1:
        return np.column_stack([np.ones_like(t), centred])
    import patsy

    spline = patsy.dmatrix(f"cr(t, df={spline_df}, constraints='center') - 1",
                           {"t": centred}, return_type="matrix")
    return np.column_stack([np.ones_like(t), np.asarray(spline)])


def change_per_year(counts: Frame, *, year_col: str = "conviction_year",
                    count_col: str = "count", confidence: float = 0.95) -> dict[str, float | str]:
    """The constant yearly change of a log-linear trend: ratio with its interval."""
    data = _frame(counts)
    fitted = trend(data, year_col=year_col, count_col=count_col, spline_df=1, confidence=confidence)
    t = fitted[year_col].to_numpy().astype(float)
    x = _basis(t, 1)
    fit = fit_counts(fitted["count"].to_numpy().astype(float), x)
    scale = max(t.std(), 1.0)  # the slope is per standard deviation of the years
    b = float(np.asarray(fit.result.params)[1]) / scale
    lo, hi = (np.asarray(fit.result.conf_int(alpha=1 - confidence))[1] / scale).tolist()
    return {"ratio": math.exp(b), "ratio_low": math.exp(lo), "ratio_high": math.exp(hi),
            "model": fitted["model"][0], "model_choice": fitted["model_choice"][0]}


def __dir__() -> list[str]:
    return sorted(__all__)
