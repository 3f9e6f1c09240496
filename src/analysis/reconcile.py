"""Reconciliation: every published figure checked against the others and the data.

:mod:`analysis.claimchecks` compares the claims with each other; this module computes
each claim the case data can speak to (:func:`data_checks`), builds the tables behind
the reconciliation page (:func:`cross_batch`, :func:`people_vs_convictions`,
:func:`people_by_convictions_in_motion`, :func:`waterfall`) and puts it all together
(:func:`reconcile`). A claim the data *should meet* is one it can speak to and that no
check between claims contradicts (a headline refuted by its own body is reported, not
required). ``analysis reconcile [--data PATH]`` prints the checks and exits 1 when the
data fails a claim it should meet, naming each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

from . import claims as cl
from . import qualifiers, schema, words
from .claimchecks import (
    CONSISTENT,
    INCONSISTENT,
    NOT_CHECKABLE,
    ROUNDING,
    SEVERITY,
    Check,
    claim_checks,
    disputed,
    fmt,
    printed_forms,
)
from .claims import Claim
from .qualifiers import Interval

__all__ = ["DataCheck", "PER_PERSON_BINS", "Reconciliation", "STEP_MEASURES", "compute",
           "claim_ranges", "compute_count", "cross_batch", "data_checks", "judge",
           "people_by_convictions_in_motion", "people_vs_convictions", "reconcile",
           "waterfall"]

# --- checks against the data ---------------------------------------------------------


@dataclass(frozen=True)
class DataCheck:
    claim: str
    source: str
    published: str
    unit: str
    scope: str
    admits: str
    computed: float | None
    status: str
    required: bool
    explanation: str


def _filter(key: str, values: tuple[str, ...]) -> pl.Expr:
    if key == "prosecutor":
        is_da = pl.col("prosecuting_agency").cast(pl.String) == schema.DISTRICT_ATTORNEY
        return is_da if values == ("district_attorney",) else ~is_da
    return pl.col(key).cast(pl.String).is_in(list(values))


def compute(cases: pl.DataFrame, claim: Claim) -> float | None:
    """The claim's quantity computed from ``cases``; None when the data cannot say."""
    batches = claim.batches
    if not batches or claim.unit == "cities":
        return None
    present = set(cases["batch"].cast(pl.String).unique().to_list())
    if not set(batches) <= present:
        return None
    scope = cases.filter(pl.col("batch").cast(pl.String).is_in(list(batches)))
    rows = scope.filter(*[_filter(k, v) for k, v in claim.filters]) if claim.filters else scope
    if claim.unit in ("convictions", "cases"):
        return float(rows.height)
    if claim.unit == "people":
        return float(rows["person_id"].n_unique())
    if claim.unit == "percent":
        return 100.0 * rows["person_id"].n_unique() / scope["person_id"].n_unique()
    if rows.height == 0:
        return None
    if claim.unit == "year":
        return float(rows["conviction_date"].min().year)
    if claim.unit == "years":
        return (rows["motion_date"].max() - rows["conviction_date"].min()).days / 365.2425
    return None


def compute_count(cases: pl.DataFrame, claim: Claim) -> int:
    """The count behind a claim's figure: its rows (convictions), or its distinct people
    (for people and percents: the numerator of the share)."""
    scope = cases.filter(pl.col("batch").cast(pl.String).is_in(list(claim.batches)))
    rows = scope.filter(*[_filter(k, v) for k, v in claim.filters]) if claim.filters else scope
    return rows["person_id"].n_unique() if claim.unit in ("people", "percent") else rows.height


def judge(value: float, loose: Interval, strict: Interval) -> str:
    if value in strict:
        return CONSISTENT
    return ROUNDING if value in loose else INCONSISTENT


def _explain(status: str, value: float, claim_label: str, loose: Interval, unit: str,
             figure: float | None) -> str:
    shown = fmt(value, unit)
    if status == CONSISTENT:
        return f"computed {shown}, as '{claim_label}' says"
    if status == ROUNDING:
        if figure and unit in ("convictions", "cases", "people"):
            step = qualifiers.precision(figure)
            nearer = f"about {round(value / step) * step:,.0f}"
        else:
            nearer = shown
        return f"computed {shown}: within '{claim_label}' {loose}, though {nearer} is nearer"
    nearest = min(max(value, loose.lo), loose.hi)
    gap = value - nearest
    rel = f", {gap / nearest:+.1%}" if nearest else ""
    return (f"computed {shown}: outside '{claim_label}' {loose} "
            f"({fmt(gap, unit if unit != 'year' else '')}{rel})")


