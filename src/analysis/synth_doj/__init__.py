"""A synthetic DOJ AB 1793 file for Los Angeles County, with its ground truth.

The state's bulk extract of criminal histories is confidential, so this package writes
a deterministic, plainly fictional one in the same layout (95 fields, header row,
``YYYYMMDD`` dates, the extract's codes) whose people are built so that the Los Angeles
rules reproduce the figures published for the February 2020 motion: 62,000 felony Prop
64 convictions in the county dismissed, 3,700 misdemeanor ones left to the city
attorneys of the ten cities with their own prosecutor, 53,000 people in the motion,
22,000 left with no felony, 15,000 with no conviction, 2,142 convictions ruled out by
other convictions (:mod:`analysis.synth_doj.params` separates these targets from the
assumed parameters, among them the people judged with nothing dismissed). Beside the
file it writes what the rules must decide, by construction:

* ``FILE.truth.parquet``: every conviction in the file, with its line number, the rule
  that decides it when it is judged (a Los Angeles Prop 64 conviction), the
  determination and the reason;
* ``FILE.truth.json``: the seed, the scale and the counts the published figures speak
  of (:func:`analysis.synth_doj.truth.counts`).

Any compute-at date from 2019-11-11 to 2020-02-13 gives the same determinations.
Typical use::

    from analysis import synth_doj
    written = synth_doj.write("doj.csv", seed=2020)          # the published scale
    small = synth_doj.generate(seed=1, people=2_000)          # in memory, for tests
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import build
from .codes import COLUMNS
from .params import (
    COMPUTE_AT,
    COMPUTE_AT_EARLIEST,
    DOJ_CALIBRATION,
    DOJ_DEFAULT,
    DojAssumptions,
    doj_assumptions_table,
    doj_target,
)
from .people import file_people
from .truth import counts

__all__ = ["COLUMNS", "COMPUTE_AT", "COMPUTE_AT_EARLIEST", "DOJ_CALIBRATION", "DOJ_DEFAULT",
           "DojAssumptions", "Generated", "doj_assumptions_table", "doj_target", "generate",
           "scale_for", "truth_paths", "write", "wrote"]

_TRUTH = ("line", "SUBJECT_ID", "CNT_ORDER", "person", "group", "kind", "level", "county",
          "key", "date", "running", "rule", "determination", "reason")


@dataclass(frozen=True)
class Generated:
    """A generated file: its rows (``None`` once written), its truth and counts."""

    rows: pl.DataFrame | None
    truth: pl.DataFrame
    summary: dict
    path: Path | None = None


def scale_for(people: int | None = None, scale: float | None = None,
              assumptions: DojAssumptions = DOJ_DEFAULT) -> float:
    """The scale for a number of people in the file (at 1.0: the 53,000 of the motion
    and those outside it), or ``scale`` itself."""
    if people is not None and scale is not None:
        raise ValueError("give people or scale, not both")
    if people is not None:
        if people < 1:
            raise ValueError(f"people must be at least 1, not {people}")
        return people / file_people(assumptions)
    scale = 1.0 if scale is None else scale
    if not scale > 0:
        raise ValueError(f"scale must be above 0, not {scale}")
    return scale


def truth_paths(out: Path | str) -> tuple[Path, Path]:
    """Where the truth table and the truth summary of ``out`` are written."""
    out = Path(out)
    return out.with_name(out.name + ".truth.parquet"), out.with_name(out.name + ".truth.json")


def wrote(path: Path | str) -> bool:
    """Whether :func:`write` made the file ``path``: its truth summary beside it names
    the seed and the scale it was generated with. ``analysis doj`` records the answer in
    its summary, so a case list made of a generated file is known to be synthetic."""
    try:
        card = json.loads(truth_paths(path)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(card, dict) and {"seed", "scale"} <= card.keys()


def _truth_rows(frame: pl.DataFrame, decided: pl.DataFrame, first_line: int) -> pl.DataFrame:
    """Each conviction with the file line of its court row (the header is line 1)."""
    lines = (frame.select("conv", "SUBJECT_ID", "CNT_ORDER")
             .with_row_index("line", offset=first_line)
             .filter(pl.col("conv").is_not_null()))
    return (decided.join(lines, on="conv", how="left")
            .with_columns(pl.col("date").cast(pl.Int32).cast(pl.Date),
                          pl.col("line").cast(pl.Int64))
            .select(_TRUTH)
            .sort("line", nulls_last=True))


def _chunks(seed: int, scale: float, a: DojAssumptions, log: Callable[[str], None],
            compute_at: dt.date = COMPUTE_AT):
    """Yield (rows, truth) per chunk, rows numbered from line 2 on."""
    plan = build.plan(a, scale)
    line = 2
    for c in plan:
        started = time.perf_counter()
        frame, decided = build.chunk(seed, c, a, compute_at)
        truth = _truth_rows(frame, decided, line)
        line += frame.height
        if len(plan) > 1:
            log(f"chunk {c.index + 1}/{len(plan)}: {frame.height:,} rows "
                f"({time.perf_counter() - started:.1f} s)")
        yield frame.drop("conv"), truth


def _summary(truth: pl.DataFrame, seed: int, scale: float, lines: int,
             compute_at: dt.date = COMPUTE_AT) -> dict:
    return {"seed": seed, "scale": scale, "lines": lines, "compute_at": compute_at.isoformat(),
            "same_determinations_from": COMPUTE_AT_EARLIEST.isoformat(),
            **counts(truth)}


def generate(seed: int = 2020, *, scale: float | None = None, people: int | None = None,
             assumptions: DojAssumptions = DOJ_DEFAULT,
             compute_at: dt.date = COMPUTE_AT) -> Generated:
    """The file's rows in memory (small scales: tests), with its truth as of
    ``compute_at`` (the file itself does not depend on it)."""
    s = scale_for(people, scale, assumptions)
    parts = list(_chunks(seed, s, assumptions, lambda m: None, compute_at))
    rows = pl.concat([p[0] for p in parts])
    truth = pl.concat([p[1] for p in parts])
    return Generated(rows, truth, _summary(truth, seed, s, rows.height + 1, compute_at))


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write(out: Path | str, seed: int = 2020, *, scale: float | None = None,
          people: int | None = None, assumptions: DojAssumptions = DOJ_DEFAULT,
          log: Callable[[str], None] = _stderr) -> Generated:
    """Write the file (chunk by chunk, atomically) and its truth beside it."""
    out = Path(out)
    s = scale_for(people, scale, assumptions)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    truths, lines = [], 1
    try:
        with open(tmp, "wb") as handle:
            for i, (frame, truth) in enumerate(_chunks(seed, s, assumptions, log)):
                frame.write_csv(handle, include_header=i == 0)
                truths.append(truth)
                lines += frame.height
    except BaseException:
        tmp.unlink(missing_ok=True)  # a run cut short leaves nothing behind
        raise
    truth = pl.concat(truths)
    summary = _summary(truth, seed, s, lines)
    table, card = truth_paths(out)
    truth.write_parquet(table, statistics=False)
    card.write_text(json.dumps(summary, indent=2) + "\n")
    tmp.replace(out)
    return Generated(None, truth, summary, out)


def __dir__() -> list[str]:
    return sorted(__all__)
