# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Disparities: dismissals per resident by race/ethnicity
#
# How many dismissed cannabis convictions, and how many people with one, there were for every 10,000 residents of each race/ethnicity in Los Angeles County; how those rates compare with White residents'; what the comparison's uncertainty is made of; and how dismissed convictions spread over the years of conviction.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
population_year: int = 2019  # Census year of the resident counts: 2019 (estimate) or 2010 (census)
other_population_year: int = 2010  # the other Census year, for the sensitivity of the ratios
reference: str = "White"  # group the rate ratios compare against
per: int = 10000  # rates are per this many residents
spline_df: int = 6  # flexibility of the trend (degrees of freedom of the spline; 1 = constant yearly change)
step_year: int = 1985  # first conviction year the county's court search covers (a step in the trend); 0 = no step
eligible_estimate: int = 200000  # published estimate of eligible convictions in the county (unfound = the rest)

# %%
from IPython.display import Markdown, display

import analysis
from analysis import charts, provenance, reader, release

charts.enable()
reference = analysis.stats.match_group(list(analysis.schema.RACES), reference)  # as the categories spell it
population = analysis.reference.population_by_race(population_year)
other_population = analysis.reference.population_by_race(other_population_year)
census = provenance.published(f"US Census Bureau, {population_year}")
race_assumed = provenance.ASSUMED_BY["race_ethnicity"]  # what sets the race mix on synthetic data

# %% [markdown]
# ## What this page finds
#
# The findings first; the sections below show how each is worked out. We load the case list through the project's validator and take every count from the site's protected count tables.

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
card = reader.data_card(cases, source)  # shown under "The data"; it names the page's data
page = release.for_page("04_disparities", cases, source)
rates = reader.disparities.rates_table(page["disparities-rates"], population, per=per)
held = reader.disparities.held_shown(cases, page["disparities-rate-ratios"])
ratios, method = reader.disparities.ratios_table(page["disparities-rate-ratios"], held, population,
                                                 reference=reference)
sensitivity = reader.uncertainty.sensitivity(page["disparities-rates"], page["disparities-race-by-motion"],
                                             population, other_population, reference=reference,
                                             eligible=eligible_estimate)
step = reader.disparities.court_step(cases, step_year)  # None when the list cannot show the step
fitted = reader.disparities.fit_trend(page["disparities-trend"], spline_df, step)

# %%
reader.illustrative(reader.uncertainty.findings(
    rates, ratios, sensitivity, fitted, reference=reference, per=per, step=step,
    population_year=population_year), *race_assumed, "year_profile", "sep2021_first_year")

# %% [markdown]
# ## The data
#
# Every row has passed the same checks as `analysis validate`.

# %%
display(card)

# %% [markdown]
# ## What the rates assume
#
# Read every number below with these assumptions in mind:
#
# - **A recent population stands in for the population at conviction time.** Convictions reach back to the 1960s, but the resident counts are the Census Bureau's for one recent year (*published*). No Census count by race for the years of conviction was found: the project's reference data hold Los Angeles County by race for 2010-2019 only, and the shared California Department of Finance file (1981-2024) gives the county's total population by year, not by race. So a rate here is "dismissed convictions over the whole period per resident of one recent year", not a conviction rate in any year; the county's make-up has changed a great deal since the convictions (its Latino and Asian populations grew, its White population shrank). The sensitivity section shows what the 2010 census gives instead; earlier decades would differ more.
# - **Residents are not the people convicted.** Some people convicted in Los Angeles County lived elsewhere; some residents were convicted elsewhere.
# - **"Unknown" race has no population.** Convictions without a recorded race/ethnicity are counted and shown, but they have no rate and no ratio; the sensitivity section shows how far they could move the ratios.
# - **Race/ethnicity is as recorded by the justice system**, which does not always match how people describe themselves; the Census categories (Hispanic of any race; non-Hispanic White, Black, Asian and Pacific Islander; other and multiracial) are matched to the case categories as documented in the reference tables.

# %%
reader.on_synthetic(source, "- **On synthetic data the race mix is partly assumed**: the February 2020 shares of people are *published*, the September 2021 mix is an *assumed* parameter. The rates then show what the method gives, not a finding about Los Angeles, and are marked *illustrative*.",
                    doj="- **On this synthetic list the race mix is partly assumed**: the synthetic DOJ file deals the *published* February 2020 shares of Latino, Black and White people exactly; how the remaining 3% divides is an *assumed* parameter. The rates then show what the method gives, not a finding about Los Angeles, and are marked *illustrative*.")

# %%
reader.table(reader.disparities.race_population(population_year), "Residents of Los Angeles County by race/ethnicity",
             name="disparities-population", basis=census)

