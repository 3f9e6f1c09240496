"""How many eligible convictions has neither list found? Two-source capture-recapture,
only where both lists searched, and as a range over the choices the data cannot settle.

Each row says which source holds it (``found_in_doj``, ``found_in_court``). A *domain*
is a charge level and prosecutor (the District Attorney or a city prosecutor). In a
domain the court search covered the conviction years from the first one the court
records hold there; before it only the DOJ list could find a conviction. A domain part
is *shared* when, in it, the lists share convictions and each holds some the other
lacks; elsewhere a list either did not search or added nothing of its own, and the
overlap says nothing about what both missed (:func:`domains`, :func:`label_parts`).

Within the shared parts, the cells of each stratum (found by both ``n11``, DOJ only
``n10``, court only ``n01``) give Chapman's estimate of the convictions neither list
found, ``n10 n01 / (n11 + 1)`` (Chapman's total less the convictions found), with
Seber's variance. Lists that are not independent are a log-linear model with a fixed
list interaction: the odds ratio ``theta = n11 n00 / (n10 n01)`` gives the unfound
count ``n00 = theta n10 n01 / n11`` (:func:`loglinear_unfound`, :func:`fit_loglinear`);
:func:`unfound` applies ``theta`` to Chapman's form. :func:`totals` sums a
stratification's strata for each odds ratio, and :func:`value_range` gives the span of
their intervals. ``docs/methodology.md`` gives the reasons; :mod:`analysis.capture_sim`
checks that the range holds the truth.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy import stats

from . import schema

__all__ = ["BEFORE", "CELLS", "CONFIDENCE", "DOMAIN", "FIRST_YEAR", "LAST_YEAR",
           "ODDS_RATIOS", "SHARED", "STATUSES", "STRATA", "TOTAL_STATUS", "capture_table",
           "chapman", "distinct_partitions", "domains", "estimate", "fit_loglinear",
           "label_parts", "lincoln_petersen", "loglinear_unfound", "lognormal_interval",
           "totals", "unfound", "value_range", "with_strata"]

STRATA = ("charge_level", "decade")  # the page's default strata
DOMAIN = ("charge_level", "prosecutor")  # every stratum lies within one domain
CELLS = ("both", "doj_only", "court_only")
ODDS_RATIOS = (0.5, 1.0, 2.0)  # dependence between the lists the range allows
CONFIDENCE = 0.95
TOTAL_STATUS = "sum of estimable strata"  # the status of estimate()'s totals row
FIRST_YEAR = schema.EARLIEST_CONVICTION.year
LAST_YEAR = max(schema.MOTION_DATES.values()).year

# Where a domain part stands (label_parts' ``status``).
SHARED = "shared"
BEFORE = "before the court records"  # a shared domain's years before the court search
STATUSES = (SHARED, BEFORE, "court records hold none", "DOJ list holds none",
            "court list adds none", "DOJ list adds none", "lists share none")

# --- the observed table -------------------------------------------------------------------


def with_strata(cases: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """``cases`` with the derived columns: ``decade`` (``"1990s"``), ``conviction_year``
    and ``prosecutor`` (the District Attorney or ``"city prosecutor"``, for the ten
    cities that prosecute their own misdemeanors)."""
    decade = schema.decade_label(schema.conviction_decade())
    prosecutor = (pl.when(pl.col("prosecuting_agency") == schema.DISTRICT_ATTORNEY)
                  .then(pl.lit(schema.DISTRICT_ATTORNEY)).otherwise(pl.lit("city prosecutor")))
    return cases.with_columns(decade=decade, prosecutor=prosecutor,
                              conviction_year=pl.col("conviction_date").dt.year())


def capture_table(cases: pl.DataFrame | pl.LazyFrame, by: Sequence[str] = STRATA
                  ) -> pl.DataFrame:
    """Observed cells per stratum: ``both``, ``doj_only``, ``court_only``.

    ``by`` may name any case column or a column of :func:`with_strata`. Rows found by
    neither source cannot be on a dismissal list; if a file has some they are counted in
    ``neither_listed`` and take no part in the estimate.
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


# --- where both lists searched ------------------------------------------------------------


