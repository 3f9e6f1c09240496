"""The arrest extract as its page shows it, beside the dismissals (page 07).

Every count comes from the page's protected tables; a rate, share or model estimate is
shown only for a group whose counts are all shown, so no statistic gives a hidden count
back.
"""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import arrests, charts, prop64, provenance, reference, schema, stats
from ..assumptions import target
from ..citations import cite_ref
from ..outputs import DataCard
from ..release import CountTable
from ..release.arrests import OTHER_GROUPS
from .tables import interval_text

__all__ = ["by_race_table", "by_year_chart", "card", "change_table", "denominator_note",
           "rate_chart", "rates_table", "shares_basis", "shares_table", "trend_chart",
           "visible_groups"]

_CHECKS = {True: "matches the project's source manifest",
           False: "differs from the project's source manifest: this is not the expected copy",
           None: "not listed in the project's source manifest"}


def card(lapd: pl.DataFrame, source: arrests.ArrestSource, mapping: arrests.Mapping) -> DataCard:
    """The data card of an arrest extract: source, area, rows, checksum. It is the page's
    first card, so the page header names the arrests (real public data) as its data."""
    return DataCard(source.label, source.path.name, False, source.sha256, lapd.height,
                    counted=False, markdown="\n".join([
        "| | |", "|---|---|",
        f"| **Source** | {source.label} |",
        f"| **Area** | {mapping.geography or 'as described by the mapping'} |",
        f"| **Rows** | {lapd.height:,} arrests, {lapd['year'].min()}-{lapd['year'].max()} |",
        f"| **Checksum** | `sha256:{source.sha256[:16]}…` ({_CHECKS[source.matches_manifest]}) |",
        "| **Kind** | Real data: public arrest records. |",
    ]))


def by_race_table(table: CountTable) -> CountTable:
    """Arrests per group and their share of all arrests (a percent, blank when the
    count is hidden)."""
    total = table.frame["arrests"].sum()
    frame = table.frame.select(
        pl.col("race_ethnicity").alias("race/ethnicity"), "arrests",
        pl.format("{}%", (pl.col("arrests") / total * 100).round(1)).alias("share"))
    return table.renamed({"race_ethnicity": "race/ethnicity"}).with_frame(
        frame, {"share": "arrests"})


def by_year_chart(table: CountTable, source: str):
    """Arrests by year, stacked by charge level (hidden counts left out)."""
    counts = table.protected(as_text=False).drop_nulls("arrests")
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


def _shares(table: CountTable, column: str) -> pl.Expr:
    """Each group's percent of the column's total, when every group's count is shown
    (else the total, and with it any hidden group, would follow)."""
    if any(table.hidden_mask()[column]):
        return pl.lit(None, pl.Float64)
    return (100 * pl.col(column) / pl.col(column).sum()).round(1)


def _case_list(synthetic: bool) -> str:
    return "case list, City of LA convictions" + (" (synthetic)" if synthetic else "")


def shares_basis(case_source, arrests_basis: provenance.Basis) -> dict:
    """What each column of :func:`shares_table` rests on, beside the arrests' basis."""
    cases = provenance.illustrative(*provenance.ASSUMED_BY["race_ethnicity"])
    case_list = _case_list(case_source.synthetic)
    return {case_list: cases, f"{case_list}, percent": cases,
            "LAPD arrests 2010-2019": arrests_basis, "LAPD arrests, percent": arrests_basis,
            "Feb 2020 motion, people (published), percent": provenance.published(
                cite_ref("facts-08")),  # the shares, as the first report printed them
            "LA County residents 2019 (Census), percent": provenance.published(
                "US Census Bureau, 2019")}


