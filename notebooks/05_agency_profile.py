# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Agency profile: dismissals by prosecuting agency
#
# The dismissed convictions a prosecuting agency had filed: the District Attorney, who prosecutes every felony and the misdemeanors of most of the county, or the ten city prosecutors who handle misdemeanors in their own cities (together on one page, each counted, or one of them).

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
agency: str = "District Attorney"  # prosecuting agency: District Attorney, '<City> city prosecutor', or 'city prosecutors' (the ten on one page)
top_jurisdictions: int = 15  # how many jurisdictions the table lists by name

# %%
from IPython.display import Markdown

import analysis
from analysis import aggregate, charts, provenance, reader, release, schema

charts.enable()
members = schema.agency_members(agency)  # one agency, or the ten city prosecutors together
filters = aggregate.Filters(prosecuting_agency=members)
name = "The ten city prosecutors" if len(members) > 1 else agency  # as captions name it

# %%
# What the page finds, from the same protected counts as its tables.
cases, source = analysis.open_cases(data_path, seed=seed)
matches = not aggregate.is_empty(cases, filters)
# a city prosecutor's share of the county rests on the assumed spread over cities
city_assumed = [] if agency == "District Attorney" else list(provenance.ASSUMED_BY["jurisdiction"])
page = release.for_page("05_agency_profile", cases, source, agency=agency,
                        top_jurisdictions=top_jurisdictions)
provenance.use(source)  # the page's figures are this data's (the data card says so too)
set_by = provenance.illustrative(*city_assumed) if city_assumed else None
reader.opening(
    (reader.overview.by_motion(reader.overview.level_counts(page["agency-motion"]),
                               name[0].lower() + name[1:] if len(members) > 1 else f"the {agency}")
     if matches and not (set_by and set_by.illustrative) else "", provenance.data(source).tag()),
    (f"On the synthetic data, how many convictions {'they' if len(members) > 1 else 'the ' + agency} filed is set by an assumption "
     f"({set_by.what}), so this page illustrates the method and holds no finding."
     if set_by and set_by.illustrative else "", "assumed"),
    ("" if matches else reader.overview.no_cases(filters).data, provenance.data(source).tag()))

# %% [markdown]
# ## The data
#
# The case list was loaded through the project's validator, so every row has passed the same checks as `analysis validate`.

# %%
reader.data_card(cases, source)

# %%
Markdown(f"## {name}\n\n" + (
    "The District Attorney files every felony in the county and the misdemeanors of the cities without their own prosecutor and of the unincorporated areas."
    if agency == "District Attorney" else
    "Ten cities prosecute the misdemeanors committed within their limits; felonies there go to the District Attorney, so they are not on this page. "
    "The ten share one page because most of them filed too few dismissed convictions for a page of their own: the first table counts each, the rest count them together."
    if len(members) > 1 else
    f"The {agency} files misdemeanors committed in its city; felonies there go to the District Attorney, so they are not on this page.")
    + ("" if matches else "\n\n" + reader.overview.no_cases(filters).data))

# %% [markdown]
# ## Each agency
#
# On a page that covers several agencies, each one's dismissed convictions and people, in each motion.

# %%
(reader.table(page["agency-each"], f"{name}: convictions and people by agency and motion",
              rests_on=city_assumed)
 if matches and "agency-each" in page else Markdown("This page covers one agency: the tables below are all its own."))

# %% [markdown]
# ## Convictions and people by motion
#
# Dismissed convictions filed by this agency and the distinct people they belong to, in each motion.

# %%
(reader.table(page["agency-motion"], f"{name}: convictions and people by motion and charge level",
              rests_on=city_assumed)
 if matches else Markdown("No cases match."))

# %% [markdown]
# ## When the convictions date from

# %%
decade_caption = f"{name}: convictions and people by decade of conviction"
(reader.illustrative(reader.overview.bar_chart(
    page["agency-decade"], category="conviction_decade", horizontal=False,
    title=f"{name}: convictions dismissed by decade of conviction", source=source.label,
    data_table=decade_caption), *city_assumed, "year_profile")
 if matches else Markdown("No chart: nothing to draw."))

# %%
(reader.table(page["agency-decade"], decade_caption,
              rests_on=[*city_assumed, "year_profile"])
 if matches else Markdown("No cases match."))

# %% [markdown]
# ## What for, and where
#
# Offense types, and the jurisdictions where the cases were filed (the largest by name, the rest together).

# %%
(reader.table(page["agency-offense"], f"{name}: convictions and people by offense type",
              rests_on=[*city_assumed, *provenance.ASSUMED_BY["offense_type"]])
 if matches else Markdown("No cases match."))

# %%
(reader.table(page["agency-jurisdiction"], f"{name}: convictions by jurisdiction",
              rests_on=provenance.ASSUMED_BY["jurisdiction"])
 if matches else Markdown("No cases match."))

# %% [markdown]
# ## Whose convictions they were
#
# Race/ethnicity as recorded with the case; shares are of this agency's dismissed convictions and people.

# %%
race_caption = f"{name}: convictions and people by race/ethnicity"
(reader.table(page["agency-race"], race_caption,
              rests_on=[*city_assumed, *provenance.ASSUMED_BY["race_ethnicity"]])
 if matches else Markdown("No cases match."))

# %%
(reader.illustrative(reader.overview.bar_chart(
    page["agency-race"], category="race_ethnicity", title=f"{name}: convictions dismissed by race/ethnicity",
    source=source.label, data_table=race_caption),
    *city_assumed, *provenance.ASSUMED_BY["race_ethnicity"]) if matches else Markdown("No chart: nothing to draw."))

# %% [markdown]
# ## What these numbers do not show
#
# - Only convictions on the two dismissal lists: convictions this agency filed that neither list found are missing, and so are convictions it handled that were not eligible.
# - A city prosecutor's small numbers hide many cells: a count from 1 to 10 shows as "suppressed", and so do larger counts wherever a total, here or on another page of the site, would reveal a small one.
# - The agency is derived from the charge level and where the case was filed, as the validator checks; it is not the name of the individual prosecutor's office on the court record.

# %%
reader.on_synthetic(source, "On synthetic data, city shares, the year profile and the race mix below the published totals are *assumed*; the tables and charts they set are marked *illustrative*.",
                    doj="On this synthetic list, how the DOJ file spreads convictions over courthouses (and so cities), its year profile and how the race codes outside the published shares divide are *assumed*; the tables and charts they set are marked *illustrative*.")

# %%
Markdown(reader.footnote())

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
