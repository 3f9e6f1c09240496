# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Explorer: dismissed convictions by any dimension
#
# Dismissed convictions, and the people they belong to, for one selection of the case list (a motion, a range of conviction years, a [charge level](glossary.html#charge-level), an agency or a jurisdiction) counted by one or two dimensions; the line under the data note names this page's selection. The site publishes a few selections. Researchers render others by adding a parameter set to the explorer's entry in `reports/reports.yml` and running `analysis render --only explorer`; the executed notebook linked at the foot of the page lists every parameter.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
batch: str = ""  # motion: feb2020 or sep2021; empty means both
year_from: int = 0  # first conviction year kept; 0 means the earliest
year_to: int = 0  # last conviction year kept; 0 means the latest
level: str = ""  # charge level: felony, misdemeanor or infraction; empty means all
agency: str = ""  # prosecuting agency, e.g. District Attorney; empty means all
jurisdiction: str = ""  # city or Unincorporated Los Angeles County; empty means all
group_by: str = "race_ethnicity"  # one or two dimensions, comma-separated (e.g. conviction_decade,charge_level)

# %%
from IPython.display import Markdown

import analysis
from analysis import aggregate, charts, provenance, reader, release, words

charts.enable()
filters = aggregate.Filters(batch=batch or None, year_from=year_from or None,
                            year_to=year_to or None, charge_level=level or None,
                            prosecuting_agency=agency or None,
                            jurisdiction=jurisdiction or None)
by = [aggregate.dimension(d) for d in group_by.split(",") if d.strip()][:2]

# %%
# What the page finds: the selection's size, from the same protected counts as its tables.
cases, source = analysis.open_cases(data_path, seed=seed)
matches = not aggregate.is_empty(cases, filters)
page = release.for_page("03_explorer", cases, source, batch=batch, year_from=year_from,
                        year_to=year_to, level=level, agency=agency,
                        jurisdiction=jurisdiction, group_by=group_by)
selected = page["explorer-total"] if matches else None
provenance.use(source)  # the page's figures are this data's (the data card says so too)
# on synthetic data the September 2021 motion's people are set by an assumption
people_set = batch != "feb2020" and provenance.illustrative("sep2021_convictions_per_person")
people = ("" if people_set and people_set.illustrative or selected is None else
          f" belonging to {reader.number(selected.value('people', absent=0))} people")
reader.opening((f"The selection ({filters.describe()}) holds "
                f"{reader.number(selected.value('convictions', absent=0))} dismissed conviction counts"
                f"{people}." if selected is not None else "", provenance.data(source).tag()))

# %% [markdown]
# ## The data
#
# The case list was loaded through the project's validator, so every row has passed the same checks as `analysis validate`.

# %%
reader.data_card(cases, source)

# %% [markdown]
# ## The selection

# %%
Markdown(f"Selection: **{filters.describe()}**; counted by "
         f"**{', '.join(words.dimension_title(b).lower() for b in by) or 'nothing'}**.")

# %%
reader.overview.no_cases(filters) if not matches else reader.table(
    page["explorer-total"], "Convictions and people in the selection")

# %% [markdown]
# ## Counts
#
# Convictions and distinct people for each combination of the chosen dimensions, with their shares of the selection. A person with convictions in several rows counts in each, so the people column can add up to more than the selection's total.

# %%
table = page["explorer-counts"] if "explorer-counts" in page else None
assumed = provenance.assumptions_of(by)  # what sets these splits on synthetic data
caption = "Convictions and people by " + ", ".join(words.dimension_title(b).lower() for b in by)
(reader.table(table, caption, rests_on=assumed)
 if table is not None else Markdown("Nothing to count: " + ("no cases match." if not matches else "no dimension chosen.")))

# %%
(reader.illustrative(reader.overview.bar_chart(table, category=by[0], color=by[1] if len(by) > 1 else None,
                           title="Convictions dismissed by " + " and ".join(words.dimension_title(b).lower() for b in by),
                           source=source.label, horizontal=by[0] not in ("conviction_year", "conviction_decade"),
                           data_table=caption), *assumed)
 if table is not None else Markdown("No chart: nothing to draw."))

# %% [markdown]
# ## Reading the counts
#
# - A count from 1 to 10 shows as "suppressed", and so does a larger count hidden so that no total or other page of the site reveals a small one. Narrow selections hide more.
# - These are convictions the District Attorney moved to dismiss, not every cannabis conviction in the county: convictions neither list found are not here.

# %%
reader.on_synthetic(source, "On synthetic data every count below the published totals (by year, city, race in 2021) follows the documented assumptions, not observation: such tables and charts are marked *illustrative*.",
                    doj="On this list, which the Los Angeles rules made of the synthetic DOJ file, every count below the published totals of the February 2020 motion (by year, courthouse and so city, code section, and the race codes outside the published shares) follows the DOJ file's documented assumptions, not observation: such tables and charts are marked *illustrative*.")

# %%
Markdown(reader.footnote())

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
