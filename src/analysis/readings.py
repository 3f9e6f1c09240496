"""Two readings of "cases": what the published totals imply if the sources' "cases" are
convictions, and if they are court cases.

The sources print the same figures as cases and as convictions ("66,000 pot cases",
"66,000 marijuana convictions"). The ledger reads them as convictions. A court case can
hold several convictions (counts), so if a figure counts cases, the convictions behind
it are the figure times the convictions per case. This module computes, under each
reading, the convictions the two motions' published figures stand for and whether the
published combined totals admit them; the convictions per case come from the data the
page counts.
"""

from __future__ import annotations

import polars as pl

from . import claims as cl
from .claimchecks import SPEC_BY_ID, Term, equal, fmt, printed_forms
from .claims import Claim
from .qualifiers import Interval

__all__ = ["CONVICTIONS", "COURT_CASES", "PARTS_CHECK", "cases_readings", "sentence"]

CONVICTIONS = "cases are convictions"
COURT_CASES = "cases are court cases"
# The two motions' figures the published totals are checked with (66,000 + about 58,000).
PARTS_CHECK = "pw-both-125k"


def _scaled(claim: Claim, factor: float) -> Term:
    iv = claim.interval
    return Term(claim.label, None if claim.face is None else claim.face * factor,
                Interval(iv.lo * factor, iv.hi * factor, iv.lo_open, iv.hi_open), (claim.id,))


def cases_readings(claims: list[Claim], per_case: dict[str, float | None]) -> pl.DataFrame:
    """One row per reading: the convictions per case it takes for each motion, the
    convictions the published figures stand for, their sum, and the status of the sum
    against each published combined total (``per_case`` maps ``feb2020`` and
    ``sep2021`` to the data's convictions per case; None when the data cannot say)."""
    by_id = cl.by_id(claims)
    spec = SPEC_BY_ID[PARTS_CHECK]
    parts = {c.batches[0]: c for c in (by_id[i] for i in spec.lhs)}
    totals = printed_forms([c for c in claims if c.measure == "convictions_both"])
    rows = []
    for reading, factors in ((CONVICTIONS, {m: 1.0 for m in parts}),
                             (COURT_CASES, per_case)):
        row: dict = {"reading": reading}
        known = all(factors.get(m) for m in parts)
        terms = [_scaled(parts[m], factors[m]) for m in parts] if known else []
        for m in parts:
            row[f"{m} convictions per case"] = factors.get(m)
            face = terms[list(parts).index(m)].face if known else None
            row[f"{m} convictions"] = None if face is None else round(face)
        if known:
            face = sum(t.face or 0 for t in terms)
            interval = terms[0].interval
            for t in terms[1:]:
                interval = interval + t.interval
            implied = Term(" + ".join(t.label for t in terms), face, interval, ())
        row["combined convictions"] = round(face) if known else None
        for total in totals:
            row[f"against {total.label}"] = equal(implied, total)[0] if known else None
        rows.append(row)
    return pl.DataFrame(rows)


def sentence(frame: pl.DataFrame) -> str:
    """What the second reading does to the combined total, in one sentence."""
    cases = frame.filter(pl.col("reading") == COURT_CASES).row(0, named=True)
    if cases["combined convictions"] is None:
        return ("The data cannot say how many convictions a court case holds, so the "
                "second reading cannot be computed.")
    verdicts = {k.removeprefix("against "): v for k, v in cases.items()
                if k.startswith("against ")}
    fits = [k for k, v in verdicts.items() if v != "inconsistent"]
    misses = [k for k, v in verdicts.items() if v == "inconsistent"]
    out = (f"Read as court cases, the two motions' figures would stand for about "
           f"{fmt(round(cases['combined convictions'], -2))} convictions")
    if misses:
        out += f", which {' and '.join(misses)} would not admit"
    if fits:
        out += f"{' and' if misses else ', which'} {' and '.join(fits)} would admit"
    return out + "."


def __dir__() -> list[str]:
    return sorted(__all__)
