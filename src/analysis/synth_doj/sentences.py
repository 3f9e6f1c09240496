"""Sentences and deaths: what follows a conviction in the synthetic record.

Each conviction gets a sentence of one or two parts (the second on a later row with the
same ``CNT_ORDER``). A sentence is either still running on both compute-at dates by a
margin, or over before the earlier one by a margin, whichever way the rules' month (a
twelfth of a 366-day year) or a calendar month is counted: sentences that would end in
between are shortened. Only convictions the construction allows to run may run.

Deaths are recorded for a share of people (never in the ``no_criterion`` group, whom
rule 9 would dismiss), and for everyone in the ``misd_other`` group whom no earlier
criterion of rule 7 dismisses, so that rule 9 does.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .params import COMPUTE_AT, COMPUTE_AT_EARLIEST, DojAssumptions
from .people import MARGIN, day, to_real

__all__ = ["CUTOFF", "FLOOR", "deaths", "sentences"]

FLOOR = day(COMPUTE_AT) + MARGIN  # a running sentence ends on or after this day
CUTOFF = day(COMPUTE_AT_EARLIEST) - MARGIN  # a completed one ends on or before this one
_2016 = day(dt.date(2016, 1, 1))
_MIN_DAYS = {"D": 1, "M": 30, "Y": 365, "": 0}
_MAX_DAYS = {"D": 1, "M": 31, "Y": 366, "": 0}


def _lookup(table: dict, unit: np.ndarray) -> np.ndarray:
    out = np.zeros(len(unit), np.int64)
    for k, v in table.items():
        out[unit == k] = v
    return out


def _first_part(rng, level: np.ndarray, kind: np.ndarray):
    """Where and how long: probation, jail, prison or a fine."""
    n = len(level)
    u = rng.random(n)
    felony = level == "F"
    loc = np.where(felony, np.select([u < 0.5, u < 0.75, u < 0.95], ["PROBATION", "JAIL",
                                                                      "PRISON"], "FINE"),
                   np.select([u < 0.45, u < 0.8], ["PROBATION", "JAIL"], "FINE"))
    loc = np.where(kind == "strike", "PRISON", loc)
    months = rng.random(n) < 0.6
    unit = np.select([loc == "PROBATION", loc == "JAIL", loc == "PRISON"],
                     [np.where(months, "M", "Y"), "D", np.where(months, "M", "Y")], "")
    length = np.select(
        [loc == "JAIL", (loc == "PROBATION") & (unit == "M"), loc == "PROBATION",
         (loc == "PRISON") & (unit == "M"), loc == "PRISON"],
        [rng.integers(10, 366, n), rng.integers(12, 61, n), rng.integers(1, 6, n),
         rng.integers(16, 97, n), rng.integers(2, 9, n)], 0)
    length = np.where(kind == "strike", rng.integers(15, 31, n), length)
    unit = np.where(kind == "strike", "Y", unit)
    return loc, length, unit


def sentences(rng, t: dict[str, np.ndarray], a: DojAssumptions) -> dict[str, np.ndarray]:
    """Sentence parts of every conviction, and whether it still runs."""
    n = len(t["date"])
    date = to_real(t["date"])
    loc, length, unit = _first_part(rng, t["level"], t["kind"])
    # a later prison term for some other felonies since 2016, long enough to still run
    late = (t["may_run"] & (t["level"] == "F") & (date >= _2016)
            & (rng.random(n) < a.running_other_felony_share))
    need = (FLOOR - date) // 365 + 1 + rng.integers(0, 3, n)
    loc, unit = np.where(late, "PRISON", loc), np.where(late, "Y", unit)
    length = np.where(late, need, length)
    # the construction's running sentences: five years' probation and jail
    force = t["force_run"]
    loc, unit = np.where(force, "PROBATION", loc), np.where(force, "M", unit)
    length = np.where(force, 60, length)
    second = ((loc == "PROBATION") & (rng.random(n) < a.second_part_share)) | force
    extra = np.where(second, rng.integers(30, 181, n), 0)
    min_end = date + length * _lookup(_MIN_DAYS, unit) + extra
    running = (t["may_run"] | force) & (min_end >= FLOOR)
    if (force & ~running).any():
        raise AssertionError("a sentence meant to run ends too early")
    # everything else ends before CUTOFF however months are counted
    max_end = date + length * _lookup(_MAX_DAYS, unit) + extra
    cut = ~running & (max_end > CUTOFF)
    extra = np.where(cut, 0, extra)
    per = np.maximum(_lookup(_MAX_DAYS, unit), 1)
    length = np.where(cut, np.maximum((CUTOFF - date) // per, 0), length)
    fine = cut & (length < 1)
    loc, unit = np.where(fine, "FINE", loc), np.where(fine, "", unit)
    length = np.where(fine, 0, length)
    return {"loc": loc, "length": length, "unit": unit, "extra": extra,
            "running": running}


def deaths(rng, folk: dict[str, np.ndarray], t: dict[str, np.ndarray],
           a: DojAssumptions) -> np.ndarray:
    """Day of death (real days; -1 for the living) of each person of the chunk."""
    n = len(folk["group"])
    date = to_real(t["date"])
    last = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(last, t["person"], date)
    recent = np.zeros(n, bool)
    recent[t["person"][date >= day(COMPUTE_AT) - int(10 * 365.25)]] = True
    old = folk["dob"] <= day(COMPUTE_AT) - int(50 * 365.25)
    dead = ((rng.random(n) < a.deceased_share) & (folk["group"] != "no_criterion")) | (
        (folk["group"] == "misd_other") & ~old & recent)
    end = day(COMPUTE_AT_EARLIEST) - 2 * MARGIN
    when = last + 30 + np.floor(rng.random(n) * np.maximum(end - last - 30, 0))
    return np.where(dead, np.minimum(when.astype(np.int64), end), -1)


def __dir__() -> list[str]:
    return sorted(__all__)
