"""``summary.json``: the reference tool's summary, key for key, and this project's own.

The reference keys mean what gogen_pilots' do: ``CountSubjectsNoFelony`` counts the
subjects who had a felony conviction and would have none left (every felony
conviction dismissed), ``CountSubjectsNoConviction`` those left with no conviction,
``CountSubjectsNoConvictionLast7Years`` those whose convictions of the last seven years
would all go. As in the reference, "the last seven years" run back from the day of the
run (:func:`run_day`), not from the compute-at date; the ``lacra`` block repeats the
count from the compute-at date. Keys the reference leaves at zero or empty in its Los
Angeles run (subjects with a Prop 64 conviction, felony and misdemeanor counts,
dismissals and reductions by code section) are written the same way, and their real
values are in ``lacra``.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

__all__ = ["column_dismisses", "earliest", "reference_keys", "run_day", "scenario",
           "subject_relief", "years_before"]


def run_day() -> dt.date:
    """The day of the run: the reference tool's "last 7 years" end here."""
    return dt.date.today()


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` moved back ``years`` years (29 February becomes 1 March, as Go does)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 3, 1)


def subject_relief(convicted: pl.DataFrame, dismissed: pl.Series, since: dt.date) -> dict:
    """The three subject counts of one scenario: ``dismissed`` is a boolean per
    conviction (True where it is dismissed under that scenario)."""
    flagged = convicted.with_columns(gone=dismissed.fill_null(False),
                                     recent=pl.col("event_date") > since)
    felony = pl.col("level") == "felony"
    recent = pl.col("recent").fill_null(False)
    counts = (flagged.group_by("subject")
              .agg(felonies=felony.sum(), felonies_gone=(felony & pl.col("gone")).sum(),
                   all_=pl.len(), all_gone=pl.col("gone").sum(),
                   recent=recent.sum(), recent_gone=(recent & pl.col("gone")).sum())
              .select(felony=((pl.col("felonies") > 0)
                              & (pl.col("felonies") == pl.col("felonies_gone"))).sum(),
                      any=((pl.col("all_") > 0) & (pl.col("all_") == pl.col("all_gone"))).sum(),
                      recent=((pl.col("recent") > 0)
                              & (pl.col("recent") == pl.col("recent_gone"))).sum()))
    row = counts.row(0, named=True) if counts.height else {"felony": 0, "any": 0, "recent": 0}
    return {"CountSubjectsNoConviction": int(row["any"] or 0),
            "CountSubjectsNoConvictionLast7Years": int(row["recent"] or 0),
            "CountSubjectsNoFelony": int(row["felony"] or 0)}


def scenario(convicted: pl.DataFrame, judged: pl.DataFrame, column: str) -> pl.Series:
    """Per conviction, True where ``judged``'s ``column`` dismisses it."""
    gone = judged.filter(column_dismisses(column))["cid"]
    return pl.Series("gone", [False] * convicted.height).scatter(gone, True)


def column_dismisses(column: str) -> pl.Expr:
    """True where a judged conviction is dismissed under ``column``."""
    if column == "dismiss_all":
        return pl.col("dismiss_all")
    return pl.col(column) == "dismiss"


def _counts(frame: pl.DataFrame, column: str) -> dict[str, int]:
    """Counts by ``column``, keys sorted (as Go writes a map)."""
    pairs = frame.group_by(column).len().drop_nulls(column).iter_rows()
    return {str(k): int(n) for k, n in sorted(pairs, key=lambda kv: str(kv[0]))}


def earliest(judged: pl.DataFrame) -> str:
    """The earliest judged conviction as the reference writes a time (zero when none)."""
    first = judged["event_date"].min() if judged.height else None
    return f"{first.isoformat() if first else '0001-01-01'}T00:00:00Z"


def reference_keys(convicted: pl.DataFrame, judged: pl.DataFrame, *, county: str,
                   age: int, years_conviction_free: int, line_count: int,
                   seconds: float) -> dict:
    """The summary keys of the reference tool, in its order."""
    since = years_before(run_day(), 7)
    dismissed = judged.filter(pl.col("determination") == "dismiss")
    return {
        "county": county.upper(),
        "individualDismissAge": age,
        "yearsConvictionFree": years_conviction_free,
        "earliestConviction": earliest(judged),
        "lineCount": line_count,
        "processingTimeInSeconds": seconds,
        "reliefWithCurrentEligibilityChoices": subject_relief(
            convicted, scenario(convicted, judged, "determination"), since),
        "reliefWithDismissAllProp64": subject_relief(
            convicted, scenario(convicted, judged, "dismiss_all"), since),
        "prop64ConvictionsCountInCountyByCodeSection": _counts(judged, "p64"),
        "subjectsWithProp64ConvictionCountInCounty": 0,
        "prop64FelonyConvictionsCountInCounty": 0,
        "prop64MisdemeanorConvictionsCountInCounty": 0,
        "subjectsWithSomeReliefCount": 0,
        "convictionDismissalCountByCodeSection": {},
        "convictionReductionCountByCodeSection": {},
        "convictionDismissalCountByAdditionalRelief": _counts(dismissed, "reason"),
    }


def __dir__() -> list[str]:
    return sorted(__all__)
