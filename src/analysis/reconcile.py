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

__all__ = ["ClaimCounts", "DataCheck", "PER_PERSON_BINS", "Reconciliation", "STEP_MEASURES",
           "compute", "claim_ranges", "compute_count", "cross_batch", "data_checks", "judge",
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
    # compared in the column's own type (an Enum matches its categories by name), never
    # cast to text row by row
    if key == "prosecutor":
        is_da = pl.col("prosecuting_agency") == schema.DISTRICT_ATTORNEY
        return is_da if values == ("district_attorney",) else ~is_da
    return pl.col(key).is_in(list(values))


_MEASURES = {"rows": pl.len(), "people": pl.col("person_id").n_unique(),
             "first": pl.col("conviction_date").min(), "last": pl.col("motion_date").max()}


class ClaimCounts:
    """What the claims ask of one case list, each figure computed once: the rows, the
    distinct people, the first conviction and the last motion of a scope (motions and
    filters), read through only the columns each needs (many claims share a scope)."""

    def __init__(self, cases: pl.DataFrame) -> None:
        self.cases = cases
        self.present = set(cases["batch"].unique().cast(pl.String).to_list())
        self._memo: dict[tuple, object] = {}
        self._cross: pl.DataFrame | None = None

    def get(self, batches: tuple[str, ...], filters: tuple = (), measure: str = "rows"):
        key = (tuple(batches), tuple(filters), measure)
        if key not in self._memo:
            where = [pl.col("batch").is_in(list(batches)), *(_filter(k, v) for k, v in filters)]
            self._memo[key] = self.cases.lazy().filter(*where).select(
                _MEASURES[measure]).collect().item()
        return self._memo[key]

    def cross_batch(self) -> pl.DataFrame:
        if self._cross is None:
            self._cross = cross_batch(self.cases)
        return self._cross


def compute(cases: pl.DataFrame, claim: Claim,
            counts: ClaimCounts | None = None) -> float | None:
    """The claim's quantity computed from ``cases``; None when the data cannot say.
    ``counts`` (of ``cases``) keeps figures that several claims share."""
    batches = claim.batches
    if not batches or claim.unit == "cities":
        return None
    counts = counts or ClaimCounts(cases)
    if not set(batches) <= counts.present:
        return None

    def of(measure: str):
        return counts.get(batches, claim.filters, measure)

    if claim.unit in ("convictions", "cases"):
        return float(of("rows"))
    if claim.unit == "people":
        return float(of("people"))
    if claim.unit == "percent":
        return 100.0 * of("people") / counts.get(batches, (), "people")
    if of("rows") == 0:
        return None
    if claim.unit == "year":
        return float(of("first").year)
    if claim.unit == "years":
        return (of("last") - of("first")).days / 365.2425
    return None


def compute_count(cases: pl.DataFrame, claim: Claim,
                  counts: ClaimCounts | None = None) -> int:
    """The count behind a claim's figure: its rows (convictions), or its distinct people
    (for people and percents: the numerator of the share)."""
    counts = counts or ClaimCounts(cases)
    return counts.get(claim.batches, claim.filters,
                      "people" if claim.unit in ("people", "percent") else "rows")


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
                contradicted: dict[str, str] | None = None,
                counts: ClaimCounts | None = None) -> list[DataCheck]:
    """Every claim the data can speak to, computed and compared; derived checks last."""
    contradicted = contradicted or {}
    counts = counts or ClaimCounts(cases)
    out = []
    for c in claims:
        value = compute(cases, c, counts)
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
    return out + _derived(cl.by_id(claims), counts)


