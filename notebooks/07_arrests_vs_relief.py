# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Arrests vs relief: LAPD marijuana arrests, 2010-2019
#
# Who was arrested for marijuana in the City of Los Angeles in the decade around Proposition 64, how arrest rates differed by race and changed after legalisation, set beside who received the mass dismissals.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
arrests_path: str = ""  # arrest extract (CSV); empty means the shared LAPD file
mapping_path: str = ""  # column-and-code mapping (YAML); empty means the shipped LAPD mapping
data_path: str = ""  # case list for the dismissals; empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
per: int = 10000  # rates are per this many residents a year
level: float = 0.95  # confidence level of the intervals

# %%
from pathlib import Path

import altair as alt
import polars as pl
from IPython.display import Markdown, display

import analysis
from analysis import arrests, charts, page, reference, schema, stats, suppress
from analysis.assumptions import target

charts.enable()
mapping = arrests.load_mapping(mapping_path or None)
arrest_file = Path(arrests_path) if arrests_path else arrests.default_path(mapping)

# %% [markdown]
# ## The arrest data
#
# The arrests are real public data, read through the project's arrest loader: every row is checked against the mapping below, and every column the spec does not need (report number, age, sex) is dropped. **Arrests are not convictions**: many arrests never led to a conviction, and a conviction dismissed in 2020 or 2021 may stem from an arrest by any police agency in the county.

# %%
if arrest_file.is_file():
    lapd = arrests.read_arrests(arrest_file, mapping)
    source = arrests.describe_arrests(arrest_file)
    check = {True: "matches the project's source manifest",
             False: "differs from the project's source manifest: this is not the expected copy",
             None: "not listed in the project's source manifest"}[source.matches_manifest]
    display(Markdown("\n".join([
        "| | |", "|---|---|",
        f"| **Source** | {source.label} |",
        f"| **Area** | {mapping.geography or 'as described by the mapping'} |",
        f"| **Rows** | {lapd.height:,} arrests, {lapd['year'].min()}-{lapd['year'].max()} |",
        f"| **Checksum** | `sha256:{source.sha256[:16]}…` ({check}) |",
        "| **Synthetic?** | No: public arrest records. |",
    ])))
else:
    lapd = None
    display(Markdown(arrests.how_to_get(arrest_file)))

# %% [markdown]
# The mapping file says which column holds each field and what every code of the extract means in the project's categories.

# %%
if lapd is not None:
    display(page.table(mapping.table(), f"Codes of the extract and the categories they map to ({mapping.path.name})"))
    if mapping.notes:
        display(Markdown(f"*About this extract:* {mapping.notes}"))

# %% [markdown]
# ## Arrests by race/ethnicity
#
# Counts and shares of all arrests in the file (computed).

# %%
if lapd is not None:
    by_race = (
        lapd
        # arrests per group
        .group_by("race_ethnicity").agg(arrests=pl.len())
        # share of all arrests
        .with_columns(share=pl.col("arrests") / pl.col("arrests").sum())
        .sort("race_ethnicity")
    )
    display(page.table(
        by_race.select(pl.col("race_ethnicity").cast(pl.String).alias("race/ethnicity"),
                       "arrests", pl.format("{}%", (pl.col("share") * 100).round(1)).alias("share")),
        "LAPD marijuana arrests by race/ethnicity, all years (computed)", counts=["arrests"]))

# %% [markdown]
# ## By charge level and year
#
# How many arrests each year, by charge level (chart) and by charge (table).

# %%
if lapd is not None:
    by_year_level = lapd.group_by("year", "charge_level").agg(arrests=pl.len()).sort("year", "charge_level")
    chart = (
        alt.Chart(by_year_level).mark_bar()
        .encode(x=alt.X("year:O", title="Year of arrest"),
                y=alt.Y("arrests:Q", title="Arrests"),
                color=alt.Color("charge_level:N", title="Charge level", sort=list(schema.CHARGE_LEVELS)),
                tooltip=["year:O", "charge_level:N", alt.Tooltip("arrests:Q", format=",")])
        .properties(width=520, height=240)
    )
    display(charts.titled(
        chart, "LAPD marijuana arrests by year and charge level", source.label,
        alt_text="Stacked bars by year: " + "; ".join(
            f"{y} {lvl}: {n:,}" for y, lvl, n in by_year_level.iter_rows())))
    wide = (
        lapd
        # one row per year, one column per charge
        .group_by("year", "charge").agg(arrests=pl.len())
        .sort("charge")
        .pivot(on="charge", index="year", values="arrests")
        .fill_null(0)
        .sort("year")
    )
    display(page.table(wide.with_columns(pl.col("year").cast(pl.String)),
                       "LAPD marijuana arrests by year and charge (computed)",
                       counts=[c for c in wide.columns if c != "year"]))
    display(Markdown(suppress.footnote()))

# %% [markdown]
# ## Beside the dismissals
#
# Who was arrested, who was in the first mass dismissal, and who lives in the county. The February 2020 shares are the published figures for the people in that motion (the "other" group combines Asian/Pacific Islander, other and unknown, as published). The dismissal column from the case list covers convictions filed in the City of Los Angeles.

