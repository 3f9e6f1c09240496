"""The claims ledger: every number the sources publish, and what each one admits.

``data/claims/claims.csv`` holds one row per numeric claim in the five source
articles and in the reporting facts of ``shared/data/README.md``; ``sources.csv``
names the documents and ``exclusions.csv`` lists the numbers in them that are not
claims (dates, ages, prices, names of laws), each with its reason. The ledger records
what was *published*; it never reads the synthetic generator's calibration.

Each claim maps to an :class:`Interval` of values it admits, by the qualifier rule
below (documented and justified in ``data/claims/README.md``). Write ``X`` for the
figure and ``u`` for its printed precision, the place value of its last non-zero digit
(66,000 -> 1,000; 3,700 -> 100; 60,000 -> 10,000; 2,142 -> 1):

========================  =============================================================
qualifier                 interval
========================  =============================================================
none (a bare figure)      X +/- min(u/2, 10% of X): the figure was rounded as printed
about, approximately      X +/- min(u, 10% of X): an estimate, one whole unit each way
nearly, almost            [X - 5% of X, X): a little under X, never X itself
more than, over, exceed   (X, X + max(u, 10% of X)]: above X, below the next round step
mid (mid-1970s)           the decade's years 3 to 7
thousands, tens of ...    at least 2 (or 20) thousand, no upper bound
========================  =============================================================

Shares printed as words (half, one-third) admit what lies nearer to that fraction than
to any other simple fraction with denominator up to 5; "nearly half" keeps the part
below one half. Calendar years are exact.

A claim is also given a *strict* interval, what a careful writer with the same figure
would have printed: the rounding interval of the bare figure, cut to the qualifier's
direction. A value inside the strict interval is *consistent* with the claim; one only
inside the looser interval is *consistent within rounding*.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import polars as pl

from . import paths, schema

LEDGER = paths.CLAIMS / "claims.csv"
SOURCES = paths.CLAIMS / "sources.csv"
EXCLUSIONS = paths.CLAIMS / "exclusions.csv"

# --- the qualifier rule --------------------------------------------------------------

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

# --- closed vocabularies of the ledger -----------------------------------------------

POSITIONS = ("headline", "subheadline", "lede", "body", "quote", "related_link", "facts")
UNITS = ("convictions", "cases", "people", "percent", "year", "years", "cities")
SCOPES = {  # scope -> the batches of the case schema it covers (empty: data cannot speak)
    "2020 batch": ("feb2020",),
    "2021 batch": ("sep2021",),
    "both batches": ("feb2020", "sep2021"),
    "statewide": (),
    "Los Angeles County": (),
    "San Francisco": (),
    "Clear My Record counties": (),
}
FILTER_VALUES = {
    "charge_level": schema.CHARGE_LEVELS,
    "offense_type": schema.OFFENSE_TYPES,
    "race_ethnicity": schema.RACES,
    "prosecutor": ("city", "district_attorney"),
}
COLUMNS = ("id", "source", "position", "measure", "figure", "figure_high", "printed",
           "qualifier", "unit", "of", "scope", "filters", "needs", "locator", "note")
MAX_LOCATOR = 90


class ClaimsError(ValueError):
    """The ledger breaks a rule; ``problems`` lists one line per broken rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{problems[0]}{more}")


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

    def __str__(self) -> str:
        left = "(" if self.lo_open else "["
        right = ")" if self.hi_open or math.isinf(self.hi) else "]"
        return f"{left}{_num(self.lo, self.calendar)}, {_num(self.hi, self.calendar)}{right}"


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


def rules_table() -> pl.DataFrame:
    """The qualifier rule as a table, with a worked example for each."""
    examples = [
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
    ]
    rows = []
    for name, qual, fig, printed, rule, why in examples:
        shown = printed or (f"{fig:,}" if fig else "")
        example = {"none": shown, "mid": f"mid-{shown}",
                   "tens of thousands": shown}.get(qual, f"{qual} {shown}")
        rows.append({"qualifier": name, "interval (X figure, u precision)": rule,
                     "example": example,
                     "admits": str(interval(qual, fig, printed=printed,
                                            unit="year" if qual == "mid" else "")),
                     "why": why})
    return pl.DataFrame(rows)


# --- the ledger ----------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    id: str
    source: str
    position: str
    measure: str
    figure: float | None
    figure_high: float | None
    printed: str
    qualifier: str
    unit: str
    of: str
    scope: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    needs: str  # information beyond a dismissal list the figure depends on, if any
    locator: str
    note: str

    @property
    def interval(self) -> Interval:
        return interval(self.qualifier, self.figure, figure_high=self.figure_high,
                        printed=self.printed, unit=self.unit)

    @property
    def strict(self) -> Interval:
        return interval(self.qualifier, self.figure, figure_high=self.figure_high,
                        printed=self.printed, unit=self.unit, strict=True)

    @property
    def face(self) -> float | None:
        """The figure at face value (None for lower-bound phrases such as 'thousands')."""
        if QUALIFIERS[self.qualifier] == "magnitude":
            return None
        word = self.printed.strip().lower()
        if word in FRACTION_WORDS:
            return float(FRACTION_WORDS[word] * 100)
        if self.figure_high is not None:
            return (self.figure + self.figure_high) / 2
        return self.figure

    @property
    def label(self) -> str:
        """The figure with its qualifier, as a reader would say it."""
        qual = "" if self.qualifier in ("none", "mid") or self.qualifier == self.printed \
            else f"{self.qualifier} "
        prefix = "mid-" if self.qualifier == "mid" else ""
        return f"{qual}{prefix}{self.printed}"

    @property
    def batches(self) -> tuple[str, ...]:
        """Batches of a dismissal list the claim speaks about (empty: none)."""
        return () if self.needs else SCOPES[self.scope]


