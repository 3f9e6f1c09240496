"""The California DOJ AB 1793 bulk file and the Los Angeles rules applied to it.

::

    import datetime as dt, analysis
    result = analysis.doj.run(["doj.csv"], compute_at=dt.date(2019, 11, 11), out=Path("out"))
    result.summary["reliefWithCurrentEligibilityChoices"]
    result.cases            # the dismissed convictions as a case list of the schema
    result.determinations   # every judged conviction with its rule and reason
    analysis.doj.read(["doj.csv"])   # the rows, identifiers reduced to derived fields

One job per module: :mod:`.layout` (the 95 columns), :mod:`.layout_check` (header and
field counts), :mod:`.reading` (scan and derive ids), :mod:`.coding` (a row's coded
fields), :mod:`.tables` (the cited code tables), :mod:`.model` (convictions and
subjects), :mod:`.rules` (the rules), :mod:`.places` (courts to cities),
:mod:`.summary` and :mod:`.extra` (summary.json), :mod:`.outputs` (the files),
:mod:`.run`. ``docs/doj.md`` describes the format, the rules and the outputs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from ..ingest import ValidationError
from .layout import COLUMNS
from .run import Result, run

__all__ = ["COLUMNS", "Result", "read", "run"]


def read(files: Sequence[str | Path], *, compute_at: dt.date | None = None,
         person_key: str = "cii") -> pl.LazyFrame:
    """The rows of ``files`` with identifiers already reduced to derived fields (hashed
    ``subject``, ``person_id`` (made as ``person_key`` says: ``"cii"`` or
    ``"name-dob"``) and ``case_id``; ``age`` at ``compute_at``, default today). Raises
    ValidationError when a file is unusable, ValueError for another person key."""
    from . import reading

    files = [files] if isinstance(files, str | Path) else list(files)
    rows, problems, _ = reading.load(files, compute_at, person_key)
    if rows is None:
        raise ValidationError([p for p in problems if p.severity == "error"])
    return reading.case_ids(rows).lazy()


def __dir__() -> list[str]:
    return sorted(__all__)
