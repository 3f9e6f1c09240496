"""LA Cannabis Relief Analytics: the library behind the notebooks and the report site.

Researchers import the same functions the published reports use::

    import analysis
    cases = analysis.load_cases()          # the synthetic default, validated
    cases = analysis.load_cases("my.csv")  # a real list, validated the same way
    analysis.aggregate.counts(cases, ["batch", "race_ethnicity"])
    analysis.stats.rates(...)

Every module is reachable as an attribute and imported on first use, so ``import
analysis`` stays quick. ``docs/architecture.md`` says which module does what.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# The modules a researcher may use, each imported when first named.
MODULES = (
    "aggregate", "arrests", "assumptions", "capture", "capture_sim", "casemap", "caserules",
    "charts", "checksum", "citations", "claimchecks", "claims", "cli", "countmodels", "data",
    "disclosure", "disparity", "doj", "findings", "glossary", "ingest", "matching", "outputs",
    "paths", "prop64", "provenance", "pseudonym", "qualifiers", "reader", "readings",
    "reconcile", "reference", "release", "schema", "site", "spellings", "stats",
    "summarychecks", "synth", "synth_doj", "validate", "words",
)
# Functions of analysis.data offered at the top, for the first line of every notebook.
_DATA = ("describe_source", "load_cases", "open_cases")

__all__ = ["__version__", *_DATA, *MODULES]


def __getattr__(name: str):
    if name in MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _DATA:
        return getattr(importlib.import_module(f"{__name__}.data"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