def parse_filters(text: str | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``"charge_level=felony; offense_type=possession|cultivation"`` -> pairs."""
    out = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, values = part.partition("=")
        if not sep:
            raise ValueError(f"filter {part!r} is not key=value")
        out.append((key.strip(), tuple(v.strip() for v in values.split("|"))))
    return tuple(out)


def _number(text: str | None, what: str) -> float | None:
    if text in (None, ""):
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a number") from None


def sources(path: Path = SOURCES) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def load(path: str | Path | None = None, sources_path: Path = SOURCES) -> list[Claim]:
    """Read and check the ledger; raises :class:`ClaimsError` listing every problem."""
    path = Path(path) if path else LEDGER
    if not path.is_file():
        raise ClaimsError([f"{path}: no such ledger file"])
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise ClaimsError([f"{path}: not a readable CSV ({str(exc).splitlines()[0]})"]) \
            from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ClaimsError([f"{path.name}: missing columns {', '.join(missing)}"])
    known_sources = set(sources(sources_path)["source"].to_list())
    problems: list[str] = []
    claims: list[Claim] = []
    seen: set[str] = set()
    for line, row in enumerate(frame.iter_rows(named=True), start=2):
        where = f"{path.name}:{line} ({row['id']})"
        try:
            claims.append(_claim(row, known_sources, seen))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise ClaimsError(problems)
    return claims


def _claim(row: dict, known_sources: set[str], seen: set[str]) -> Claim:
    cid = row["id"] or ""
    if not re.fullmatch(r"[a-z0-9]+-\d\d", cid):
        raise ValueError("id must look like source-NN")
    if cid in seen:
        raise ValueError("duplicate id")
    seen.add(cid)
    checks = [("source", known_sources), ("position", POSITIONS), ("qualifier", QUALIFIERS),
              ("unit", UNITS), ("scope", SCOPES)]
    for column, allowed in checks:
        if row[column] not in allowed:
            raise ValueError(f"{column} {row[column]!r} is not one of "
                             f"{', '.join(sorted(allowed))}")
    figure = _number(row["figure"], "figure")
    high = _number(row["figure_high"], "figure_high")
    magnitude = QUALIFIERS[row["qualifier"]] == "magnitude"
    if magnitude != (figure is None):
        raise ValueError("figure is required, except for phrases such as 'thousands'")
    if high is not None and (figure is None or high <= figure):
        raise ValueError("figure_high must exceed figure")
    if not row["printed"] or not row["measure"] or not re.fullmatch(r"[a-z0-9_]+",
                                                                      row["measure"]):
        raise ValueError("printed and measure (snake_case) are required")
    if row["unit"] == "percent" and row["of"] != "people":
        raise ValueError("a percent claim says what it is a share of (of=people)")
    locator = row["locator"] or ""
    if not locator or len(locator) > MAX_LOCATOR:
        raise ValueError(f"locator must be 1-{MAX_LOCATOR} characters")
    filters = parse_filters(row["filters"])
    for key, values in filters:
        if key not in FILTER_VALUES:
            raise ValueError(f"unknown filter {key!r}")
        bad = [v for v in values if v not in FILTER_VALUES[key]]
        if bad:
            raise ValueError(f"filter {key} has unknown values {bad}")
    return Claim(cid, row["source"], row["position"], row["measure"], figure, high,
                 row["printed"], row["qualifier"], row["unit"], row["of"] or "", row["scope"],
                 filters, row["needs"] or "", locator, row["note"] or "")


def frame(claims: list[Claim]) -> pl.DataFrame:
    """The ledger as a table, with each claim's interval."""
    return pl.DataFrame(
        [{"id": c.id, "source": c.source, "position": c.position, "measure": c.measure,
          "claim": c.label, "qualifier": c.qualifier, "unit": c.unit, "scope": c.scope,
          "filters": "; ".join(f"{k}={'|'.join(v)}" for k, v in c.filters),
          "admits": str(c.interval), "lo": c.interval.lo, "hi": c.interval.hi,
          "locator": c.locator} for c in claims])


def by_id(claims: list[Claim]) -> dict[str, Claim]:
    return {c.id: c for c in claims}


# --- the source texts ----------------------------------------------------------------


def source_text(source: str, sources_path: Path = SOURCES) -> str:
    """The text of a source document; for the shared README, its facts section only."""
    row = sources(sources_path).filter(pl.col("source") == source).row(0, named=True)
    rel = row["path"]
    if rel.startswith("seeds/"):
        path = paths.shared_data().parent / rel
    else:
        path = paths.shared_data() / rel.removeprefix("data/")
    text = path.read_text(encoding="utf-8")
    if source == "facts":
        text = text[text.index("Facts gathered"):]
    return text
