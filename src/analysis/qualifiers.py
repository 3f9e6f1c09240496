"""The qualifier rule: which values a printed figure admits.

A claim printed as "nearly 125,000" or "about 58,000" admits an :class:`Interval` set by
its qualifier and its printed precision ``u`` (the place value of the last non-zero
digit: 66,000 -> 1,000; 60,000 -> 10,000; 2,142 -> 1). :data:`RULES` states the rule, a
row per qualifier with a worked example and the reason for it; :func:`interval` applies
it, and the reconciliation page and ``data/claims/README.md`` print :func:`rules_table`.

A claim also has a *strict* interval, what a careful writer with the same figure would
have printed: the rounding interval of the bare figure, cut to the qualifier's
direction. A value inside it is *consistent* with the claim; one only inside the looser
interval is *consistent within rounding*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import polars as pl

__all__ = ["ABOUT_CAP", "FRACTION_WORDS", "Interval", "MAGNITUDES", "MORE_THAN_SPAN",
           "NEARLY_DEPTH", "QUALIFIERS", "RULES", "interval", "markdown_table", "precision",
           "rules_table"]

ABOUT_CAP = 0.10  # "about" and a bare figure never admit more than 10% either way
NEARLY_DEPTH = 0.05  # "nearly X" admits down to 5% below X
MORE_THAN_SPAN = 0.10  # "more than X" admits up to one unit or 10% above X

# Printed qualifier -> the rule it follows.
QUALIFIERS = {
    "none": "bare",
    "about": "about",
    "approximately": "about",
    "around": "about",
    "roughly": "about",
    "nearly": "nearly",
    "almost": "nearly",
    "more than": "more",
    "over": "more",
    "exceed": "more",
    "mid": "mid",
    "thousands": "magnitude",
    "tens of thousands": "magnitude",
    "hundreds of thousands": "magnitude",
}
MAGNITUDES = {"thousands": 2_000, "tens of thousands": 20_000, "hundreds of thousands": 200_000}
FRACTION_WORDS = {"half": Fraction(1, 2), "one-half": Fraction(1, 2),
                  "one-third": Fraction(1, 3), "a third": Fraction(1, 3),
                  "two-thirds": Fraction(2, 3), "one-quarter": Fraction(1, 4),
                  "a quarter": Fraction(1, 4), "three-quarters": Fraction(3, 4),
                  "one-fifth": Fraction(1, 5)}
# Simple fractions a writer rounds a share to: denominators up to 5.
SIMPLE_FRACTIONS = sorted({Fraction(p, q) for q in range(1, 6) for p in range(q + 1)})

# --- intervals -----------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A set of admitted values; either end may be open or infinite."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False
    calendar: bool = False  # calendar years: printed without thousands separators

    def __contains__(self, x: float) -> bool:
        above = x > self.lo if self.lo_open else x >= self.lo
        below = x < self.hi if self.hi_open else x <= self.hi
        return above and below

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi,
                        self.lo_open or other.lo_open, self.hi_open or other.hi_open)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo,
                        self.lo_open or other.hi_open, self.hi_open or other.lo_open)

    @property
    def closure(self) -> Interval:
        return Interval(self.lo, self.hi)

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and (self.lo_open or self.hi_open))

    def intersect(self, other: Interval) -> Interval:
        lo, lo_open = max((self.lo, self.lo_open), (other.lo, other.lo_open))
        hi, hi_open = min((self.hi, not self.hi_open), (other.hi, not other.hi_open))
        return Interval(lo, hi, lo_open, not hi_open)

    def overlaps(self, other: Interval) -> bool:
        return not self.intersect(other).empty

    def notation(self) -> str:
        """The interval in mathematical notation: ``[28,500, 30,000)``."""
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open or math.isinf(self.hi) else "]"
        return f"{left}{_num(self.lo, self.calendar)}, {_num(self.hi, self.calendar)}{right}"

    def __str__(self) -> str:
        """The interval in words, as pages print it: "28,500 to just under 30,000"."""
        lo, hi = _num(self.lo, self.calendar), _num(self.hi, self.calendar)
        if math.isinf(self.hi):
            return f"more than {lo}" if self.lo_open else f"{lo} or more"
        if self.lo == self.hi:
            return f"exactly {lo}"
        start = f"more than {lo}" if self.lo_open else lo
        end = f"just under {hi}" if self.hi_open else hi
        return f"{start} up to {end}" if self.lo_open else f"{start} to {end}"


def _num(x: float, calendar: bool = False) -> str:
    if calendar:
        return str(int(x))
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == int(x):
        return f"{int(x):,}"
    return f"{x:,.1f}"


def precision(x: float) -> float:
    """Place value of the last non-zero digit of a whole figure (1 for exact figures)."""
    n = abs(int(round(x)))
    if n == 0 or n != abs(x):
        return 1.0
    u = 1
    while n % (u * 10) == 0:
        u *= 10
    return float(u)


def _fraction_bounds(f: Fraction) -> tuple[float, float]:
    """Midpoints to the neighbouring simple fractions, in percent."""
    i = SIMPLE_FRACTIONS.index(f)
    lo = (SIMPLE_FRACTIONS[i - 1] + f) / 2 if i > 0 else f
    hi = (SIMPLE_FRACTIONS[i + 1] + f) / 2 if i + 1 < len(SIMPLE_FRACTIONS) else f
    return float(lo * 100), float(hi * 100)


def interval(qualifier: str, figure: float | None, *, figure_high: float | None = None,
             printed: str = "", unit: str = "", strict: bool = False) -> Interval:
    """The values a claim admits (``strict``: what a careful writer would print)."""
    rule = QUALIFIERS[qualifier]
    if rule == "magnitude":
        return Interval(MAGNITUDES[qualifier], math.inf)
    assert figure is not None
    word = printed.strip().lower()
    if word in FRACTION_WORDS:
        lo, hi = _fraction_bounds(FRACTION_WORDS[word])
        f = float(FRACTION_WORDS[word] * 100)
        if rule == "nearly":
            return Interval(lo, f, hi_open=True)
        if rule == "more":
            return Interval(f, hi, lo_open=True)
        return Interval(lo, hi)
    if rule == "mid":
        decade = figure // 10 * 10
        return Interval(decade + 3, decade + 7, calendar=True)
    if unit == "year":
        return Interval(figure, figure_high or figure, calendar=True)
    top = figure_high if figure_high is not None else figure
    # a range is as precise as its more precise end (218,000-220,000: 1,000)
    u = min(precision(figure), precision(top))

    def half(x: float, units: float) -> float:
        return min(units * u, ABOUT_CAP * abs(x))

    bare = Interval(figure - half(figure, 0.5), top + half(top, 0.5))
    if rule == "bare" or (rule == "about" and strict):
        return bare
    if rule == "about":
        return Interval(figure - half(figure, 1), top + half(top, 1))
    if rule == "nearly":
        loose = Interval(figure * (1 - NEARLY_DEPTH), figure, hi_open=True)
        return loose.intersect(bare) if strict else loose
    if rule == "more":
        step = u
        if strict:
            return Interval(figure, figure + step, lo_open=True, hi_open=True)
        return Interval(figure, figure + max(step, MORE_THAN_SPAN * figure), lo_open=True)
    raise ValueError(qualifier)  # pragma: no cover


# The rule, a row per qualifier: its name, a qualifier and figure to work an example
# with, the interval it admits, and why.
RULES = (
    ("none (bare figure)", "none", 66_000, "", "X ± min(u/2, 10% of X)",
     "a bare round figure was rounded at the precision it is printed with"),
    ("about, approximately", "about", 58_000, "", "X ± min(u, 10% of X)",
     "an estimate: one whole unit of precision each way, at most 10%"),
    ("nearly, almost", "nearly", 125_000, "", "[X − 5% of X, X)",
     "just under X; further below, writers pick a lower round figure"),
    ("more than, over, exceed", "more than", 123_000, "", "(X, X + max(u, 10% of X)]",
     "above X but short of the next round figure a writer would use"),
    ("a share in words", "nearly", 50, "half", "nearer this fraction than any other "
     "with denominator ≤ 5", "writers round shares to simple fractions"),
    ("mid-decade", "mid", 1975, "1970s", "the decade's years 3 to 7",
     "early, mid and late split a decade in three"),
    ("thousands / tens of thousands", "tens of thousands", None, "tens of thousands",
     "at least 2,000 / 20,000", "a lower bound: speakers use it loosely for 'many'"),
)


def rules_table() -> pl.DataFrame:
    """The qualifier rule as a table, with a worked example for each."""
    rows = []
    for name, qual, fig, printed, rule, why in RULES:
        shown = printed or (f"{fig:,}" if fig else "")
        example = {"none": shown, "mid": f"mid-{shown}",
                   "tens of thousands": shown}.get(qual, f"{qual} {shown}")
        rows.append({"qualifier": name, "interval (X figure, u precision)": rule,
                     "example": example,
                     "admits": str(interval(qual, fig, printed=printed,
                                            unit="year" if qual == "mid" else "")),
                     "why": why})
    return pl.DataFrame(rows)


def markdown_table() -> str:
    """:func:`rules_table` as a Markdown table (``data/claims/README.md`` holds it)."""
    table = rules_table()
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in table.iter_rows()]
    return "\n".join(lines)


def __dir__() -> list[str]:
    return sorted(__all__)
