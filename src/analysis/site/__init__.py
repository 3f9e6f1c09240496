"""The report site: render the notebooks of ``reports/reports.yml`` into an offline HTML
site, verify a site against its manifest, compare two sites.

=============== ===============================================================
module          its one job
=============== ===============================================================
``config``      the reports config and notebooks' ``parameters`` cells
``plan``        the pages: names, titles, and how published files name files
``manifest``    fingerprints, ``manifest.json`` and staleness
``reading``     how the case list is read (``--encoding``, ``--mapping``)
``kept``        pages a run that published nothing rendered, for the next run
``publish``     the lock, the staging folder and the atomic swap
``jobs``        jobs and outcomes crossing the process boundary; the pool
``execute``     papermill on the project kernel (imports papermill)
``build``       one page: execute, prepare for readers, export (imports nbconvert)
``index``       ``index.html``, ``manifest.json`` and ``datapackage.json``
``assets``      the chart libraries, one shared file ``assets/vega-HASH.js``
``datapackage`` the Frictionless Data Package describing every published CSV
``run``         ``analysis render``: plan, execute, assemble, publish (:func:`render`)
``failures``    the one-line reports of failed pages
``drift``       ``analysis verify``: a site against its manifest (:func:`verify`)
``diff``        ``python -m analysis.site.diff OLD NEW``: two sites (:func:`compare`)
=============== ===============================================================

Importing this package imports nothing heavy: papermill, nbconvert and the chart stack
load only when a page is executed (``build``, ``execute``).
"""

from __future__ import annotations

import warnings

from .config import RenderError, load_config, notebook_parameters
from .diff import compare
from .drift import Drift, VerifyError, verify
from .manifest import read_manifest
from .plan import Page, local_path, plan_pages, public_parameters, public_path
from .run import FailedPage, Result, render, summarize_failures

# ``python -m analysis.site.diff`` runs a module this package has already imported
# (for ``compare`` above); the module has no import-time effects, so that is harmless.
warnings.filterwarnings("ignore", category=RuntimeWarning,
                        message=r"'analysis\.site\.diff' found in sys\.modules")

__all__ = ["Drift", "FailedPage", "Page", "RenderError", "Result", "VerifyError", "compare",
           "load_config", "local_path", "notebook_parameters", "plan_pages",
           "public_parameters", "public_path", "read_manifest", "render",
           "summarize_failures", "verify"]


def __dir__() -> list[str]:
    return sorted(__all__)
