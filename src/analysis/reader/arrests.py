"""The arrest extract as its page shows it, beside the dismissals (page 07)."""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import arrests, charts, reference, schema, stats, suppress
from ..assumptions import target
from .tables import interval_text

__all__ = ["OTHER_GROUPS", "by_charge_table", "by_race_table", "by_year_chart", "card",
           "change_table", "denominator_note", "rate_chart", "rates_table", "shares_table",
           "trend_chart"]

# The published February 2020 shares name three groups and put the rest together.
OTHER_GROUPS = "Asian/Pacific Islander, other or unknown"
_CHECKS = {True: "matches the project's source manifest",
           False: "differs from the project's source manifest: this is not the expected copy",
           None: "not listed in the project's source manifest"}


def card(lapd: pl.DataFrame, source: arrests.ArrestSource, mapping: arrests.Mapping) -> Markdown:
    """The data card of an arrest extract: source, area, rows, checksum."""
    return Markdown("\n".join([
        "| | |", "|---|---|",
        f"| **Source** | {source.label} |",
        f"| **Area** | {mapping.geography or 'as described by the mapping'} |",
        f"| **Rows** | {lapd.height:,} arrests, {lapd['year'].min()}-{lapd['year'].max()} |",
        f"| **Checksum** | `sha256:{source.sha256[:16]}…` ({_CHECKS[source.matches_manifest]}) |",
        "| **Synthetic?** | No: public arrest records. |",
    ]))


def by_race_table(lapd: pl.DataFrame) -> pl.DataFrame:
    """Arrests per group and their share of all arrests, as text percents."""
    by_race = (
        lapd
        # arrests per group
        .group_by("race_ethnicity").agg(arrests=pl.len())
        # share of all arrests
        .with_columns(share=pl.col("arrests") / pl.col("arrests").sum())
        .sort("race_ethnicity")
    )
    return by_race.select(pl.col("race_ethnicity").cast(pl.String).alias("race/ethnicity"),
                          "arrests",
                          pl.format("{}%", (pl.col("share") * 100).round(1)).alias("share"))


def by_year_chart(lapd: pl.DataFrame, source: str):
    """Arrests by year, stacked by charge level."""
    counts = lapd.group_by("year", "charge_level").agg(arrests=pl.len()).sort("year",
                                                                              "charge_level")
    chart = (
        alt.Chart(counts).mark_bar()
        .encode(x=alt.X("year:O", title="Year of arrest"),
                y=alt.Y("arrests:Q", title="Arrests"),
                color=alt.Color("charge_level:N", title="Charge level",
                                sort=list(schema.CHARGE_LEVELS)),
                tooltip=["year:O", "charge_level:N", alt.Tooltip("arrests:Q", format=",")])
        .properties(width=520, height=240)
    )
    return charts.titled(
        chart, "LAPD marijuana arrests by year and charge level", source,
        alt_text="Stacked bars by year: " + "; ".join(
            f"{y} {lvl}: {n:,}" for y, lvl, n in counts.iter_rows()))


def by_charge_table(lapd: pl.DataFrame) -> pl.DataFrame:
    """Arrests by year (rows) and charge (columns)."""
    return (
        lapd
        # one row per year, one column per charge
        .group_by("year", "charge").agg(arrests=pl.len())
        .sort("charge")
        .pivot(on="charge", index="year", values="arrests")
        .fill_null(0)
        .sort("year")
        .with_columns(pl.col("year").cast(pl.String))
    )


def _shares(frame: pl.DataFrame, name: str, weight: str | None = None) -> pl.DataFrame:
    """Percent of ``frame``'s rows (or of ``weight``) in each of the published groups."""
    race = pl.col("race_ethnicity").cast(pl.String)
    return (
        frame
        # the three published groups and the rest together
        .with_columns(group=pl.when(race.is_in(["Latino", "Black", "White"])).then(race)
                      .otherwise(pl.lit(OTHER_GROUPS)))
        .group_by("group").agg(n=pl.len() if weight is None else pl.col(weight).sum())
        .with_columns((100 * pl.col("n") / pl.col("n").sum()).round(1).alias(name))
        .drop("n")
    )


def shares_table(lapd: pl.DataFrame, city_cases: pl.DataFrame, synthetic: bool) -> pl.DataFrame:
    """Shares by race of the arrests, the case list's City of LA convictions, the people
    of the February 2020 motion (published) and the county's residents (Census)."""
    published = pl.DataFrame({
        "group": ["Latino", "Black", "White", OTHER_GROUPS],
        "Feb 2020 motion, people (published)": [100 * target(f"feb2020_share_{k}") for k in
                                                ("latino", "black", "white", "other_unknown")]})
    case_list = "case list, City of LA convictions (computed" + (", synthetic)" if synthetic
                                                                 else ")")
    return (
        _shares(lapd, "LAPD arrests 2010-2019 (computed)")
        .join(_shares(city_cases, case_list), on="group")
        .join(published, on="group")
        .join(_shares(reference.population_by_race(2019), "LA County residents 2019 (Census)",
                      weight="population"), on="group")
        .sort("group")
    )


