"""Who published each claim: outlet, headline, date and author, as a reader cites them.

The five source articles are described in ``data/claims/sources.csv`` as their copies
print them ("not printed" where a copy leaves a field out). The facts gathered with the
shared public data each cite the report ``shared/data/README.md`` names for them, in
``data/claims/reports.csv`` (its ``claims`` column lists the fact ids); a fact the README
names no report for is cited as "source not named".
"""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl

from . import claims, paths

__all__ = ["NOT_NAMED", "REPORTS", "cite", "cite_ref", "outlet", "reports", "report_of"]

REPORTS = paths.CLAIMS / "reports.csv"
NOT_NAMED = "source not named"
_GATHERED = "facts"  # the source id of the gathered facts


@functools.cache
def reports(path: Path = REPORTS) -> pl.DataFrame:
    """The reports behind the gathered facts, a row each (read once per file)."""
    return pl.read_csv(path, infer_schema=False)


def report_of(claim_id: str, path: Path = REPORTS) -> dict | None:
    """The report a gathered fact came from, or None when none is named."""
    for row in reports(path).iter_rows(named=True):
        if claim_id in (row["claims"] or "").split():
            return row
    return None


def _printed(row: dict, key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return None if not value or value.startswith(("not printed", "not named")) else value


def cite(source: str, claim_id: str = "", *, sources_path: Path | None = None,
         reports_path: Path = REPORTS) -> str:
    """A claim's citation in words: outlet, "headline", date and author where printed."""
    if source == _GATHERED:
        row = report_of(claim_id, reports_path)
        if row is None:
            return f"{NOT_NAMED} (a fact gathered with the shared public data)"
    else:
        found = claims.sources(sources_path or claims.SOURCES).filter(
            pl.col("source") == source)
        if found.height == 0:
            return source
        row = found.row(0, named=True)
    parts = [row["outlet"]]
    if _printed(row, "headline"):
        parts.append(f"\u201c{row['headline']}\u201d")
    if _printed(row, "date"):
        parts.append(row["date"])
    if _printed(row, "author"):
        parts.append(f"by {row['author']}")
    return ", ".join(parts)


def outlet(source: str, claim_id: str = "", *, sources_path: Path | None = None,
           reports_path: Path = REPORTS) -> str:
    """A claim's citation in a sentence: the outlet alone (its full citation stands in
    the page's ledger)."""
    if source == _GATHERED:
        row = report_of(claim_id, reports_path)
        return NOT_NAMED if row is None else row["outlet"]
    found = claims.sources(sources_path or claims.SOURCES).filter(pl.col("source") == source)
    return found["outlet"][0] if found.height else source


def cite_ref(ref: str) -> str:
    """A reference in words: a source document's key, or a gathered fact's claim id."""
    if ref.startswith(f"{_GATHERED}-"):
        return cite(_GATHERED, ref)
    return cite(ref)


def __dir__() -> list[str]:
    return sorted(__all__)