# %%
cases, case_source = analysis.open_cases(data_path, seed=seed)
page.data_card(cases, case_source)

# %%
if lapd is not None:
    def four_groups(expr):
        return (pl.when(expr.cast(pl.String).is_in(["Latino", "Black", "White"]))
                .then(expr.cast(pl.String)).otherwise(pl.lit("Asian/Pacific Islander, other or unknown")))

    def shares(frame, weight=None, name="share"):
        return (frame.with_columns(group=four_groups(pl.col("race_ethnicity")))
                .group_by("group").agg(n=pl.len() if weight is None else pl.col(weight).sum())
                .with_columns((100 * pl.col("n") / pl.col("n").sum()).round(1).alias(name)).drop("n"))

    published = pl.DataFrame({
        "group": ["Latino", "Black", "White", "Asian/Pacific Islander, other or unknown"],
        "Feb 2020 motion, people (published)": [100 * target(f"feb2020_share_{k}") for k in
                                                ("latino", "black", "white", "other_unknown")]})
    city_cases = cases.filter(pl.col("jurisdiction") == "Los Angeles")
    compare = (
        shares(lapd, name="LAPD arrests 2010-2019 (computed)")
        # the case list: convictions filed in the City of Los Angeles
        .join(shares(city_cases, name=("case list, City of LA convictions (computed, synthetic)"
                                       if case_source.synthetic else "case list, City of LA convictions (computed)")), on="group")
        .join(published, on="group")
        .join(shares(reference.population_by_race(2019), weight="population",
                     name="LA County residents 2019 (Census)"), on="group")
        .sort("group")
    )
    display(page.table(compare, "Shares by race/ethnicity, percent"))

# %%
if lapd is not None:
    dismissed_by_year = (
        city_cases
        # convictions of the arrest decade, by conviction year
        .with_columns(year=pl.col("conviction_date").dt.year().cast(pl.Int16))
        .filter(pl.col("year") >= lapd["year"].min())
        .group_by("year").agg(count=pl.len())
        .with_columns(series=pl.lit("dismissed convictions, City of LA (case list" + (", synthetic)" if case_source.synthetic else ")")))
    )
    arrests_by_year = lapd.group_by("year").agg(count=pl.len()).with_columns(series=pl.lit("LAPD arrests"))
    both = pl.concat([arrests_by_year, dismissed_by_year]).sort("series", "year")
    chart = (
        alt.Chart(both).mark_line(point=True)
        .encode(x=alt.X("year:O", title="Year (of arrest, or of conviction)"),
                y=alt.Y("count:Q", title="Count"),
                color=alt.Color("series:N", title=None),
                tooltip=["series:N", "year:O", alt.Tooltip("count:Q", format=",")])
        .properties(width=520, height=240)
    )
    display(charts.titled(
        chart, "Arrests by year beside dismissed convictions by conviction year",
        f"{source.label}; {case_source.label}",
        alt_text="Two lines by year: " + "; ".join(f"{s} {y}: {n:,}" for s, y, n in both.select("series", "year", "count").iter_rows())))

# %% [markdown]
# ## Arrest rates per 10,000 residents
#
# How often members of each group were arrested, relative to how many live in the county.

# %%
if lapd is not None:
    jurisdictions = reference.jurisdictions()
    city_share = (jurisdictions.filter(pl.col("jurisdiction") == "Los Angeles")["population_2020"].item()
                  / jurisdictions["population_2020"].sum())
    display(Markdown(
        "**The denominator.** The arrests are the City of Los Angeles's (LAPD), but the only population by "
        "race in the project's public data is Los Angeles County's (Census, Vintage 2019, July estimates for "
        "each year). No city population by race is in the shared data, so we divide by the county's residents "
        "of each group and year: these are *LAPD arrests per 10,000 county residents*, not a city rate. They "
        f"understate the city's own rates (the city held {city_share:.0%} of county residents in 2020, "
        "reference table of jurisdictions), and because the city's racial mix differs from the county's, "
        "comparisons between groups are approximate. Intervals are exact Poisson intervals on the counts; "
        "they leave out any error in the population estimates."))

# %%
if lapd is not None:
    pop = arrests.county_population(sorted(lapd["year"].unique().to_list()))
    yearly = lapd.group_by("year", "race_ethnicity").agg(count=pl.len())
    residents = arrests.person_years(pop, pop["year"].unique())
    rated = stats.rates(yearly, residents, per=per, conf=level).join(
        stats.rate_ratios(yearly, residents, strata=["year"], per=per, conf=level)
        .select("race_ethnicity", "ratio", "ratio_low", "ratio_high", "model_choice"),
        on="race_ethnicity", how="left")
    display(page.table(
        rated.select(pl.col("race_ethnicity").cast(pl.String).alias("race/ethnicity"),
                     pl.col("count").alias("arrests"),
                     pl.col("population").alias("county person-years"),
                     arrests.interval_text("rate").alias(f"per {per:,} a year"),
                     pl.when(pl.col("race_ethnicity") == "White").then(pl.lit("1 (reference)"))
                     .otherwise(arrests.interval_text("ratio"))
                     .alias("ratio to White")),
        f"LAPD marijuana arrests per {per:,} county residents a year, {lapd['year'].min()}-{lapd['year'].max()} (computed; {level:.0%} intervals)",
        counts=["arrests"]))
    display(Markdown(
        "Rates: exact Poisson intervals. Ratios to White: a count model with the year as a fixed "
        f"effect ({rated['model_choice'].drop_nulls()[0]})."))

