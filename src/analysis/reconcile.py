"""Reconciliation: every published figure checked against the others and against the data.

Three kinds of check, each with one of four statuses:

``consistent``
    the claims agree at face value: each side's printed figure is admitted by the
    other's interval (62,000 + 3,700 against 66,000), or the data gives what a careful
    writer would have printed;
``consistent within rounding``
    the printed figures differ, but some values are admitted by every claim involved
    (66,000 + 58,000 = 124,000 against "nearly 125,000" is fine; "nearly 60,000" in a
    headline against "approximately 58,000" in the body);
``inconsistent``
    no value is admitted by every claim involved;
``not checkable``
    the claims measure different things, or a needed figure was never published, or the
    data holds nothing the claim speaks about.

1. :func:`claim_checks`: part-whole identities, shares summing, people against
   convictions, each headline against its own body, and every figure printed for the
   same quantity by different sources.
2. :func:`data_checks`: each claim the case data can speak to, computed from the data.
   A claim the data *should meet* is one the data can speak to and that no
   claim-against-claim check contradicts (a headline refuted by its own body is
   reported, not required).
3. :func:`cross_batch`, :func:`people_vs_convictions`, :func:`waterfall`: the tables
   behind the reconciliation page.

``analysis reconcile [--data PATH]`` prints the checks and exits 1 when the data fails
a claim it should meet, naming each.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from . import claims as cl
from . import paths, schema
from .claims import Claim, Interval

CONSISTENT = "consistent"
ROUNDING = "consistent within rounding"
INCONSISTENT = "inconsistent"
NOT_CHECKABLE = "not checkable"
STATUSES = (CONSISTENT, ROUNDING, INCONSISTENT, NOT_CHECKABLE)
# Worse statuses win when a claim takes part in several checks; "not checkable" only
# stands when no check could say anything.
_SEVERITY = {NOT_CHECKABLE: -1, CONSISTENT: 0, ROUNDING: 1, INCONSISTENT: 3}

HEADLINES = ("headline", "subheadline")
BODY = ("lede", "body", "quote", "facts")


# --- terms: claims and their sums ----------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One side of a comparison: a claim, a sum of claims or a reference figure."""

    label: str
    face: float | None
    interval: Interval
    ids: tuple[str, ...]


def term(claims: Iterable[Claim]) -> Term:
    claims = list(claims)
    faces = [c.face for c in claims]
    total = claims[0].interval
    for c in claims[1:]:
        total = total + c.interval
    return Term(" + ".join(c.label for c in claims),
                None if None in faces else sum(faces), total, tuple(c.id for c in claims))


def constant(value: float, label: str) -> Term:
    return Term(label, value, Interval(value, value), ())


def fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "?"
    if unit == "percent":
        return f"{x:.1f}%"
    if unit == "year":
        return str(int(x))
    if unit == "years":
        return f"{x:.1f} years"
    if math.isinf(x):
        return "∞"
    return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.1f}"


def _face_in(a: Term, b: Term) -> bool:
    """``a`` at face value is admitted by ``b`` (lower-bound phrases pass by overlap)."""
    if a.face is None:
        return a.interval.overlaps(b.interval)
    return a.face in b.interval.closure


def equal(a: Term, b: Term) -> tuple[str, str]:
    """Status and explanation of ``a = b``."""
    if _face_in(a, b) and _face_in(b, a):
        return CONSISTENT, f"{a.label} makes {fmt(a.face)}, which {b.label} admits"
    common = a.interval.intersect(b.interval)
    if not common.empty:
        return ROUNDING, (f"at face value {fmt(a.face)} against {fmt(b.face)}, but both "
                          f"admit {common}")
    return INCONSISTENT, (f"{a.label} admits {a.interval}, {b.label} admits {b.interval}: "
                          "no value fits both")