# %% [markdown]
# ## Dismissed convictions and people per 10,000 residents
#
# For each group: dismissed convictions and the distinct people holding them, residents, and both rates with their exact 95% Poisson intervals. A person with several convictions counts once among the people. The intervals reflect only the randomness of counts, not the assumptions above.

# %%
reader.table(rates, f"Dismissed convictions and people with one per {per:,} residents, by race/ethnicity, 95% exact intervals",
             rests_on=race_assumed, column_basis={"population": census})

# %% [markdown]
# ## How the rates compare: rate ratios
#
# A rate ratio of 3 means three times as many dismissed convictions per resident as in the reference group. Only groups whose counts are shown take part, so no ratio gives a hidden count back; when the reference group's counts are hidden, no ratio is shown. How the ratios and their intervals were worked out:

# %%
Markdown(f"**Method:** {method}.")

# %%
ratio_caption = (f"Rate ratios of dismissed convictions and of people against {reference} residents, "
                 "95% intervals counting each person once")
reader.table(reader.disparities.ratios_display(ratios), ratio_caption,
             rests_on=race_assumed, column_basis={"population": census})

# %%
reader.illustrative(reader.disparities.ratio_chart(
    ratios, reference=reference, title=f"Dismissed convictions per resident, relative to {reference} residents",
    source=f"{source.label}; US Census Bureau population ({population_year})", data_table=ratio_caption),
    *race_assumed)

# %% [markdown]
# ## What dominates the uncertainty
#
# The intervals above cover chance in the counting only. The choices behind the rates move the ratios more. The table recomputes every ratio under other choices: the residents of another Census year; convictions of Unknown race shared out like the known groups' (which changes nothing), all counted as the reference group, or all as the group compared; the convictions neither list found (the rest of a published estimate of about 200,000 eligible convictions in the county: the public defender's, reported by Capital & Main in March 2018) spread like the found ones (which changes nothing) or evenly over residents; and one motion's race mix: the February 2020 motion alone, or the September 2021 motion's convictions spread evenly over residents. A blank means the list cannot give that scenario (a count it needs is hidden, or the list holds one motion).

# %%
reader.on_synthetic(source, "On synthetic data the September 2021 race mix is an *assumed* parameter, so this table, like every table of rates by race here, is *illustrative*.",
                    doj="On this synthetic list how the 3% of people outside the published Latino, Black and White shares divides is an *assumed* parameter of the DOJ file, so this table, like every table of rates by race here, is *illustrative*.")

# %%
reader.uncertainty.dominance(sensitivity, ratios, reference)

# %%
(reader.table(reader.uncertainty.shown_sensitivity(sensitivity), f"Rate ratios against {reference} residents under other choices",
              name="disparities-sensitivity", rests_on=race_assumed)
 if sensitivity is not None else Markdown("*No sensitivity table: no ratio can be shown on this list.*"))

# %% [markdown]
# ## Over the years of conviction
#
# Dismissed convictions by year of conviction (dots) with a trend from a Poisson or negative binomial regression on a spline of the year and a step in the first year the county's court search covers, where the September 2021 list begins (line), with its 95% confidence band. The band is for the expected count in a year, not for a single year's count. The model is fitted on the years whose count is shown; a hidden year's line is the model's prediction, not a fit to it.

# %%
reader.disparities.trend_model(fitted, step)

# %%
reader.illustrative(reader.disparities.trend_chart(
    page["disparities-trend"], fitted, title="Dismissed convictions by year of conviction, with the model trend",
    source=source.label), "year_profile", "sep2021_first_year")

# %%
reader.table(reader.disparities.trend_table(page["disparities-trend"], fitted), "Dismissed convictions by year of conviction and the model trend",
             rests_on=["year_profile", "sep2021_first_year"])

# %% [markdown]
# ## What these numbers do not show
#
# - **Not who was arrested or convicted, only who was dismissed.** A high rate of dismissals for a group means many of its convictions were on these lists; it is a trace of past enforcement, not a measure of drug use, which surveys find similar across groups.
# - **Not the cause.** Differences in rates can come from policing, charging, plea practice, where people lived, and how the lists were built (the DOJ list missed many convictions the court list found); nothing here separates those.
# - **Not every conviction.** Convictions neither list found, and convictions in other counties, are missing; the sensitivity table shows how much they could matter.
# - **Not a change over time in disparity.** The rates pool every conviction year over one recent population; the trend counts convictions, not rates, because no population by race exists here for each past year.
#
# Hidden counts take their rates and ratios with them; if the reference group's count were hidden, every ratio would be.

# %%
Markdown(reader.footnote())

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