def trend_chart(lapd: pl.DataFrame, city_cases: pl.DataFrame, synthetic: bool,
                sources: str):
    """Arrests by year beside the City of LA's dismissed convictions by conviction year."""
    dismissed = (
        city_cases
        # convictions of the arrest decade, by conviction year
        .with_columns(year=pl.col("conviction_date").dt.year().cast(pl.Int16))
        .filter(pl.col("year") >= lapd["year"].min())
        .group_by("year").agg(count=pl.len())
        .with_columns(series=pl.lit("dismissed convictions, City of LA (case list"
                                    + (", synthetic)" if synthetic else ")")))
    )
    arrested = lapd.group_by("year").agg(count=pl.len()).with_columns(
        series=pl.lit("LAPD arrests"))
    both = pl.concat([arrested, dismissed]).sort("series", "year")
    chart = (
        alt.Chart(both).mark_line(point=True)
        .encode(x=alt.X("year:O", title="Year (of arrest, or of conviction)"),
                y=alt.Y("count:Q", title="Count"),
                color=alt.Color("series:N", title=None),
                tooltip=["series:N", "year:O", alt.Tooltip("count:Q", format=",")])
        .properties(width=520, height=240)
    )
    return charts.titled(
        chart, "Arrests by year beside dismissed convictions by conviction year", sources,
        alt_text="Two lines by year: " + "; ".join(
            f"{s} {y}: {n:,}" for s, y, n in both.select("series", "year", "count").iter_rows()))


def denominator_note() -> Markdown:
    """Why the rates divide city arrests by county residents, and what that costs."""
    places = reference.jurisdictions()
    city_share = (places.filter(pl.col("jurisdiction") == "Los Angeles")["population_2020"]
                  .item() / places["population_2020"].sum())
    return Markdown(
        "**The denominator.** The arrests are the City of Los Angeles's (LAPD), but the only "
        "population by race in the project's public data is Los Angeles County's (Census, "
        "Vintage 2019, July estimates for each year). No city population by race is in the "
        "shared data, so we divide by the county's residents of each group and year: these are "
        "*LAPD arrests per 10,000 county residents*, not a city rate. They understate the "
        f"city's own rates (the city held {city_share:.0%} of county residents in 2020, "
        "reference table of jurisdictions), and because the city's racial mix differs from the "
        "county's, comparisons between groups are approximate. Intervals are exact Poisson "
        "intervals on the counts; they leave out any error in the population estimates.")


def rates_table(yearly: pl.DataFrame, residents: pl.DataFrame, *, per: int,
                confidence: float) -> tuple[pl.DataFrame, str]:
    """Arrests per ``per`` residents a year by group with ratios to White residents, and
    the model choice of the ratios in words."""
    rated = stats.rates(yearly, residents, per=per, confidence=confidence).join(
        stats.rate_ratios(yearly, residents, strata=["year"], per=per, confidence=confidence)
        .select("race_ethnicity", "ratio", "ratio_low", "ratio_high", "model_choice"),
        on="race_ethnicity", how="left")
    table = rated.select(
        pl.col("race_ethnicity").cast(pl.String).alias("race/ethnicity"),
        pl.col("count").alias("arrests"),
        pl.col("population").alias("county person-years"),
        interval_text("rate").alias(f"per {per:,} a year"),
        pl.when(pl.col("race_ethnicity") == "White").then(pl.lit("1 (reference)"))
        .otherwise(interval_text("ratio")).alias("ratio to White"))
    return table, rated["model_choice"].drop_nulls()[0]


def change_table(window: pl.DataFrame, its: pl.DataFrame, after: int,
                 last: int) -> pl.DataFrame:
    """The before/after ratios (``window``) beside the steps beyond the trend (``its``),
    both from :func:`analysis.prop64.change`."""
    return window.select(
        pl.col("race_ethnicity").alias("race/ethnicity"),
        pl.col("rate_before").round(2).alias(f"rate {after - 3}-{after - 1}"),
        pl.col("rate_after").round(2).alias(f"rate {after}-{last}"),
        interval_text("ratio").alias("before/after ratio"),
        pl.col("ratio_model").alias("model (ratio)"),
    ).join(its.select(pl.col("race_ethnicity").alias("race/ethnicity"),
                      pl.col("pre_trend_pct").round(1).alias("trend before, % a year"),
                      interval_text("step").alias("step beyond the trend"),
                      pl.col("step_model").alias("model (step)")),
           on="race/ethnicity", how="left")


def rate_chart(yearly: pl.DataFrame, population: pl.DataFrame, *, per: int, source: str):
    """Arrest rates by group and year on a log scale, Proposition 64 dashed; points whose
    count is hidden are left out."""
    lines = suppress.mask(
        yearly.join(population, on=["year", "race_ethnicity"])
        # arrests per resident, per group and year
        .with_columns(rate=pl.col("count") * per / pl.col("population"))
        .with_columns(pl.col("race_ethnicity").cast(pl.String))
        .sort("race_ethnicity", "year"),
        # hide small counts, and the rates that would reveal them
        ["count"], dims=["year", "race_ethnicity"], derived={"rate": "count"})
    rule = alt.Chart(pl.DataFrame({"year": [2016.85]})).mark_rule(
        strokeDash=[4, 4], color="#555").encode(x="year:Q")
    chart = (
        alt.Chart(lines).mark_line(point=True)
        .encode(x=alt.X("year:Q", title="Year of arrest", axis=alt.Axis(format="d")),
                y=alt.Y("rate:Q", title=f"Arrests per {per:,} county residents",
                        scale=alt.Scale(type="log")),
                color=alt.Color("race_ethnicity:N", title="Race/ethnicity"),
                tooltip=["race_ethnicity:N", "year:Q", alt.Tooltip("rate:Q", format=".2f")])
        .properties(width=520, height=260)
    )
    return charts.titled(
        chart + rule, "LAPD marijuana arrest rates by race, with Proposition 64 (dashed)",
        f"{source}; US Census Bureau",
        alt_text="Lines of arrest rates per year by race on a log scale: " + "; ".join(
            f"{r} {y}: {v:.2f}" for r, y, v in
            lines.drop_nulls("rate").select("race_ethnicity", "year", "rate").iter_rows())
        + ". Points hidden by small-cell suppression are left out.")


def __dir__() -> list[str]:
    return sorted(__all__)
