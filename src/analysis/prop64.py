"""How arrest rates changed after Proposition 64, with the county's residents as the
denominator.

:func:`county_population` reads the shared Census table by race/ethnicity and year;
:func:`person_years` sums it over the years counts cover; :func:`change` fits, per group
and for all groups, a before/after ratio and an interrupted time series.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from scipy import stats as sps

from . import paths, reference, schema
from .stats import fit_counts

__all__ = ["FIRST_YEAR_AFTER", "POPULATION_FILE", "change", "county_population",
           "person_years"]

POPULATION_FILE = "la_county_population_by_race_2010_2019.csv"
# Proposition 64 took effect on 9 November 2016; 2017 is the first full year after it.
FIRST_YEAR_AFTER = schema.PROP64_EFFECTIVE.year + 1


def county_population(years: range | list[int] = range(2010, 2020)) -> pl.DataFrame:
    """Los Angeles County residents by race/ethnicity and year (July 1 Census estimates,
    Vintage 2019), read from the shared Census table. Columns: ``year``,
    ``race_ethnicity``, ``population``."""
    raw = pl.read_csv(paths.shared_file(POPULATION_FILE))
    estimates = raw.filter(pl.col("reference_date").str.ends_with("-07-01"),
                           pl.col("year").is_in(list(years)))
    return (
        estimates
        # one column per project category, summing its Census groups
        .select("year", *(pl.sum_horizontal(groups).alias(race)
                          for race, groups in reference.CENSUS_GROUPS.items()))
        # long: one row per year and category
        .unpivot(index="year", variable_name="race_ethnicity", value_name="population")
        .with_columns(pl.col("year").cast(pl.Int16), pl.col("race_ethnicity").cast(schema.Race),
                      pl.col("population").cast(pl.Int64))
        .sort("year", "race_ethnicity")
    )


def person_years(population: pl.DataFrame, years, *, group: str = "race_ethnicity"
                 ) -> pl.DataFrame:
    """Residents summed over ``years`` per group: the denominator of a rate per year,
    in the shape :func:`analysis.stats.rates` takes (one row per group)."""
    return (
        population
        # the years the counts cover
        .filter(pl.col("year").is_in(list(years)))
        # one row per group
        .group_by(group).agg(pl.col("population").sum())
        .sort(group)
    )


def change(yearly: pl.DataFrame, population: pl.DataFrame, *, group: str = "race_ethnicity",
           confidence: float = 0.95, first_after: int = FIRST_YEAR_AFTER) -> pl.DataFrame:
    """How arrest rates changed after Proposition 64, per group and for all groups.

    ``yearly`` has ``year``, ``group`` and ``count``; ``population`` has ``year``,
    ``group`` and ``population``. For each group two count models with log population
    as offset, fitted by :func:`analysis.stats.fit_counts` (Poisson GLM, or negative
    binomial when a test finds overdispersion, so year-to-year swings widen the
    intervals):

    * before/after: ``log rate = a + b * after``; ``exp(b)`` (``ratio``) is the ratio of
      the mean rate in the years from ``first_after`` on to the mean rate before;
    * interrupted time series: ``log rate = a + c * (year - first year) + b * after``;
      ``exp(b)`` (``step``) is the change at ``first_after`` beyond the trend of the
      years before, assuming that trend would have continued.

    ``ratio_model`` and ``step_model`` name the model each fit used.
    """
    z = sps.norm.ppf(0.5 + confidence / 2)
    full = _every_year(yearly, population, group)
    everyone = full.group_by("year").agg(pl.col("count").sum(), pl.col("population").sum())
    groups = [(str(g), full.filter(pl.col(group) == g).sort("year"))
              for g in full[group].unique().sort().to_list()]
    groups.append(("All groups", everyone.sort("year")))
    return pl.DataFrame([_change_row(name, data, group, first_after, z)
                         for name, data in groups])


def _every_year(yearly: pl.DataFrame, population: pl.DataFrame, group: str) -> pl.DataFrame:
    """Counts and residents for every year of ``yearly`` and every group, zero where no
    arrest."""
    years = sorted(yearly["year"].unique().to_list())
    pop = population.filter(pl.col("year").is_in(years))
    return (
        pl.DataFrame({"year": years}, schema={"year": pl.Int16})
        # every year for every group, zero where no arrest
        .join(pop.select(group).unique(), how="cross")
        .join(yearly.select("year", group, "count"), on=["year", group], how="left")
        .with_columns(pl.col("count").fill_null(0))
        .join(pop, on=["year", group], how="left")
    )


def _change_row(name: str, data: pl.DataFrame, group: str, first_after: int,
                z: float) -> dict:
    """Rates before and after, and both models' estimates, for one group."""
    y = data["count"].to_numpy().astype(float)
    year = data["year"].to_numpy().astype(float)
    after = (year >= first_after).astype(float)
    pop_y = data["population"].to_numpy().astype(float)
    row = {group: name, "arrests_before": int(y[after == 0].sum()),
           "arrests_after": int(y[after == 1].sum()),
           "rate_before": float(y[after == 0].sum() / pop_y[after == 0].sum() * 10_000),
           "rate_after": float(y[after == 1].sum() / pop_y[after == 1].sum() * 10_000)}
    for label, design in (
        ("ratio", np.column_stack([np.ones_like(year), after])),
        ("step", np.column_stack([np.ones_like(year), year - year.min(), after])),
    ):
        if y[after == 1].sum() == 0 or y[after == 0].sum() == 0:
            row |= {label: None, f"{label}_low": None, f"{label}_high": None,
                    f"{label}_model": None}
            continue
        fit = fit_counts(y, design, np.log(pop_y))
        b, se = float(fit.result.params[-1]), float(fit.result.bse[-1])
        row |= {label: math.exp(b), f"{label}_low": math.exp(b - z * se),
                f"{label}_high": math.exp(b + z * se), f"{label}_model": fit.model}
        if label == "step":
            row["pre_trend_pct"] = 100 * (math.exp(float(fit.result.params[1])) - 1)
    return row


def __dir__() -> list[str]:
    return sorted(__all__)
