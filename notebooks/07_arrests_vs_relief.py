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
# Who was arrested for marijuana in the City of Los Angeles in the decade around [Proposition 64](glossary.html#prop-64), how the gap between groups changed after legalisation, set beside who received the mass dismissals.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
arrests_path: str = ""  # arrest extract (CSV); empty means the shared LAPD file
mapping_path: str = ""  # column-and-code mapping (YAML); empty means the shipped LAPD mapping
data_path: str = ""  # case list for the dismissals; empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
confidence: float = 0.95  # confidence level of the intervals

# %%
from pathlib import Path

from IPython.display import Markdown, display

import analysis
from analysis import arrests, charts, provenance, reader, release

charts.enable()
mapping = arrests.load_mapping(mapping_path or None)
arrest_file = Path(arrests_path) if arrests_path else arrests.default_path(mapping)
lapd_basis = provenance.real(arrest_file.name)  # the arrest counts are real public data
cases, case_source = analysis.open_cases(data_path, seed=seed)
page = release.for_page("07_arrests_vs_relief", cases, case_source, arrests_path=arrests_path,
                        mapping_path=mapping_path)
lapd = arrests.read_arrests(arrest_file, mapping) if arrest_file.is_file() else None

# %% [markdown]
# ## What this page finds

# %%
if lapd is not None:
    yearly = page["lapd-marijuana-arrests-by-year-and-race"]
    display(reader.arrests.findings(yearly, page["lapd-marijuana-arrests-by-race-ethnicity-all"],
                                    lapd_basis, confidence=confidence))
else:
    display(Markdown(arrests.how_to_get(arrest_file)))

# %% [markdown]
# ## The arrest data
#
# The arrests are real public data, read through the project's arrest loader: every row is checked against the mapping below, and every column the spec does not need (report number, age, sex) is dropped. **Arrests are not convictions**: many arrests never led to a conviction, and a conviction dismissed in 2020 or 2021 may stem from an arrest by any police agency in the county.

# %%
if lapd is not None:
    source = arrests.describe_arrests(arrest_file)
    display(reader.arrests.card(lapd, source, mapping))

# %% [markdown]
# The mapping file says what every code of the extract means in the project's categories; these are the codes this file holds.

# %%
if lapd is not None:
    display(reader.table(reader.arrests.codes_table(arrests.codes_found(arrest_file, mapping)),
                         f"Codes in {arrest_file.name} and the categories they map to ({mapping.path.name})",
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
    if reader.arrests.descent_note(source):
        display(reader.arrests.descent_note(source))

# %% [markdown]
# ## By charge level and year
#
# How many arrests each year, by charge level (chart) and by charge (table).

# %%
if lapd is not None:
    by_level = page["lapd-marijuana-arrests-by-year-and-charge-level"]
    level_caption = "LAPD marijuana arrests by year and charge level"
    display(reader.arrests.by_year_chart(by_level, source.label, data_table=level_caption))
    display(reader.table(by_level, level_caption, basis=lapd_basis,
                         folded="The chart's data: arrests by year and charge level"))
    display(reader.table(page["lapd-marijuana-arrests-by-year-and-charge"],
                         "LAPD marijuana arrests by year and charge", basis=lapd_basis))
    display(Markdown(reader.footnote()))

# %% [markdown]
# ## Before and after Proposition 64
#
# Proposition 64 legalised adult use on 9 November 2016, so 2017 is the first full year after it. The main comparison takes as many years before the change as the file has after it (for the LAPD file, **2014-2016 against 2017-2019**; the tables name the years). All the measures are ratios of arrest counts:
#
# - **Arrests a year, after / before**: a group's mean arrests a year after the change over its mean before, from a count model of the yearly counts (Poisson, or negative binomial when the years swing more than Poisson variation allows; the model column names it).
# - **Ratio to White**: a group's arrests divided by White arrests in the same years (1.5 means one and a half arrests of that group for every White arrest).
# - **Change**: the ratio to White after over the ratio before; above 1, the gap widened. Its interval comes from a binomial model of each year's split between the two groups; when the yearly ratios swing more than chance allows (Pearson test), the interval is widened by that excess (quasi-binomial, Student's t), and the interval that treats every arrest as independent is shown beside it. The same change is also measured from every year of the file before 2017.
#
# The models are fitted only for groups whose yearly counts are all shown.

# %%
if lapd is not None:
    display(reader.arrests.no_rate_note())

# %%
if lapd is not None:
    display(reader.table(reader.arrests.change_table(
        page["lapd-marijuana-arrests-before-and-after-proposition-64"], yearly, confidence=confidence),
        f"LAPD marijuana arrests before and after Proposition 64, {confidence:.0%} intervals", basis=lapd_basis))

# %%
if lapd is not None:
    display(reader.table(reader.arrests.ratio_table(yearly, confidence=confidence),
                         f"Arrests for each White arrest, before and after Proposition 64, {confidence:.0%} intervals",
                         name="arrests-for-each-white-arrest", basis=lapd_basis))

# %% [markdown]
# Year by year, the ratio to White arrests (log scale; the dashed line is Proposition 64).

# %%
if lapd is not None:
    race_caption = "LAPD marijuana arrests by year and race/ethnicity"
    display(reader.arrests.ratio_chart(yearly, source.label, data_table=race_caption))
    display(reader.table(yearly, race_caption, basis=lapd_basis,
                         folded="The data of the ratios and of the chart: arrests by year and race/ethnicity"))

# %% [markdown]
# ## Beside the dismissals
#
# Who was arrested, who was in the first mass dismissal, and whose convictions the case list holds. The February 2020 shares are the published figures for the people in that motion, county-wide (the "other" group combines Asian/Pacific Islander, other and unknown, as published). The dismissal columns count the case list's convictions filed in the City of Los Angeles; what they rest on is said under the table.

# %%
reader.data_card(cases, case_source)

# %%
if lapd is not None:
    display(reader.table(reader.arrests.shares_table(page["arrests-and-dismissals-by-race-ethnicity"]),
                         "Shares by race/ethnicity, percent", basis=lapd_basis,
                         column_basis=reader.arrests.shares_basis(lapd_basis)))

# %% [markdown]
# Arrests by year beside the dismissed convictions of the same years, by year of conviction.

# %%
if lapd is not None:
    by_year = page["arrests-and-dismissals-by-year"]
    year_caption = "LAPD arrests and the City of LA's dismissed convictions by year"
    display(reader.arrests.trend_chart(by_year, f"{source.label}; {case_source.label}",
                                       data_table=year_caption))
    display(reader.table(by_year, year_caption,
                         basis=lapd_basis, column_basis=reader.arrests.trend_basis(lapd_basis),
                         folded="The chart's data: arrests and dismissed convictions by year"))

# %% [markdown]
# ## Limits
#
# - **City, not county.** The arrests are the LAPD's only: the City of Los Angeles, not the other 87 cities, the sheriff or other agencies whose arrests also fed the county's convictions.
# - **Counts, not rates.** No population of the city by race is at hand, so the page gives no rate per resident; its ratios of counts read as ratios of rates only if the groups' populations kept their proportion between the periods.
# - **Arrests are not convictions.** An arrest may end without a charge, with a different charge or in acquittal; the dismissals concern convictions, most of them decades older than these arrests.
# - **A cleaned copy.** The public file was cleaned upstream: rows with missing values, people under 18 and other arrest types were dropped, and race was grouped from LAPD descent codes into five groups. Descent is recorded by officers and may differ from how people describe themselves.
# - **Few years after Proposition 64.** Three years (2017-2019) make the change estimates wide, and the yearly ratios swing widely within them.

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(case_source)