def at_most(a: Term, b: Term) -> tuple[str, str]:
    """Status and explanation of ``a <= b`` (a part within its whole)."""
    fa = a.face if a.face is not None else a.interval.lo
    fb = b.face if b.face is not None else b.interval.hi
    if fa <= fb:
        shown = fmt(fa) if a.face is not None else f"at least {fmt(fa)}"
        return CONSISTENT, f"{a.label} ({shown}) fits within {b.label} ({fmt(fb)})"
    if a.interval.lo <= b.interval.hi:
        return ROUNDING, (f"{fmt(fa)} exceeds {fmt(fb)} at face value, but "
                          f"{a.interval} and {b.interval} leave room")
    return INCONSISTENT, f"{a.label} (at least {fmt(a.interval.lo)}) cannot fit within " \
        f"{b.label} (at most {fmt(b.interval.hi)})"


def group(terms: list[Term]) -> tuple[str, str, tuple[str, ...]]:
    """Status, explanation and suspects of several figures for one quantity."""
    labels = "; ".join(t.label for t in terms)
    if all(_face_in(a, b) for a, b in itertools.permutations(terms, 2)):
        return CONSISTENT, f"{labels}: all agree at face value", ()
    common = _intersection(terms)
    if not common.empty:
        return ROUNDING, f"{labels}: differ at face value, all admit {common}", ()
    for k in range(1, len(terms)):
        fits = [drop for drop in itertools.combinations(range(len(terms)), k)
                if not _intersection([t for i, t in enumerate(terms) if i not in drop]).empty]
        if fits:
            break
    suspects: tuple[str, ...] = ()
    if len(fits) == 1:
        out = [terms[i] for i in fits[0]]
        rest = [t for i, t in enumerate(terms) if i not in fits[0]]
        suspects = tuple(i for t in out for i in t.ids)
        odd = "; ".join(f"{t.label} ({', '.join(t.ids)})" for t in out)
        return INCONSISTENT, (f"no value fits all of {labels}; without {odd} the rest "
                              f"agree on {_intersection(rest)}"), suspects
    return INCONSISTENT, f"no value fits all of {labels}", suspects


def _others(terms: list[Term], suspects: tuple[str, ...]) -> str | None:
    """Status of ``terms`` without the suspects (None when there are none)."""
    if not suspects:
        return None
    rest = [t for t in terms if not set(t.ids) & set(suspects)]
    return group(rest)[0] if len(rest) > 1 else CONSISTENT


def _intersection(terms: list[Term]) -> Interval:
    out = terms[0].interval
    for t in terms[1:]:
        out = out.intersect(t.interval)
    return out


# --- checks between claims -----------------------------------------------------------


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    topic: str
    claims: tuple[str, ...]
    status: str
    explanation: str
    suspects: tuple[str, ...] = ()
    others: str | None = None  # status of the other claims once the suspects are set aside


@dataclass(frozen=True)
class _Spec:
    """An explicit check: ``relation`` is '=', '<=' or 'n/a'."""

    id: str
    kind: str
    topic: str
    lhs: tuple[str, ...]
    relation: str
    rhs: tuple[str, ...] = ()
    reference: tuple[float, str] | None = None  # a figure from outside the ledger
    note: str = ""
    rest: bool = False  # report what the whole leaves for the rest


