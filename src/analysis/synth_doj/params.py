"""What the DOJ-format synthetic file rests on: published targets and assumed parameters.

Like :mod:`analysis.assumptions` for the case list, two kinds of input are kept apart:

* **published** figures (``DOJ_CALIBRATION``): what the Los Angeles run of the rules on
  the state's AB 1793 file produced, as reported in February 2020. The file is built so
  that the rules reproduce each one exactly at full scale;
* **assumed** parameters (``DojAssumptions``): how the people behind those figures are
  made up (who keeps a felony and why, how many convictions each holds, sentences,
  other counties, deaths). None is published; each has a meaning and a reason.

The published counts fix the sizes of the groups of people below; the assumed ones
fill in the rest. :func:`doj_assumptions_table` lists both, in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import polars as pl

from ..assumptions import Target, assumed
from .codes import CITY_PROSECUTOR_COURTS, COURTS

__all__ = ["COMPUTE_AT", "COMPUTE_AT_EARLIEST", "DOJ_CALIBRATION", "DOJ_DEFAULT",
           "DojAssumptions", "doj_assumptions_table", "doj_target"]

# The date the rules are run "as of". The motion was filed on 2020-02-13 and the
# published figures describe it, so that is the default; the reference tool's Los
# Angeles fixture uses 2019-11-11. Every age, sentence end and ten-year look-back in the
# file keeps at least six weeks from its threshold on both dates, so the rules reach the
# same determinations for any compute-at date from COMPUTE_AT_EARLIEST to COMPUTE_AT.
COMPUTE_AT = dt.date(2020, 2, 13)
COMPUTE_AT_EARLIEST = dt.date(2019, 11, 11)

DOJ_CALIBRATION: tuple[Target, ...] = (
    Target("doj_felonies", 62_000,
           "felony Prop 64 convictions (HS 11357-11360) in Los Angeles County that the "
           "rules dismiss (rules 3a, 7a-7d and 9)",
           "62,000 felony convictions", ("feb2020", "facts-03"),
           derived="read as the felonies the motion dismissed; the file holds more, those "
           "the rules rule out (2,142 and the ones after the cut-off) or send to hand "
           "review"),
    Target("doj_misdemeanors", 3_700,
           "misdemeanor Prop 64 convictions in Los Angeles County, which rule 1 leaves to "
           "the city attorneys; every one from a court of the ten cities with their own "
           "prosecutor",
           "another 4,000 (one report: 3,700)", ("feb2020", "facts-06")),
    Target("doj_people", 53_000,
           "people in the motion: at least one Los Angeles Prop 64 felony dismissed or one "
           "misdemeanor left to a city attorney (the file holds more people: see "
           "people_outside_motion)",
           "about 53,000 people", ("feb2020", "facts-07")),
    Target("doj_people_no_felony", 22_000,
           "people who had a felony and have none left once the rules' dismissals apply",
           "22,000 people no longer have a felony", ("feb2020", "facts-12")),
    Target("doj_people_no_conviction", 15_000,
           "people who had a conviction and have none left once the dismissals apply",
           "15,000 no longer have any record", ("feb2020", "facts-13")),
    Target("doj_ineligible_other_convictions", 2_142,
           "Prop 64 convictions ruled out by the person's other convictions (a superstrike "
           "or a PC 290 registration before it, or two earlier ones of the same section)",
           "2,142 convictions found ineligible", ("facts-14",)),
)


def doj_target(name: str) -> int:
    """The calibrated value of a published DOJ-run figure, by name."""
    for t in DOJ_CALIBRATION:
        if t.name == name:
            return int(t.value)
    raise KeyError(name)


@dataclass(frozen=True)
class DojAssumptions:
    """Parameters no source publishes, at full scale (53,000 people in the motion)."""

    superstrike_before: int = assumed(
        900, "people with a superstrike conviction before their one Prop 64 felony "
        "(rule 4); with the two below they make up the 2,142",
        "the published 2,142 is not broken down by reason")
    pc290_before: int = assumed(
        500, "people with a PC 290 registrable conviction and registration before their "
        "one Prop 64 felony (rule 5)", "as above")
    two_priors: int = assumed(
        742, "people with three felonies of one Prop 64 section, the third ruled out by "
        "the two before it (rule 6) and the two dismissed", "the rest of the 2,142")
    young_no_conviction: int = assumed(
        60, "of the 15,000 left with no conviction, people 21 or younger at the compute-at "
        "date (convicted at 16 or 17)", "juveniles tried as adults are few")
    misdemeanor_only: int = assumed(
        2_000, "people whose only Los Angeles Prop 64 convictions are misdemeanors",
        "not published; misdemeanors are left to the city attorneys by rule 1")
    misdemeanor_kept_no_felony: tuple[tuple[str, int], ...] = assumed(
        (("other misdemeanor", 4_600), ("Prop 64 misdemeanor", 1_200),
         ("Prop 64 misdemeanor elsewhere", 1_200)),
        "of the 7,000 left with no felony but some conviction (22,000 - 15,000), what "
        "conviction they keep", "not published")
    felony_kept: tuple[tuple[str, int], ...] = assumed(
        (("felony after Nov 8 2016", 600), ("superstrike after", 120),
         ("PC 290 after", 80), ("Prop 64 felony elsewhere", 1_500)),
        "people in the motion who keep a felony for a reason other than rules 4-6 (their "
        "Los Angeles Prop 64 felonies before the cut-off are all dismissed); everyone else "
        "in the motion who keeps one has another felony (not Prop 64) on record",
        "not published")
    hand_review: tuple[tuple[str, int], ...] = assumed(
        (("3b", 400), ("8", 600), ("10", 1_000)),
        "Los Angeles Prop 64 felonies the rules send to hand review, by rule: HS 11357 "
        "without a subsection (3b), a sentence still running (8), no criterion met (10); "
        "each is the only Los Angeles Prop 64 conviction of a person outside the motion",
        "not published; the motion dismissed the county's felonies wholesale, so what it "
        "left to reviewers is taken to be small (3% of the felonies): old records that "
        "lack the subsection, the few sentences from before November 2016 still running "
        "in 2020, and people under 50 with other convictions in the last ten years")
    people_outside_motion: int = assumed(
        3_800, "people in the file with nothing in the motion (no felony dismissed, no "
        "misdemeanor left to a city attorney): the superstrike-before and PC 290-before "
        "people, one person per hand-review felony, and the rest people whose only Los "
        "Angeles Prop 64 felony came after the cut-off (rule 2)",
        "not published: the 53,000 count the people in the motion, not everyone the rules "
        "judged; 3,800 leaves 400 people with a felony after the cut-off only")
    misdemeanor_with_other_felony: int = assumed(
        200, "people keeping another felony who also hold a Los Angeles Prop 64 "
        "misdemeanor", "the rest of the 3,700 misdemeanors after the groups above")
    felony_11357_share: float = assumed(
        0.005, "share of Los Angeles Prop 64 felonies that are HS 11357(a) (dismissed by "
        "rule 3)", "the 62,000 were reported as sales and cultivation, so felony "
        "possession (concentrated cannabis, a wobbler) is kept rare: about 300")
    felony_sections: tuple[tuple[str, float], ...] = assumed(
        (("11358", 0.20), ("11359", 0.50), ("11360", 0.30)),
        "mix of the other Prop 64 felony sections", "the case list's assumed mix")
    extra_felony_cap: int = assumed(
        4, "most extra Prop 64 felonies one person holds beyond the first",
        "a few people hold several; capped so no section repeats three times by chance")
    year_profile: tuple[tuple[int, float], ...] = assumed(
        ((1961, 0.3), (1968, 1.0), (1974, 1.6), (1980, 1.2), (1990, 1.0), (2000, 1.1),
         (2008, 1.0), (2011, 0.6), (2016, 0.3)),
        "relative number of first convictions by year", "the case list's assumed profile")
    court_spread: tuple[tuple[str, tuple[str, ...]], ...] = assumed(
        (("Prop 64 misdemeanor", CITY_PROSECUTOR_COURTS), ("any other conviction", COURTS)),
        "the Superior Court courthouses a Los Angeles County conviction is heard in, each "
        "as likely as the others: a Prop 64 misdemeanor in one of the cities with their own "
        "prosecutor (where rule 1 leaves it to the city attorney), any other conviction in "
        "any of the county's criminal courthouses; the court sets the conviction's city, "
        "and so its prosecuting agency, on the case list",
        "not published: the state's file is not public, so no courthouse is taken to hear "
        "more convictions than another")
    age_at_first: tuple[float, float] = assumed(
        (2.0, 4.5), "gamma shape and scale of years past 18 at the first conviction",
        "a mean of 27; not published")
    other_convictions_mean: float = assumed(
        0.8, "mean number of further convictions (not Prop 64) of people who keep one",
        "not published")
    deceased_share: float = assumed(
        0.03, "share of people with a death recorded (beyond those the construction needs)",
        "not published")
    running_other_felony_share: float = assumed(
        0.15, "share of other felonies since 2016 whose sentence is still running",
        "not published")
    second_part_share: float = assumed(
        0.25, "share of convictions whose sentence has a second part on a later row",
        "jail with probation is common")
    arrest_only_cycles_mean: float = assumed(
        1.0, "mean number of arrests per person that led to no conviction (a third of them "
        "for a Prop 64 offence)", "criminal histories hold more arrests than convictions; "
        "not published")
    arrest_only_court_share: float = assumed(
        0.5, "share of those arrests with a court step whose count was dismissed (the rest: "
        "released, or no disposition)", "not published")
    dismissed_count_share: float = assumed(
        0.2, "share of court actions with a further count dismissed (not a conviction)",
        "not published")
    other_county_share: float = assumed(
        0.25, "share of other convictions from a county other than Los Angeles",
        "not published")
    see_comment_share: float = assumed(
        0.01, "share of convictions whose offense is only in COMMENT_TEXT",
        "the format allows it")
    unspaced_section_share: float = assumed(
        0.2, "share of offense descriptions written without a space before the code "
        "(11359HS-...)", "both spellings are seen in the reference fixtures")
    race_shares: tuple[tuple[str, float], ...] = assumed(
        (("H", 0.45), ("B", 0.32), ("W", 0.20), ("A", 0.015), ("O", 0.008), ("U", 0.007)),
        "race codes of people (Hispanic, Black, White, Asian, other, unknown), dealt in "
        "these exact shares to the people of the motion and to those outside it",
        "the published 2020 shares; the split of the 3% is assumed")
    line_padding: int = assumed(
        120, "spaces each of the four qualifier fields is padded to",
        "the state's extract pads fields; brings a line to the reference's ~800 bytes")


DOJ_DEFAULT = DojAssumptions()


def _show(value) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple) \
            and isinstance(value[0][1], tuple):  # named groups of places
        return "; ".join(f"{a}: {len(b)} courthouses" for a, b in value)
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ", ".join(f"{a}: {b:g}" if isinstance(b, float) else f"{a}: {b:,}"
                         for a, b in value)
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value)
    return f"{value:.4g}" if isinstance(value, float) else f"{value:,}"


def doj_assumptions_table(a: DojAssumptions = DOJ_DEFAULT) -> pl.DataFrame:
    """Published targets and assumed parameters of the DOJ-format file, one row each."""
    rows = [{"name": t.name, "value": f"{int(t.value):,}",
             "kind": "published", "meaning": t.meaning,
             "source": f"{t.published_as} ({t.source})"
             + (f"; {t.derived}" if t.derived else "")} for t in DOJ_CALIBRATION]
    rows += [{"name": f.name, "value": _show(getattr(a, f.name)), "kind": "assumed",
              "meaning": f.metadata["meaning"], "source": f.metadata["why"]}
             for f in fields(a)]
    rows.append({"name": "compute_at", "value": COMPUTE_AT.isoformat(), "kind": "assumed",
                 "meaning": "the date the rules are run as of",
                 "source": "the motion's filing date; the file gives the same "
                 f"determinations from {COMPUTE_AT_EARLIEST.isoformat()} on"})
    return pl.DataFrame(rows)


def __dir__() -> list[str]:
    return sorted(__all__)
