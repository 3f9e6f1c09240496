"""Who is in the DOJ-format file: groups of people sized by the published figures.

Every person has a Prop 64 conviction in Los Angeles County. Each belongs to one group,
and the group says what the Los Angeles rules leave on their record. The 53,000 people
of the motion (a felony dismissed or a misdemeanor left to a city attorney):

* ``clean`` (and ``young``): only Los Angeles Prop 64 felonies, all dismissed; with the
  young ones they are the 15,000 with no conviction left;
* ``misd_other``, ``misd_p64``, ``misd_p64_elsewhere``: their felonies are all
  dismissed but a misdemeanor stays (with the above, the 22,000 with no felony left);
* ``misd_only``: Los Angeles Prop 64 misdemeanors only (rule 1 leaves them);
* ``two_priors`` (two felonies dismissed, the third ruled out by rule 6), ``after_2016``,
  ``strike_after``, ``pc290_after``, ``p64_elsewhere`` and ``other_felony`` (the rest),
  some of whom also hold a Prop 64 misdemeanor: every Los Angeles Prop 64 felony of
  theirs before the cut-off is dismissed, and they keep a felony.

Outside the motion (``people_outside_motion``): ``strike_before`` and ``pc290_before``
(their one felony ruled out by rules 4-5), ``other_11357``, ``running`` and
``no_criterion`` (one felony sent to hand review by rule 3b, 8 or 10) and
``after_2016_only`` (one felony after the cut-off).

The in-motion groups with other convictions are dismissed by rule 7a or 7d for certain:
whoever is under 50 at the compute-at date has every conviction before the ten-year
look-back (``quiet``). Dates are drawn on a "virtual" day line with the look-back's
uncertain weeks cut out (:func:`to_real`), so no conviction falls where two compute-at
dates would disagree about it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .params import COMPUTE_AT, COMPUTE_AT_EARLIEST, DojAssumptions, doj_target

__all__ = ["GROUPS", "IN_MOTION", "MARGIN", "QUIET_END", "RECENT_START", "day", "file_people",
           "group_counts", "people", "to_real", "to_virtual", "to_virtual_days"]

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

# The groups of the motion, then those outside it.
IN_MOTION = ("clean", "young", "misd_other", "misd_p64", "misd_p64_elsewhere", "misd_only",
             "two_priors", "after_2016", "strike_after", "pc290_after", "p64_elsewhere",
             "other_felony", "other_felony_misd")
GROUPS = (*IN_MOTION, "strike_before", "pc290_before", "other_11357", "running",
          "no_criterion", "after_2016_only")
# In-motion groups with convictions other than Prop 64: under 50, they are kept quiet.
QUIET_GROUPS = ("two_priors", "strike_after", "pc290_after", "p64_elsewhere",
                "other_felony", "other_felony_misd")

PRE_END = to_virtual(dt.date(2016, 9, 10))  # last Prop 64 conviction before the cut-off
POST_START = to_virtual(dt.date(2016, 12, 15))  # first one after it
LAST = to_virtual(dt.date(2019, 8, 1))  # last conviction of anyone
RECENT_START = _GAP_START  # virtual days from here on are in the last ten years
QUIET_END = _GAP_START - 1  # the last conviction of a quiet person


def group_counts(a: DojAssumptions, scale: float) -> dict[str, int]:
    """People in each group at ``scale`` (1.0: the published figures)."""
    kept = dict(a.felony_kept)
    misd = dict(a.misdemeanor_kept_no_felony)
    review = dict(a.hand_review)
    full = {
        "clean": doj_target("doj_people_no_conviction") - a.young_no_conviction,
        "young": a.young_no_conviction,
        "misd_other": misd["other misdemeanor"], "misd_p64": misd["Prop 64 misdemeanor"],
        "misd_p64_elsewhere": misd["Prop 64 misdemeanor elsewhere"],
        "misd_only": a.misdemeanor_only, "two_priors": a.two_priors,
        "after_2016": kept["felony after Nov 8 2016"],
        "strike_after": kept["superstrike after"], "pc290_after": kept["PC 290 after"],
        "p64_elsewhere": kept["Prop 64 felony elsewhere"],
        "other_felony_misd": a.misdemeanor_with_other_felony,
    }
    full["other_felony"] = doj_target("doj_people") - sum(full.values())
    outside = {"strike_before": a.superstrike_before, "pc290_before": a.pc290_before,
               "other_11357": review["3b"], "running": review["8"],
               "no_criterion": review["10"]}
    outside["after_2016_only"] = a.people_outside_motion - sum(outside.values())
    if sum(misd.values()) != (doj_target("doj_people_no_felony")
                              - doj_target("doj_people_no_conviction")):
        raise ValueError("misdemeanor_kept_no_felony must add up to 22,000 - 15,000")
    if a.superstrike_before + a.pc290_before + a.two_priors != doj_target(
            "doj_ineligible_other_convictions"):
        raise ValueError("the rule 4-6 groups must add up to the published 2,142")
    if min(full["other_felony"], outside["after_2016_only"]) < 0:
        raise ValueError("the group sizes exceed the people in or outside the motion")
    full |= outside
    out = {g: int(round(full[g] * scale)) for g in GROUPS if g != "other_felony"}
    # the residual group takes the rounding, so the people add up to the scaled total
    out["other_felony"] = max(int(round(file_people(a) * scale)) - sum(out.values()), 0)
    return {g: out[g] for g in GROUPS}


def file_people(a: DojAssumptions) -> int:
    """People in the file at full scale: the motion's and those outside it."""
    return doj_target("doj_people") + a.people_outside_motion