# The identities and bounds the published figures should satisfy.
SPECS: tuple[_Spec, ...] = (
    _Spec("pw-2020-lacey", "part-whole", "2020: felonies + misdemeanors = total (Lacey report)",
          ("feb2020-03", "feb2020-05"), "=", ("feb2020-02",),
          note="the parts add up to exactly the figure the headline says is not quite reached"),
    _Spec("pw-2020-facts", "part-whole", "2020: 62,000 + about 4,000 against about 66,000",
          ("facts-03", "facts-05"), "=", ("entrepreneur-06",)),
    _Spec("pw-2020-precise", "part-whole", "2020: 62,000 + 3,700 against the bare 66,000",
          ("facts-03", "facts-06"), "=", ("upi-07",)),
    _Spec("pw-2021-facts", "part-whole", "2021: about 20,000 felonies + the rest = about 58,000",
          ("facts-17",), "<=", ("facts-15",), rest=True,
          note="the rest are misdemeanors, a figure no source prints"),
    _Spec("pw-2021-upi", "part-whole", "2021: approximately 20,000 felonies within "
          "approximately 58,000 (UPI)", ("upi-06",), "<=", ("upi-03",), rest=True),
    _Spec("pw-2021-leafnation", "part-whole", "2021: about 20,000 felonies within about "
          "60,000 (Leaf Nation)", ("leafnation-08",), "<=", ("leafnation-03",), rest=True),
    _Spec("pw-both-blog", "part-whole", "both: nearly 66,000 + approximately 58,000 against "
          "nearly 125,000 (one article)", ("blog-05", "blog-06"), "=", ("blog-07",)),
    _Spec("pw-both-entrepreneur", "part-whole", "both: about 66,000 + nearly 58,000 against "
          "more than 123,000 (one article)", ("entrepreneur-06", "entrepreneur-04"), "=",
          ("entrepreneur-10",)),
    _Spec("pw-both-125k", "part-whole", "both: 66,000 + about 58,000 against nearly 125,000",
          ("upi-07", "facts-15"), "=", ("blog-07",)),
    _Spec("pw-both-123k", "part-whole", "both: 66,000 + about 58,000 against more than "
          "123,000", ("upi-07", "facts-15"), "=", ("entrepreneur-02",)),
    _Spec("shares-lacey", "shares", "2020 race shares (Lacey report) within 100%",
          ("feb2020-08", "feb2020-09", "feb2020-10"), "<=", reference=(100, "100%"),
          note="the other groups are left unstated"),
    _Spec("shares-facts", "shares", "2020 race shares (facts) sum to 100%",
          ("facts-08", "facts-09", "facts-10", "facts-11"), "=", reference=(100, "100%")),
    _Spec("shares-entrepreneur", "shares", "2020 race shares in words (Entrepreneur) "
          "within 100%", ("entrepreneur-07", "entrepreneur-08", "entrepreneur-09"), "<=",
          reference=(100, "100%")),
    _Spec("people-2020-lacey", "people vs convictions", "2020: people within convictions "
          "(Lacey report)", ("feb2020-07",), "<=", ("feb2020-02",),
          note="about 1.25 convictions per person"),
    _Spec("people-2020-entrepreneur", "people vs convictions", "2020: about 53,000 people "
          "behind the 66,000 cases", ("entrepreneur-12",), "<=", ("entrepreneur-11",)),
    _Spec("people-2020-outcomes", "people vs convictions", "2020: people left without a "
          "felony + with no record, within all people", ("facts-12", "facts-13"), "<=",
          ("facts-07",), note="holds whether or not the two groups overlap"),
    _Spec("people-2021", "people vs convictions", "2021: people within convictions",
          ("entrepreneur-03",), "<=", ("facts-15",),
          note="only a lower bound ('tens of thousands') is published for 2021 people"),
    _Spec("people-statewide", "people vs convictions", "statewide: people within eligible "
          "convictions", ("facts-19",), "<=", ("facts-18",)),
    _Spec("people-harmed", "people vs convictions", "over 100,000 Angelenos harmed against "
          "the people on both lists", ("leafnation-11", "feb2020-07"), "n/a",
          note="people harmed by enforcement are a wider group than those on the lists, "
          "and the number of 2021 people was never published"),
    _Spec("cities", "definitions", "cities prosecuting their own misdemeanors + the others "
          "= every city", ("facts-01", "facts-02"), "=",
          reference=(len(schema.CITIES), "the 88 cities of data/reference/jurisdictions.csv")),
    _Spec("statewide-2023", "across sources", "statewide: 2023 cleared + outstanding "
          "against the 2018 estimate", ("facts-20", "facts-21"), "=", ("facts-18",),
          note="a count made after the review exceeds the estimate made before it"),
    _Spec("la-2023", "across sources", "LA County in the 2023 state report against the "
          "2020 motion", ("facts-22",), "=", ("upi-07",),
          note="the state count matches the 2020 (DOJ-found) motion alone, so it appears "
          "to leave out the 2021 convictions found only in court records"),
    _Spec("ineligible-outstanding", "across sources", "2,142 found ineligible in 2020 "
          "against 2,232 outstanding in 2023", ("facts-14", "facts-23"), "n/a",
          note="close figures for different things: convictions ruled out in 2020 and "
          "convictions not yet cleared in 2023"),
    _Spec("statewide-parts", "part-whole", "statewide estimate holds LA 2020 + San Francisco",
          ("upi-07", "leafnation-07"), "<=", ("feb2020-11",)),
    _Spec("clear-my-record", "part-whole", "Clear My Record's statewide tally holds LA 2020",
          ("feb2020-02",), "<=", ("feb2020-12",),
          note="the same report says LA County worked with the service"),
)