def shares_table(table: CountTable, synthetic: bool) -> CountTable:
    """Per published group: arrests, the City of LA's convictions, their shares, beside
    the people of the February 2020 motion (published) and the county's residents."""
    published = {"Latino": "latino", "Black": "black", "White": "white",
                 OTHER_GROUPS: "other_unknown"}
    residents = (reference.population_by_race(2019)
                 .with_columns(group=pl.col("race_ethnicity").cast(pl.String)
                               .replace({"Asian/Pacific Islander": OTHER_GROUPS,
                                         "Other": OTHER_GROUPS, "Unknown": OTHER_GROUPS}))
                 .group_by("group").agg(pl.col("population").sum()))
    case_list = _case_list(synthetic)
    frame = (
        table.frame
        .with_columns(arrest_share=_shares(table, "arrests"),
                      conviction_share=_shares(table, "convictions"),
                      published=pl.col("group").replace_strict(
                          {g: 100 * target(f"feb2020_share_{k}") for g, k in published.items()},
                          return_dtype=pl.Float64))
        .join(residents, on="group", how="left", maintain_order="left")
        .select("group", pl.col("arrests").alias("LAPD arrests 2010-2019"),
                pl.col("arrest_share").alias("LAPD arrests, percent"),
                pl.col("convictions").alias(case_list),
                pl.col("conviction_share").alias(f"{case_list}, percent"),
                pl.col("published").alias("Feb 2020 motion, people (published), percent"),
                (100 * pl.col("population") / pl.col("population").sum()).round(1)
                .alias("LA County residents 2019 (Census), percent"))
    )
    return table.renamed({"arrests": "LAPD arrests 2010-2019", "convictions": case_list}) \
        .with_frame(frame, {"LAPD arrests, percent": "LAPD arrests 2010-2019",
                            f"{case_list}, percent": case_list})


def trend_chart(table: CountTable, sources: str):
    """Arrests by year beside the City of LA's dismissed convictions by conviction year."""
    both = table.protected(as_text=False).drop_nulls("count").sort("series", "year")
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
            f"{s} {y}: {n:,}" for s, y, n in both.select("series", "year", "count").iter_rows())
        + ". Hidden counts are left out.")


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


def visible_groups(yearly: CountTable) -> list[str]:
    """The groups whose arrests are shown in every year: the only ones a model may fit."""
    hidden = yearly.hidden_mask()["arrests"]
    groups = yearly.frame["race_ethnicity"].to_list()
    return [g for g in dict.fromkeys(groups)
            if not any(h for h, x in zip(hidden, groups, strict=True) if x == g)]


def _yearly_counts(yearly: CountTable, keep: list[str]) -> pl.DataFrame:
    return (yearly.frame.filter(pl.col("race_ethnicity").is_in(keep))
            .select(pl.col("year").cast(pl.Int16), pl.col("race_ethnicity").cast(schema.Race),
                    pl.col("arrests").alias("count")))


def rates_table(table: CountTable, yearly: CountTable, residents: pl.DataFrame, *,
                per: int, confidence: float) -> tuple[CountTable, str]:
    """Arrests per ``per`` residents a year by group, with ratios to White residents from
    a count model over the groups shown in every year; and the model choice in words."""
    keep = visible_groups(yearly)
    counts = table.frame.select(pl.col("race_ethnicity").cast(schema.Race),
                                pl.col("arrests").alias("count"))
    rated = stats.rates(counts, residents, per=per, confidence=confidence)
    choice = "White residents' yearly counts are not all shown: no ratio"
    ratios = pl.DataFrame(schema={"race_ethnicity": schema.Race, "ratio": pl.Float64,
                                  "ratio_low": pl.Float64, "ratio_high": pl.Float64})
    if "White" in keep:
        fit = stats.rate_ratios(_yearly_counts(yearly, keep), residents, strata=["year"],
                                per=per, confidence=confidence)
        choice = fit["model_choice"][0]
        ratios = fit.select("race_ethnicity", "ratio", "ratio_low", "ratio_high")
    frame = rated.join(ratios, on="race_ethnicity", how="left", maintain_order="left").select(
        pl.col("race_ethnicity").cast(pl.String).alias("race/ethnicity"),
        pl.col("count").alias("arrests"), pl.col("population").alias("county person-years"),
        interval_text("rate").alias(f"per {per:,} a year"),
        pl.when(pl.col("race_ethnicity") == "White").then(pl.lit("1 (reference)"))
        .otherwise(interval_text("ratio")).alias("ratio to White"))
    derived = {f"per {per:,} a year": "arrests", "ratio to White": "arrests"}
    return table.renamed({"race_ethnicity": "race/ethnicity"}).with_frame(frame, derived), \
        choice


