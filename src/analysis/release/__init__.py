"""The site's release: what every page publishes, protected together before any page runs.

``tables``    count tables: the frame a page shows and the cell behind every count
``counts``    the counting pages' tables (01, 02, 03, 05)
``analyses``  the disparities, reconciliation and capture pages' tables (04, 06, 08)
``arrests``   the arrests page's tables (07)
``plan``      every page's tables protected at once: the site plan
``published`` the published site as an attacker holds it: ``release.json`` and the audit

``analysis render`` computes the plan once per data, code and config, hands it to every
page's kernel (``LACRA_RELEASE``) and records the declarations in the site's
``release.json``; a notebook run elsewhere finds the same plan in ``data/cache/releases``
(or makes it). :func:`for_page` is what a notebook calls.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .. import paths, summarychecks
from ..disclosure import Cell
from .counts import CARD, tally
from .page import PageTables
from .plan import BUILDERS, SitePlan, page_tables, protect_site
from .tables import HIDDEN, CountTable

__all__ = ["BUILDERS", "CARD", "ENV", "HIDDEN", "SUMMARY_KEY", "CountTable", "PageTables",
           "SitePlan",
           "for_page", "load_plan", "page_tables", "plan_key", "protect_site", "site_plan"]

# The renderer tells each kernel where the site plan is.
ENV = "LACRA_RELEASE"
# The plan's record of the analysis doj summary it was made with (its digest).
SUMMARY_KEY = "doj_summary"


def plan_key(data_sha256: str, pages, doj_summary: dict | None = None) -> str:
    """The name of a site plan: the data (and what the pages take from the summary
    ``analysis doj`` wrote beside it), the code, and every page's notebook and
    parameters."""
    from ..site.manifest import PACKAGE_DIRS, tree_hash

    digest = hashlib.sha256(data_sha256.encode())
    if doj_summary is not None:
        digest.update(summarychecks.digest(doj_summary).encode())
    digest.update(tree_hash(PACKAGE_DIRS).encode())
    for p in pages:
        digest.update(json.dumps([p.name, p.notebook.name, p.effective], sort_keys=True,
                                 default=str).encode())
    return digest.hexdigest()[:24]


def site_plan(pages, cases: pl.DataFrame, data_sha256: str, *,
              cache: Path | None = None, doj_summary: dict | None = None
              ) -> tuple[Path, dict]:
    """The plan of a site's ``pages`` on ``cases`` (``doj_summary``: the summary
    ``analysis doj`` wrote beside them, if any): read from the cache, or made and stored
    there. Returns its file and its contents (which name the summary by its
    :func:`~analysis.summarychecks.digest` only: a plan never holds a hidden count)."""
    cache = Path(cache or paths.RELEASES)
    target = cache / f"{plan_key(data_sha256, pages, doj_summary)}.json"
    try:
        return target, json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    counted = tally(cases)  # every page's data card counts the same
    built = [page_tables(p.notebook.name, p.name, cases, counted=counted,
                         doj_summary=doj_summary, **p.effective) for p in pages]
    plan = protect_site(built, data_sha256)
    content = plan.to_json()
    if doj_summary is not None:
        content[SUMMARY_KEY] = summarychecks.digest(doj_summary)
    _write(target, content)
    return target, content


def _write(target: Path, content: dict) -> None:
    """Write atomically; a folder that cannot be written only means no cache."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out)
        os.replace(name, target)
    except OSError:
        pass


def load_plan(cases: pl.DataFrame, data_sha256: str, extra=None,
              doj_summary: dict | None = None) -> dict:
    """The plan this kernel publishes under: the renderer's, or (run on its own, in
    JupyterLab or papermill) the plan of the configured site's pages, with ``extra``
    (a page of its own parameters) protected together with them."""
    path = os.environ.get(ENV)
    if path:
        plan = json.loads(Path(path).read_text(encoding="utf-8"))
    else:
        from ..site import load_config, plan_pages

        pages = plan_pages(load_config()) + ([extra] if extra is not None else [])
        plan = site_plan(pages, cases, data_sha256, doj_summary=doj_summary)[1]
    if plan.get("data_sha256") != data_sha256:
        raise RuntimeError("the release plan was made for other data than this page reads "
                           f"({plan.get('data_sha256', '?')[:12]}, not {data_sha256[:12]})")
    made_with = summarychecks.digest(doj_summary) if doj_summary is not None else None
    if plan.get(SUMMARY_KEY) != made_with:
        raise RuntimeError("the release plan was made with another summary.json beside the "
                           "case list than this page reads: render the site again")
    return plan


@dataclass(frozen=True)
class _Extra:
    """A page run outside the site's configuration, as the plan names pages."""

    name: str
    notebook: Path
    effective: dict


def _cells(page: PageTables) -> list[tuple[str, Cell]]:
    out = []
    for table in page.tables:
        out += [(table.name, c) for _, _, c in table.table.cells()]
        out += [(table.name, c) for row in table.table.rows
                for c in row.get("guards", {}).values()]
    return out


def for_page(notebook: str, cases: pl.DataFrame, source, **params) -> PageTables:
    """This page's count tables with the site's hidden cells: what its notebook shows.

    Every cell must be one the site's plan declared, so a page cannot publish a count
    the release did not protect. Run outside ``analysis render`` with parameters no
    configured page has, the page is protected together with the configured site.
    """
    summary = summarychecks.for_source(source)  # analysis doj's, beside the case list
    page = page_tables(notebook, "", cases, doj_summary=summary, **params)
    plan = load_plan(cases, source.sha256, doj_summary=summary)
    unknown = [(n, c) for n, c in _cells(page) if c.key not in plan["cells"]]
    if unknown and not os.environ.get(ENV):
        extra = _Extra(f"own-{Path(notebook).stem}", Path(notebook), dict(params))
        plan = load_plan(cases, source.sha256, extra, doj_summary=summary)
        unknown = [(n, c) for n, c in _cells(page) if c.key not in plan["cells"]]
    if unknown:
        name, c = unknown[0]
        raise RuntimeError(f"table {name!r} publishes a cell the site's release does not "
                           f"know ({dict(c.where)}): render the site again, or declare the "
                           "table in analysis.release")
    hidden = set(plan["hidden"])
    for table in page.tables:
        table.hidden = frozenset(c for _, c in _cells(PageTables("", [table]))
                                 if c.key in hidden)
    return page


def __dir__() -> list[str]:
    return sorted(__all__)
