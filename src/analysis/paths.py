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

Three more are read where they are used, named here (``*_ENV``) so that a caller who
sets them (``analysis render`` for its notebook kernels) spells them once:

``LACRA_DATA_MAPPING`` (:data:`DATA_MAPPING_ENV`)
    case-list mapping file that ``data.load_cases`` / ``open_cases`` use when none is
    passed. Unset or empty: no mapping.
``LACRA_DATA_ENCODING`` (:data:`DATA_ENCODING_ENV`)
    text encoding of the case list those use when none is passed.
``LACRA_ID_SALT`` (:data:`ID_SALT_ENV`)
    the secret salting the person ids a mapping derives from names and birth dates.
    Unset: a random secret created once in ``data/private/id_salt`` (:data:`ID_SALT`,
    mode 0600, never committed).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CLAIMS", "DATA", "DATA_ENCODING_ENV", "DATA_MAPPING_ENV", "DEFAULT_SEED",
           "ID_SALT", "ID_SALT_ENV", "KERNEL_NAME", "MAPPINGS", "NOTEBOOKS", "PRIVATE",
           "REFERENCE", "REPORTS", "REPORTS_CONFIG", "ROOT", "SITE", "SOURCES", "SYNTHETIC",
           "RELEASES", "VALIDATED", "public_path", "shared_data", "shared_file",
           "synthetic_cases", "synthetic_doj"]


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
MAPPINGS = DATA / "mappings"  # column-and-code mappings for arrest extracts and case lists
PRIVATE = DATA / "private"  # secrets of this machine (not committed)
ID_SALT = PRIVATE / "id_salt"  # the salt of hashed person ids when LACRA_ID_SALT is unset

# Environment variables read where they are used (see the module's notes).
DATA_MAPPING_ENV = "LACRA_DATA_MAPPING"
DATA_ENCODING_ENV = "LACRA_DATA_ENCODING"
ID_SALT_ENV = "LACRA_ID_SALT"
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

DEFAULT_SEED = 2020


def synthetic_cases(seed: int = DEFAULT_SEED) -> Path:
    """Where the synthetic default dataset for ``seed`` lives."""
    return SYNTHETIC / f"cases_seed{seed}.parquet"


def synthetic_doj(seed: int = DEFAULT_SEED) -> Path:
    """Where the synthetic DOJ AB 1793 file for ``seed`` lives (its truth beside it)."""
    return SYNTHETIC / f"doj_seed{seed}.csv"


def shared_data() -> Path:
    """The folder of public reference files (may not exist on every machine)."""
    return Path(os.environ.get("LACRA_SHARED_DATA", ROOT.parent / "shared" / "data"))


def public_path(value: str | Path) -> str:
    """How published files name a local file: ``shared:NAME`` for the shared public data,
    the path from the checkout for a file inside it, else the file name alone. Pages and
    manifests never show the folders of the machine that rendered them."""
    path = Path(value).expanduser()
    resolved = path.resolve()
    for base, prefix in ((shared_data(), "shared:"), (ROOT, "")):
        try:
            return prefix + resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def shared_file(name: str) -> Path:
    """A file of the shared public data, by its file name."""
    return shared_data() / name


def __dir__() -> list[str]:
    return sorted(__all__)
