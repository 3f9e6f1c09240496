"""Reader-ready tables and charts for the analysis pages (notebooks 02-05).

Each function takes aggregated numbers from :mod:`analysis.aggregate` or
:mod:`analysis.stats`, passes every count through :mod:`analysis.suppress` and returns
what a page displays. Charts are drawn from the masked frame (hidden counts are null)
and their text alternative is written from the same masked values, so neither the
picture nor its description can reveal a small cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import polars as pl
from IPython.display import HTML, Markdown

from . import aggregate, charts, page, schema, stats, suppress, words

MOTION_LABELS = words.MOTION_LABELS
COUNTS = ("convictions", "people")


def readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Categories as text a reader knows: motion names, years, decades as '1990s'."""
    out = frame
    if "batch" in out.columns:
        out = out.with_columns(pl.col("batch").cast(pl.String)
                               .replace(MOTION_LABELS).alias("batch"))
    if "conviction_year" in out.columns:  # a year is a label, not a quantity
        out = out.with_columns(pl.col("conviction_year").cast(pl.String))
    if "conviction_decade" in out.columns:
        out = out.with_columns(pl.format("{}s", pl.col("conviction_decade"))
                               .alias("conviction_decade"))
    return out.with_columns(pl.col(c).cast(pl.String) for c, t in out.schema.items()
                            if isinstance(t, pl.Enum | pl.Categorical))


def counts_table(cases: aggregate.Frame, by: Sequence[str], caption: str, *, name: str,
                 by_groups: Sequence[str] | None = None, people: bool = True,
                 share_within: Sequence[str] | None = None,
                 filters: aggregate.Filters | None = None) -> HTML:
    """A suppressed table of convictions (and people) by ``by`` with shares."""
    table = aggregate.counts(cases, by, people=people, share_within=share_within,
                             filters=filters)
    counts = [c for c in COUNTS if c in table.columns]
    groups = [aggregate.dimension(b) for b in by_groups] if by_groups else None
    return page.table(readable(table), caption, name=name, counts=counts, by=groups)


def _alt_items(frame: pl.DataFrame, labels: Sequence[str], value: str) -> str:
    parts = []
    for row in frame.select(*labels, value).iter_rows():
        *keys, v = row
        shown = "suppressed" if v is None else f"{v:,}"
        parts.append(f"{', '.join(str(k) for k in keys)}: {shown}")
    return "; ".join(parts)


def bar_chart(table: pl.DataFrame, *, category: str, value: str = "convictions",
              color: str | None = None, title: str, source: str,
              by_groups: Sequence[str] | None = None, horizontal: bool = True,
              value_title: str = "Convictions dismissed") -> alt.Chart | Markdown:
    """Bars of a suppressed count; hidden cells are left out and named in the alt text.

    When every cell is hidden there is nothing to draw: a one-line note replaces the chart.
    """
    shown = suppress.mask(table, [c for c in COUNTS if c in table.columns],
                          by=list(by_groups) if by_groups else None)
    shown = readable(shown)
    if shown.filter(pl.col(value).is_not_null()).height == 0:
        # nothing left to draw: say so instead of an empty frame
        return Markdown(f"*{title}: no chart, because every count in it is suppressed "
                        "(below 11, or hidden so that a total cannot reveal one).*")
    labels = [category] + ([color] if color else [])
    cat_title = aggregate.DIMENSIONS.get(category, category)
    axis_cat = (alt.Y if horizontal else alt.X)(f"{category}:N", title=cat_title, sort=None)
    axis_val = (alt.X if horizontal else alt.Y)(f"{value}:Q", title=value_title)
    enc = {"x": axis_val, "y": axis_cat} if horizontal else {"x": axis_cat, "y": axis_val}
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=aggregate.DIMENSIONS.get(color, color))
    enc["tooltip"] = [*(f"{c}:N" for c in labels), alt.Tooltip(f"{value}:Q", format=",")]
    n = shown.select(labels).unique().height if labels else 1
    size = {"width": 520, "height": max(60, 18 * n)} if horizontal else \
        {"width": max(300, min(760, 14 * n)), "height": 260}
    chart = (alt.Chart(shown.filter(pl.col(value).is_not_null()))
             .mark_bar().encode(**enc).properties(**size))
    hidden = shown.filter(pl.col(value).is_null()).height
    alt_text = (f"Bars of {value} by {', '.join(aggregate.DIMENSIONS.get(c, c) for c in labels)}"
                f" (computed): {_alt_items(shown, labels, value)}."
                + (f" {hidden} small or complementary cell(s) are suppressed and not drawn."
                   if hidden else ""))
    return charts.titled(chart, title, f"{source} (counts computed)", alt_text=alt_text)


def no_cases(filters: aggregate.Filters) -> Markdown:
    """The message an empty selection gets instead of tables and charts."""
    return Markdown(
        f"### No cases match\n\nNo dismissed conviction in this data matches the selection "
        f"({filters.describe()}). Nothing is wrong with the page: widen the year range or "
        "remove a filter. For instance, no felony conviction can date after November 8, "
        "2016 (Proposition 64), and city prosecutors handle only misdemeanors in their own "
        "cities.")


# --- disparities ------------------------------------------------------------------------


RATE_DERIVED = {"rate": "count", "rate_low": "count", "rate_high": "count"}


def rates_table(counts: pl.DataFrame, population: pl.DataFrame, *, count_col: str,
                per: int = 10_000) -> pl.DataFrame:
    """Rates by race with exact intervals, the count suppressed with its rate."""
    out = stats.rates(counts, population, count_col=count_col, per=per)
    return suppress.suppress(readable(out), ["count"], dims=["race_ethnicity"],
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
        readable(out.select("race_ethnicity", "count", "population", "rate", "ratio",
                            "ratio_low", "ratio_high", "p_value")),
        ["count"], dims=["race_ethnicity"], derived=derived, thousands=True)
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
    from . import reference

    return reference.population_by_race(year).with_columns(
        pl.col("race_ethnicity").cast(pl.String),
        basis=pl.lit(f"published (US Census Bureau, {year} estimate)"))


def agencies() -> tuple[str, ...]:
    """Every prosecuting agency, the District Attorney first."""
    return schema.AGENCIES
