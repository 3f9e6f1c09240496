"""The ground truth: what the Los Angeles rules must decide for the synthetic file.

The generator knows every person's record before it is written as rows, so it can say
for each Los Angeles Prop 64 conviction which rule decides it and how, and count the
people the published figures speak of. This module applies the Los Angeles rules
(the ten of the DOJ format notes, the first that applies deciding) to those records,
kept as small per-person facts: what a person was convicted of and when, whether a sentence
still runs, registrations, death, birth date. It reads none of the rows, so a rules
engine that reads the file and agrees with it has been checked by a second, independent
path.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import codes
from .people import day

__all__ = ["CUT_OFF", "DETERMINATIONS", "REASONS", "counts", "determine"]

CUT_OFF = dt.date(2016, 11, 9)  # rule 2: felonies on or after it are not eligible

# rule -> (determination, reason)
REASONS = {
    "1": ("city attorney", "misdemeanor"),
    "2": ("not eligible", "on or after 2016-11-09"),
    "3a": ("dismissed", "11357(a) or 11357(b)"),
    "3b": ("hand review", "other 11357"),
    "4": ("not eligible", "superstrike before"),
    "5": ("not eligible", "PC 290 before"),
    "6": ("not eligible", "two priors of the section"),
    "7a": ("dismissed", "age at least 50"),
    "7b": ("dismissed", "21 or younger"),
    "7c": ("dismissed", "only Prop 64 convictions, sentences completed"),
    "7d": ("dismissed", "no conviction in the last 10 years"),
    "8": ("hand review", "sentence still running"),
    "9": ("dismissed", "deceased"),
    "10": ("hand review", "no criterion applies"),
}
DETERMINATIONS = ("dismissed", "not eligible", "hand review", "city attorney")


def _person_facts(conv: pl.DataFrame, folk: pl.DataFrame, at: dt.date, age: int,
                  years_free: int) -> pl.DataFrame:
    """Rule 7-9 facts of each person at ``at``."""
    at_day = day(at)
    free_since = day(dt.date(at.year - years_free, at.month, at.day))
    by_person = conv.group_by("person").agg(
        only_p64=(pl.col("kind") == "p64").all(),
        completed=~pl.col("running").any(),
        recent=(pl.col("date") > free_since).any(),
    )
    return (
        folk
        # age in years of 365.25 days, as the reference tool counts it
        .with_columns(age=(at_day - pl.col("dob")) / 365.25)
        .join(by_person, on="person", how="left")
        .with_columns(fallback=pl.when(pl.col("age") >= age).then(pl.lit("7a"))
                      .when(pl.col("age") <= 21).then(pl.lit("7b"))
                      .when(pl.col("only_p64") & pl.col("completed")).then(pl.lit("7c"))
                      .when(~pl.col("recent")).then(pl.lit("7d"))
                      .when(~pl.col("completed")).then(pl.lit("8"))
                      .when(pl.col("death") >= 0).then(pl.lit("9"))
                      .otherwise(pl.lit("10")))
        .select("person", "fallback")
    )


def determine(conv: pl.DataFrame, folk: pl.DataFrame, registrations: pl.DataFrame, *,
              compute_at: dt.date, age: int = 50, years_conviction_free: int = 10
              ) -> pl.DataFrame:
    """Every conviction with the rule that decides it (null for those not judged).

    ``conv``: person, kind, level, county, key, date (real days), running;
    ``folk``: person, dob, death (real days, -1 alive); ``registrations``: person, date.
    """
    first = lambda cond: (  # noqa: E731 - earliest date of a person's matching events
        pl.when(cond).then(pl.col("date")).min().over("person"))
    reg = registrations.group_by("person").agg(reg=pl.col("date").min())
    facts = _person_facts(conv, folk, compute_at, age, years_conviction_free)
    judged = (pl.col("kind") == "p64") & (pl.col("county") == codes.LA)
    return (
        conv
        # the five-character section every Prop 64 key starts with
        .with_columns(section=pl.col("key").str.slice(0, 5))
        # the earliest superstrike, PC 290 offence and registration of the person
        .with_columns(strike=first(pl.col("kind") == "strike"),
                      sex=first(pl.col("kind") == "sex"))
        .join(reg, on="person", how="left")
        # earlier Prop 64 convictions of the same section (strictly before)
        .with_columns(priors=pl.when(pl.col("kind") == "p64").then(
            pl.col("date").rank("min").over("person", "section", pl.col("kind") == "p64")
            - 1))
        .join(facts, on="person", how="left")
        # rules 1-6, then the person's rule 7-10 outcome
        .with_columns(rule=pl.when(~judged).then(None)
                      .when(pl.col("level") == "M").then(pl.lit("1"))
                      .when(pl.col("date") >= day(CUT_OFF)).then(pl.lit("2"))
                      .when(pl.col("key").is_in(["11357(A)", "11357(B)"])).then(pl.lit("3a"))
                      .when(pl.col("section") == "11357").then(pl.lit("3b"))
                      .when(pl.col("strike") < pl.col("date")).then(pl.lit("4"))
                      .when(pl.min_horizontal("sex", "reg") < pl.col("date"))
                      .then(pl.lit("5"))
                      .when(pl.col("priors") >= 2).then(pl.lit("6"))
                      .otherwise(pl.col("fallback")))
        .with_columns(determination=pl.col("rule").replace_strict(
            {k: v[0] for k, v in REASONS.items()}, default=None),
            reason=pl.col("rule").replace_strict({k: v[1] for k, v in REASONS.items()},
                                                 default=None))
        .drop("section", "strike", "sex", "reg", "priors", "fallback")
    )


def counts(decided: pl.DataFrame) -> dict[str, int | dict[str, int]]:
    """The people and conviction counts the published figures speak of."""
    judged = decided.filter(pl.col("rule").is_not_null())
    felony, judged_row = pl.col("level") == "F", pl.col("rule").is_not_null()
    dismissed = pl.col("determination") == "dismissed"
    per = decided.group_by("person").agg(
        felonies=felony.sum(), felonies_dismissed=(felony & dismissed).sum(),
        felonies_judged=(felony & judged_row).sum(),
        convictions=pl.len(), dismissed=dismissed.sum(), judged=judged_row.sum(),
    )
    has_felony = pl.col("felonies") > 0
    by_reason = (judged.filter(pl.col("determination") == "dismissed")
                 .group_by("reason").len().sort("reason"))
    # the motion: felonies dismissed and the misdemeanors left to the city attorneys
    motion = judged.filter((felony & dismissed) | (pl.col("rule") == "1"))
    return {
        "people": judged.select(pl.col("person").n_unique()).item(),
        "people_in_motion": motion.select(pl.col("person").n_unique()).item(),
        "felonies": judged.filter(pl.col("level") == "F").height,
        "felonies_dismissed": motion.filter(felony).height,
        "misdemeanors": judged.filter(pl.col("level") == "M").height,
        "people_no_felony": per.filter(has_felony & (
            pl.col("felonies") == pl.col("felonies_dismissed"))).height,
        "people_no_conviction": per.filter(pl.col("convictions") == pl.col("dismissed"))
        .height,
        # the reference tool's other scenario: every judged conviction dismissed
        "people_no_felony_if_all_dismissed": per.filter(has_felony & (
            pl.col("felonies") == pl.col("felonies_judged"))).height,
        "people_no_conviction_if_all_dismissed": per.filter(
            pl.col("convictions") == pl.col("judged")).height,
        "ineligible_other_convictions": judged.filter(pl.col("rule").is_in(["4", "5", "6"]))
        .height,
        "by_rule": dict(judged.group_by("rule").len().sort("rule").iter_rows()),
        "dismissed_by_reason": dict(by_reason.iter_rows()),
    }


def __dir__() -> list[str]:
    return sorted(__all__)
