# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Dismissals by motion and charge level
#
# How many cannabis convictions each of Los Angeles County's two mass-dismissal motions covered, split into felonies and misdemeanors (see [charge levels](glossary.html#charge-level) in the glossary).

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty

# %%
import altair as alt
from IPython.display import Markdown

import analysis
from analysis import charts, provenance, reader, release

charts.enable()

# %%
# What the page finds, from the same protected counts as the table below.
cases, source = analysis.open_cases(data_path, seed=seed)
page = release.for_page("01_dismissals_by_batch", cases, source)
counts = page["dismissed-conviction-counts-by-motion-and"]
reader.opening((reader.overview.by_motion(reader.overview.level_counts(counts, "motion")),
                provenance.data(source).tag()))

# %% [markdown]
# ## The data
#
# The case list was loaded through the project's validator, so every row below has passed the same checks as `analysis validate`.

# %%
reader.data_card(cases, source)

# %% [markdown]
# ## Convictions by motion and charge level
#
# We count dismissed conviction counts in each motion, split by charge level. Every count on the site passes through one protection step, so a small count shows as "suppressed" here and in the chart alike.

# %%
caption = "Dismissed conviction counts by motion and charge level"
reader.table(counts, caption)

# %% [markdown]
# The chart shows the same counts: the February 2020 motion was mostly felonies, the September 2021 motion mostly misdemeanors.

# %%
shown = counts.protected(as_text=False)
hidden = shown["convictions"].null_count()  # hidden counts are not drawn
chart = (
    alt.Chart(shown.drop_nulls("convictions"))
    .mark_bar()
    .encode(
        x=alt.X("convictions:Q", title="Conviction counts dismissed"),
        y=alt.Y("motion:N", title=None, axis=alt.Axis(labelLimit=320)),
        color=charts.colour("charge_level", shown.drop_nulls("convictions")["charge_level"].to_list(),
                            title="Charge level"),
        tooltip=["motion:N", reader.tip("charge_level:N"), alt.Tooltip("convictions:Q", format=",")],
    )
    .properties(width=520, height=120)
)
charts.titled(
    chart, "Convictions dismissed by motion and charge level",
    f"{source.label}; counts: {reader.data_tag()}",
    alt_text="Horizontal stacked bars of conviction counts by motion, split by charge level"
    + (f"; {hidden} hidden count(s) are not drawn." if hidden else "."),
    data_table=caption,
)

# %%
Markdown(reader.footnote())

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
