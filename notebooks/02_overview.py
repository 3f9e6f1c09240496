# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Overview: what the two motions dismissed
#
# The whole story in one page: how many cannabis convictions Los Angeles County's two mass-dismissal motions covered, how many people they belonged to, when the convictions date from, at what charge level, and for whom.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty

# %%
from IPython.display import Markdown

import analysis
from analysis import charts, provenance, reader, release

charts.enable()

# %%
# What the page finds, from the same protected counts as the tables below.
cases, source = analysis.open_cases(data_path, seed=seed)
page = release.for_page("02_overview", cases, source)
totals = page["overview-totals"]
tag = provenance.data(source).tag()
reader.opening(
    (reader.overview.by_motion({b: (totals.value("convictions", absent=0, batch=b),
                                    totals.value("felonies", absent=0, batch=b))
                                for b in ("feb2020", "sep2021")}), tag),
    (reader.overview.people_sentence(totals, page["overview-race"]), tag))

# %% [markdown]
# ## The data
#
# The case list was loaded through the project's validator, so every row has passed the same checks as `analysis validate`. Each row is one dismissed conviction count; a person can have several.

# %%
reader.data_card(cases, source)

# %% [markdown]
# ## The totals
#
# Conviction counts and distinct people in each motion and in both. A person whose convictions were dismissed in both motions counts once in the total, which is why the people column does not add up. Each table says what its figures rest on. Every count on this page comes from the site's one protection step.

# %%
reader.table(totals, "Convictions and people by motion",
             column_basis={"people": provenance.illustrative("sep2021_convictions_per_person")})

# %%
Markdown(f"In all, the data holds **{reader.number(totals.value('convictions', batch='Total'))} "
         f"dismissed convictions** belonging to **{reader.number(totals.value('people', batch='Total'))} "
         f"people** ({reader.data_tag()}), {reader.number(totals.value('felonies', batch='Total'))} of them felonies.")

# %% [markdown]
# ## Charge level in each motion
#
# The February 2020 motion, built from state DOJ records, was mostly felonies; the September 2021 motion, built from county court records, added misdemeanors from District Attorney jurisdictions.

# %%
level_caption = "Convictions and people by motion and charge level, shares within each motion"
reader.table(page["overview-level"], level_caption)

# %%
reader.overview.bar_chart(page["overview-level"], category="batch", color="charge_level",
                          title="Convictions dismissed by motion and charge level", source=source.label,
                          data_table=level_caption)

# %% [markdown]
# ## When the convictions date from
#
# Conviction years reach back decades. The chart counts dismissed convictions by the year of conviction in each motion (its data is folded below it); the table gives decades.

# %%
years_caption = "Convictions by year of conviction and motion"
reader.illustrative(reader.overview.bar_chart(
    page["overview-years"], category="conviction_year", color="batch", horizontal=False,
    title="Convictions dismissed by year of conviction", source=source.label,
    data_table=years_caption), "year_profile")

# %%
reader.table(page["overview-years"], years_caption, rests_on=["year_profile"],
             folded="The chart's data: convictions by year and motion")

# %%
reader.table(page["overview-decade"], "Convictions and people by motion and decade of conviction",
             rests_on=["year_profile"])

# %% [markdown]
# ## What the convictions were for
#
# Each conviction's Health and Safety Code section, and the offense it defines: [HS 11357](glossary.html#hs-11357) possession, [HS 11358](glossary.html#hs-11358) cultivation, [HS 11359](glossary.html#hs-11359) possession for sale, [HS 11360](glossary.html#hs-11360) sale or transport.

# %%
reader.table(page["overview-offense"], "Convictions and people by motion and offense type",
             rests_on=provenance.ASSUMED_BY["offense_type"])

# %% [markdown]
# ## Whose convictions they were
#
# Race/ethnicity as recorded with the case. Shares are within each motion. This table says who received relief; whether some groups were convicted more often than others relative to their share of the county's residents is the subject of the disparities page.

# %%
race_caption = "Convictions and people by motion and race/ethnicity, shares within each motion"
reader.table(page["overview-race"], race_caption, rests_on=provenance.ASSUMED_BY["race_ethnicity"])

# %%
reader.illustrative(reader.overview.bar_chart(
    page["overview-race"], category="race_ethnicity", color="batch",
    title="Convictions dismissed by race/ethnicity", source=source.label, data_table=race_caption),
    *provenance.ASSUMED_BY["race_ethnicity"])

# %% [markdown]
# ## People and convictions
#
# Most people had one conviction dismissed; some had several. The second table shows how many people the two motions share.

# %%
reader.table(page["overview-per-person"], "People by number of convictions dismissed",
             rests_on=["repeat_weight_shape", "sep2021_convictions_per_person"])

# %%
reader.table(page["overview-people-motions"], "People by the motions that dismissed their convictions",
             rests_on=["sep2021_people_also_in_feb2020"])

# %% [markdown]
# ## Background: the law and the two lists
#
# - **[Proposition 64](glossary.html#prop-64)** (approved by California voters in November 2016) made adult cannabis use legal and let people with past convictions ask a court to clear or reduce them, one petition at a time (report of the Lacey announcement; Entrepreneur).
# - **[AB 1793](glossary.html#ab-1793)** (2018) turned that around: the state Department of Justice had to search its criminal-history records for cannabis convictions eligible for dismissal or for reduction to a misdemeanor and send them to each county, whose prosecutors had until July 1, 2020 to act (report of the Lacey announcement; Entrepreneur).
# - **February 2020.** Los Angeles County's District Attorney ran the state's file through Code for America's eligibility rules and moved to dismiss about 66,000 convictions (Los Angeles Times, 2020-02-13).
# - **September 2021.** The state's file had missed convictions that only the county's own court records held; a local nonprofit, the Social Impact Center, pointed out the gap, and a search of court records found about 58,000 more, reaching back more than three decades (UPI; Entrepreneur).
# - **Words.** A *[dismissal](glossary.html#dismissal)* sets the conviction aside; *[sealing](glossary.html#sealing)* hides the record from most background checks, and the District Attorney said his office would seek one court order sealing the 2021 records (UPI); *[redesignation](glossary.html#redesignation)* reduces a felony to a misdemeanor; reports often say *[expungement](glossary.html#expungement)* for all of these, which is why they count "more than 123,000 expungements" (Entrepreneur).

# %% [markdown]
# ## What these numbers do not show
#
# - They count convictions the District Attorney moved to dismiss, not convictions that remain: people whose records neither list found are not here (see the page on convictions still unidentified).
# - A dismissal in the court's records does not mean every downstream database (DOJ, background-check vendors) was updated.
# - Race/ethnicity is as recorded by the justice system, not self-reported; "Unknown" means none was recorded.

# %%
Markdown(reader.footnote())

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
