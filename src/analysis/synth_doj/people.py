"""Who is in the DOJ-format file: groups of people sized by the published figures.

Every person has a Prop 64 conviction in Los Angeles County. Each belongs to one group,
and the group says what the Los Angeles rules leave on their record:

* ``clean`` (and ``young``): only Los Angeles Prop 64 felonies, all dismissed; with the
  young ones they are the 15,000 with no conviction left;
* ``misd_other``, ``misd_p64``, ``misd_p64_elsewhere``: their felonies are all
  dismissed but a misdemeanor stays (with the above, the 22,000 with no felony left);
* ``misd_only``: Los Angeles Prop 64 misdemeanors only (rule 1 leaves them);
* everyone else keeps a felony: ``strike_before``, ``pc290_before`` and ``two_priors``
  (one conviction each ruled out by rules 4-6: the 2,142), ``after_2016``,
  ``other_11357``, ``running``, ``strike_after``, ``pc290_after``, ``p64_elsewhere``,
  and ``other_felony`` (the rest), some of whom also hold a Prop 64 misdemeanor.

Dates are drawn on a "virtual" day line with the ten-year look-back's uncertain weeks
cut out (:func:`to_real`), so no conviction falls where two compute-at dates would
disagree about it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .params import COMPUTE_AT, COMPUTE_AT_EARLIEST, DojAssumptions, doj_target

__all__ = ["GROUPS", "MARGIN", "day", "group_counts", "people", "to_real", "to_virtual",
           "to_virtual_days"]

MARGIN = 45  # days kept from every threshold that depends on the compute-at date


def day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - dt.date(1970, 1, 1)).days


def _years_back(d: dt.date, years: float) -> int:
    return day(d) - int(round(years * 365.25))


# The ten-year look-back of rule 7 for the two compute-at dates, widened by MARGIN.
_GAP_START = _years_back(COMPUTE_AT_EARLIEST, 10) - MARGIN
_GAP = _years_back(COMPUTE_AT, 10) + MARGIN - _GAP_START


def to_real(v: np.ndarray) -> np.ndarray:
    """Virtual days (the look-back's uncertain weeks removed) to real days."""
    return v + _GAP * (v >= _GAP_START)


def to_virtual(d: dt.date) -> int:
    """A real date as a virtual day (a date in the cut-out weeks: their end)."""
    return int(to_virtual_days(np.array([day(d)]))[0])


def to_virtual_days(r: np.ndarray) -> np.ndarray:
    """Real days to virtual days (days in the cut-out weeks map to its end)."""
    return np.where(r < _GAP_START, r, np.maximum(r - _GAP, _GAP_START))


# Birth dates whose age (50, 21) at the compute-at date depends on which date it is.
_DOB_BANDS = tuple((_years_back(COMPUTE_AT_EARLIEST, age) - MARGIN,
                    _years_back(COMPUTE_AT, age) + MARGIN) for age in (50, 21))

GROUPS = ("clean", "young", "misd_other", "misd_p64", "misd_p64_elsewhere", "misd_only",
          "strike_before", "pc290_before", "two_priors", "after_2016", "other_11357",
          "running", "strike_after", "pc290_after", "p64_elsewhere", "other_felony",
          "other_felony_misd")

PRE_END = to_virtual(dt.date(2016, 9, 10))  # last Prop 64 conviction before the cut-off
POST_START = to_virtual(dt.date(2016, 12, 15))  # first one after it
LAST = to_virtual(dt.date(2019, 8, 1))  # last conviction of anyone


def group_counts(a: DojAssumptions, scale: float) -> dict[str, int]:
    """People in each group at ``scale`` (1.0: the published figures)."""
    kept = dict(a.felony_kept)
    misd = dict(a.misdemeanor_kept_no_felony)
    full = {
        "clean": doj_target("doj_people_no_conviction") - a.young_no_conviction,
        "young": a.young_no_conviction,
        "misd_other": misd["other misdemeanor"], "misd_p64": misd["Prop 64 misdemeanor"],
        "misd_p64_elsewhere": misd["Prop 64 misdemeanor elsewhere"],
        "misd_only": a.misdemeanor_only, "strike_before": a.superstrike_before,
        "pc290_before": a.pc290_before, "two_priors": a.two_priors,
        "after_2016": kept["felony after Nov 8 2016"],
        "other_11357": kept["other 11357 felony"], "running": kept["sentence still running"],
        "strike_after": kept["superstrike after"], "pc290_after": kept["PC 290 after"],
        "p64_elsewhere": kept["Prop 64 felony elsewhere"],
        "other_felony_misd": a.misdemeanor_with_other_felony,
    }
    full["other_felony"] = doj_target("doj_people") - sum(full.values())
    if sum(misd.values()) != (doj_target("doj_people_no_felony")
                              - doj_target("doj_people_no_conviction")):
        raise ValueError("misdemeanor_kept_no_felony must add up to 22,000 - 15,000")
    if a.superstrike_before + a.pc290_before + a.two_priors != doj_target(
            "doj_ineligible_other_convictions"):
        raise ValueError("the rule 4-6 groups must add up to the published 2,142")
    out = {g: int(round(full[g] * scale)) for g in GROUPS if g != "other_felony"}
    # the residual group takes the rounding, so the people add up to the scaled total
    out["other_felony"] = max(int(round(doj_target("doj_people") * scale))
                              - sum(out.values()), 0)
    return {g: out[g] for g in GROUPS}


def _anchors(rng, n: int, a: DojAssumptions, latest: np.ndarray) -> np.ndarray:
    """First conviction dates (virtual days) by the year profile, none after ``latest``."""
    years = np.arange(1961, 2017)
    anchors, weights = zip(*a.year_profile, strict=True)
    w = np.interp(years, anchors, weights)
    year = rng.choice(years, size=n, p=w / w.sum())
    start = np.array([to_virtual(dt.date(y, 1, 1)) for y in years])[year - 1961]
    v = start + np.floor(rng.random(n) * 365).astype(np.int64)
    return np.minimum(v, latest)


def _dobs(rng, anchor_real: np.ndarray, a: DojAssumptions) -> np.ndarray:
    """Birth dates: 18 plus a gamma draw of years before the first conviction, moved
    out of the bands where age 50 or 21 would depend on the compute-at date."""
    shape, scale = a.age_at_first
    age = 18 + rng.gamma(shape, scale, size=len(anchor_real))
    dob = anchor_real - np.round(age * 365.25).astype(np.int64)
    for lo, hi in _DOB_BANDS:
        dob = np.where((dob >= lo) & (dob <= hi), lo - 1 - (dob - lo), dob)
    return dob


# How much room each group's construction needs after its first conviction (days).
_SLACK = {"strike_before": 90, "pc290_before": 150, "two_priors": 150, "running": 0}


def people(rng, counts: dict[str, int], a: DojAssumptions) -> dict[str, np.ndarray]:
    """The people of one chunk: group, first conviction date (virtual), birth date
    (real), race and gender."""
    group = np.repeat(np.array(GROUPS), [counts[g] for g in GROUPS])
    n = len(group)
    slack = np.zeros(n, np.int64)
    for g, s in _SLACK.items():
        slack[group == g] = s
    latest = np.where(group == "running", to_virtual(dt.date(2015, 9, 1)), PRE_END - slack)
    anchor = _anchors(rng, n, a, latest)
    dob = _dobs(rng, to_real(anchor), a)
    young = group == "young"
    anchor[young] = to_virtual(dt.date(2016, 6, 1)) + rng.integers(0, 90, young.sum())
    dob[young] = day(dt.date(1999, 4, 15)) + rng.integers(0, 160, young.sum())
    # the running group must be between 22 and 49 at the compute-at date
    mid_lo, mid_hi = _DOB_BANDS[0][1] + 1, _DOB_BANDS[1][0] - 1
    run = group == "running"
    dob[run] = np.clip(dob[run], mid_lo, min(mid_hi, day(dt.date(1997, 8, 1))))
    # nobody is convicted before 18, save the young group
    adult = to_virtual_days(dob + 6575)
    anchor = np.where(young, anchor, np.minimum(np.maximum(anchor, adult), latest))
    codes, shares = zip(*a.race_shares, strict=True)
    race = rng.choice(np.array(codes), size=n, p=np.array(shares) / sum(shares))
    gender = np.where(rng.random(n) < 0.85, "M", "F")
    return {"group": group, "anchor": anchor, "dob": dob, "race": race, "gender": gender}


def __dir__() -> list[str]:
    return sorted(__all__)
