"""How many eligible convictions has neither list found? Two-source capture-recapture.

Each row says which source holds it (``found_in_doj``, ``found_in_court``); within a
stratum (default: charge level x decade) the rows fall in three observed cells, found by
both, by DOJ only, by the court only, and the fourth, found by neither, is estimated.

A log-linear Poisson model on the three cells (statsmodels) gives the missed count as
``exp(b0)``; the fit is saturated, so the total equals Lincoln-Petersen
``n_doj * n_court / n_both`` (Chapman's estimate beside it). The variance of the missed
count adds the delta-method variance of ``exp(b0)`` and its own Poisson variation
(Seber's); the interval is log-normal (Chao 1987), with a profile-likelihood interval
(Cormack 1992) per stratum as a cross-check. A stratum whose lists share nothing is
*not estimable* and left out of the total. ``docs/methodology.md`` gives the reasons and
the assumptions (closed population, independent lists, homogeneous capture, exact
matching); :mod:`analysis.capture_sim` measures bias and coverage.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import special, stats

from . import schema

__all__ = ["CELLS", "CONFIDENCE", "LoglinearFit", "STRATA", "TOTAL_STATUS", "capture_table",
           "chapman", "estimate", "fit_loglinear", "lincoln_petersen", "lognormal_interval",
           "missed_and_variance", "profile_interval", "with_strata"]

STRATA = ("charge_level", "decade")
CELLS = ("both", "doj_only", "court_only")
TOTAL_STATUS = "sum of estimable strata"  # the status of estimate()'s totals row
CONFIDENCE = 0.95

# --- the observed table -------------------------------------------------------------------


def with_strata(cases: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """``cases`` with the derived stratum columns.

    ``decade`` (e.g. ``"1990s"``) from the conviction date, and ``prosecutor``: the
    District Attorney or a city prosecutor (the ten cities that prosecute their own
    misdemeanors), coarser than ``prosecuting_agency``.
    """
    decade = schema.decade_label(schema.conviction_decade())
    prosecutor = (pl.when(pl.col("prosecuting_agency") == schema.DISTRICT_ATTORNEY)
                  .then(pl.lit(schema.DISTRICT_ATTORNEY)).otherwise(pl.lit("city prosecutor")))
    return cases.with_columns(decade=decade, prosecutor=prosecutor)


def capture_table(cases: pl.DataFrame | pl.LazyFrame, by: tuple[str, ...] = STRATA
                  ) -> pl.DataFrame:
    """Observed cells per stratum: ``both``, ``doj_only``, ``court_only``.

    ``by`` may name any case column, ``decade`` or ``prosecutor`` (see
    :func:`with_strata`).
    Rows found by neither source cannot be on a dismissal list; if a file has some they
    are counted in ``neither_listed`` and take no part in the estimate.
    """
    doj, court = pl.col("found_in_doj"), pl.col("found_in_court")
    return (
        with_strata(cases.lazy())
        # the three observed cells (and the impossible fourth) per stratum
        .group_by(*by)
        .agg(both=(doj & court).sum(), doj_only=(doj & ~court).sum(),
             court_only=(~doj & court).sum(), neither_listed=(~doj & ~court).sum())
        # list totals and the observed count
        .with_columns(n_doj=pl.col("both") + pl.col("doj_only"),
                      n_court=pl.col("both") + pl.col("court_only"),
                      observed=pl.col("both") + pl.col("doj_only") + pl.col("court_only"))
        .cast({c: pl.Int64 for c in (*CELLS, "neither_listed", "n_doj", "n_court",
                                     "observed")})
        .sort(*by)
        .collect()
    )


# --- closed-form estimators (vectorised) ---------------------------------------------------


def lincoln_petersen(n1, n2, m):
    """Lincoln-Petersen ``n1 * n2 / m``; NaN where the lists share nothing (m = 0)."""
    n1, n2, m = (np.asarray(x, float) for x in (n1, n2, m))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, n1 * n2 / np.where(m > 0, m, 1), np.nan)


def chapman(n1, n2, m):
    """Chapman's estimate ``(n1+1)(n2+1)/(m+1) - 1`` and its variance (Seber 1970)."""
    n1, n2, m = (np.asarray(x, float) for x in (n1, n2, m))
    estimate = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return estimate, variance


def missed_and_variance(both, doj_only, court_only):
    """Estimated missed count ``f0 = n10 n01 / n11`` and the variance of ``f0 - F0``.

    The variance adds the estimation variance of the expected missed count (delta
    method: ``f0**2 (1/n11 + 1/n10 + 1/n01)``, the GLM's variance of ``b0`` times
    ``f0**2``) and the Poisson variance ``f0`` of the actual missed count. Cells of zero
    contribute no ``1/n`` term (the estimate is then 0 with variance 0). NaN where
    ``both`` is 0.
    """
    n11, n10, n01 = (np.asarray(x, float) for x in (both, doj_only, court_only))
    ok = n11 > 0
    safe = np.where(ok, n11, 1.0)
    f0 = np.where(ok, n10 * n01 / safe, np.nan)
    inv = 1 / safe + np.where(n10 > 0, 1 / np.maximum(n10, 1), 0) + np.where(
        n01 > 0, 1 / np.maximum(n01, 1), 0)
    variance = np.where(ok & (f0 > 0), f0**2 * inv + f0, np.where(ok, 0.0, np.nan))
    return f0, variance


