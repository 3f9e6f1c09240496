"""The site's release: what every page publishes, protected together before any page runs.

``tables``    count tables: the frame a page shows and the cell behind every count
``counts``    the counting pages' tables (01, 02, 03, 05)
``analyses``  the disparities, reconciliation and capture pages' tables (04, 06, 08)
``arrests``   the arrests page's tables (07)
``plan``      every page's tables protected at once: the site plan

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
from pathlib import Path

import polars as pl

from .. import paths
from ..disclosure import Cell
from .page import PageTables
from .plan import SitePlan, page_tables, protect_site
from .tables import HIDDEN, CountTable

__all__ = ["ENV", "HIDDEN", "CountTable", "PageTables", "SitePlan", "for_page", "load_plan",
           "page_tables", "plan_key", "protect_site", "site_plan"]

# The renderer tells each kernel where the site plan is.
ENV = "LACRA_RELEASE"


def plan_key(data_sha256: str, pages) -> str:
    """The name of a site plan: the data, the code, and every page's notebook and
    parameters."""
    from ..site.manifest import PACKAGE_DIRS, tree_hash

    digest = hashlib.sha256(data_sha256.encode())
    digest.update(tree_hash(PACKAGE_DIRS).encode())
    for p in pages:
        digest.update(json.dumps([p.name, p.notebook.name, p.effective], sort_keys=True,
                                 default=str).encode())
    return digest.hexdigest()[:24]


def site_plan(pages, cases: pl.DataFrame, data_sha256: str, *,
              cache: Path | None = None) -> tuple[Path, dict]:
    """The plan of a site's ``pages`` on ``cases``: read from the cache, or made and
    stored there. Returns its file and its contents."""
    cache = Path(cache or paths.RELEASES)
    target = cache / f"{plan_key(data_sha256, pages)}.json"
    try:
        return target, json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    built = [page_tables(p.notebook.name, p.name, cases, **p.effective) for p in pages]
    plan = protect_site(built, data_sha256)
    content = plan.to_json()
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


def load_plan(cases: pl.DataFrame, data_sha256: str) -> dict:
    """The plan this kernel publishes under: the renderer's, or the site's default."""
    path = os.environ.get(ENV)
    if path:
        plan = json.loads(Path(path).read_text(encoding="utf-8"))
    else:
        from ..site import load_config, plan_pages

        pages = plan_pages(load_config())
        plan = site_plan(pages, cases, data_sha256)[1]
    if plan.get("data_sha256") != data_sha256:
        raise RuntimeError("the release plan was made for other data than this page reads "
                           f"({plan.get('data_sha256', '?')[:12]}, not {data_sha256[:12]})")
    return plan


def for_page(notebook: str, cases: pl.DataFrame, source, **params) -> PageTables:
    """This page's count tables with the site's hidden cells: what its notebook shows.

    Every cell must be one the site's plan declared, so a page cannot publish a count
    the release did not protect.
    """
    plan = load_plan(cases, source.sha256)
    hidden, known = set(plan["hidden"]), set(plan["cells"])
    page = page_tables(notebook, "", cases, **params)
    for table in page.tables:
        cells: list[Cell] = [c for _, _, c in table.table.cells()]
        cells += [c for row in table.table.rows for c in row.get("guards", {}).values()]
        unknown = [c for c in cells if c.key not in known]
        if unknown:
            raise RuntimeError(f"table {table.name!r} publishes cells the site's release "
                               f"does not know ({dict(unknown[0].where)}): render the site "
                               "again, or add the table to analysis.release")
        table.hidden = frozenset(c for c in cells if c.key in hidden)
    return page


def __dir__() -> list[str]:
    return sorted(__all__)
