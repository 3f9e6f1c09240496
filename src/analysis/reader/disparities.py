"""Rates, rate ratios and the trend, as the disparities page shows them (page 04)."""

from __future__ import annotations

import html
import math

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, disparity, reference, schema, stats, words
from ..release import CountTable
from .tables import data_tag, labelled, tip

__all__ = ["RATE_DERIVED", "RATIO_DERIVED", "court_step", "fit_trend", "held_shown",
           "race_population", "rates_table", "ratio_chart", "ratios_display", "ratios_table",
           "trend_chart", "trend_model", "trend_table"]

BOUNDS = ("", "_low", "_high")
RATE_DERIVED = {f"conviction_rate{b}": "convictions" for b in BOUNDS} | {
    f"people_rate{b}": "people" for b in BOUNDS}
RATIO_DERIVED = {f"ratio{b}": "convictions" for b in BOUNDS} | {
    f"people_ratio{b}": "people" for b in BOUNDS}
RACE = "race_ethnicity"


def _shown(table: CountTable) -> pl.DataFrame:
    """The table's frame with hidden counts as null."""
    return table.protected(as_text=False)


def rates_table(table: CountTable, population: pl.DataFrame, *,
                per: int = 10_000) -> CountTable:
    """Convictions and people per ``per`` residents by race, each with its exact
    interval; a hidden count's rate is blank."""
    pops = labelled(population).select(pl.col(RACE).cast(pl.String),
                                       pl.col("population").cast(pl.Int64))
    frame = table.frame.select(RACE, pl.col("convictions").cast(pl.Int64),
                               pl.col("people").cast(pl.Int64)).join(
        pops, on=RACE, how="left", maintain_order="left")
    for unit, name in (("convictions", "conviction_rate"), ("people", "people_rate")):
        rated = labelled(stats.rates(table.frame, population, count_col=unit, per=per))
        frame = frame.join(rated.select(RACE, *(pl.col(f"rate{b}").alias(f"{name}{b}")
                                                for b in BOUNDS)),
                           on=RACE, how="left", maintain_order="left")
    return table.with_frame(frame, RATE_DERIVED)


def held_shown(cases: pl.DataFrame, table: CountTable) -> pl.DataFrame:
    """People by race and convictions held (:func:`analysis.disparity.convictions_held`),
    for the groups whose convictions and people ``table`` shows."""
    shown = _shown(table).filter(pl.col("convictions").is_not_null(),
                                 pl.col("people").is_not_null())
    return disparity.convictions_held(cases).filter(
        pl.col(RACE).is_in(shown[RACE].cast(pl.String).to_list()))


def ratios_table(table: CountTable, held: pl.DataFrame, population: pl.DataFrame, *,
                 reference: str = "White") -> tuple[CountTable, str]:
    """Rate ratios against ``reference`` (convictions, person-clustered interval; people,
    Poisson interval) and a sentence on how they were worked out, or why none is shown.

    Only groups whose counts are shown take part (``held``: :func:`held_shown`); when
    the reference group's are hidden no ratio is shown, since any ratio would give
    them back.
    """
    keys = table.frame[RACE].cast(pl.String).to_list()
    known = stats.match_group(list(schema.RACES), reference)  # a misspelt group fails
    absent = known not in keys
    reference = known if absent else stats.match_group(keys, reference)
    columns = {c: pl.Float64 for c in RATIO_DERIVED} | {"widening": pl.Float64}
    ratios = pl.DataFrame(schema={RACE: pl.String} | columns)
    note = (f"the list has no {reference} convictions, the reference group: no ratio shown"
            if absent else "the reference group's count is hidden: no ratio shown")
    if reference in held[RACE].to_list():
        ratios = disparity.clustered_ratios(held, population, reference=reference).select(
            RACE, *columns)
        note = _method(ratios)
    base = table.frame.select(RACE, pl.col("convictions").cast(pl.Int64),
                              pl.col("people").cast(pl.Int64))
    pops = labelled(population).select(pl.col(RACE).cast(pl.String),
                                       pl.col("population").cast(pl.Int64))
    frame = (base.join(pops, on=RACE, how="left", maintain_order="left")
             .join(ratios.drop("widening"), on=RACE, how="left", maintain_order="left"))
    return table.with_frame(frame, RATIO_DERIVED), note


def _method(ratios: pl.DataFrame) -> str:
    """How the intervals were worked out, with how much wider they are than naive ones."""
    wider = ratios["widening"].drop_nulls()
    how = ("each ratio is the group's dismissed convictions per resident over the "
           "reference group's; its 95% interval counts each person once however many "
           "convictions they hold (a person-clustered sandwich variance)")
    if wider.len() == 0:
        return how
    low, high = float(wider.min()), float(wider.max())
    span = f"{low:.2f}" if round(low, 2) == round(high, 2) else f"{low:.2f} to {high:.2f}"
    return (f"{how}, which makes it {span} times as wide as an interval that treats every "
            "conviction as independent. The people ratio counts each person once, so "
            "its exact Poisson interval needs no such widening")


def ratios_display(table: CountTable) -> CountTable:
    """Ratios to two decimals, as text."""
    def fixed(c: str) -> pl.Expr:
        return pl.col(c).map_elements(lambda v: f"{v:.2f}", return_dtype=pl.String)

    return table.with_frame(table.frame.with_columns(fixed(c) for c in RATIO_DERIVED))