def lognormal_interval(observed, f0, variance, confidence: float = CONFIDENCE):
    """Chao's (1987) log-normal interval for ``N = observed + F0``.

    ``[observed + f0 / C, observed + f0 * C]`` with
    ``C = exp(z * sqrt(log(1 + variance / f0**2)))``. Where ``f0`` is 0 the interval is
    the single point ``observed``.
    """
    observed, f0, variance = (np.asarray(x, float) for x in (observed, f0, variance))
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(np.log1p(variance / np.where(f0 > 0, f0, 1.0) ** 2))
        c = np.exp(z * spread)
        lower = np.where(f0 > 0, observed + f0 / c, observed)
        upper = np.where(f0 > 0, observed + f0 * c, observed)
    nan = np.isnan(f0)
    return np.where(nan, np.nan, lower), np.where(nan, np.nan, upper)


# --- profile likelihood (vectorised bisection) ---------------------------------------------


def _loglik(total, n1, n2, observed):
    """Multinomial log-likelihood of a total ``N`` with capture probabilities profiled
    out (p1 = n1 / N, p2 = n2 / N), up to a constant; ``N`` continuous, >= observed."""
    return (special.gammaln(total + 1) - special.gammaln(total - observed + 1)
            + special.xlogy(n1, n1) + special.xlogy(total - n1, total - n1)
            + special.xlogy(n2, n2) + special.xlogy(total - n2, total - n2)
            - 2 * special.xlogy(total, total))


def _score(total, n1, n2, observed):
    with np.errstate(divide="ignore"):
        return (special.digamma(total + 1) - special.digamma(total - observed + 1)
                + np.log(total - n1) + np.log(total - n2) - 2 * np.log(total))


def _bisect(f, lo, hi, steps: int = 80):
    """Vectorised bisection for a sign change of ``f`` between ``lo`` (f > 0) and
    ``hi`` (f <= 0)."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        positive = f(mid) > 0
        lo, hi = np.where(positive, mid, lo), np.where(positive, hi, mid)
    return (lo + hi) / 2


def profile_interval(n1, n2, m, confidence: float = CONFIDENCE):
    """Profile-likelihood MLE and interval of ``N`` per stratum (Cormack 1992).

    Returns ``(estimate, lower, upper)`` arrays. Where ``m`` is 0 the likelihood keeps
    rising with ``N``: all three are NaN (not estimable).
    """
    n1, n2, m = (np.asarray(x, float) for x in (n1, n2, m))
    observed = n1 + n2 - m
    ok = m > 0
    n1, n2, m, observed = (np.where(ok, x, y) for x, y in
                           ((n1, 2.0), (n2, 2.0), (m, 1.0), (observed, 3.0)))
    crit = stats.chi2.ppf(confidence, 1)

    # the maximum: where the score changes sign, or the observed count when it never is
    # positive (one list found nothing the other missed)
    lp = n1 * n2 / m
    hi = np.maximum(lp * 2, observed + 10)
    start = observed + 1e-9
    rising = _score(start, n1, n2, observed) > 0
    mle = np.where(rising, _bisect(lambda t: _score(t, n1, n2, observed),
                                   np.full_like(hi, start), hi), observed)
    top = _loglik(mle, n1, n2, observed)

    def excess(t):  # > 0 inside the interval
        return crit - 2 * (top - _loglik(t, n1, n2, observed))

    floor_inside = excess(observed) > 0
    lower = np.where(floor_inside, observed,
                     _bisect(lambda t: -excess(t), np.full_like(mle, observed), mle))
    # widen the upper bracket until it lies outside the interval
    bracket = np.maximum(mle * 2, observed + 10)
    for _ in range(60):
        inside = excess(bracket) > 0
        if not inside.any():
            break
        bracket = np.where(inside, bracket * 2, bracket)
    upper = _bisect(excess, mle.copy(), bracket)
    nan = np.where(ok, 1.0, np.nan)
    return mle * nan, lower * nan, upper * nan


# --- the log-linear model in statsmodels ---------------------------------------------------


@dataclass(frozen=True)
class LoglinearFit:
    """One stratum's Poisson log-linear fit on its three observed cells."""

    missed: float  # exp(b0): expected count of convictions neither list found
    log_missed_se: float  # standard error of b0
    params: tuple[float, float, float]  # b0, doj_only, court_only