def data_checks(claims: list[Claim], cases: pl.DataFrame,
                contradicted: dict[str, str] | None = None) -> list[DataCheck]:
    """Every claim the data can speak to, computed and compared; derived checks last."""
    contradicted = contradicted or {}
    out = []
    for c in claims:
        value = compute(cases, c)
        if value is None:
            if c.needs:
                reason = f"needs {c.needs}"
            elif c.batches:
                reason = "the data holds nothing this claim speaks about"
            else:
                reason = f"scope '{c.scope}' is outside the dismissal lists"
            out.append(DataCheck(c.id, c.source, c.label, c.unit, c.scope, str(c.interval),
                                 None, NOT_CHECKABLE, False, reason))
            continue
        status = judge(value, c.interval, c.strict)
        why = _explain(status, value, c.label, c.interval, c.unit, c.figure)
        required = c.id not in contradicted
        if not required:
            why = f"not required (contradicted, see {contradicted[c.id]}); {why}"
        out.append(DataCheck(c.id, c.source, c.label, c.unit, c.scope, str(c.interval),
                             value, status, required, why))
    return out + _derived(cl.by_id(claims), cases)


def _derived(claims: dict[str, Claim], cases: pl.DataFrame) -> list[DataCheck]:
    """Figures no source prints but the published ones imply."""
    out = []
    total, felonies = claims.get("facts-15"), claims.get("facts-17")
    present = set(cases["batch"].cast(pl.String).unique().to_list())
    if total and felonies:
        loose = total.interval - felonies.interval
        strict = total.strict - felonies.strict
        label = f"{total.label} − {felonies.label} (the rest: misdemeanors)"
        if "sep2021" in present:
            value = float(cases.filter(
                (pl.col("batch") == "sep2021") & (pl.col("charge_level") == "misdemeanor")
                & _filter("prosecutor", ("district_attorney",))).height)
            status = judge(value, loose, strict)
            out.append(DataCheck("derived-01", "facts", label, "convictions", "2021 batch",
                                 str(loose), value, status, True,
                                 _explain(status, value, "the rest", loose, "convictions",
                                          None)))
        else:
            out.append(DataCheck("derived-01", "facts", label, "convictions", "2021 batch",
                                 str(loose), None, NOT_CHECKABLE, False,
                                 "the data holds no 2021 batch"))
    label = "no conviction in both motions (the totals add the two)"
    if present >= {"feb2020", "sep2021"}:
        value = float(cross_batch(cases).row(0, named=True)["value"])
        status = CONSISTENT if value == 0 else INCONSISTENT
        why = ("no case number and count appears in both motions" if value == 0 else
               f"{value:,.0f} convictions appear in both motions; the combined total counts "
               "them twice")
        out.append(DataCheck("derived-02", "facts", label, "convictions", "both batches",
                             "[0, 0]", value, status, True, why))
    else:
        out.append(DataCheck("derived-02", "facts", label, "convictions", "both batches",
                             "[0, 0]", None, NOT_CHECKABLE, False,
                             "the data holds only one batch"))
    return out


# --- tables for the page -------------------------------------------------------------


def cross_batch(cases: pl.DataFrame) -> pl.DataFrame:
    """Convictions and people found in both motions (the first row is the key match)."""
    feb = cases.filter(pl.col("batch") == "feb2020")
    sep = cases.filter(pl.col("batch") == "sep2021")
    same_key = feb.join(sep, on=["case_id", "count"], how="semi").height
    same_content = (
        feb
        # the same person, conviction date and code section in both lists
        .select("person_id", "conviction_date", "hs_section")
        .unique()
        .join(sep.select("person_id", "conviction_date", "hs_section").unique(),
              on=["person_id", "conviction_date", "hs_section"], how="semi")
        .height
    )
    people_feb = set(feb["person_id"].to_list())
    people_sep = set(sep["person_id"].to_list())
    rows = [
        ("convictions in both motions (same case number and count)", same_key),
        ("convictions in both motions (same person, date and code section)", same_content),
        ("people in both motions", len(people_feb & people_sep)),
        ("people only in the February 2020 motion", len(people_feb - people_sep)),
        ("people only in the September 2021 motion", len(people_sep - people_feb)),
        ("people in either motion", len(people_feb | people_sep)),
    ]
    return pl.DataFrame(rows, schema={"measure": pl.String, "value": pl.Int64}, orient="row")


def people_vs_convictions(cases: pl.DataFrame) -> pl.DataFrame:
    """Convictions, cases and people per motion and for both."""
    def row(frame: pl.DataFrame, label: str) -> dict:
        people = frame["person_id"].n_unique()
        return {"motion": label, "convictions": frame.height,
                "cases": frame.select("batch", "case_id").n_unique(), "people": people,
                "convictions_per_person": frame.height / people if people else None}

    rows = [row(cases.filter(pl.col("batch") == b), words.motion_with_records(b))
            for b in schema.BATCHES if (cases["batch"] == b).any()]
    rows.append(row(cases, "both motions"))
    return pl.DataFrame(rows)


