"""Rates, rate ratios and the trend, as the disparities page shows them (page 04)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, reference, stats, suppress
from .tables import labelled

__all__ = ["RATE_DERIVED", "race_population", "rates_table", "ratio_chart", "ratios_display",
           "ratios_table", "trend_chart", "trend_table"]

RATE_DERIVED = {"rate": "count", "rate_low": "count", "rate_high": "count"}


def rates_table(counts: pl.DataFrame, population: pl.DataFrame, *, count_col: str,
                per: int = 10_000) -> pl.DataFrame:
    """Rates by race with exact intervals, the count suppressed with its rate."""
    out = stats.rates(counts, population, count_col=count_col, per=per)
    return suppress.suppress(labelled(out), ["count"], dims=["race_ethnicity"],
                             derived=RATE_DERIVED, thousands=True)


def ratios_table(counts: pl.DataFrame, population: pl.DataFrame, *, count_col: str,
                 reference: str = "White", strata: Sequence[str] | None = None,
                 per: int = 10_000) -> tuple[pl.DataFrame, str, str]:
    """Rate ratios against ``reference``, suppressed, plus the model and its choice.

    A hidden reference count would let a reader recover it from any ratio, so then
    every ratio is hidden.
    """
    out = stats.rate_ratios(counts, population, count_col=count_col, reference=reference,
                            strata=strata, per=per)
    model, choice = out["model"][0], out["model_choice"][0]
    derived = {c: "count" for c in ("rate", "ratio", "ratio_low", "ratio_high", "p_value")}
    shown = suppress.suppress(
        labelled(out.select("race_ethnicity", "count", "population", "rate", "ratio",
                            "ratio_low", "ratio_high", "p_value")),
        ["count"], dims=["race_ethnicity"], derived=derived, thousands=True)
    reference = stats.match_group(out["race_ethnicity"].cast(pl.String).to_list(), reference)
    ref_hidden = shown.filter(pl.col("race_ethnicity") == reference)["count"].to_list()
    if ref_hidden and ref_hidden[0] in (suppress.small_marker(), suppress.COMPLEMENT_MARKER):
        shown = shown.with_columns(pl.lit(None, dtype=pl.Float64).alias(c)
                                   for c in ("ratio", "ratio_low", "ratio_high", "p_value"))
    return shown, model, choice


def ratios_display(table: pl.DataFrame) -> pl.DataFrame:
    """Ratios to two decimals and p-values as a reader reads them, as text."""
    def fixed(c: str) -> pl.Expr:
        return pl.col(c).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String)

    p = pl.col("p_value")
    return table.with_columns(
        *(fixed(c) for c in ("ratio", "ratio_low", "ratio_high")),
        pl.when(p < 0.001).then(pl.lit("<0.001"))
        .otherwise(p.map_elements(lambda v: f"{v:.3f}", return_dtype=pl.String))
        .alias("p_value"),
    )


def ratio_chart(table: pl.DataFrame, *, reference: str, title: str,
                source: str) -> alt.Chart | Markdown:
    """Rate ratios as points with interval bars on a log scale; a rule marks 1."""
    reference = stats.match_group(table["race_ethnicity"].cast(pl.String).to_list(), reference)
    data = table.filter(pl.col("ratio").is_not_null(), pl.col("race_ethnicity") != reference,
                        pl.col("ratio_low").is_not_null())
    if data.height == 0:
        return Markdown(f"*{title}: no chart, because no ratio can be shown (counts "
                        "suppressed or missing).*")
    base = alt.Chart(data)
    scale = alt.Scale(type="log")
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("ratio:Q", scale=scale, title=f"Rate relative to {reference} residents"),
        y=alt.Y("race_ethnicity:N", title=None, sort=None),
        tooltip=["race_ethnicity:N", alt.Tooltip("ratio:Q", format=".2f"),
                 alt.Tooltip("ratio_low:Q", format=".2f"),
                 alt.Tooltip("ratio_high:Q", format=".2f")])
    bars = base.mark_rule().encode(x=alt.X("ratio_low:Q", scale=scale), x2="ratio_high:Q",
                                   y=alt.Y("race_ethnicity:N", sort=None))
    one = alt.Chart(pl.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 3]).encode(x="x:Q")
    items = "; ".join(f"{g}: {r:.2f} ({lo:.2f} to {hi:.2f})" for g, r, lo, hi in
                      data.select("race_ethnicity", "ratio", "ratio_low", "ratio_high")
                      .iter_rows() if lo is not None)
    chart = (bars + points + one).properties(width=480, height=max(60, 30 * data.height))
    return charts.titled(chart, title, f"{source} (ratios computed)",
                         alt_text=f"Rate ratios with 95% intervals against {reference} "
                         f"residents (computed): {items or 'none shown'}.")


def trend_chart(fitted: pl.DataFrame, *, title: str, source: str,
                year_col: str = "conviction_year") -> alt.Chart:
    """Counts by year (hidden where small) with the model's fitted line and band."""
    shown = suppress.mask(fitted.select(year_col, "count"), ["count"], dims=[year_col])
    data = fitted.drop("count").join(shown, on=year_col, how="left")
    base = alt.Chart(data).encode(x=alt.X(f"{year_col}:O", title="Conviction year",
                                          axis=alt.Axis(labelAngle=-90)))
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("fitted_low:Q", title="Convictions dismissed"), y2="fitted_high:Q")
    line = base.mark_line().encode(y="fitted:Q")
    dots = base.transform_filter("datum.count != null").mark_point(filled=True, size=18,
                                                                   color="#555").encode(
        y="count:Q", tooltip=[f"{year_col}:O", alt.Tooltip("count:Q", format=","),
                              alt.Tooltip("fitted:Q", format=",.0f")])
    peak = data.sort("fitted", descending=True).row(0, named=True)
    first, last = data.row(0, named=True), data.row(data.height - 1, named=True)
    alt_text = (f"Dots: convictions dismissed per conviction year from {first[year_col]} to "
                f"{last[year_col]} (computed; small years suppressed). Line and band: the "
                f"model's expected count with its 95% interval, peaking at about "
                f"{_round(peak['fitted'])} in {peak[year_col]}.")
    return charts.titled((band + line + dots).properties(width=700, height=260), title,
                         f"{source} (counts and trend computed)", alt_text=alt_text)


def _round(x: float) -> str:
    """A fitted value rounded for prose (two significant figures, at least tens)."""
    if not math.isfinite(x) or x <= 0:
        return "0"
    digits = max(0, int(math.floor(math.log10(x))) - 1)
    return f"{round(x, -digits):,.0f}"


def trend_table(fitted: pl.DataFrame, year_col: str = "conviction_year") -> pl.DataFrame:
    """The trend as a table: counts suppressed, fitted values rounded to whole numbers."""
    rounded = fitted.select(pl.col(year_col).cast(pl.String), "count",
                            *(pl.col(c).round(0).cast(pl.Int64)
                              for c in ("fitted", "fitted_low", "fitted_high")))
    return suppress.suppress(rounded, ["count"], dims=[year_col], thousands=True)


def race_population(year: int = 2019) -> pl.DataFrame:
    """The Census table the rates use, labelled for readers (published)."""
    return reference.population_by_race(year).with_columns(
        pl.col("race_ethnicity").cast(pl.String),
        basis=pl.lit(f"published (US Census Bureau, {year} estimate)"))


def __dir__() -> list[str]:
    return sorted(__all__)