def fit_loglinear(both: int, doj_only: int, court_only: int) -> LoglinearFit | None:
    """Fit ``log E[n] = b0 + b1 doj_only + b2 court_only`` by Poisson GLM.

    Returns None when a cell is zero: the maximum likelihood then lies on the boundary
    (the fit would run off to minus infinity), and the closed form gives the answer (a
    missed count of 0 when ``both`` > 0; not estimable when ``both`` is 0).
    """
    if min(both, doj_only, court_only) <= 0:
        return None
    import statsmodels.api as sm

    # log mu(doj, court) = b0 + b1 * doj + b2 * court with doj, court in {0, 1}; the
    # rows are the cells found by both, by DOJ only and by the court only, so the
    # intercept b0 belongs to the cell found by neither
    design = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    counts = np.array([both, doj_only, court_only], float)
    with warnings.catch_warnings():
        # saturated (no residual degrees of freedom): statsmodels warns about the
        # dispersion it does not need for a Poisson family, whose scale is 1
        warnings.simplefilter("ignore")
        result = sm.GLM(counts, design, family=sm.families.Poisson()).fit()
    b0 = float(result.params[0])
    return LoglinearFit(math.exp(b0), float(result.bse[0]),
                        tuple(float(x) for x in result.params))


# --- the estimate ----------------------------------------------------------------------


def estimate(table: pl.DataFrame, *, by: tuple[str, ...] | None = None,
             confidence: float = CONFIDENCE) -> pl.DataFrame:
    """Per-stratum estimates of convictions neither list found, plus a total row.

    ``table`` is :func:`capture_table`'s output. Columns: the stratum, the observed
    cells, ``status`` (``estimated``, ``boundary`` when a list found nothing the other
    missed, ``not estimable`` when the lists share nothing), ``missed`` with
    ``missed_low``/``missed_high`` (log-normal interval, see the module text),
    ``total`` with its interval, ``chapman``, and ``profile_low``/``profile_high``
    (profile-likelihood interval of the total). The ``Total`` row sums the estimable
    strata; rows of strata that are not estimable are in its ``observed`` but not in
    its ``missed``.
    """
    by = tuple(c for c in table.columns if c not in (*CELLS, "neither_listed", "n_doj",
                                                     "n_court", "observed")) if by is None else by
    n11, n10, n01 = (table[c].to_numpy().astype(float) for c in CELLS)
    n1, n2, obs = n11 + n10, n11 + n01, n11 + n10 + n01

    missed = np.full(len(n11), np.nan)
    variance = np.full(len(n11), np.nan)
    for i, (a, b, c) in enumerate(zip(n11, n10, n01, strict=True)):
        fit = fit_loglinear(int(a), int(b), int(c))
        if fit is not None:  # the statsmodels fit; the closed form cross-checks it
            missed[i] = fit.missed
            variance[i] = fit.missed**2 * fit.log_missed_se**2 + fit.missed
    closed, closed_var = missed_and_variance(n11, n10, n01)
    boundary = np.isnan(missed) & (n11 > 0)
    missed[boundary], variance[boundary] = closed[boundary], closed_var[boundary]

    low, high = lognormal_interval(obs, missed, variance, confidence)
    chap, _ = chapman(n1, n2, n11)
    _, p_low, p_high = profile_interval(n1, n2, n11, confidence)
    status = np.where(n11 == 0, "not estimable", np.where(boundary, "boundary", "estimated"))

    rows = table.select(*by, *CELLS, "observed").with_columns(
        status=pl.Series(status),
        missed=pl.Series(missed), missed_low=pl.Series(low - obs),
        missed_high=pl.Series(high - obs),
        total=pl.Series(obs + missed), total_low=pl.Series(low), total_high=pl.Series(high),
        chapman=pl.Series(np.where(n11 > 0, chap, np.nan)),
        profile_low=pl.Series(p_low), profile_high=pl.Series(p_high),
    ).with_columns(pl.col(pl.Float64).fill_nan(None))

    ok = n11 > 0
    f0, v = float(missed[ok].sum()), float(variance[ok].sum())
    (t_low,), (t_high,) = lognormal_interval([obs.sum()], [f0], [v], confidence)
    total = {c: None for c in rows.columns} | {
        by[0]: "Total" if by else None,
        **{c: int(table[c].sum()) for c in (*CELLS, "observed")},
        "status": TOTAL_STATUS,
        "missed": f0, "missed_low": t_low - obs.sum(), "missed_high": t_high - obs.sum(),
        "total": obs.sum() + f0, "total_low": t_low, "total_high": t_high,
        "chapman": float(np.nansum(np.where(ok, chap, np.nan))) + float(obs[~ok].sum()),
    }
    if by:
        rows = rows.with_columns(pl.col(by[0]).cast(pl.String))
    return pl.concat([rows, pl.DataFrame([total], schema=rows.schema)])


def __dir__() -> list[str]:
    return sorted(__all__)
