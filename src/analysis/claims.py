"""The claims ledger: every number the sources publish, and what each one admits.

``data/claims/claims.csv`` holds one row per numeric claim in the five source
articles and in the reporting facts of ``shared/data/README.md``; ``sources.csv``
names the documents and ``exclusions.csv`` lists the numbers in them that are not
claims (dates, ages, prices, names of laws), each with its reason. The ledger records
what was *published*; it never reads the synthetic generator's calibration.

Each claim admits an interval of values by the qualifier rule
(:mod:`analysis.qualifiers`, justified in ``data/claims/README.md``); :class:`Claim`
gives both its interval and its strict interval.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from . import paths, schema
from .qualifiers import FRACTION_WORDS, QUALIFIERS, Interval, interval

__all__ = ["COLUMNS", "Claim", "ClaimsError", "EXCLUSIONS", "FILTER_VALUES", "LEDGER",
           "POSITIONS", "SCOPES", "SOURCES", "UNITS", "by_id", "frame", "load",
           "parse_filters", "source_text", "sources"]

LEDGER = paths.CLAIMS / "claims.csv"
SOURCES = paths.CLAIMS / "sources.csv"
EXCLUSIONS = paths.CLAIMS / "exclusions.csv"

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


@functools.cache
def sources(path: Path = SOURCES) -> pl.DataFrame:
    """The source documents (``sources.csv``), read once per file."""
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


def __dir__() -> list[str]:
    return sorted(__all__)
