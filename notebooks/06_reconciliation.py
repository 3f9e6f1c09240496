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
# A fact check of every number the news reports and gathered facts publish about the two motions: the verdict first, then one card per group of claims, then the full ledger. A figure's range is every value its wording allows: "nearly 30,000" allows 28,500 to just under 30,000.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty

# %%
from IPython.display import Markdown, display

import analysis
from analysis import charts, claims, provenance, qualifiers, reader, reconcile, release

charts.enable()

# %%
# The verdict rests on the published claims alone, so it comes first.
ledger = claims.load()
display(reader.reconcile.opening(reconcile.reconcile(None, ledger)))

# %% [markdown]
# ## The data
#
# We load the case list through the project's validator, so every row below has passed the same checks as `analysis validate`. The verdicts above rest on the published figures alone; the data adds the counts the sources do not print, such as convictions per court case and convictions on both lists.

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
reader.data_card(cases, source)

# %%
page = release.for_page("06_reconciliation", cases, source)
against = page["published-claims-published-against-the-figures"]
per_motion = page["convictions-cases-and-people-in-each-motion"]
overlap = page["convictions-and-people-found-in-both-motions"]
# the summary analysis doj wrote beside the case list, if any: the claims about whole records
doj_summary = analysis.summarychecks.for_source(source)
result = reader.records.reconciliation(reconcile.reconcile(cases, ledger), doj_summary, against)

# %% [markdown]
# ## The verdict on the totals
#
# The bars step from the February 2020 count through the September 2021 count to the combined total, as counted in the data, each labelled with what it adds. The panels on the right take one step each, on a scale of its own: a line for the range each published figure admits, beside the step's count in the data (the diamond, and the dashed line through every range), so the 2021 figures sit against the 2021 count, not on top of 2020's.

# %%
steps = reader.reconcile.waterfall_steps(per_motion, overlap)
intervals = reconcile.claim_ranges(ledger)  # each range over its own quantity
reader.reconcile.waterfall_chart(steps, intervals, source.label)

# %% [markdown]
# ## Two readings of cases
#
# The sources print the same figures as *cases* and as *convictions*. The ledger reads them as convictions. A court case can hold several convictions (see [conviction, case and count](glossary.html#conviction-case-count)), so if the figures count court cases, the convictions behind them are more: the table takes the data's convictions per case for each motion and asks whether the published combined totals still admit the result.

# %%
readings_frame = reader.reconcile.cases_table(ledger, per_motion)
reader.table(readings_frame, "Two readings of cases: the convictions the published figures stand for",
             basis=provenance.published("the news reports of data/claims/claims.csv"),
             column_basis={c: provenance.illustrative("same_case_share") or provenance.current()
                           for c in readings_frame.columns if "per case" in c})

# %%
reader.illustrative(Markdown(analysis.readings.sentence(readings_frame)), "same_case_share")

# %% [markdown]
# ## Each group of claims
#
# One card per subject: the verdict in words, what was claimed and by whom, why, and what would change the verdict. *Consistent*: the figures agree at face value. *Consistent within rounding*: the printed figures differ, but one value fits every one of them as its qualifier allows. *Inconsistent*: no value fits them all. *Not checkable*: they measure different things, or a needed figure was never published.

# %%
for card in reader.reconcile.cards(result):
    display(card)

# %% [markdown]
# ## Claims against the data
#
# Each claim the data can speak to is computed from it. The data *should meet* every such claim except those the checks above contradict; a miss fails `analysis reconcile`. A computed figure that would reveal a small count is hidden, with its status.

# %%
display(reader.reconcile.verdict(result, source.synthetic))
reader.table(against, "Published claims against the figures counted in the data",
             folded=f"Each claim against the data ({against.frame.height} claims)")

# %%
# Only when analysis doj wrote the case list: the claims about whole records, against its summary.
reader.records.card(result, against, doj_summary, source)

# %% [markdown]
# ## People against convictions
#
# A person can hold several convictions, so every motion covers fewer people than convictions. The sources publish the number of people only for February 2020 (about 53,000).

# %%
display(reader.table(per_motion, "Convictions, cases and people in each motion",
                     column_basis={"people": provenance.illustrative("sep2021_convictions_per_person")}))
Markdown(reader.footnote())

# %%
held = page["people-by-convictions-held-in-each-motion"]
held_caption = "People by the number of their convictions in each motion"
display(reader.illustrative(reader.reconcile.people_chart(held, source.label, data_table=held_caption),
                           "repeat_weight_shape", "sep2021_convictions_per_person"))
reader.table(held, held_caption,
             rests_on=["repeat_weight_shape", "sep2021_convictions_per_person"],
             folded="The chart's data: people by convictions held in each motion")

# %% [markdown]
# ## Cross-batch checks
#
# The combined total adds the two motions, which is right only if no conviction sits on both lists. We look for the same case number and count in both, and, more loosely, the same person, conviction date and code section; we also count the people with convictions in both motions.

# %%
display(reader.table(overlap, "Convictions and people found in both motions",
                     rests_on=["sep2021_people_also_in_feb2020", "same_conviction_in_both_batches"]))
Markdown(reader.footnote())

# %% [markdown]
# ## Every check between claims
#
# Parts should add up to their wholes, shares to at most 100%, people should not outnumber their convictions, and every figure printed for the same quantity, by one source or several, should agree. A headline contradicted by its own article is named as the odd one out.

# %%
checks = reader.reconcile.checks_table(result)
reader.table(checks, "Checks between published claims",
             folded=f"Every check between the claims ({checks.height} checks)",
             basis=provenance.published("the news reports and gathered facts of data/claims/claims.csv"))

# %% [markdown]
# ## Every published figure
#
# The full ledger (`data/claims/claims.csv`): each number printed in the five news reports and in the facts gathered with the public data, with its qualifier as printed, what it counts and where it sits in its source. *Against claims* is the worst status of the checks that involve the claim; *against data* compares it with the figure computed from the data on this page.

# %%
ledger_rows = reader.reconcile.claims_table(result, against)
reader.table(ledger_rows, "Every published claim, with the status of its checks",
             folded=f"The full ledger ({ledger_rows.height} published figures)",
             basis=provenance.published("the news reports and gathered facts of data/claims/claims.csv"),
             column_basis={"against data": provenance.current()})

# %% [markdown]
# ## Method
#
# **Qualifiers.** Each figure admits a range set by its qualifier and its printed precision *u* (the place of its last non-zero digit: 66,000 is precise to the thousand, 60,000 only to the ten thousand). The rule, justified in `data/claims/README.md`:

# %%
reader.table(qualifiers.rules_table(), "The qualifier rule: what each published figure admits",
             basis=provenance.published("the rule of data/claims/README.md"))

# %% [markdown]
# **Data.** Counts of convictions are rows of the case list; the ledger reads the sources' "cases" as convictions (the same 58,000 is called both), and the section *Two readings of cases* shows what the other reading would imply. People are distinct pseudonymous person numbers; shares are of people in the motion. Claims about places or times the lists do not cover (statewide, San Francisco, the 2023 state report) are not checkable against them.
#
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