def change_table(table: CountTable, yearly: CountTable, population: pl.DataFrame, *,
                 confidence: float, last: int) -> CountTable:
    """Rates in the three years before Proposition 64 and the years after (from the
    table's counts), and, for the groups shown in every year, the before/after ratio and
    the step beyond the earlier trend."""
    after = prop64.FIRST_YEAR_AFTER
    keep = visible_groups(yearly)
    counts = _yearly_counts(yearly, keep)
    window = prop64.change(counts.filter(pl.col("year") >= after - 3), population,
                           confidence=confidence)
    its = prop64.change(counts, population, confidence=confidence)
    if set(keep) != set(yearly.frame["race_ethnicity"].to_list()):
        # "All groups" pools every group: without them all it would not be all
        window = window.filter(pl.col("race_ethnicity") != "All groups")
        its = its.filter(pl.col("race_ethnicity") != "All groups")
    pop = population.with_columns(pl.col("race_ethnicity").cast(pl.String))
    before = pop.filter(pl.col("year").is_between(after - 3, after - 1)) \
        .group_by("race_ethnicity").agg(pl.col("population").sum().alias("pop_before"))
    later = pop.filter(pl.col("year") >= after).group_by("race_ethnicity") \
        .agg(pl.col("population").sum().alias("pop_after"))
    everyone = pl.DataFrame({"race_ethnicity": ["All groups"],
                             "pop_before": [before["pop_before"].sum()],
                             "pop_after": [later["pop_after"].sum()]})
    pops = pl.concat([before.join(later, on="race_ethnicity"), everyone])
    frame = (
        table.frame.rename({"race/ethnicity": "race_ethnicity"})
        .join(pops, on="race_ethnicity", how="left", maintain_order="left")
        .join(window.select("race_ethnicity", interval_text("ratio").alias("ratio_text"),
                            "ratio_model"), on="race_ethnicity", how="left",
              maintain_order="left")
        .join(its.select("race_ethnicity", pl.col("pre_trend_pct").round(1),
                         interval_text("step").alias("step_text"), "step_model"),
              on="race_ethnicity", how="left", maintain_order="left")
        .select(pl.col("race_ethnicity").alias("race/ethnicity"),
                "arrests_before", "arrests_after",
                (pl.col("arrests_before") * 10_000 / pl.col("pop_before")).round(2)
                .alias(f"rate {after - 3}-{after - 1}"),
                (pl.col("arrests_after") * 10_000 / pl.col("pop_after")).round(2)
                .alias(f"rate {after}-{last}"),
                pl.col("ratio_text").alias("before/after ratio"),
                pl.col("ratio_model").alias("model (ratio)"),
                pl.col("pre_trend_pct").alias("trend before, % a year"),
                pl.col("step_text").alias("step beyond the trend"),
                pl.col("step_model").alias("model (step)"))
    )
    derived = {f"rate {after - 3}-{after - 1}": "arrests_before",
               f"rate {after}-{last}": "arrests_after"}
    return table.with_frame(frame, derived)


def rate_chart(yearly: CountTable, population: pl.DataFrame, *, per: int, source: str):
    """Arrest rates by group and year on a log scale, Proposition 64 dashed; points whose
    count is hidden are left out."""
    lines = (
        yearly.protected(as_text=False).drop_nulls("arrests")
        .with_columns(pl.col("year").cast(pl.Int16), pl.col("race_ethnicity").cast(schema.Race))
        .join(population, on=["year", "race_ethnicity"])
        # arrests per resident, per group and year
        .with_columns(rate=pl.col("arrests") * per / pl.col("population"),
                      race_ethnicity=pl.col("race_ethnicity").cast(pl.String))
        .sort("race_ethnicity", "year")
    )
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
            lines.select("race_ethnicity", "year", "rate").iter_rows())
        + ". Points hidden to protect small counts are left out.")


def __dir__() -> list[str]:
    return sorted(__all__)