def _derived(claims: dict[str, Claim], counts: ClaimCounts) -> list[DataCheck]:
    """Figures no source prints but the published ones imply."""
    out = []
    total, felonies = claims.get("facts-15"), claims.get("facts-17")
    present = counts.present
    if total and felonies:
        loose = total.interval - felonies.interval
        strict = total.strict - felonies.strict
        label = f"{total.label} − {felonies.label} (the rest: misdemeanors)"
        if "sep2021" in present:
            value = float(counts.get(("sep2021",), (("charge_level", ("misdemeanor",)),
                                                    ("prosecutor", ("district_attorney",)))))
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
        value = float(counts.cross_batch().row(0, named=True)["value"])
        status = CONSISTENT if value == 0 else INCONSISTENT
        why = ("no case number and count appears in both motions" if value == 0 else
               f"{value:,.0f} convictions appear in both motions; the combined total counts "
               "them twice")
        out.append(DataCheck("derived-02", "facts", label, "convictions", "both batches",
                             "exactly 0", value, status, True, why))
    else:
        out.append(DataCheck("derived-02", "facts", label, "convictions", "both batches",
                             "exactly 0", None, NOT_CHECKABLE, False,
                             "the data holds only one batch"))
    return out


# --- tables for the page -------------------------------------------------------------


def cross_batch(cases: pl.DataFrame) -> pl.DataFrame:
    """Convictions and people found in both motions (the first row is the key match)."""
    feb = cases.lazy().filter(pl.col("batch") == "feb2020")
    sep = cases.lazy().filter(pl.col("batch") == "sep2021")
    content = ["person_id", "conviction_date", "hs_section"]
    people_feb, people_sep = (f.select("person_id").unique() for f in (feb, sep))
    same_key, same_content, n_feb, n_sep, n_both = (f.item() for f in pl.collect_all([
        feb.join(sep, on=["case_id", "count"], how="semi").select(pl.len()),
        # the same person, conviction date and code section in both lists
        feb.select(content).unique().join(sep.select(content).unique(), on=content,
                                          how="semi").select(pl.len()),
        people_feb.select(pl.len()), people_sep.select(pl.len()),
        people_feb.join(people_sep, on="person_id", how="semi").select(pl.len()),
    ]))
    rows = [
        ("convictions in both motions (same case number and count)", same_key),
        ("convictions in both motions (same person, date and code section)", same_content),
        ("people in both motions", n_both),
        ("people only in the February 2020 motion", n_feb - n_both),
        ("people only in the September 2021 motion", n_sep - n_both),
        ("people in either motion", n_feb + n_sep - n_both),
    ]
    return pl.DataFrame(rows, schema={"measure": pl.String, "value": pl.Int64}, orient="row")


def people_vs_convictions(cases: pl.DataFrame) -> pl.DataFrame:
    """Convictions, cases and people per motion and for both."""
    def row(where: pl.Expr, label: str) -> dict:
        # only the three columns counted are read
        height, cases_, people = cases.lazy().filter(where).select(
            pl.len(), pl.struct("batch", "case_id").n_unique(),
            pl.col("person_id").n_unique()).collect().row(0)
        return {"motion": label, "convictions": height, "cases": cases_, "people": people,
                "convictions_per_person": height / people if people else None}

    rows = [row(pl.col("batch") == b, words.motion_with_records(b))
            for b in schema.BATCHES if (cases["batch"] == b).any()]
    rows.append(row(pl.lit(True), "both motions"))
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


def claim_ranges(claims: list[Claim], feb: float = 0.0) -> pl.DataFrame:
    """Each published figure's interval placed on its step of the waterfall: the 2021
    figures on top of the 2020 count ``feb`` (at 0, each over its own quantity, as the
    reconciliation page draws them)."""
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
    # the figures computed from the data, for tables that show what a check rests on
    counts: ClaimCounts | None = field(default=None, repr=False, compare=False)

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
    if cases is None:
        return Reconciliation(claims, checks)
    counts = ClaimCounts(cases)
    return Reconciliation(claims, checks, data_checks(claims, cases, disputed(checks), counts),
                          counts)


def __dir__() -> list[str]:
    return sorted(__all__)
