# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Still unidentified: eligible convictions neither list has found
#
# The September 2021 motion exists because the first list, built from state DOJ records, missed tens of thousands of convictions that county court records held. This page estimates how many eligible convictions *neither* list has found yet, from how much the two lists overlap.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
strata: str = "charge_level,decade"  # comma-separated columns to stratify by (decade and prosecutor are derived)
confidence: float = 0.95  # confidence level of the intervals
draws: int = 500  # synthetic universes per scenario in the validation table

# %%
import analysis
from analysis import capture_sim, charts, provenance, reader, release

charts.enable()
by = tuple(s.strip() for s in strata.split(",") if s.strip())

# %% [markdown]
# ## The data
#
# We load the case list through the project's validator. Each row says whether the conviction appears in the state DOJ records (`found_in_doj`) and in the county court records (`found_in_court`).

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
reader.data_card(cases, source)

# %%
reader.capture.overlap_note(source.synthetic)

# %% [markdown]
# ## How the two lists overlap
#
# In each stratum we count convictions found by both sources, by the DOJ records only, and by the court records only. The fourth cell, found by neither, is what we estimate. The more the two lists overlap, the fewer convictions are likely to remain unfound.

# %%
capture_assumed = provenance.ASSUMED_BY["found_in_doj"]  # what sets the overlap on synthetic data
page = release.for_page("08_still_unidentified", cases, source, strata=strata)
cells = page["convictions-found-and-estimated-unfound-by"]
# no estimate beside a hidden cell, since it would give the cell away
est = reader.capture.estimates(cells, confidence)
reader.table(reader.capture.table(cells, confidence),
             f"Convictions found and estimated unfound, by stratum, {confidence:.0%} intervals",
             rests_on=capture_assumed)

# %%
reader.illustrative(reader.capture.summary(est, confidence), *capture_assumed)

# %% [markdown]
# The chart shows the estimate for each stratum with its interval.

# %%
reader.illustrative(reader.capture.strata_chart(est, by, source.label), *capture_assumed)

# %% [markdown]
# ## How much the answer depends on the strata
#
# Pooling strata whose lists find convictions at different rates biases the estimate, so the choice of strata matters. The table gives the total under three choices: no strata, the strata above, and the strata above split further by who prosecutes (the District Attorney or a city prosecutor). A large difference is a warning that capture still differs inside the strata.

# %%
choices = {"none (all convictions pooled)": page["capture-pooled"],
           ", ".join(by) or "none": cells,
           ", ".join((*by, "prosecutor")): page["capture-by-prosecutor"]}
reader.table(reader.capture.strata_choices(choices, confidence),
             "Total found by neither list under three choices of strata",
             rests_on=capture_assumed)

# %% [markdown]
# ## Does the method work? Validation on simulated universes
#
# We draw many simulated universes where the truth is known: in each stratum a fixed number of eligible convictions, each found by each list independently with a set chance. We run the same estimator on every draw and report its average bias and how often the interval holds the true total (it should be close to the nominal level). The last scenario breaks the independence assumption on purpose, to show what happens then: the lists overlap more than chance, and the estimate falls short.

# %%
validation = capture_sim.coverage(draws=draws, confidence=confidence)
reader.table(reader.capture.coverage_table(validation),
             f"Bias and {confidence:.0%} interval coverage over {draws} simulated draws per scenario",
             basis=provenance.simulated("simulated draws under scenarios chosen to test the estimator"))

# %% [markdown]
# ## Method and assumptions
#
# **Model.** In each stratum a log-linear Poisson model (statsmodels GLM) is fitted to the three observed cells: found by both lists, by DOJ only, by the court only. Its intercept is the logarithm of the expected count found by neither. With three cells and three parameters the fit is exact, and the total it implies equals the classical Lincoln-Petersen estimate (DOJ count times court count, divided by the overlap); Chapman's small-sample version is shown as a cross-check. Strata are estimated separately and summed.
#
# **Intervals.** The interval is for the number actually unfound. Its variance adds the model's uncertainty about the expected unfound count (delta method on the intercept) and the chance variation of the unfound count itself; together these equal the textbook variance of the Lincoln-Petersen estimate. The interval is built on the log scale (Chao, 1987), so it is skewed to the right like the estimate and never below the count already found. The profile-likelihood interval (Cormack, 1992) is given per stratum as a cross-check; it also bounds strata where the first interval collapses to a point. The validation table shows how often each holds the truth.
#
# **When a stratum cannot be estimated.** If the two lists share no conviction in a stratum, the data say nothing about how many both missed there: the stratum is marked *not estimable* and left out of the estimate (never divided by zero).
#
# **Assumptions**, each of which the real lists may break:
#
# 1. *Closed population*: the set of eligible convictions in a stratum is fixed (no conviction enters or leaves between the two searches).
# 2. *Independence between the lists within a stratum*: being in DOJ records does not make a conviction more or less likely to be in court records. If the lists tend to find the same cases (positive dependence), the estimate is too low; the last validation scenario shows by how much.
# 3. *Homogeneous capture within a stratum*: every conviction in a stratum has the same chance of being found by each list. Charge level and decade are used because court-record capture is known to change with age; differences by court, city or prosecutor remain.
# 4. *No matching errors*: a conviction found by both lists is recognised as the same conviction. Missed matches inflate the estimate; false matches deflate it.
#
# The two motions were also built for different scopes (the 2021 search covered cases from about 1985 and misdemeanors filed where the District Attorney prosecutes), so a list that did not look somewhere cannot act as an independent second source there; strata where one list found nothing beyond the other are flagged *boundary*.

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
