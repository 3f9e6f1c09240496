"""The files of a run: ``cases.csv`` (the project's schema), ``determinations.csv`` and
``summary.json``, written all or nothing.

:func:`write` puts them in a new folder beside ``out`` and renames it into place; an
``out`` that existed is swapped out and removed only after, so a failure at any point
leaves either the old folder or the new one, never a half-written one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from .. import schema

__all__ = ["BATCH", "DETERMINATION_COLUMNS", "QUEUES", "cases", "determinations",
           "listable", "queue_counts", "write"]

BATCH = "feb2020"  # the February 2020 motion was built from the DOJ file

# The review queues a run can add to the case list as dismissed: option value ->
# the determination whose convictions the queue holds.
QUEUES = {"city-attorney": "city attorney review", "hand-review": "hand review"}

DETERMINATION_COLUMNS = ("case_id", "count", "person_id", "hs_section", "hs_subsection",
                         "charge_level", "conviction_year", "jurisdiction", "race_ethnicity",
                         "rule", "determination", "reason")


def listable(judged: pl.DataFrame, queues: Sequence[str] = ()) -> pl.DataFrame:
    """The judged convictions a case list can hold: dismissed (or in a review queue of
    ``queues``, keys of :data:`QUEUES`), in a known city, with a count number; ``queue``
    names the queue a row came from (null for the rules' own dismissals)."""
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown:
        raise ValueError(f"unknown review queue(s) {unknown}: choose from {list(QUEUES)}")
    added = {QUEUES[q]: q for q in queues}
    return (judged
            # the queue a conviction would come from (null: dismissed by the rules)
            .with_columns(queue=pl.col("determination").cast(pl.String)
                          .replace_strict(added, default=None, return_dtype=pl.String))
            # dismissed or in an added queue, in a known city, with a count number
            .filter(((pl.col("determination") == "dismiss") | pl.col("queue").is_not_null())
                    & pl.col("jurisdiction").is_not_null() & (pl.col("count") >= 1)))


def cases(judged: pl.DataFrame, queues: Sequence[str] = ()) -> pl.DataFrame:
    """The convictions :func:`listable` keeps, as a case list of the schema with the
    ``queue`` each came from: one row per case id and count (a repeat, such as the same
    court case number and count on two steps of a record, is left out)."""
    return (listable(judged, queues).lazy()
            # the schema's columns
            .select(
                "case_id", "count", "person_id",
                batch=pl.lit(BATCH), motion_date=pl.lit(schema.MOTION_DATES[BATCH]),
                conviction_date="event_date", found_in_doj=True, found_in_court=False,
                hs_section="p64", hs_subsection="subsection",
                offense_type=pl.col("p64").cast(pl.String).replace_strict(schema.SECTION_OFFENSE),
                charge_level="level", jurisdiction="jurisdiction",
                prosecuting_agency=schema.expected_agency(pl.col("level"), pl.col("jurisdiction")),
                court_location="court", race_ethnicity="race", relief_granted=pl.lit("dismissed"),
                queue="queue")
            # one row per case and count
            .unique(["case_id", "count"], keep="first", maintain_order=True)
            .cast(dict(schema.SCHEMA))
            .collect())


def queue_counts(case_list: pl.DataFrame, queues: Sequence[str]) -> dict[str, int]:
    """Rows each added queue put in the case list (0 for a queue that added none)."""
    got = dict(case_list.filter(pl.col("queue").is_not_null()).group_by("queue").len()
               .iter_rows())
    return {q: int(got.get(q, 0)) for q in dict.fromkeys(queues)}


def determinations(judged: pl.DataFrame) -> pl.DataFrame:
    """One row per judged conviction: its determination, rule and reason, with
    pseudonymous ids and coarse facts only."""
    return judged.select(
        "case_id", "count", "person_id", hs_section="p64", hs_subsection="subsection",
        charge_level="level", conviction_year=pl.col("event_date").dt.year(),
        jurisdiction="jurisdiction", race_ethnicity="race", rule="rule",
        determination="determination", reason="reason")


def write(out: Path, summary: dict, case_list: pl.DataFrame, judged: pl.DataFrame) -> None:
    """Write the three files to ``out`` all at once (see the module's notes)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        case_list.write_csv(staging / "cases.csv")
        determinations(judged).write_csv(staging / "determinations.csv")
        (staging / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, out)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in place of ``out``; an old ``out`` is set aside first and put
    back if the rename fails, and removed only once the new one is in place."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        os.rename(out, old / "previous")
    try:
        os.rename(staging, out)
    except BaseException:
        if old is not None:
            os.rename(old / "previous", out)
            shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def __dir__() -> list[str]:
    return sorted(__all__)
