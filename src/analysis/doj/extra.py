"""The ``lacra`` block of ``summary.json``: what the reference tool does not count.

Counts of the judged Prop 64 convictions in the county by conviction year, level,
jurisdiction (the county's cities, as :mod:`.places` reads the court; unmapped ones
counted apart) and race (``race_codes.csv``; the DOJ's code list is not public, so
every other code is Unknown), each split by determination; the convictions found
ineligible because of the person's other convictions (rules 4-6); people and subjects
with a Prop 64 conviction; felony and misdemeanor convictions; and the subject counts
of the reference summary with "the last 7 years" taken back from the compute-at date
instead of the day of the run; what the person ids were made from, how many judged
convictions have a case id made from the court case number, and how many dismissals
``cases.csv`` leaves out because an earlier row has the same case id and count.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import rules, summary

__all__ = ["RACE_NOTE", "UNMAPPED", "UNMAPPED_NOTE", "lacra"]

UNMAPPED = "Unmapped"
UNMAPPED_NOTE = ("convictions whose court or agency description names none of the "
                 "county's cities are counted here and left out of cases.csv, whose "
                 "schema needs a city")
RACE_NOTE = ("the DOJ's race code list is not public: codes in race_codes.csv (each an "
             "assumption) and plain descriptions are mapped, every other code is Unknown")


def _by(frame: pl.DataFrame, column: str) -> dict[str, dict[str, int]]:
    """{value: {determination: count}}, values and determinations sorted."""
    rows = (frame.with_columns(pl.col(column).cast(pl.String).fill_null(UNMAPPED))
            .group_by(column, "determination").len().sort(column, "determination"))
    out: dict[str, dict[str, int]] = {}
    for value, determination, n in rows.iter_rows():
        out.setdefault(str(value), {})[str(determination)] = int(n)
    return out


def _relief_at(convicted: pl.DataFrame, judged: pl.DataFrame, compute_at: dt.date) -> dict:
    """The reference's subject counts with the 7 years taken back from ``compute_at``."""
    since = summary.years_before(compute_at, 7)
    return {name: summary.subject_relief(convicted, summary.scenario(convicted, judged, col),
                                         since)
            for name, col in (("reliefWithCurrentEligibilityChoices", "determination"),
                              ("reliefWithDismissAllProp64", "dismiss_all"))}


def lacra(convicted: pl.DataFrame, judged: pl.DataFrame, *, compute_at: dt.date,
          cases_written: int, person_key: str = "cii", cases_left_out: int = 0) -> dict:
    """The project's own summary block (see the module's notes)."""
    from_number = int(judged["case_from_number"].sum())
    dismissed = judged.filter(pl.col("determination") == "dismiss")
    level = judged["level"].cast(pl.String)
    other = judged.filter(pl.col("rule").is_in(rules.OTHER_CONVICTION_RULES)
                          & (pl.col("determination") == "not eligible"))
    unmapped = judged.filter(pl.col("jurisdiction").is_null())
    return {
        "computeAt": compute_at.isoformat(),
        "last7YearsFrom": {"reference": summary.run_day().isoformat(),
                           "computeAt": compute_at.isoformat()},
        "computeAtLast7Years": _relief_at(convicted, judged, compute_at),
        "prop64ConvictionsInCounty": judged.height,
        "prop64FelonyConvictionsInCounty": int((level == "felony").sum()),
        "prop64MisdemeanorConvictionsInCounty": int((level == "misdemeanor").sum()),
        "subjectsWithProp64ConvictionInCounty": judged["subject"].n_unique(),
        "peopleWithProp64ConvictionInCounty": judged["person_id"].n_unique(),
        "subjectsWithSomeRelief": dismissed["subject"].n_unique(),
        "convictionDismissalCountByCodeSection": {
            str(k): int(n) for k, n in dismissed.group_by("p64").len().sort("p64").iter_rows()},
        "ineligibleBecauseOfOtherConvictions": other.height,
        "ineligibleBecauseOfOtherConvictionsByRule": {
            str(k): int(n) for k, n in other.group_by("rule").len().sort("rule").iter_rows()},
        "byDetermination": {str(k): int(n) for k, n in
                            judged.group_by("determination").len().sort("determination")
                            .iter_rows()},
        "byRule": {str(k): int(n) for k, n in judged.group_by("rule").len().sort("rule")
                   .iter_rows()},
        "byConvictionYear": _by(judged.with_columns(year=pl.col("event_date").dt.year()), "year"),
        "byChargeLevel": _by(judged, "level"),
        "byJurisdiction": _by(judged, "jurisdiction"),
        "unmappedJurisdiction": {"convictions": unmapped.height,
                                 "dismissals": int((unmapped["determination"] == "dismiss")
                                                   .sum()),
                                 "note": UNMAPPED_NOTE},
        "byRace": _by(judged, "race"),
        "raceNote": RACE_NOTE,
        "casesWritten": cases_written,
        "casesLeftOutAsRepeats": cases_left_out,
        "personKey": person_key,
        "caseIds": {"fromCourtCaseNumber": from_number,
                    "fromDojNumbering": judged.height - from_number},
    }


def __dir__() -> list[str]:
    return sorted(__all__)
