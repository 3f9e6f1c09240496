# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Reconciling the published figures
#
# Every number the news reports and gathered facts publish about the two motions, checked against the others and against the case data in use, with a status and a one-line reason for each.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty

# %%
import altair as alt
import polars as pl
from IPython.display import Markdown, display

import analysis
from analysis import charts, claims, page, reconcile, suppress

charts.enable()

# %% [markdown]
# ## The data
#
# We load the case list through the project's validator, so every row below has passed the same checks as `analysis validate`.

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
page.data_card(cases, source)

# %% [markdown]
# ## Every published figure
#
# The ledger (`data/claims/claims.csv`) records each number printed in the five news reports and in the facts gathered with the public data: the figure and its qualifier as printed, what it counts and where it sits in its source. *Against claims* is the worst status of the checks below that involve the claim; *against data* compares it with the figure computed from the data on this page.

# %%
ledger = claims.load()
result = reconcile.reconcile(cases, ledger)
page.table(result.claims_frame(),
           "Every published claim (published), with the status of its checks (computed)")

# %% [markdown]
# ## Claims against claims
#
# Parts should add up to their wholes, shares to at most 100%, people should not outnumber their convictions, and every figure printed for the same quantity, by one source or several, should agree. A headline contradicted by its own article is named as the odd one out.

# %%
page.table(result.checks_frame().select("topic", "status", "explanation"),
           "Checks between published claims (statuses computed from the published figures)")

# %% [markdown]
# ## Claims against the data
#
# Each claim the data can speak to is computed from it. The data *should meet* every such claim except those the checks above contradict; a miss fails `analysis reconcile`.

# %%
failures = result.failures
if failures:
    summary = (f"**The data fails {len(failures)} claim(s) it should meet:** "
               + "; ".join(f"{d.claim} ({d.published}, {d.scope})" for d in failures) + ".")
else:
    summary = "**The data meets every published claim it should.**"
display(Markdown(summary))
data_table = (
    result.data_frame()
    # show each computed value in the claim's own unit
    .with_columns(computed=pl.struct("computed", "unit").map_elements(
        lambda r: reconcile.fmt(r["computed"], r["unit"]), return_dtype=pl.String))
    # required claims first, failures on top
    .sort(pl.col("required").not_(), pl.col("status") != reconcile.INCONSISTENT)
    .select("claim", "published", "scope", "admits", "computed", "status", "required",
            "explanation")
)
page.table(data_table, "Published claims (published) against the figures computed from the data (computed)")

# %% [markdown]
# ## From 66,000 and 58,000 to the combined total
#
# The bars step from the February 2020 count through the September 2021 count to the combined total, as computed from the data. Over each bar, a line shows the range each published figure admits (the 2021 figures are placed on top of the 2020 count). The right panel zooms in on each step.

# %%
steps, intervals = reconcile.waterfall(cases, ledger)
order = steps["step"].to_list()
placed = (
    intervals
    # the computed end of each step, to see whether each claim's range holds it
    .join(steps.select("step", "end"), on="step")
    .with_columns(holds=pl.when((pl.col("end") >= pl.col("lo")) & (pl.col("end") <= pl.col("hi")))
                  .then(pl.lit("admits the computed count"))
                  .otherwise(pl.lit("does not admit it")))
)
colour = alt.Color("holds:N", title="Published range",
                   scale=alt.Scale(domain=["admits the computed count", "does not admit it"],
                                   range=[charts.PALETTE[2], charts.PALETTE[5]]))
bars = alt.Chart(steps).mark_bar(color=charts.PALETTE[4], opacity=0.6).encode(
    x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
    y=alt.Y("start:Q", title="Conviction counts (computed)"),
    y2="end:Q",
    tooltip=["step:N", alt.Tooltip("value:Q", format=",", title="computed")],
)
ranges = alt.Chart(placed).mark_rule(strokeWidth=4).encode(
    x=alt.X("step:N", sort=order), xOffset=alt.XOffset("claim:N"),
    y="lo:Q", y2="hi:Q", color=colour,
    tooltip=["claim:N", "sources:N", "admits:N"],
)
waterfall = (bars + ranges).properties(width=360, height=320)
zoom = alt.layer(
    alt.Chart().mark_rule(strokeWidth=6).encode(
        x=alt.X("lo:Q", title="Conviction counts, cumulative", scale=alt.Scale(zero=False)),
        x2="hi:Q", y=alt.Y("claim:N", title=None), color=colour,
        tooltip=["claim:N", "sources:N", "admits:N"]),
    alt.Chart().mark_rule(color="black", strokeDash=[4, 2]).encode(x="end:Q"),
    data=placed,
).properties(width=300, height=alt.Step(16)).facet(
    row=alt.Row("step:N", sort=order, title=None)).resolve_scale(x="independent", y="independent")
