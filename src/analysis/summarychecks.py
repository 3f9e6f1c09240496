"""Claims about whole criminal records, checked against an ``analysis doj`` summary.

Three published February 2020 figures need more than the dismissal list: 22,000 people
left without a felony, 15,000 with no conviction left, 2,142 convictions ruled out by
the person's other convictions (data/claims/claims.csv, facts-12 to facts-14). A case
list cannot speak to them (the reconciliation calls them "not checkable"); the summary
that ``analysis doj`` writes beside its ``cases.csv`` can, since it ran the Los Angeles
rules over whole records. :func:`apply` replaces those claims' data checks with checks
against the summary's figures; :func:`beside` finds the summary of a case list that
``analysis doj`` wrote, :func:`for_source` the one a page reads beside its data.

A summary figure from 1 to 10 is never shown (nor one whose difference from the figure
it contains is): it would describe a handful of people. The command line withholds them
here (:func:`figures`); the site hands the summary's figures to its release
(:mod:`analysis.release.summary`), whose planner withholds them with the site's other
counts, so :func:`apply` takes ``withhold=False`` there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from .claimchecks import NOT_CHECKABLE, fmt
from .disclosure import THRESHOLD
from .reconcile import Reconciliation, judge

__all__ = ["MEASURES", "NESTED", "SUMMARY_NAME", "apply", "beside", "digest", "figures",
           "for_source", "load", "run_of"]

SUMMARY_NAME = "summary.json"  # what analysis doj writes beside cases.csv
# ledger measure -> where the summary holds it, and what that figure counts
MEASURES = {
    "people_no_felony_2020": (("reliefWithCurrentEligibilityChoices", "CountSubjectsNoFelony"),
                              "people the rules leave without a felony"),
    "people_no_record_2020": (("reliefWithCurrentEligibilityChoices",
                               "CountSubjectsNoConviction"),
                              "people the rules leave with no conviction"),
    "ineligible_2020": (("lacra", "ineligibleBecauseOfOtherConvictions"),
                        "convictions the rules rule out for other convictions"),
}
# a figure contained in another (no conviction left implies no felony left)
NESTED = {"people_no_record_2020": "people_no_felony_2020"}


def load(path: str | Path) -> dict:
    """An ``analysis doj`` summary; ``ValueError`` naming the file when it is not one."""
    path = Path(path)
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable summary.json ({exc})") from None
    if not isinstance(summary, dict) or "reliefWithCurrentEligibilityChoices" not in summary:
        raise ValueError(f"{path}: not a summary written by 'analysis doj' "
                         "(no reliefWithCurrentEligibilityChoices)")
    return summary


def beside(data_path: str | Path | None) -> Path | None:
    """The summary ``analysis doj`` wrote next to the case list ``data_path``, if any."""
    if not data_path:
        return None
    candidate = Path(data_path).with_name(SUMMARY_NAME)
    return candidate if candidate.is_file() else None


def for_source(source) -> dict | None:
    """The summary ``analysis doj`` wrote beside the case list of ``source`` (an
    :class:`analysis.data.Source`); None for the project's own default list or when
    there is none. ``ValueError`` when the file there is not a summary."""
    if source is None or getattr(source, "default", False):
        return None
    found = beside(source.path)
    return load(found) if found else None


def run_of(summary: dict) -> dict[str, str]:
    """The run a summary reports: its county and compute-at date ("" when absent)."""
    return {"county": str(summary.get("county") or ""),
            "computeAt": str((summary.get("lacra") or {}).get("computeAt") or "")}


def digest(summary: dict) -> str:
    """A digest of what a page takes from ``summary`` (its figures and its run), not of
    the file: a rerun that changes only its timings or its run day changes nothing."""
    text = json.dumps([figures(summary, withhold=False), run_of(summary)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def figures(summary: dict, *, withhold: bool = True) -> dict[str, int | None]:
    """Each measure's figure in the summary; None where it is missing or (``withhold``)
    would show a count from 1 to 10 (alone, or as its difference from the figure
    containing it)."""
    out: dict[str, int | None] = {}
    for measure, ((section, key), _) in MEASURES.items():
        value = (summary.get(section) or {}).get(key)
        out[measure] = int(value) if isinstance(value, int | float) else None
    if not withhold:
        return out
    shown = dict(out)
    for measure, value in out.items():
        outer = out.get(NESTED.get(measure, ""))
        small = value is not None and 0 < value < THRESHOLD
        gap = value is not None and outer is not None and 0 < outer - value < THRESHOLD
        if small or gap:
            shown[measure] = None
    return shown


def apply(result: Reconciliation, summary: dict, label: str = SUMMARY_NAME, *,
          withhold: bool = True) -> Reconciliation:
    """``result`` with the whole-record claims checked against ``summary``; with
    ``withhold=False`` every figure is used, for a caller that withholds small ones
    itself (the site's release)."""
    known = figures(summary, withhold=withhold)
    by_id = {c.id: c for c in result.claims}
    data = []
    for check in result.data:
        claim = by_id.get(check.claim)
        if claim is None or claim.measure not in MEASURES or check.status != NOT_CHECKABLE:
            data.append(check)
            continue
        value, what = known[claim.measure], MEASURES[claim.measure][1]
        if value is None:
            data.append(dataclasses.replace(
                check, explanation=f"{label} holds no figure for it that may be shown"))
            continue
        status = judge(float(value), claim.interval, claim.strict)
        data.append(dataclasses.replace(
            check, computed=float(value), status=status, required=True,
            explanation=f"{label}: {fmt(value, claim.unit)} {what}; "
                        f"'{claim.label}' admits {claim.interval}"))
    return dataclasses.replace(result, data=data)


def __dir__() -> list[str]:
    return sorted(__all__)