def _explicit(claims: dict[str, Claim]) -> list[Check]:
    out = []
    for s in SPECS:
        ids = s.lhs + s.rhs
        lhs = term(claims[i] for i in s.lhs)
        if s.relation == "n/a":
            out.append(Check(s.id, s.kind, s.topic, ids, NOT_CHECKABLE, s.note))
            continue
        rhs = constant(*s.reference) if s.reference else term(claims[i] for i in s.rhs)
        status, why = (equal if s.relation == "=" else at_most)(lhs, rhs)
        if s.rest:
            left = rhs.interval - lhs.interval
            why += f"; leaves {fmt(rhs.face - lhs.face)} ({left}) for the rest"
        if s.note:
            why += f"; {s.note}"
        out.append(Check(s.id, s.kind, s.topic, ids, status, why))
    return out


def _forms(claims: list[Claim]) -> list[Term]:
    """Distinct printed forms (figure and qualifier) among ``claims``, precise ones
    only when there are any."""
    forms: dict[tuple, list[Claim]] = {}
    for c in claims:
        forms.setdefault((c.qualifier, c.figure, c.figure_high, c.printed), []).append(c)
    terms = [Term(cs[0].label, cs[0].face, cs[0].interval, tuple(c.id for c in cs))
             for cs in forms.values()]
    precise = [t for t in terms if t.face is not None]
    return precise or terms


def _generated(claims: list[Claim]) -> list[Check]:
    out: list[Check] = []
    by_measure: dict[str, list[Claim]] = {}
    for c in claims:
        by_measure.setdefault(c.measure, []).append(c)
    for measure, group_claims in by_measure.items():
        # each headline against its own article's body
        for source in dict.fromkeys(c.source for c in group_claims):
            mine = [c for c in group_claims if c.source == source]
            heads = _forms([c for c in mine if c.position in HEADLINES])
            body = _forms([c for c in mine if c.position in BODY])
            if heads and body:
                for h in heads:
                    others = [b for b in body if b.label != h.label]
                    if others:
                        status, why, suspects = group([h, *others])
                    else:
                        status, why, suspects = CONSISTENT, f"the body repeats {h.label}", ()
                    if status == INCONSISTENT:
                        ratio = h.face / others[0].face if h.face and others[0].face \
                            else None
                        why = (f"the {_position(mine, h)} says {h.label} ({h.interval}) but "
                               f"the body says {'; '.join(b.label for b in others)} "
                               f"({others[0].interval})" +
                               (f": the headline is {ratio:.0%} of the body's figure"
                                if ratio else ""))
                        suspects = h.ids
                    out.append(Check(f"hb-{h.ids[0]}", "headline vs body",
                                     f"{measure}: {source} {_position(mine, h)} against "
                                     "its body", h.ids + tuple(i for b in body for i in b.ids),
                                     status, why, suspects, _others(body, suspects)))
            elif len(body) > 1:
                status, why, suspects = group(body)
                out.append(Check(f"wa-{source}-{measure}", "within article",
                                 f"{measure}: figures within {source}",
                                 tuple(i for b in body for i in b.ids), status, why, suspects,
                                 _others(body, suspects)))
        # every source that prints a figure for the same quantity
        if len({c.source for c in group_claims}) > 1:
            forms = _forms(group_claims)
            if len(forms) > 1:
                status, why, suspects = group(forms)
            else:
                status, why, suspects = CONSISTENT, f"every source prints {forms[0].label}", ()
            out.append(Check(f"xs-{measure}", "across sources", f"{measure}: all sources",
                             tuple(c.id for c in group_claims), status, why, suspects,
                             _others(forms, suspects)))
    return out


