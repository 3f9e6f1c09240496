"""Rates, rate ratios and the trend, as the disparities page shows them (page 04)."""

from __future__ import annotations

import math

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, reference, schema, stats
from ..release import CountTable
from .tables import data_tag, labelled

__all__ = ["RATE_DERIVED", "fit_trend", "race_population", "rates_table", "ratio_chart",
           "ratios_display", "ratios_table", "trend_chart", "trend_model", "trend_table"]

RATE_DERIVED = {"rate": "count", "rate_low": "count", "rate_high": "count"}
RATIO_DERIVED = {c: "count" for c in ("rate", "ratio", "ratio_low", "ratio_high", "p_value")}


def _visible(table: CountTable) -> pl.DataFrame:
    """The rows whose count the page may show."""
    hidden = table.hidden_mask()["count"]
    return table.frame.filter(~pl.Series(hidden))


def rates_table(table: CountTable, population: pl.DataFrame, *,
                per: int = 10_000) -> CountTable:
    """Rates by race with exact intervals; a hidden count's rate is blank."""
    out = labelled(stats.rates(table.frame, population, count_col="count", per=per))
    frame = _in_order(table, out).with_columns(pl.col("count").cast(pl.Int64))
    return table.with_frame(frame, RATE_DERIVED)


def _in_order(table: CountTable, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s rows in the order of the table's (statistics sort by group)."""
    key = "race_ethnicity"
    return table.frame.select(pl.col(key).cast(pl.String)).join(
        frame.with_columns(pl.col(key).cast(pl.String)), on=key, how="left",
        maintain_order="left")


def ratios_table(table: CountTable, population: pl.DataFrame, *, reference: str = "White",
                 per: int = 10_000) -> tuple[CountTable, str, str]:
    """Rate ratios against ``reference`` from the counts the page shows, the model and
    its choice.

    Each group's ratio is its rate over the reference group's, with the exact interval
    of a Poisson model on the two totals; groups whose count is hidden take no part, and
    when the reference count is hidden no ratio is shown, since any ratio would give it
    back.
    """
    visible = _visible(table)
    keys = table.frame["race_ethnicity"].cast(pl.String).to_list()
    known = stats.match_group(list(schema.RACES), reference)  # a misspelt group fails
    absent = known not in keys
    reference = known if absent else stats.match_group(keys, reference)
    base = _in_order(table, labelled(stats.rates(table.frame, population, count_col="count",
                                                 per=per)))
    ratios = pl.DataFrame(schema={"race_ethnicity": pl.String, "ratio": pl.Float64,
                                  "ratio_low": pl.Float64, "ratio_high": pl.Float64,
                                  "p_value": pl.Float64})
    model, choice = stats.POISSON, (
        f"the list has no {reference} convictions, the reference group: no ratio shown"
        if absent else "the reference group's count is hidden: no ratio shown")
    if reference in visible["race_ethnicity"].cast(pl.String).to_list():
        fit = stats.rate_ratios(visible, population, count_col="count", reference=reference,
                                strata=[], per=per)
        model, choice = fit["model"][0], fit["model_choice"][0]
        ratios = labelled(fit.select("race_ethnicity", "ratio", "ratio_low", "ratio_high",
                                     "p_value"))
    frame = base.join(ratios, on="race_ethnicity", how="left", maintain_order="left").select(
        "race_ethnicity", pl.col("count").cast(pl.Int64), "population", "rate", "ratio",
        "ratio_low", "ratio_high", "p_value")
    return table.with_frame(frame, RATIO_DERIVED), model, choice


def ratios_display(table: CountTable) -> CountTable:
    """Ratios to two decimals and p-values as a reader reads them, as text."""
    def fixed(c: str) -> pl.Expr:
        return pl.col(c).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String)

    p = pl.col("p_value")
    return table.with_frame(table.frame.with_columns(
        *(fixed(c) for c in ("ratio", "ratio_low", "ratio_high")),
        pl.when(p < 0.001).then(pl.lit("<0.001"))
        .otherwise(p.map_elements(lambda v: f"{v:.3f}", return_dtype=pl.String))
        .alias("p_value"),
    ))


