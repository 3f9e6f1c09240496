"""Every path the project uses, in one place.

Notebooks, the command line and the tests import these names instead of writing
relative paths to the data folder. Two environment variables move things:

``LACRA_SHARED_DATA``
    folder holding the public reference files (LAPD arrests, Census tables). Defaults
    to ``../shared/data`` beside the checkout, where CI puts it.
``LACRA_SITE``
    folder the published site is written to. Defaults to ``reports/site``.
``LACRA_NOTEBOOKS``
    folder of the notebooks to render. Defaults to ``notebooks``; the render benchmark
    points it at a scratch copy.
``LACRA_CACHE``
    folder of remembered validation results. Defaults to ``data/cache``; safe to delete.

Two more tell a notebook's kernel how to read its case list; ``analysis render`` sets
them from ``--encoding`` and ``--mapping``:

``LACRA_DATA_ENCODING``
    text encoding of the case list (a CSV that is not UTF-8), e.g. ``latin-1``.
``LACRA_DATA_MAPPING``
    mapping file the case list is read through.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CLAIMS", "DATA", "DATA_ENCODING_ENV", "DATA_MAPPING_ENV", "DEFAULT_SEED",
           "KERNEL_NAME", "MAPPINGS", "NOTEBOOKS", "REFERENCE", "REPORTS", "REPORTS_CONFIG",
           "ROOT", "SITE", "SOURCES", "SYNTHETIC", "RELEASES", "VALIDATED", "shared_data",
           "shared_file", "synthetic_cases"]


def _find_root() -> Path:
    """The checkout root: the nearest parent holding pyproject.toml."""
    override = os.environ.get("LACRA_ROOT")
    if override:
        return Path(override).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    # Installed without a checkout: fall back to the working directory.
    return Path.cwd()


ROOT: Path = _find_root()

DATA = ROOT / "data"
REFERENCE = DATA / "reference"  # small cited tables, committed, each with a manifest
SOURCES = DATA / "sources"  # manifests of the public files we read but never commit
CLAIMS = DATA / "claims"  # the ledger of published figures
SYNTHETIC = DATA / "synthetic"  # generated default data (not committed)
MAPPINGS = DATA / "mappings"  # column-and-code mappings for arrest extracts
# Validated copies of case files, named by the input's checksum (not committed): every
# page of a render loads the same file, and validating it once is enough.
VALIDATED = Path(os.environ.get("LACRA_CACHE", DATA / "cache")) / "validated"
# Release plans (which cells the site hides), named by data, code and config: notebooks
# run outside the renderer find the plan the site uses here.
RELEASES = Path(os.environ.get("LACRA_CACHE", DATA / "cache")) / "releases"

NOTEBOOKS = Path(os.environ.get("LACRA_NOTEBOOKS", ROOT / "notebooks"))
REPORTS = ROOT / "reports"
REPORTS_CONFIG = REPORTS / "reports.yml"
SITE = Path(os.environ.get("LACRA_SITE", REPORTS / "site"))

KERNEL_NAME = "la-cannabis-relief"

# How a kernel is told to read its case list (``analysis render --encoding/--mapping``).
DATA_ENCODING_ENV = "LACRA_DATA_ENCODING"
DATA_MAPPING_ENV = "LACRA_DATA_MAPPING"

DEFAULT_SEED = 2020


def synthetic_cases(seed: int = DEFAULT_SEED) -> Path:
    """Where the synthetic default dataset for ``seed`` lives."""
    return SYNTHETIC / f"cases_seed{seed}.parquet"


def shared_data() -> Path:
    """The folder of public reference files (may not exist on every machine)."""
    return Path(os.environ.get("LACRA_SHARED_DATA", ROOT.parent / "shared" / "data"))


def shared_file(name: str) -> Path:
    """A file of the shared public data, by its file name."""
    return shared_data() / name


def __dir__() -> list[str]:
    return sorted(__all__)