def ratio_chart(ratios: CountTable, *, reference: str, title: str,
                source: str, data_table: str = "") -> alt.Chart | Markdown:
    """Rate ratios as points (each group in its colour) with interval bars on a log
    scale; a labelled rule marks 1. ``data_table``: the caption of the page's table of
    the ratios, which the text alternative then points to."""
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
        color=charts.colour("race_ethnicity", data["race_ethnicity"].to_list(), legend=None),
        tooltip=[tip("race_ethnicity:N"), alt.Tooltip("ratio:Q", format=".2f"),
                 tip("ratio_low:Q", format=".2f"),
                 tip("ratio_high:Q", format=".2f")])
    bars = base.mark_rule().encode(x=alt.X("ratio_low:Q", scale=scale), x2="ratio_high:Q",
                                   y=alt.Y("race_ethnicity:N", title=None, sort=None))
    one = charts.reference("ratio", 1.0, f"1 = the {reference} rate", y=-14)
    items = "; ".join(f"{g}: {r:.2f} ({lo:.2f} to {hi:.2f})" for g, r, lo, hi in
                      data.select("race_ethnicity", "ratio", "ratio_low", "ratio_high")
                      .iter_rows() if lo is not None)
    chart = (bars + points + one).properties(width=480, height=max(60, 30 * data.height))
    note = f"{source}; counts: {data_tag()}; residents: published (US Census Bureau)"
    what = f"Rate ratios with 95% intervals against {reference} residents ({data_tag()})"
    return charts.titled(chart, title, note, data_table=data_table, alt_text=(
        f"{what}, log scale, for {', '.join(data['race_ethnicity'].cast(pl.String))}."
        if data_table else f"{what}: {items or 'none shown'}."))


def fit_trend(table: CountTable, spline_df: int, step: int | None = None
              ) -> pl.DataFrame | None:
    """The trend fitted on the years the page may show (hidden years are predicted, not
    fitted), with a step at ``step`` (the first year a list covers); None when too few
    years are shown to fit one. With a step, ``pearson_without_step`` is the Pearson
    chi-square / df the same smooth gives without it."""
    hidden = table.frame.filter(pl.Series(table.hidden_mask()["count"]))["conviction_year"]
    years = table.frame.with_columns(pl.col("conviction_year").cast(pl.Int32))
    if years.height - hidden.len() < spline_df + 3:
        return None
    leave_out = [int(y) for y in hidden.to_list()]
    try:
        fitted = stats.trend(years, count_col="count", spline_df=spline_df,
                             leave_out=leave_out, step=step or None)
        without = stats.trend(years, count_col="count", spline_df=spline_df,
                              leave_out=leave_out)["pearson_ratio"][0]
    except ValueError:  # no shown year counts anyone
        return None
    return fitted.with_columns(pearson_without_step=pl.lit(without, pl.Float64))


def court_step(cases: pl.DataFrame, step_year: int) -> int | None:
    """``step_year`` when the list can show the step the court search makes: it holds
    the September 2021 motion (court records from that year on) and convictions from
    before that year; else None (0 means no step)."""
    if not step_year:
        return None
    court = cases.filter(pl.col("batch").cast(pl.String) == "sep2021").height > 0
    earlier = cases.filter(pl.col("conviction_date").dt.year() < step_year).height > 0
    return step_year if court and earlier else None


def _scatter(ratio: float | None, *, short: bool = False) -> str:
    """Pearson chi-square / df in words (``short``: the number and "times" alone)."""
    if ratio is None or not math.isfinite(ratio):
        return "cannot be judged (as many parameters as years)"
    if short:
        return f"{ratio:.1f} times"
    said = f"as much as chance alone would make them (Pearson chi-square / df = {ratio:.1f})"
    return f"about {said}" if ratio < 1.5 else f"{ratio:.1f} times {said}"


def trend_model(fitted: pl.DataFrame | None, step: int | None = None) -> Markdown:
    """The model the trend used, the step and its fit in plain words, or why there is
    none."""
    if fitted is None:
        return Markdown("**No trend:** too few years of this list have a count the site "
                        "shows to fit one (hidden years take no part in the model).")
    row = fitted.row(0, named=True)
    plain = ("a smooth curve over the years" + (f" with a step from {step}"
             if row["step_ratio"] is not None else "") + ", fitted by a "
             + words.model_words(row["model"]))
    lines = [f'**Trend model:** <abbr title="{html.escape(row["model"])}">{plain}</abbr>.']
    if row["step_ratio"] is not None:
        lines.append(f"**The step:** from {step} on, the year the county's court search "
                     f"starts to cover, dismissed convictions are {row['step_ratio']:.2f} "
                     f"times (95% interval {row['step_low']:.2f} to {row['step_high']:.2f}) "
                     "what the smooth curve alone would give.")
    elif step:
        lines.append(f"**No step:** the list's shown years do not run across {step}, the "
                     "first year the county's court search covers, so no step is fitted.")
    else:
        lines.append("**No step:** the step belongs to lists holding the September 2021 "
                     "motion, whose court records start in a later year than the other "
                     "convictions; this list does not, so none is fitted.")
    fit = ("**Fit:** around the model's curve the yearly counts scatter "
           f"{_scatter(row['pearson_ratio'])}")
    if row["step_ratio"] is not None:
        fit += f"; without the step, {_scatter(row['pearson_without_step'], short=True)}"
    lines.append(fit + ".")
    if row["model"].startswith(stats.NEGATIVE_BINOMIAL):
        lines.append("Because they scatter more than chance, the band is from a negative "
                     "binomial model, which widens it to allow for that.")
    return Markdown(" ".join(lines))


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
        y="count:Q", tooltip=[tip(f"{year_col}:O"), alt.Tooltip("count:Q", format=","),
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
