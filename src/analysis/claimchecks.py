"""Checks between published claims: do the figures the sources print agree?

Each check compares terms (a claim, a sum of claims or a reference figure) by their
intervals (:mod:`analysis.qualifiers`) and gives one of four statuses:

``consistent``
    each side's printed figure is admitted by the other's interval (62,000 + 3,700
    against 66,000);
``consistent within rounding``
    the printed figures differ, but some values are admitted by every claim involved
    (66,000 + 58,000 = 124,000 against "nearly 125,000");
``inconsistent``
    no value is admitted by every claim involved;
``not checkable``
    the claims measure different things, or a needed figure was never published.

:data:`SPECS` lists the part-whole identities, shares, people-against-convictions and
cross-source relations by hand; :func:`claim_checks` adds each headline against its own
body and every figure printed for the same quantity.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from . import citations, schema, words
from . import claims as cl
from .claims import Claim
from .qualifiers import Interval

__all__ = ["BODY", "CONSISTENT", "Check", "HEADLINES", "INCONSISTENT", "NOT_CHECKABLE",
           "ROUNDING", "SEVERITY", "SPECS", "SPEC_BY_ID", "STATUSES", "Term", "at_most",
           "claim_checks",
           "constant", "disputed", "equal", "fmt", "group", "printed_forms", "term"]

CONSISTENT = "consistent"
ROUNDING = "consistent within rounding"
INCONSISTENT = "inconsistent"
NOT_CHECKABLE = "not checkable"
STATUSES = (CONSISTENT, ROUNDING, INCONSISTENT, NOT_CHECKABLE)
# Worse statuses win when a claim takes part in several checks; "not checkable" only
# stands when no check could say anything.
SEVERITY = {NOT_CHECKABLE: -1, CONSISTENT: 0, ROUNDING: 1, INCONSISTENT: 3}

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
    """``a`` at face value is admitted by ``b``, as ``b``'s rule says: an open end admits
    nothing at it ("nearly 66,000" does not admit 66,000). Lower-bound phrases, which
    have no face value, pass by overlap."""
    if a.face is None:
        return a.interval.overlaps(b.interval)
    return a.face in b.interval


def equal(a: Term, b: Term) -> tuple[str, str]:
    """Status and explanation of ``a = b``."""
    if _face_in(a, b) and _face_in(b, a):
        return CONSISTENT, f"{a.label} makes {fmt(a.face)}, which {b.label} admits"
    common = a.interval.intersect(b.interval)
    if not common.empty and a.face is not None and a.face == b.face:
        return ROUNDING, (f"{a.label} makes {fmt(a.face)}, which {b.label} leaves out at "
                          f"face value ({b.interval if a.face not in b.interval else a.interval}"
                          f"); both admit {common}")
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

SPEC_BY_ID = {s.id: s for s in SPECS}


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


def printed_forms(claims: list[Claim]) -> list[Term]:
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
            heads = printed_forms([c for c in mine if c.position in HEADLINES])
            body = printed_forms([c for c in mine if c.position in BODY])
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
                                     f"{words.measure_title(measure)}: "
                                     f"{citations.outlet(source)} {_position(mine, h)} "
                                     "against its body",
                                     h.ids + tuple(i for b in body for i in b.ids),
                                     status, why, suspects, _others(body, suspects)))
            elif len(body) > 1:
                status, why, suspects = group(body)
                out.append(Check(f"wa-{source}-{measure}", "within article",
                                 f"{words.measure_title(measure)}: figures within "
                                 f"{citations.outlet(source)}",
                                 tuple(i for b in body for i in b.ids), status, why, suspects,
                                 _others(body, suspects)))
        # every source that prints a figure for the same quantity
        if len({c.source for c in group_claims}) > 1:
            forms = printed_forms(group_claims)
            if len(forms) > 1:
                status, why, suspects = group(forms)
            else:
                status, why, suspects = CONSISTENT, f"every source prints {forms[0].label}", ()
            out.append(Check(f"xs-{measure}", "across sources",
                             f"{words.measure_title(measure)}: all sources",
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


def __dir__() -> list[str]:
    return sorted(__all__)