# %% [markdown]
# ## Before and after Proposition 64
#
# Proposition 64 legalised adult use on 9 November 2016, so 2017 is the first full year after it. Two measures, each by group, with intervals from count models (Poisson, or negative binomial when the year-to-year swings are larger than Poisson variation allows; the model columns name them):
#
# - **Before/after ratio**: the mean arrest rate in 2017-2019 divided by the mean rate in 2014-2016 (three years each side).
# - **Step beyond the trend** (interrupted time series over all years): arrests were already falling before 2016; the step is the change at 2017 relative to where the earlier trend would have led. A ratio near 1 means the fall after 2016 is no steeper than the fall before it.

# %%
if lapd is not None:
    after = arrests.FIRST_YEAR_AFTER_PROP64
    window = arrests.prop64_change(yearly.filter(pl.col("year") >= after - 3), pop, level=level)
    its = arrests.prop64_change(yearly, pop, level=level)
    change = window.select(
        pl.col("race_ethnicity").alias("race/ethnicity"),
        pl.col("rate_before").round(2).alias(f"rate {after - 3}-{after - 1}"),
        pl.col("rate_after").round(2).alias(f"rate {after}-{lapd['year'].max()}"),
        arrests.interval_text("ratio").alias("before/after ratio"),
        pl.col("ratio_model").alias("model (ratio)"),
    ).join(its.select(pl.col("race_ethnicity").alias("race/ethnicity"),
                      pl.col("pre_trend_pct").round(1).alias("trend before, % a year"),
                      arrests.interval_text("step").alias("step beyond the trend"),
                      pl.col("step_model").alias("model (step)")), on="race/ethnicity", how="left")
    display(page.table(change, f"Change around Proposition 64, rates per 10,000 county residents a year (computed; {level:.0%} intervals)"))

# %%
if lapd is not None:
    lines = suppress.mask(
        yearly.join(pop, on=["year", "race_ethnicity"])
        # arrests per resident, per group and year
        .with_columns(rate=pl.col("count") * per / pl.col("population"))
        .with_columns(pl.col("race_ethnicity").cast(pl.String))
        .sort("race_ethnicity", "year"),
        # hide small counts, and the rates that would reveal them
        ["count"], dims=["year", "race_ethnicity"], derived={"rate": "count"})
    rule = alt.Chart(pl.DataFrame({"year": [2016.85]})).mark_rule(strokeDash=[4, 4], color="#555").encode(x="year:Q")
    chart = (
        alt.Chart(lines).mark_line(point=True)
        .encode(x=alt.X("year:Q", title="Year of arrest", axis=alt.Axis(format="d")),
                y=alt.Y("rate:Q", title=f"Arrests per {per:,} county residents", scale=alt.Scale(type="log")),
                color=alt.Color("race_ethnicity:N", title="Race/ethnicity"),
                tooltip=["race_ethnicity:N", "year:Q", alt.Tooltip("rate:Q", format=".2f")])
        .properties(width=520, height=260)
    )
    display(charts.titled(
        chart + rule, "LAPD marijuana arrest rates by race, with Proposition 64 (dashed)", f"{source.label}; US Census Bureau",
        alt_text="Lines of arrest rates per year by race on a log scale: " + "; ".join(
            f"{r} {y}: {v:.2f}" for r, y, v in lines.drop_nulls("rate").select("race_ethnicity", "year", "rate").iter_rows())
        + ". Points hidden by small-cell suppression are left out."))

# %% [markdown]
# ## Limits
#
# - **City, not county.** The arrests are the LAPD's only: the City of Los Angeles, not the other 87 cities, the sheriff or other agencies whose arrests also fed the county's convictions.
# - **County denominators.** Rates divide city arrests by county residents (see above); they are not city rates.
# - **Arrests are not convictions.** An arrest may end without a charge, with a different charge or in acquittal; the dismissals concern convictions, most of them decades older than these arrests.
# - **A cleaned copy.** The public file was cleaned upstream: rows with missing values, people under 18 and other arrest types were dropped, and race was recoded from LAPD descent codes into five groups. Latino ethnicity is recorded by officers and may differ from Census self-identification.
# - **Few years after Proposition 64.** Three years (2017-2019) make the change estimates wide; the step beyond the trend also assumes the earlier log-linear trend would have continued.

# %% [markdown]
# ## What this rests on
#
# Arrest counts and rates are *computed* from the public LAPD file; population figures are *published* Census estimates; the February 2020 shares are *published*. The case list behind the dismissal columns rests on the inputs below when it is the synthetic default.

# %%
page.table(page.assumptions(), "Published and assumed inputs of the synthetic data")
