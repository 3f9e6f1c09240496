"""The matching's report: counts only, never an identifier, as a dict and in words.

:func:`build` counts the rows of each list, the pairs of each method, the match rate of
each list (the share of its rows matched), the contested pairs by the rule that settled
them, the groups of rivals re-paired to hold more pairs than the greedy order gave, the
rows left unmatched (and how many of those had a candidate that another pair took),
the cells of the combined list, and how many person and case ids the two lists
share at all: none usually means the two lists were not made under the same salt.
:func:`describe` says the same in sentences, as ``analysis match`` prints it.
"""

from __future__ import annotations

import polars as pl

__all__ = ["METHODS", "METHOD_WORDS", "build", "describe"]

METHODS = ("case", "person_exact_date", "person_near_date")
METHOD_WORDS = {
    "case": "by case number and courthouse",
    "person_exact_date": "by person, section and the same conviction date",
    "person_near_date": "by person, section and a conviction date within the tolerance",
}
_CONTESTED = ("closest date", "same count number", "stable order", "most pairs")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


def _shared(doj: pl.DataFrame, court: pl.DataFrame, column: str) -> int:
    """How many distinct values of ``column`` both lists hold."""
    return doj.select(column).unique().join(court.select(column).unique(), on=column,
                                            how="inner").height


def build(doj: pl.DataFrame, court: pl.DataFrame, pairs: pl.DataFrame,
          unresolved: dict[str, int], combined: pl.DataFrame, tolerance: int,
          repaired: dict[str, dict] | None = None) -> dict:
    """The report of a matching (see the module's notes); ``repaired`` holds, per
    method, what :func:`analysis.matching.maximum.repair` did."""
    repaired = {m: (repaired or {}).get(m, {"groups": 0, "pairs_gained": 0, "too_large": 0})
                for m in METHODS}
    method = {m: int((pairs["method"] == m).sum()) for m in METHODS}
    contested = pairs.filter(pl.col("resolution") != "unique")
    by_rule = {m: {r: contested.filter((pl.col("method") == m) & (pl.col("resolution") == r))
                   .height for r in _CONTESTED} for m in METHODS}
    doj_flag, court_flag = pl.col("found_in_doj"), pl.col("found_in_court")
    cells = combined.select(both=(doj_flag & court_flag).sum(),
                            doj_only=(doj_flag & ~court_flag).sum(),
                            court_only=(~doj_flag & court_flag).sum()).row(0, named=True)
    court_only = combined.slice(doj.height)
    return {
        "date_tolerance_days": tolerance,
        "rows": {"doj": doj.height, "court": court.height},
        "matched": {"total": pairs.height, "by_method": method},
        "match_rate": {"doj": _rate(pairs.height, doj.height),
                       "court": _rate(pairs.height, court.height)},
        "ambiguous": {"total": contested.height,
                      "by_resolution": {r: sum(by_rule[m][r] for m in METHODS)
                                        for r in _CONTESTED},
                      "by_method": by_rule,
                      "repaired": {k: sum(r[k] for r in repaired.values())
                                   for k in ("groups", "pairs_gained", "too_large")}
                      | {"by_method": repaired}},
        "unmatched": {"doj": doj.height - pairs.height, "court": court.height - pairs.height,
                      "unresolved": dict(unresolved)},
        "combined": {"rows": combined.height, **{k: int(v) for k, v in cells.items()},
                     "court_feb2020_unmatched":
                     int((court_only["batch"] == "feb2020").sum())},
        "shared_ids": {"person": _shared(doj, court, "person_id"),
                       "case": _shared(doj, court, "case_id")},
    }


def _percent(rate: float | None) -> str:
    return "no rows" if rate is None else f"{rate:.1%}"


def describe(report: dict) -> list[str]:
    """The report in sentences, one per line."""
    rows, matched, rate = report["rows"], report["matched"], report["match_rate"]
    lines = [f"DOJ list: {rows['doj']:,} rows; court list: {rows['court']:,} rows.",
             f"Matched {matched['total']:,} convictions: "
             f"{_percent(rate['doj'])} of the DOJ list, {_percent(rate['court'])} of the "
             "court list."]
    lines += [f"  {n:,} {METHOD_WORDS[m]}" + (f" ({report['date_tolerance_days']} days)"
                                              if m == "person_near_date" else "")
              for m, n in matched["by_method"].items()]
    ambiguous = report["ambiguous"]
    lines.append(f"{ambiguous['total']:,} matches had a rival candidate; settled by "
                 + ", ".join(f"{r}: {n:,}" for r, n in ambiguous["by_resolution"].items())
                 + ".")
    repaired = ambiguous["repaired"]
    if repaired["groups"]:
        lines.append(f"  {repaired['groups']:,} groups of rivals were re-paired to hold the "
                     f"most pairs: {repaired['pairs_gained']:,} more than the order alone "
                     "gave.")
    if repaired["too_large"]:
        lines.append(f"  {repaired['too_large']:,} groups were too large to re-pair exactly "
                     "and kept the order's pairs.")
    unmatched = report["unmatched"]
    lines.append(f"Unmatched: {unmatched['doj']:,} DOJ rows, {unmatched['court']:,} court "
                 f"rows; of these {unmatched['unresolved']['doj']:,} DOJ and "
                 f"{unmatched['unresolved']['court']:,} court rows had a candidate, but "
                 "another pair took each (in an earlier step, or where no pairing could "
                 "hold more).")
    combined = report["combined"]
    lines.append(f"Combined list: {combined['rows']:,} rows ({combined['both']:,} in both "
                 f"lists, {combined['doj_only']:,} in the DOJ list only, "
                 f"{combined['court_only']:,} in the court list only).")
    if combined["court_feb2020_unmatched"]:
        lines.append(f"Note: {combined['court_feb2020_unmatched']:,} court rows of the "
                     "February 2020 batch matched no DOJ row; they are kept as found in "
                     "both lists. Check that both lists share their case and person keys.")
    shared = report["shared_ids"]
    both = rows["doj"] and rows["court"]
    if both and not shared["person"]:
        lines.append("Note: the lists share no person id at all. Were both made under the "
                     "same id salt (LACRA_ID_SALT), from the same columns?")
    if both and not shared["case"]:
        lines.append("Note: the lists share no case id, so no row could match by case. "
                     "Both must hash the same court case number under the same salt.")
    return lines


def __dir__() -> list[str]:
    return sorted(__all__)
