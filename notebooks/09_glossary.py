# ---
# jupyter:
#   kernelspec:
#     display_name: Python (LA Cannabis Relief)
#     language: python
#     name: la-cannabis-relief
# ---

# %% [markdown]
# # Glossary: the legal and counting terms of this site
#
# What the code sections HS 11357 to 11360, the charge levels, dismissal, sealing, redesignation, "expungement", AB 1793, Proposition 64 and the difference between a conviction, a case and a count mean on these pages. Each entry names the sources its facts come from; the pages link here where a term first appears.

# %% tags=["parameters"]
# Parameters: papermill and the report config may override these.
terms: str = ""  # comma-separated anchors of the entries to show (e.g. ab-1793,sealing); empty means all

# %%
from IPython.display import HTML

from analysis import citations, glossary

# %% [markdown]
# ## The terms
#
# Definitions are in plain words, not legal advice; the sources are the statutes named and the news reports the site's reconciliation page cites.

# %%
wanted = {t.strip() for t in terms.split(",") if t.strip()}
unknown = wanted - glossary.anchors()
if unknown:
    raise ValueError(f"unknown glossary term(s) {', '.join(sorted(unknown))}; choose from "
                     f"{', '.join(sorted(glossary.anchors()))}")
HTML(glossary.html_list(citations.cite_ref, keys=wanted or None))
