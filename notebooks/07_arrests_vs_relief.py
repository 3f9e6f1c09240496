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
confidence: float = 0.95  # confidence level of the intervals

# %%
from pathlib import Path

from IPython.display import Markdown, display

import analysis
from analysis import arrests, charts, prop64, provenance, reader, release

charts.enable()
mapping = arrests.load_mapping(mapping_path or None)
arrest_file = Path(arrests_path) if arrests_path else arrests.default_path(mapping)
lapd_basis = provenance.real(arrest_file.name)  # the arrest counts are real public data
census = provenance.published("US Census Bureau")

# %% [markdown]
# ## The arrest data
#
# The arrests are real public data, read through the project's arrest loader: every row is checked against the mapping below, and every column the spec does not need (report number, age, sex) is dropped. **Arrests are not convictions**: many arrests never led to a conviction, and a conviction dismissed in 2020 or 2021 may stem from an arrest by any police agency in the county.

# %%
cases, case_source = analysis.open_cases(data_path, seed=seed)
page = release.for_page("07_arrests_vs_relief", cases, case_source, arrests_path=arrests_path,
                        mapping_path=mapping_path)
if arrest_file.is_file():
    lapd = arrests.read_arrests(arrest_file, mapping)
    source = arrests.describe_arrests(arrest_file)
    display(reader.arrests.card(lapd, source, mapping))
else:
    lapd = None
    display(Markdown(arrests.how_to_get(arrest_file)))

# %% [markdown]
# The mapping file says which column holds each field and what every code of the extract means in the project's categories.

# %%
if lapd is not None:
    display(reader.table(mapping.table(), f"Codes of the extract and the categories they map to ({mapping.path.name})",
                         basis=provenance.published(f"the mapping {mapping.path.name}")))
    if mapping.notes:
        display(Markdown(f"*About this extract:* {mapping.notes}"))

# %% [markdown]
# ## Arrests by race/ethnicity
#
# Counts and shares of all arrests in the file. Arrest counts pass through the same protection step as the site's other counts: a small one is hidden, with its share.

# %%
if lapd is not None:
    display(reader.table(reader.arrests.by_race_table(page["lapd-marijuana-arrests-by-race-ethnicity-all"]),
                         "LAPD marijuana arrests by race/ethnicity, all years", basis=lapd_basis))

# %% [markdown]
# ## By charge level and year
#
# How many arrests each year, by charge level (chart) and by charge (table).

# %%
if lapd is not None:
    by_level = page["lapd-marijuana-arrests-by-year-and-charge-level"]
    display(reader.arrests.by_year_chart(by_level, source.label))
    display(reader.table(by_level, "LAPD marijuana arrests by year and charge level", basis=lapd_basis,
                         folded="The chart's data: arrests by year and charge level"))
    display(reader.table(page["lapd-marijuana-arrests-by-year-and-charge"],
                         "LAPD marijuana arrests by year and charge", basis=lapd_basis))
    display(Markdown(reader.footnote()))

# %% [markdown]
# ## Beside the dismissals
#
# Who was arrested, who was in the first mass dismissal, and who lives in the county. The February 2020 shares are the published figures for the people in that motion (the "other" group combines Asian/Pacific Islander, other and unknown, as published). The dismissal column from the case list covers convictions filed in the City of Los Angeles.

# %%
reader.data_card(cases, case_source)

# %%
if lapd is not None:
    # arrests, and the case list's convictions filed in the City of Los Angeles
    display(reader.table(reader.arrests.shares_table(page["shares-by-race-ethnicity-percent"], case_source.synthetic),
                         "Shares by race/ethnicity, percent", basis=lapd_basis,
                         column_basis=reader.arrests.shares_basis(case_source, lapd_basis)))

# %%
if lapd is not None:
    by_year = page["arrests-and-dismissals-by-year"]
    display(reader.arrests.trend_chart(by_year, f"{source.label}; {case_source.label}"))
    display(reader.table(by_year, "LAPD arrests and the City of LA's dismissed convictions by year",
                         basis=provenance.real(f"{arrest_file.name} for arrests; {reader.data_tag()} for dismissals"),
                         folded="The chart's data: arrests and dismissed convictions by year"))

# %% [markdown]
# ## Arrest rates per 10,000 residents
#
# How often members of each group were arrested, relative to how many live in the county.

# %%
if lapd is not None:
    display(reader.arrests.denominator_note())

# %%
if lapd is not None:
    # arrests by group and year, over the county's residents in the same years
    pop = prop64.county_population(sorted(lapd["year"].unique().to_list()))
    yearly = page["lapd-marijuana-arrests-by-year-and-race"]
    residents = prop64.person_years(pop, pop["year"].unique())
    rated, model_choice = reader.arrests.rates_table(
        page["lapd-marijuana-arrests-per-10-000-county"], yearly, residents, per=per, confidence=confidence)
    display(reader.table(
        rated,
        f"LAPD marijuana arrests per {per:,} county residents a year, {lapd['year'].min()}-{lapd['year'].max()} {confidence:.0%} intervals", basis=lapd_basis,
        column_basis={"county person-years": census}))
    display(Markdown(
        "Rates: exact Poisson intervals. Ratios to White: a count model with the year as a fixed "
        f"effect, fitted on the groups whose yearly counts are all shown ({model_choice})."))
    display(reader.table(yearly, "LAPD marijuana arrests by year and race/ethnicity", basis=lapd_basis,
                         folded="The data of the rates and of the chart below: arrests by year and race/ethnicity"))

# %% [markdown]
# ## Before and after Proposition 64
#
# Proposition 64 legalised adult use on 9 November 2016, so 2017 is the first full year after it. Two measures, each by group, with intervals from count models (Poisson, or negative binomial when the year-to-year swings are larger than Poisson variation allows; the model columns name them):
#
# - **Before/after ratio**: the mean arrest rate in 2017-2019 divided by the mean rate in 2014-2016 (three years each side).
# - **Step beyond the trend** (interrupted time series over all years): arrests were already falling before 2016; the step is the change at 2017 relative to where the earlier trend would have led. A ratio near 1 means the fall after 2016 is no steeper than the fall before it.
#
# The models are fitted only for groups whose yearly counts are all shown; a group with a hidden year keeps its pooled before and after rates but no model estimate, and the "All groups" estimates are then left out, since they would pool it in.

# %%
if lapd is not None:
    # three years each side of the change, and every year for the trend
    change = reader.arrests.change_table(page["change-around-proposition-64-rates-per-10-000"], yearly, pop,
                                         confidence=confidence, last=int(lapd["year"].max()))
    display(reader.table(change, f"Change around Proposition 64, rates per 10,000 county residents a year, {confidence:.0%} intervals",
                         basis=lapd_basis))

# %%
if lapd is not None:
    display(reader.arrests.rate_chart(yearly, pop, per=per, source=source.label))

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
# Each figure above names what it rests on.

# %%
reader.inputs(case_source)