def _position(claims: list[Claim], t: Term) -> str:
    return next(c.position for c in claims if c.id == t.ids[0])


def claim_checks(claims: list[Claim]) -> list[Check]:
    """Every check between published claims."""
    return _explicit(cl.by_id(claims)) + _generated(claims)


def disputed(checks: list[Check]) -> dict[str, str]:
    """Claims named as the odd one out by an inconsistent check -> that check's id."""
    out: dict[str, str] = {}
    for c in checks:
        if c.status == INCONSISTENT:
            for claim_id in c.suspects:
                out.setdefault(claim_id, c.id)
    return out


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
            step = cl.precision(figure)
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

    rows = [row(cases.filter(pl.col("batch") == b), schema.BATCH_LABELS[b])
            for b in schema.BATCHES if (cases["batch"] == b).any()]
    rows.append(row(cases, "both motions"))
    return pl.DataFrame(rows)


PER_PERSON_BINS = ((1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"),
                   (11, 1_000_000, "11 or more"))


def convictions_per_person(cases: pl.DataFrame) -> pl.DataFrame:
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
        .with_columns(motion=pl.col("batch").cast(pl.String).replace(schema.BATCH_LABELS),
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
    offsets = {"February 2020 motion": 0.0, "September 2021 motion": feb, "combined total": 0.0}
    rows = []
    for step, measure in STEP_MEASURES.items():
        for t in _forms([c for c in claims if c.measure == measure]):
            iv = t.interval
            if math.isinf(iv.hi):
                continue
            rows.append({"step": step, "claim": t.label, "sources": ", ".join(t.ids),
                         "lo": offsets[step] + iv.lo, "hi": offsets[step] + iv.hi,
                         "admits": str(iv)})
    return step_frame, pl.DataFrame(rows)


# --- the whole reconciliation --------------------------------------------------------


@dataclass
class Reconciliation:
    claims: list[Claim]
    checks: list[Check]
    data: list[DataCheck] = field(default_factory=list)

    @property
    def failures(self) -> list[DataCheck]:
        return [d for d in self.data if d.required and d.status == INCONSISTENT]

    def checks_frame(self) -> pl.DataFrame:
        return pl.DataFrame([{"check": c.id, "kind": c.kind, "topic": c.topic,
                              "claims": ", ".join(c.claims), "status": c.status,
                              "explanation": c.explanation} for c in self.checks])

    def data_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [{"claim": d.claim, "source": d.source, "published": d.published,
              "unit": d.unit, "scope": d.scope, "admits": d.admits, "computed": d.computed,
              "status": d.status, "required": d.required, "explanation": d.explanation}
             for d in self.data],
            schema={"claim": pl.String, "source": pl.String, "published": pl.String,
                    "unit": pl.String, "scope": pl.String, "admits": pl.String,
                    "computed": pl.Float64, "status": pl.String, "required": pl.Boolean,
                    "explanation": pl.String})

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
                if cid not in worst or _SEVERITY[status] > _SEVERITY[worst[cid]]:
                    worst[cid] = status
        return worst

    def claims_frame(self) -> pl.DataFrame:
        """Every claim with its source, its worst cross-check status and its data status."""
        worst = self.claim_status()
        data = {d.claim: d for d in self.data}
        outlets = dict(cl.sources().select("source", "outlet").iter_rows())
        return pl.DataFrame([{
            "claim": c.id, "source": outlets.get(c.source, c.source), "where": c.locator,
            "published": c.label, "unit": c.unit, "scope": c.scope,
            "against claims": worst.get(c.id, NOT_CHECKABLE),
            "against data": data[c.id].status if c.id in data else NOT_CHECKABLE,
        } for c in self.claims])


def reconcile(cases: pl.DataFrame | None, claims: list[Claim] | None = None) -> Reconciliation:
    """Check the ledger against itself and, when ``cases`` is given, against the data."""
    claims = claims if claims is not None else cl.load()
    checks = claim_checks(claims)
    data = data_checks(claims, cases, disputed(checks)) if cases is not None else []
    return Reconciliation(claims, checks, data)


# --- command line --------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reconcile", help="check every published figure against the others and the data",
        description="Check the claims ledger (data/claims/claims.csv) against itself and "
        "against the case data in use: the synthetic default or --data PATH. Prints one "
        "line per check. Exit status: 0 when the data meets every claim it should, 1 when "
        "it fails one or more (they are named), 2 when the ledger or data cannot be read.")
    p.add_argument("--data", type=Path, default=None,
                   help="case list (CSV or Parquet); default: the synthetic data")
    p.add_argument("--seed", type=int, default=paths.DEFAULT_SEED,
                   help="seed of the synthetic default (default %(default)s)")
    p.add_argument("--ledger", type=Path, default=None,
                   help="claims ledger CSV (default data/claims/claims.csv)")
    p.add_argument("--only", choices=("all", "claims", "data", "failures"), default="all",
                   help="which checks to print (default %(default)s)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text table or JSON for other tools (default %(default)s)")
    p.set_defaults(func=_run)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join([str(v).ljust(w) for v, w in zip(r, widths, strict=False)]
                               + [str(r[-1])]))
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from . import data as data_mod
    from .validate import ValidationError

    try:
        claims = cl.load(args.ledger)
    except cl.ClaimsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    source = data_mod.resolve(args.data, args.seed)
    print(f"reading {source} ...", file=sys.stderr, flush=True)
    try:
        cases, described = data_mod.open_cases(args.data, seed=args.seed)
    except ValidationError as exc:
        first = str(exc.problems[0]) if exc.problems else str(exc)
        more = f" (and {exc.total - 1} more problems)" if exc.total > 1 else ""
        print(f"error: {first}{more}; run 'analysis validate {source}' for the list",
              file=sys.stderr)
        return 2
    result = reconcile(cases, claims)
    label = described.label
    failures = result.failures

    if args.format == "json":
        print(json.dumps({"data": label, "checks": [asdict(c) for c in result.checks],
                          "data_checks": [asdict(d) for d in result.data],
                          "failures": [d.claim for d in failures]}, indent=1, default=str))
        return 1 if failures else 0

    if args.only in ("all", "claims"):
        rows = [[c.id, c.status, c.explanation] for c in result.checks]
        print(f"Claims against claims ({len(rows)} checks)")
        print(_table(rows, ["check", "status", "explanation"]))
        print()
    if args.only in ("all", "data", "failures"):
        shown = failures if args.only == "failures" else result.data
        rows = [[d.claim, d.published, fmt(d.computed, d.unit), d.status,
                 "yes" if d.required else "no", d.explanation] for d in shown]
        print(f"Claims against the data: {label} ({len(result.data)} claims)")
        if rows:
            print(_table(rows, ["claim", "published", "computed", "status", "required",
                                "explanation"]))
        print()
    counts = {s: sum(c.status == s for c in result.checks) for s in STATUSES}
    dcounts = {s: sum(d.status == s for d in result.data) for s in STATUSES}
    summary = lambda c: ", ".join(f"{n} {s}" for s, n in c.items() if n)  # noqa: E731
    print(f"claims against claims: {summary(counts)}")
    print(f"claims against the data: {summary(dcounts)} "
          f"({time.perf_counter() - started:.1f} s)")
    if failures:
        print(f"FAILED: the data fails {len(failures)} claim(s) it should meet: "
              + "; ".join(f"{d.claim} ({d.published}, {d.scope}: computed "
                          f"{fmt(d.computed, d.unit)})" for d in failures), file=sys.stderr)
        return 1
    print("ok: the data meets every claim it should")
    return 0