PER_PERSON_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"),
                   (11, 1_000_000, "11 or more"))


def people_by_convictions_in_motion(cases: pl.DataFrame) -> pl.DataFrame:
    """People by how many convictions they hold in each motion, in bins."""
    label = pl.lit(None, pl.String)
    for lo, hi, name in reversed(PER_PERSON_BINS):
        label = pl.when(pl.col("convictions").is_between(lo, hi)).then(pl.lit(name)) \
            .otherwise(label)
    return (
        cases
        # convictions each person holds in each motion
        .group_by("batch", "person_id")
        .agg(convictions=pl.len())
        # bin the counts so no small group stands out
        .with_columns(held=label)
        .group_by("batch", "held")
        .agg(people=pl.len())
        # readable motion names, bins in order
        .with_columns(motion=pl.col("batch").cast(pl.String).replace(
                          {b: words.motion_with_records(b) for b in schema.BATCHES}),
                      order=pl.col("held").replace_strict(
                          {b[2]: i for i, b in enumerate(PER_PERSON_BINS)}))
        .sort("batch", "order")
        .select("motion", "held", "people")
    )


STEP_MEASURES = {"February 2020 motion": "convictions_2020",
                 "September 2021 motion": "convictions_2021",
                 "combined total": "convictions_both"}


def waterfall(cases: pl.DataFrame, claims: list[Claim]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Steps (start, end) from the 2020 count through the 2021 count to the total, and
    the published claims' intervals placed on them."""
    feb = float((cases["batch"] == "feb2020").sum())
    sep = float((cases["batch"] == "sep2021").sum())
    twice = float(cross_batch(cases).row(0, named=True)["value"]) if feb and sep else 0.0
    steps = [("February 2020 motion", 0.0, feb), ("September 2021 motion", feb, feb + sep)]
    if twice:
        steps.append(("counted in both", feb + sep, feb + sep - twice))
    steps.append(("combined total", 0.0, feb + sep - twice))
    step_frame = pl.DataFrame(steps, schema={"step": pl.String, "start": pl.Float64,
                                             "end": pl.Float64}, orient="row",
                              ).with_columns(value=pl.col("end") - pl.col("start"))
    return step_frame, claim_ranges(claims, feb)


def claim_ranges(claims: list[Claim], feb: float) -> pl.DataFrame:
    """Each published figure's interval placed on its step of the waterfall: the 2021
    figures on top of the 2020 count ``feb``."""
    offsets = {"February 2020 motion": 0.0, "September 2021 motion": feb, "combined total": 0.0}
    rows = []
    for step, measure in STEP_MEASURES.items():
        for t in printed_forms([c for c in claims if c.measure == measure]):
            iv = t.interval
            if math.isinf(iv.hi):
                continue
            rows.append({"step": step, "claim": t.label, "sources": ", ".join(t.ids),
                         "lo": offsets[step] + iv.lo, "hi": offsets[step] + iv.hi,
                         "admits": str(iv)})
    return pl.DataFrame(rows)


# --- the whole reconciliation --------------------------------------------------------


@dataclass
class Reconciliation:
    claims: list[Claim]
    checks: list[Check]
    data: list[DataCheck] = field(default_factory=list)

    @property
    def failures(self) -> list[DataCheck]:
        return [d for d in self.data if d.required and d.status == INCONSISTENT]

    def claim_status(self) -> dict[str, str]:
        """Each claim's worst status among the checks it takes part in.

        When a check names the odd one out, the other claims take the status they have
        among themselves; a claim is 'not checkable' only when every check of it is.
        """
        worst: dict[str, str] = {}
        for check in self.checks:
            for cid in check.claims:
                status = check.status
                if check.suspects and cid not in check.suspects:
                    status = check.others or status
                if cid not in worst or SEVERITY[status] > SEVERITY[worst[cid]]:
                    worst[cid] = status
        return worst


def reconcile(cases: pl.DataFrame | None, claims: list[Claim] | None = None) -> Reconciliation:
    """Check the ledger against itself and, when ``cases`` is given, against the data."""
    claims = claims if claims is not None else cl.load()
    checks = claim_checks(claims)
    data = data_checks(claims, cases, disputed(checks)) if cases is not None else []
    return Reconciliation(claims, checks, data)


def __dir__() -> list[str]:
    return sorted(__all__)