charts.titled(
    alt.hconcat(waterfall, zoom), "From the two motions to the combined total",
    f"{source.label}; ranges from the published claims (data/claims/claims.csv)",
    alt_text="Waterfall: " + "; ".join(f"{s} {v:,.0f}" for s, v in steps.select("step", "value").iter_rows())
    + ". Published ranges: " + "; ".join(f"{c} ({st}) {a}" for st, c, a in placed.select("step", "claim", "admits").iter_rows()),
)

# %% [markdown]
# ## People against convictions
#
# A person can hold several convictions, so every motion covers fewer people than convictions. The sources publish the number of people only for February 2020 (about 53,000).

# %%
people = reconcile.people_vs_convictions(cases)
display(page.table(people, "Convictions, cases and people in each motion (computed)",
                   counts=["convictions", "cases", "people"]))
Markdown(suppress.footnote())

# %%
# bins too small to publish are left out of the chart
held = suppress.mask(reconcile.convictions_per_person(cases), ["people"], by=["motion"])
chart = alt.Chart(held).mark_bar().encode(
    x=alt.X("held:N", sort=[b[2] for b in reconcile.PER_PERSON_BINS], title="Convictions held in the motion",
            axis=alt.Axis(labelAngle=0)),
    y=alt.Y("people:Q", title="People"),
    color=alt.Color("motion:N", title="Motion", legend=alt.Legend(orient="bottom", labelLimit=400)),
    xOffset="motion:N",
    tooltip=["motion:N", "held:N", alt.Tooltip("people:Q", format=",")],
).properties(width=480, height=220)
charts.titled(chart, "People by the number of their convictions in each motion", source.label,
              alt_text="Bars: " + "; ".join(f"{m}, {h} conviction(s): {n:,} people"
                                             for m, h, n in held.iter_rows() if n is not None))

# %% [markdown]
# ## Cross-batch checks
#
# The combined total adds the two motions, which is right only if no conviction sits on both lists. We look for the same case number and count in both, and, more loosely, the same person, conviction date and code section; we also count the people with convictions in both motions.

# %%
display(page.table(reconcile.cross_batch(cases),
                   "Convictions and people found in both motions (computed)", counts=["value"]))
Markdown(suppress.footnote())

# %% [markdown]
# ## Method
#
# **Statuses.** *Consistent*: the claims agree at face value (each printed figure is admitted by the other's range), or the data gives what a careful writer would have printed. *Consistent within rounding*: the printed figures differ, but some values fit every claim's range. *Inconsistent*: no value fits all of them. *Not checkable*: the claims measure different things, a needed figure was never published, or the data holds nothing the claim speaks about.
#
# **Qualifiers.** Each figure admits a range set by its qualifier and its printed precision *u* (the place of its last non-zero digit: 66,000 is precise to the thousand, 60,000 only to the ten thousand). The rule, justified in `data/claims/README.md`:

# %%
page.table(claims.rules_table(), "The qualifier rule: what each published figure admits")

# %% [markdown]
# **Data.** Counts of convictions are rows of the case list; "cases" in the sources means conviction counts too (the same 58,000 is called both). People are distinct pseudonymous person numbers; shares are of people in the motion. Claims about places or times the lists do not cover (statewide, San Francisco, the 2023 state report) are not checkable against them.
#
# ## What this rests on
#
# Figures marked *published* come from the news reports and gathered facts; *computed* figures come from the data above; *assumed* figures are choices the synthetic data makes where no source speaks.

# %%
page.table(page.assumptions(), "Published and assumed inputs of the synthetic data")
