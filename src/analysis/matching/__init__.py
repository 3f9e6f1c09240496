"""Matching the DOJ list against the court records: which convictions both hold.

:func:`match` takes two validated case lists (frames in the case schema, as
:func:`analysis.validate.read_cases` gives them), the one derived from the DOJ's AB 1793
file and the one from the county's court records, and pairs their rows one to one, in
three steps; a row matched in one step takes no part in the next:

1. ``case``: the same case id, the same courthouse (both lists give one; compared
   ignoring case, spacing and punctuation) and the same code section, whatever the
   dates. Case ids are salted pseudonyms, so this works only when both lists hashed the
   same normalised case number under the same salt.
2. ``person_exact_date``: the same person id, code section and conviction date.
3. ``person_near_date``: the same person id and code section, the conviction dates at
   most ``date_tolerance_days`` apart.

Where a row has several candidates in a step, the pairs are taken in one order (closest
dates, then equal count numbers, then a stable order of the rows by case id, count,
batch and date) and a pair is kept when neither of its rows is kept already
(:mod:`analysis.matching.pairing`). Where that greedy pass leaves a group of rows linked
by candidates with fewer pairs than it could hold, the group is re-paired with the most
pairs (:mod:`analysis.matching.maximum`). Each kept pair records its method and the
rule that told it from its closest rival; a row whose candidates were all taken stays
unmatched and is counted.

The result (:class:`Match`) holds the combined list for the capture-recapture
(:mod:`analysis.matching.combine`), the pairs by row position, and the report
(:mod:`analysis.matching.report`), which holds counts only.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .. import schema
from . import candidates, combine, maximum, pairing, report

__all__ = ["DEFAULT_TOLERANCE", "METHODS", "Match", "Method", "PAIRS_SCHEMA", "RESOLUTIONS",
           "combine", "candidates", "describe", "match", "maximum", "pairing", "report"]

DEFAULT_TOLERANCE = 3  # days between conviction dates the third step accepts
METHODS = report.METHODS
RESOLUTIONS = pairing.RESOLUTIONS
Method = pl.Enum(list(METHODS))
PAIRS_SCHEMA = pl.Schema({
    "doj_row": pl.UInt32, "court_row": pl.UInt32, "method": Method,
    "date_difference": pl.Int32, "count_differs": pl.Boolean,
    "resolution": pairing.Resolution,
})
describe = report.describe


@dataclass(frozen=True)
class Match:
    """What :func:`match` found.

    ``combined``: the combined case list; ``pairs``: one row per matched pair
    (:data:`PAIRS_SCHEMA`: the rows' positions in the two lists, counted from 0, the
    method, the days between the conviction dates, whether the count numbers differ, and
    the resolution); ``report``: the counts (:func:`analysis.matching.report.build`).
    """

    combined: pl.DataFrame
    report: dict
    pairs: pl.DataFrame


def _check(frame: pl.DataFrame, name: str, flag: str) -> None:
    """Raise ValueError unless ``frame`` has the case schema's columns and types and
    every row is found in the list it comes from (``flag`` true)."""
    wrong = [c for c, t in schema.SCHEMA.items() if frame.schema.get(c) != t]
    if wrong:
        raise ValueError(f"the {name} list is not a validated case list: columns "
                         f"{', '.join(wrong)} are missing or of another type (read it "
                         "with analysis.validate.read_cases or analysis.load_cases)")
    outside = frame.height - int(frame[flag].sum())
    if outside:
        raise ValueError(f"the {name} list has {outside:,} row(s) with {flag} false, so "
                         f"they are not from the {name} records: are the two lists given "
                         "in the right order (the DOJ list first)?")


def _step(doj: pl.DataFrame, court: pl.DataFrame, found: pl.DataFrame, method: str
          ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    """Pair ``found`` (candidates between the rows still unmatched) one to one: the
    pairs kept (with method and resolution), the rows of each list still unmatched and
    what re-pairing groups the greedy pass left short did."""
    kept, repaired = maximum.repair(found, pairing.one_to_one(found))
    kept = pairing.resolutions(found, kept).with_columns(method=pl.lit(method, Method))
    return (kept, doj.join(kept.select(_row="d"), on="_row", how="anti"),
            court.join(kept.select(_row="c"), on="_row", how="anti"), repaired)


def _unresolved(doj: pl.DataFrame, court: pl.DataFrame, tolerance: int) -> int:
    """How many rows of ``doj`` (here the rows left unmatched, on either side) have a
    candidate in ``court`` (the whole other list) under any step."""
    found = pl.concat([candidates.case_candidates(doj, court),
                       candidates.person_candidates(doj, court, tolerance=tolerance)])
    return found["d"].n_unique()


def match(doj: pl.DataFrame, court: pl.DataFrame, *,
          date_tolerance_days: int = DEFAULT_TOLERANCE) -> Match:
    """Match the DOJ list ``doj`` against the court list ``court`` (both validated case
    frames) and combine them (see the module's notes). Raises ValueError for a frame
    outside the case schema, a DOJ row not found in the DOJ records (``found_in_doj``
    false) or a court row not found in the court's, or a negative tolerance."""
    _check(doj, "DOJ", "found_in_doj")
    _check(court, "court", "found_in_court")
    if isinstance(date_tolerance_days, bool) or not isinstance(date_tolerance_days, int) \
            or date_tolerance_days < 0:
        raise ValueError(f"the date tolerance is a whole number of days, 0 or more, not "
                         f"{date_tolerance_days!r}")
    whole_doj, whole_court = candidates.prepare(doj), candidates.prepare(court)
    left, right = whole_doj, whole_court
    steps = [("case", candidates.case_candidates),
             ("person_exact_date", lambda a, b: candidates.person_candidates(a, b, tolerance=0))]
    if date_tolerance_days:
        steps.append(("person_near_date", lambda a, b: candidates.person_candidates(
            a, b, tolerance=date_tolerance_days)))
    kept, repaired = [], {}
    for method, find in steps:
        pairs, left, right, repaired[method] = _step(left, right, find(left, right), method)
        kept.append(pairs)
    pairs = pl.concat(kept).sort("d")
    # rows left unmatched though a candidate existed: another pair took it
    unresolved = {"doj": _unresolved(left, whole_court, date_tolerance_days),
                  "court": _unresolved(right, whole_doj, date_tolerance_days)}
    combined = combine.combine(doj, court, pairs)
    pairs = pairs.select(doj_row="d", court_row="c", method="method",
                         date_difference="date_difference", count_differs="count_differs",
                         resolution="resolution").cast(dict(PAIRS_SCHEMA))
    return Match(combined=combined, pairs=pairs,
                 report=report.build(doj, court, pairs, unresolved, combined,
                                     date_tolerance_days, repaired))


def __dir__() -> list[str]:
    return sorted(__all__)
