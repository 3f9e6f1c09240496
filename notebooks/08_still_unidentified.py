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
# The September 2021 motion exists because the first list, built from state DOJ records, missed tens of thousands of convictions that county court records held. This page asks how many eligible convictions *neither* list has found, from how much the two lists overlap, and says where the overlap cannot answer.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
data_path: str = ""  # case list (CSV or Parquet); empty means the synthetic default data
seed: int = 2020  # seed of the synthetic default, used only when data_path is empty
strata: str = "charge_level,decade"  # comma-separated columns to stratify by within the shared domain (decade and prosecutor are derived)
dependence: str = "0.5,1,2"  # comma-separated odds ratios between the lists the range allows; 1 means independent
confidence: float = 0.95  # confidence level of the intervals
draws: int = 200  # simulated universes per scenario in the validation table

# %%
import analysis
from analysis import capture_sim, charts, provenance, reader, release

charts.enable()
odds_ratios = tuple(float(x) for x in dependence.split(",") if x.strip())
capture_assumed = provenance.ASSUMED_BY["found_in_doj"]  # what sets the overlap on synthetic data

# %% [markdown]
# ## What this page finds

# %%
cases, source = analysis.open_cases(data_path, seed=seed)
provenance.use(source)  # the page's figures are this data's (its data card follows)
page = release.for_page("08_still_unidentified", cases, source, strata=strata)
choices = reader.capture.choices(page)
scenarios = reader.capture.scenarios(choices, odds_ratios, confidence)
reader.illustrative(reader.capture.findings(page, scenarios, odds_ratios, confidence),
                    *capture_assumed)

# %% [markdown]
# ## The data
#
# We load the case list through the project's validator. Each row says whether the conviction appears in the state DOJ records (`found_in_doj`) and in the county court records (`found_in_court`).

# %%
reader.data_card(cases, source)

# %%
reader.capture.overlap_note(source.synthetic)

# %% [markdown]
# ## Where both lists searched
#
# Capture-recapture compares two searches of the same population: the share of one list's finds that the other also found tells how thoroughly the other searched, and so how many both missed. That only works where both lists could have found a conviction. We split the list into domains, each a charge level and a prosecutor (the District Attorney, or one of the city prosecutors who file their own misdemeanors), and within each domain take the conviction years from the first one the court records hold. A domain counts as searched by both when, there, the lists share convictions and each holds some the other lacks. Everywhere else no estimate is made; the table gives what was found there and why.

# %%
reader.capture.excluded(page, "Convictions in the domains left out of the estimate, and why",
                        rests_on=capture_assumed)

# %% [markdown]
# ## How the two lists overlap where both searched
#
# In each stratum of the shared domain we count convictions found by both lists, by the DOJ list only and by the court list only. The fourth cell, found by neither, is estimated from the other three (Chapman's estimator). The estimate also depends on how the two lists relate: if a conviction on one list is more likely to be on the other (an odds ratio above 1), more of those both missed stay hidden behind the overlap. Each column gives the estimate under one odds ratio, with its sampling interval.

# %%
reader.capture.strata(page, f"Convictions found and estimated unfound where both lists searched, {confidence:.0%} intervals",
                      odds_ratios, confidence, rests_on=capture_assumed)

# %% [markdown]
# ## The range: choice of strata and dependence between the lists
#
# Neither the strata nor the dependence between the lists can be read off the data, and each changes the answer more than chance does. So the page reports the span of the estimates: for each choice of strata (every choice stays inside the domains) and each odds ratio allowed, the total found by neither list with its interval. The headline range runs from the lowest lower bound to the highest upper bound.

# %%
reader.table(reader.capture.scenario_table(scenarios, confidence),
             "Total found by neither list, by choice of strata and dependence between the lists",
             rests_on=capture_assumed)

# %%
reader.illustrative(reader.capture.range_chart(scenarios, source.label), *capture_assumed)

# %% [markdown]
# ## Does the range hold the truth? Validation on simulated universes
#
# We draw many simulated universes where the number of convictions neither list found is known: four strata shaped like the shared felonies, each conviction found by each list with a set chance, and the lists related by a set odds ratio. On every draw we compute the range exactly as above (both choices of strata, every odds ratio allowed) and count how often it holds the true unfound count, beside the single estimate under independence. The last scenario lies outside the odds ratios allowed, to show the range's limit.

# %%
validation = capture_sim.coverage(draws=draws, confidence=confidence, odds_ratios=odds_ratios)
reader.capture.coverage_text(validation)

# %%
reader.table(reader.capture.coverage_table(validation),
             f"How often the range holds the true unfound count, over {draws} simulated draws per scenario",
             basis=provenance.simulated("simulated draws under scenarios chosen to test the estimator"))

# %% [markdown]
# ## Method and assumptions
#
# **Where.** Only in the domains both lists searched (see above). A list that holds no conviction of a domain, or none that the other lacks, gives no second, independent look at it, and years the court records do not reach could not be found by the court search: the overlap there says nothing about what both missed, so the page shows the counts found and makes no estimate.
#
# **Estimator.** In each stratum, Chapman's estimate of the convictions found by neither list is `n_doj_only × n_court_only / (n_both + 1)`: Chapman's total `(n_doj + 1)(n_court + 1) / (n_both + 1) − 1` less the convictions found. Its variance is Seber's, which adds the uncertainty of the estimate and the chance variation of the unfound count itself. The interval is built on the log scale (Chao, 1987), so it is skewed to the right like the estimate and never below zero. Strata are estimated separately; their estimates and variances add. A stratum whose lists share no conviction cannot be estimated, and a choice of strata with one is left out of the range.
#
# **Dependence.** Under a log-linear model with an interaction between the lists, the odds ratio `θ = n_both × n_neither / (n_doj_only × n_court_only)` fixes the unfound count at `θ × n_doj_only × n_court_only / n_both`; `θ = 1` is independence. The data cannot measure `θ` (the cell of neither is the unknown), so the page applies each odds ratio allowed to Chapman's form and reports the span. The lists are unlikely to be independent: the 2021 list is by construction the court finds the DOJ list lacked, and a conviction that is hard to find in one set of records (an old one, say) may be hard to find in the other.
#
# **Assumptions**, each of which the real lists may break:
#
# 1. *Closed population*: the set of eligible convictions in a stratum is fixed between the two searches.
# 2. *Dependence within the range allowed*: the odds ratio between the lists lies within the range of the `dependence` parameter in every stratum. Outside it the count lies outside the range (the validation's last scenario).
# 3. *Homogeneous capture within a stratum*, up to what the choices of strata cover.
# 4. *No matching errors*: a conviction found by both lists is recognised as the same conviction. Missed matches inflate the estimate; false matches deflate it.

# %% [markdown]
# ## What this rests on
#
# Each figure above names what it rests on.

# %%
reader.inputs(source)