def ratio_chart(ratios: CountTable, *, reference: str, title: str,
                source: str) -> alt.Chart | Markdown:
    """Rate ratios as points with interval bars on a log scale; a rule marks 1."""
    table = ratios.protected(as_text=False)
    groups = table["race_ethnicity"].cast(pl.String).to_list()
    reference = stats.match_group(groups if any(g.casefold() == reference.strip().casefold()
                                                for g in groups) else schema.RACES, reference)
    data = table.filter(pl.col("ratio").is_not_null(), pl.col("race_ethnicity") != reference,
                        pl.col("ratio_low").is_not_null())
    if data.height == 0:
        return Markdown(f"*{title}: no chart, because no ratio can be shown (counts "
                        "hidden or missing).*")
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
    note = f"{source}; counts: {data_tag()}; residents: published (US Census Bureau)"
    return charts.titled(chart, title, note,
                         alt_text=f"Rate ratios with 95% intervals against {reference} "
                         f"residents ({data_tag()}): {items or 'none shown'}.")


def fit_trend(table: CountTable, spline_df: int) -> pl.DataFrame | None:
    """The trend fitted on the years the page may show (hidden years are predicted, not
    fitted); None when too few years are shown to fit one."""
    hidden = table.frame.filter(pl.Series(table.hidden_mask()["count"]))["conviction_year"]
    years = table.frame.with_columns(pl.col("conviction_year").cast(pl.Int32))
    if years.height - hidden.len() < spline_df + 2:
        return None
    try:
        return stats.trend(years, count_col="count", spline_df=spline_df,
                           leave_out=[int(y) for y in hidden.to_list()])
    except ValueError:  # no shown year counts anyone
        return None


def trend_model(fitted: pl.DataFrame | None) -> Markdown:
    """The model the trend used and why, or why there is none."""
    if fitted is None:
        return Markdown("**No trend:** too few years of this list have a count the site "
                        "shows to fit one (hidden years take no part in the model).")
    return Markdown(f"**Trend model:** {fitted['model'][0]}. "
                    f"**Choice:** {fitted['model_choice'][0]}.")


def trend_chart(table: CountTable, fitted: pl.DataFrame | None, *, title: str,
                source: str) -> alt.Chart | Markdown:
    """Counts by year (hidden years left out) with the model's fitted line and band."""
    if fitted is None:
        return Markdown(f"*{title}: no chart, because no trend can be fitted.*")
    shown = table.protected(as_text=False).select(
        pl.col("conviction_year").cast(pl.Int32), "count")
    data = fitted.drop("count").join(shown, on="conviction_year", how="left")
    year_col = "conviction_year"
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
                f"{last[year_col]} ({data_tag()}; hidden years left out). Line and band: the "
                f"model's expected count with its 95% interval, peaking at about "
                f"{_round(peak['fitted'])} in {peak[year_col]}.")
    return charts.titled((band + line + dots).properties(width=700, height=260), title,
                         f"{source}; counts and trend: {data_tag()}", alt_text=alt_text)


def _round(x: float) -> str:
    """A fitted value rounded for prose (two significant figures, at least tens)."""
    if not math.isfinite(x) or x <= 0:
        return "0"
    digits = max(0, int(math.floor(math.log10(x))) - 1)
    return f"{round(x, -digits):,.0f}"


def trend_table(table: CountTable, fitted: pl.DataFrame | None) -> CountTable:
    """The trend as a table: counts protected, fitted values rounded to whole numbers
    (the counts alone without a trend)."""
    if fitted is None:
        return table.with_frame(table.frame.select("conviction_year", "count"))
    frame = table.frame.select("conviction_year", "count").with_columns(
        # a bound too large for a whole number (a model that did not settle) is blank
        *(pl.Series(c, fitted[c].round(0).cast(pl.Int64, strict=False))
          for c in ("fitted", "fitted_low", "fitted_high")))
    return table.with_frame(frame)


def race_population(year: int = 2019) -> pl.DataFrame:
    """The Census table the rates use, labelled for readers (published)."""
    return reference.population_by_race(year).with_columns(
        pl.col("race_ethnicity").cast(pl.String),
        basis=pl.lit(f"published (US Census Bureau, {year} estimate)"))


def __dir__() -> list[str]:
    return sorted(__all__)