def _anchors(rng, n: int, a: DojAssumptions, latest: np.ndarray) -> np.ndarray:
    """First conviction dates (virtual days) by the year profile, none after ``latest``."""
    years = np.arange(1961, 2017)
    anchors, weights = zip(*a.year_profile, strict=True)
    w = np.interp(years, anchors, weights)
    year = rng.choice(years, size=n, p=w / w.sum())
    start = np.array([to_virtual(dt.date(y, 1, 1)) for y in years])[year - 1961]
    v = start + np.floor(rng.random(n) * 365).astype(np.int64)
    return np.minimum(v, latest)


def _out_of_bands(dob: np.ndarray) -> np.ndarray:
    """Birth dates moved (earlier) out of the bands where age 50 or 21 would depend on
    the compute-at date."""
    for lo, hi in _DOB_BANDS:
        dob = np.where((dob >= lo) & (dob <= hi), lo - 1 - (dob - lo), dob)
    return dob


def _dobs(rng, anchor_real: np.ndarray, a: DojAssumptions) -> np.ndarray:
    """Birth dates: 18 plus a gamma draw of years before the first conviction, out of
    the bands."""
    shape, scale = a.age_at_first
    age = 18 + rng.gamma(shape, scale, size=len(anchor_real))
    return _out_of_bands(anchor_real - np.round(age * 365.25).astype(np.int64))


# How much room each group's construction needs after its first conviction (days).
_SLACK = {"strike_before": 90, "pc290_before": 150, "two_priors": 150, "running": 0,
          "strike_after": 90, "pc290_after": 150}


def _quiet(group, anchor, dob, slack):
    """Under-50s of the quiet groups, with a first conviction after the look-back
    reflected before it (and the birth date moved with it); returns the quiet flag,
    anchors and birth dates."""
    quiet = np.isin(group, QUIET_GROUPS) & (dob >= _DOB_BANDS[0][0])
    top = QUIET_END - slack
    late = quiet & (anchor > top)
    moved = np.where(late, 2 * top - anchor, anchor)
    dob = dob - (to_real(anchor) - to_real(moved))
    return quiet, moved, _out_of_bands(dob)


def _deal(rng, shares: tuple[tuple[str, float], ...], inside: np.ndarray) -> np.ndarray:
    """Codes in their exact shares (largest remainders), shuffled, dealt separately to
    the people ``inside`` and to the others."""
    codes = np.array([c for c, _ in shares])
    weights = np.array([w for _, w in shares]) / sum(w for _, w in shares)
    out = np.empty(len(inside), dtype=codes.dtype)
    for part in (inside, ~inside):
        n = int(part.sum())
        quota = np.floor(weights * n).astype(np.int64)
        rest = np.argsort(-(weights * n - quota), kind="stable")[: n - quota.sum()]
        quota[rest] += 1
        out[part] = rng.permutation(np.repeat(codes, quota))
    return out


def people(rng, counts: dict[str, int], a: DojAssumptions) -> dict[str, np.ndarray]:
    """The people of one chunk: group, first conviction date (virtual), latest date of
    any conviction and of a Prop 64 one (virtual), birth date (real), race, gender."""
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
    # the hand-review groups of rules 8 and 10 are between 22 and 49 at compute-at
    mid_lo, mid_hi = _DOB_BANDS[0][1] + 1, _DOB_BANDS[1][0] - 1
    mid = np.isin(group, ("running", "no_criterion"))
    dob[mid] = np.clip(dob[mid], mid_lo, min(mid_hi, day(dt.date(1997, 8, 1))))
    # nobody is convicted before 18, save the young group
    adult = to_virtual_days(dob + 6575)
    anchor = np.where(young, anchor, np.minimum(np.maximum(anchor, adult), latest))
    # under-50s with other convictions: every conviction before the look-back
    quiet, anchor, dob = _quiet(group, anchor, dob, slack)
    last = np.where(quiet, QUIET_END, LAST)
    race = _deal(rng, a.race_shares, np.isin(group, IN_MOTION))
    gender = np.where(rng.random(n) < 0.85, "M", "F")
    return {"group": group, "anchor": anchor, "dob": dob, "race": race, "gender": gender,
            "last": last, "p64_last": np.minimum(last, PRE_END)}


def __dir__() -> list[str]:
    return sorted(__all__)
