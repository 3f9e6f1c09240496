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
# How many dismissed cannabis convictions there were for every 10,000 residents of each race/ethnicity in Los Angeles County, how those rates compare with White residents', and how dismissed convictions are spread over the years of conviction, each with its uncertainty.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
population_year: int = 2019  # Census year of the resident counts: 2019 (estimate) or 2010 (census)
reference: str = "White"  # group the rate ratios compare against
per: int = 10000  # rates are per this many residents
spline_df: int = 6  # flexibility of the trend (degrees of freedom of the spline; 1 = constant yearly change)

# %%
from IPython.display import Markdown

import analysis
from analysis import charts, provenance, reader, release

charts.enable()
population = analysis.reference.population_by_race(population_year)

# %% [markdown]
# ## The data
#
# We load the case list through the project's validator, so every row has passed the same checks as `analysis validate`.

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
reader.data_card(cases, source)

# %%
page = release.for_page("04_disparities", cases, source)

# %% [markdown]
# ## What the rates assume
#
# Read every number below with these assumptions in mind:
#
# - **Today's population stands in for the population at conviction time.** Convictions reach back to the 1960s, but the resident counts are the Census Bureau's estimate for one recent year (*published*). The county's make-up has changed a great deal since then (its Latino and Asian populations grew, its White population shrank), so a rate here is "dismissed convictions over the whole period per resident today", not a conviction rate in any year.
# - **Residents are not the people convicted.** Some people convicted in Los Angeles County lived elsewhere; some residents were convicted elsewhere.
# - **"Unknown" race has no population.** Convictions without a recorded race/ethnicity are counted and shown, but they have no rate and no ratio; if they fall unevenly across groups, every rate is biased by that unevenness.
# - **Race/ethnicity is as recorded by the justice system**, which does not always match how people describe themselves; the Census categories (Hispanic of any race; non-Hispanic White, Black, Asian and Pacific Islander; other and multiracial) are matched to the case categories as documented in the reference tables.
# %%
reader.on_synthetic(source, "- **On synthetic data the race mix is partly assumed**: the February 2020 shares of people are *published*, the September 2021 mix is an *assumed* parameter. The rates then show what the method gives, not a finding about Los Angeles, and are marked *illustrative*.")

# %%
reader.table(reader.disparities.race_population(population_year), "Residents of Los Angeles County by race/ethnicity",
             name="disparities-population", basis=provenance.published(f"US Census Bureau, {population_year}"))

# %% [markdown]
# ## Dismissed convictions per 10,000 residents
#
# For each group: dismissed convictions, residents, and the rate with its exact 95% Poisson interval. The interval reflects only the randomness of counts, not the assumptions above.

# %%
race_assumed = provenance.ASSUMED_BY["race_ethnicity"]  # what sets the race mix on synthetic data
conv_rates = reader.disparities.rates_table(page["disparities-rates-convictions"], population, per=per)
reader.table(conv_rates, f"Dismissed convictions per {per:,} residents, by race/ethnicity, 95% exact intervals",
             rests_on=race_assumed, column_basis={"population": provenance.published(f"US Census Bureau, {population_year}")})

# %% [markdown]
# The same for people: how many residents of each group, per 10,000, had at least one conviction dismissed.

# %%
people_rates = reader.disparities.rates_table(page["disparities-rates-people"], population, per=per)
reader.table(people_rates, f"People with a dismissed conviction per {per:,} residents, by race/ethnicity, 95% exact intervals",
             rests_on=race_assumed, column_basis={"population": provenance.published(f"US Census Bureau, {population_year}")})

# %% [markdown]
# ## How the rates compare: rate ratios
#
# A rate ratio of 3 means three times as many dismissed convictions per resident as in the reference group. The ratios come from a Poisson regression of each group's total count, with the log of its population as offset: with one count per group, each ratio is the group's rate over the reference group's, and its interval reflects the Poisson variation of the two counts. Only groups whose count is shown take part, so no ratio gives a hidden count back; when the reference group's count is hidden, no ratio is shown.

# %%
ratios, model, choice = reader.disparities.ratios_table(page["disparities-rate-ratios"], population,
                                                        reference=reference, per=per)
Markdown(f"**Model:** {model}. **Choice:** {choice}.")

# %%
reader.table(reader.disparities.ratios_display(ratios), f"Rate ratios of dismissed convictions against {reference} residents, 95% intervals, {model}",
             rests_on=race_assumed, column_basis={"population": provenance.published(f"US Census Bureau, {population_year}")})

# %%
reader.illustrative(reader.disparities.ratio_chart(
    ratios, reference=reference, title=f"Dismissed convictions per resident, relative to {reference} residents",
    source=f"{source.label}; US Census Bureau population ({population_year})"), *race_assumed)

# %% [markdown]
# ## Over the years of conviction
#
# Dismissed convictions by year of conviction (dots) with a smooth trend from a Poisson or negative binomial regression on a spline of the year (line) and its 95% confidence band. The band is for the expected count in a year, not for a single year's count. The model is fitted on the years whose count is shown; a hidden year's line is the model's prediction, not a fit to it. A smooth curve cannot follow an abrupt step: the September 2021 list reaches back only to 1985, so counts jump there, and the dots, not the line, show that step.

# %%
fitted = reader.disparities.fit_trend(page["disparities-trend"], spline_df)
reader.disparities.trend_model(fitted)

# %%
reader.illustrative(reader.disparities.trend_chart(
    page["disparities-trend"], fitted, title="Dismissed convictions by year of conviction, with the model trend",
    source=source.label), "year_profile")

# %%
reader.table(reader.disparities.trend_table(page["disparities-trend"], fitted), "Dismissed convictions by year of conviction and the model trend",
             rests_on=["year_profile"])

# %% [markdown]
# ## What these numbers do not show
#
# - **Not who was arrested or convicted, only who was dismissed.** A high rate of dismissals for a group means many of its convictions were on these lists; it is a trace of past enforcement, not a measure of drug use, which surveys find similar across groups.
# - **Not the cause.** Differences in rates can come from policing, charging, plea practice, where people lived, and how the lists were built (the DOJ list missed many convictions the court list found); nothing here separates those.
# - **Not every conviction.** Convictions neither list found, and convictions in other counties, are missing.
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