def domains(cases: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """One row per domain (charge level x prosecutor) of the list: ``first_year``, the
    first conviction year the court records hold there (null when they hold none), the
    cells from that year on, and ``status``: :data:`SHARED` when the lists share
    convictions there and each holds some the other lacks, else why not."""
    doj, court, year = pl.col("found_in_doj"), pl.col("found_in_court"), pl.col("conviction_year")
    covered = (year >= pl.col("first_year")).fill_null(False)
    reason = (pl.when(pl.col("first_year").is_null()).then(pl.lit(STATUSES[2]))
              .when(pl.col("both") + pl.col("doj_only") == 0).then(pl.lit(STATUSES[3]))
              .when(pl.col("court_only") == 0).then(pl.lit(STATUSES[4]))
              .when(pl.col("doj_only") == 0).then(pl.lit(STATUSES[5]))
              .when(pl.col("both") == 0).then(pl.lit(STATUSES[6]))
              .otherwise(pl.lit(SHARED)))
    return (
        with_strata(cases.lazy())
        # the first year the court records hold a conviction of the domain
        .with_columns(first_year=year.filter(court).min().over(DOMAIN))
        # the cells of the years the court search covered
        .group_by(DOMAIN)
        .agg(pl.col("first_year").first(), both=(doj & court & covered).sum(),
             doj_only=(doj & ~court & covered).sum(), court_only=(~doj & court & covered).sum())
        # whether both lists searched it
        .with_columns(status=reason)
        .cast({c: pl.Int64 for c in CELLS})
        .sort(DOMAIN)
        .collect()
    )


def label_parts(cases: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """``cases`` (with :func:`with_strata`'s columns) labelled by domain part:
    ``status`` (:data:`STATUSES`) and ``from_year``/``to_year``, the conviction years the
    part spans. A shared domain splits at its first court year (the years before it are
    :data:`BEFORE`); any other domain is one part over every year."""
    parts = domains(cases).select(*DOMAIN, "first_year", "status")
    year, shared = pl.col("conviction_year"), pl.col("status") == SHARED
    early = shared & (year < pl.col("first_year"))
    return (
        with_strata(cases.lazy())
        # each row's domain, its first court year and its status
        .join(parts.lazy(), on=DOMAIN, how="left")
        # the part of the domain a row falls in and the years that part spans
        .with_columns(
            from_year=pl.when(shared & ~early).then(pl.col("first_year"))
            .otherwise(pl.lit(FIRST_YEAR)).cast(pl.Int32),
            to_year=pl.when(early).then(pl.col("first_year") - 1)
            .otherwise(pl.lit(LAST_YEAR)).cast(pl.Int32),
            status=pl.when(early).then(pl.lit(BEFORE)).otherwise(pl.col("status")))
        .drop("first_year")
        .collect()
    )


def distinct_partitions(rows: pl.DataFrame, choices: Sequence[Sequence[str]]
                        ) -> list[tuple[str, ...]]:
    """The ``choices`` of strata (columns, within the domains) that split ``rows``
    differently, each kept at its first appearance."""
    kept: list[tuple[str, ...]] = []

    def groups(by: Sequence[str]) -> int:
        cols = dict.fromkeys((*DOMAIN, *by))
        return rows.select(pl.struct(*cols).n_unique()).item() if rows.height else 0

    for choice in (tuple(c for c in ch if c not in DOMAIN) for ch in choices):
        if any(groups(choice) == groups(k) == groups((*k, *choice)) for k in kept):
            continue
        kept.append(choice)
    return kept


# --- estimators (vectorised) ----------------------------------------------------------------


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


def loglinear_unfound(both, doj_only, court_only, odds_ratio: float = 1.0):
    """The unfound count of the log-linear model with list interaction ``odds_ratio``:
    ``theta n10 n01 / n11``; NaN where the lists share nothing."""
    n11, n10, n01 = (np.asarray(x, float) for x in (both, doj_only, court_only))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n11 > 0, odds_ratio * n10 * n01 / np.where(n11 > 0, n11, 1), np.nan)


def unfound(both, doj_only, court_only, odds_ratio: float = 1.0):
    """Chapman's estimate of the convictions neither list found, ``theta n10 n01 /
    (n11 + 1)``, and the variance of its error.

    At ``odds_ratio`` 1 this is Chapman's total less the convictions found, and the
    variance is Seber's: the estimation part and the unfound count's own Poisson
    variation (``g``, the estimate). For another odds ratio the first part scales with
    its square and the second with the ratio.
    """
    n11, n10, n01 = (np.asarray(x, float) for x in (both, doj_only, court_only))
    g = n10 * n01 / (n11 + 1)
    _, seber = chapman(n11 + n10, n11 + n01, n11)
    return odds_ratio * g, odds_ratio**2 * (seber - g) + odds_ratio * g


def lognormal_interval(observed, f0, variance, confidence: float = CONFIDENCE):
    """Chao's (1987) log-normal interval for ``N = observed + F0``.

    ``[observed + f0 / C, observed + f0 * C]`` with
    ``C = exp(z * sqrt(log(1 + variance / f0**2)))``; ``observed`` 0 gives the interval
    of the unfound count itself. Where ``f0`` is 0 the interval is the point ``observed``.
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


def fit_loglinear(both: int, doj_only: int, court_only: int, odds_ratio: float = 1.0
                  ) -> float | None:
    """The unfound count ``exp(b0)`` of the Poisson log-linear model
    ``log E[n] = b0 + b1 doj + b2 court + log(theta) doj court`` (statsmodels, the
    interaction an offset), fitted to the three observed cells; None when a cell is 0
    (the maximum then lies on the boundary). It equals :func:`loglinear_unfound`."""
    if min(both, doj_only, court_only) <= 0:
        return None
    import statsmodels.api as sm

    # rows: found by both, DOJ only, court only; the intercept is the cell of neither
    design = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    offset = np.array([math.log(odds_ratio), 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saturated: no residual degrees of freedom
        result = sm.GLM(np.array([both, doj_only, court_only], float), design,
                        family=sm.families.Poisson(), offset=offset).fit()
    return math.exp(float(result.params[0]))


# --- a stratification's estimate ------------------------------------------------------------


def estimate(table: pl.DataFrame, *, by: Sequence[str], odds_ratio: float = 1.0,
             confidence: float = CONFIDENCE) -> pl.DataFrame:
    """Per-stratum estimates of convictions neither list found, plus a total row.

    ``table`` has the columns ``by`` and the three cells. Columns added: ``observed``,
    ``status`` (``estimated``; ``boundary`` when a list found nothing the other missed,
    so the estimate is 0; ``not estimable`` when the lists share nothing), ``missed``
    (:func:`unfound`) with its log-normal interval ``missed_low``/``missed_high`` and
    ``variance``. The last row (``status`` :data:`TOTAL_STATUS`) sums the estimable
    strata's estimates and variances; its ``observed`` counts every stratum.
    """
    n11, n10, n01 = (table[c].to_numpy().astype(float) for c in CELLS)
    obs = n11 + n10 + n01
    ok = n11 > 0
    missed, variance = unfound(n11, n10, n01, odds_ratio)
    missed, variance = np.where(ok, missed, np.nan), np.where(ok, variance, np.nan)
    low, high = lognormal_interval(0.0, missed, variance, confidence)
    status = np.where(~ok, "not estimable",
                      np.where((n10 == 0) | (n01 == 0), "boundary", "estimated"))
    rows = table.select(*by, *CELLS).with_columns(
        observed=pl.Series(obs.astype(np.int64)), status=pl.Series(status, dtype=pl.String),
        missed=pl.Series(missed), missed_low=pl.Series(low), missed_high=pl.Series(high),
        variance=pl.Series(variance),
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    if by:  # stratum labels as text, so the total row can say "Total"
        rows = rows.with_columns(pl.col(*by).cast(pl.String))
    f0, v = float(missed[ok].sum()), float(variance[ok].sum())
    (t_low,), (t_high,) = lognormal_interval([0.0], [f0], [v], confidence)
    total = dict.fromkeys(rows.columns) | {
        **{c: int(table[c].sum()) for c in CELLS}, "observed": int(obs.sum()),
        "status": TOTAL_STATUS, "missed": f0, "missed_low": float(t_low),
        "missed_high": float(t_high), "variance": v}
    if by:
        total[by[0]] = "Total"
    return pl.concat([rows, pl.DataFrame([total], schema=rows.schema)])


def totals(table: pl.DataFrame, *, by: Sequence[str], odds_ratios: Sequence[float] = ODDS_RATIOS,
           confidence: float = CONFIDENCE) -> pl.DataFrame:
    """One stratification's total under each odds ratio: ``odds_ratio``, ``strata``,
    ``not_estimable`` (strata whose lists share nothing, left out: the total then
    covers only part of the domain), ``missed`` and its interval."""
    rows = []
    for theta in odds_ratios:
        est = estimate(table, by=by, odds_ratio=theta, confidence=confidence)
        body, last = est.head(est.height - 1), est.row(est.height - 1, named=True)
        rows.append({"odds_ratio": float(theta), "strata": body.height,
                     "not_estimable": int((body["status"] == "not estimable").sum()),
                     **{k: last[k] for k in ("observed", "missed", "missed_low",
                                             "missed_high")}})
    return pl.DataFrame(rows, schema={"odds_ratio": pl.Float64, "strata": pl.Int64,
                                      "not_estimable": pl.Int64, "observed": pl.Int64,
                                      "missed": pl.Float64, "missed_low": pl.Float64,
                                      "missed_high": pl.Float64})


def value_range(scenarios: pl.DataFrame) -> dict[str, float] | None:
    """The span of ``scenarios`` (rows of :func:`totals`, maybe of several
    stratifications; null estimates left out): ``low``, the lowest lower bound, and
    ``high``, the highest upper bound, with ``point_low``/``point_high``, the span of the
    estimates themselves. None when no row has an estimate."""
    usable = scenarios.filter(pl.col("missed").is_not_null())
    if usable.height == 0:
        return None
    return {"low": usable["missed_low"].min(), "high": usable["missed_high"].max(),
            "point_low": usable["missed"].min(), "point_high": usable["missed"].max()}


def __dir__() -> list[str]:
    return sorted(__all__)
