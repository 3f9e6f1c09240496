"""The Los Angeles rules: which Prop 64 convictions the District Attorney dismisses.

Only convictions of Health and Safety Code 11357-11360 in the chosen county are judged;
the rest of the record is context. Per conviction the first rule that applies decides
(the order of the format notes and of the reference tool, gogen_pilots' Los Angeles
flow). Each rule's reason is the reference tool's, so that its summary keys (which
count dismissals by reason) come out the same.

====  ===============================================================  ===============
rule  applies when                                                      determination
====  ===============================================================  ===============
1     not a felony (misdemeanor, infraction or unknown level)          city attorney review
2     convicted on or after 2016-11-09 (Proposition 64's passage)      not eligible
3     11357: (a) or (b) dismissed; any other 11357 hand review         dismiss / hand review
4     a superstrike conviction dated before this one                   not eligible
5     a PC 290 registrable conviction or registration before this one  not eligible
6     two or more earlier Prop 64 convictions of the same section      not eligible
7     age >= threshold; age <= 21; only Prop 64 convictions and every  dismiss
      sentence completed; no conviction in the last N years
8     a sentence still running at the compute-at date                  hand review
9     deceased                                                         dismiss
10    none of these                                                    hand review
====  ===============================================================  ===============
"""

from __future__ import annotations

import datetime as dt

import polars as pl

__all__ = ["DETERMINATIONS", "NOVEMBER_9_2016", "OTHER_CONVICTION_RULES", "judge"]

DETERMINATIONS = ("dismiss", "not eligible", "hand review", "city attorney review")
Determination = pl.Enum(list(DETERMINATIONS))
NOVEMBER_9_2016 = dt.date(2016, 11, 9)  # Proposition 64 passed on 8 November 2016
OTHER_CONVICTION_RULES = (4, 5, 6)  # ineligible because of the person's other convictions


def _before(column: str) -> pl.Expr:
    """True where the subject's ``column`` date is strictly before this conviction."""
    return (pl.col(column) < pl.col("event_date")).fill_null(False)


def _steps(age: int, years_conviction_free: int) -> list[tuple[int, pl.Expr, str, str]]:
    """(rule, condition, determination, reason) in the order they are tried."""
    is_11357 = pl.col("p64") == "11357"
    a_or_b = pl.col("section").str.contains(r"^11357\((?:A|B)\)")
    completed = (pl.col("convictions") == pl.col("prop64")) & ~pl.col("running")
    return [
        # an unknown level is not a felony, as the reference reads it
        (1, (pl.col("level") != "felony").fill_null(True), "city attorney review",
         "Misdemeanor or Infraction"),
        (2, pl.col("event_date") >= NOVEMBER_9_2016, "not eligible",
         "Occurred after 11/09/2016"),
        (3, is_11357 & a_or_b, "dismiss", "11357(a) or 11357(b)"),
        (3, is_11357, "hand review", "Other 11357"),
        (4, _before("first_strike"), "not eligible", "PC 667(e)(2)(c)(iv)"),
        (5, _before("first_290"), "not eligible", "PC 290"),
        (6, pl.col("priors") >= 2, "not eligible", "Two priors"),
        (7, pl.col("age") >= age, "dismiss", f"{age} years or older"),
        (7, pl.col("age") <= 21, "dismiss", "21 years or younger"),
        (7, completed, "dismiss", "Only has 11357-60 charges and completed sentence"),
        (7, ~pl.col("recent"), "dismiss", f"No convictions in past {years_conviction_free} years"),
        (8, pl.col("running"), "hand review", "Currently serving sentence"),
        (9, pl.col("deceased"), "dismiss", "Deceased"),
    ]


def _first(steps: list, pick: int, last) -> pl.Expr:
    """The ``pick``-th item of the first step whose condition holds, else ``last``."""
    chain = pl.when(steps[0][1].fill_null(False)).then(pl.lit(steps[0][pick]))
    for step in steps[1:]:
        chain = chain.when(step[1].fill_null(False)).then(pl.lit(step[pick]))
    return chain.otherwise(pl.lit(last))


def judge(convicted: pl.DataFrame, people: pl.DataFrame, *, county: str, age: int,
          years_conviction_free: int) -> pl.DataFrame:
    """The judged convictions (Prop 64, in ``county``) with rule, determination, reason
    and the reference tool's "dismiss all Prop 64" variant (``dismiss_all``)."""
    steps = _steps(age, years_conviction_free)
    return (convicted.lazy()
            # earlier Prop 64 convictions of the same section in the subject's record
            .with_columns(priors=(pl.col("event_date").rank("min").over("subject", "p64") - 1)
                          .fill_null(0))
            # only Prop 64 convictions in the county are judged
            .filter(pl.col("p64").is_not_null() & (pl.col("county") == county.upper()))
            .join(people.lazy(), on="subject", how="left")
            # the first rule that applies decides
            .with_columns(rule=_first(steps, 0, 10).cast(pl.Int8),
                          determination=_first(steps, 2, "hand review").cast(Determination),
                          reason=_first(steps, 3, "No criterion applies"),
                          dismiss_all=pl.lit(True))
            # in file order, whatever order the join left
            .sort("row")
            .collect())


def __dir__() -> list[str]:
    return sorted(__all__)
