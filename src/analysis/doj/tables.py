"""The cited code tables of the DOJ rules, loaded from the CSV files beside this module.

- ``superstrikes.csv``: the offences of Penal Code 667(e)(2)(C)(iv) ("superstrikes"),
  each with the subsections that qualify (blank: any), whether it stands alone or only
  with the gang enhancement of Penal Code 186.22(b)(4) in the same case, and its source;
- ``pc290.csv``: the offences whose conviction requires registration under Penal Code
  290(c)(1);
- ``courts.csv``: court and place names in the DOJ's court descriptions that are not
  themselves one of the county's cities, with the city (or the unincorporated area)
  they lie in;
- ``race_codes.csv``: the race codes read, each marked as assumed (the DOJ's code list
  is not public).

Each table is data, not code: a row is added or corrected in the CSV, with its source.
:func:`section_pattern` turns a table row into the regular expression matched against
a conviction's code section (upper case, as ``11357(C) HS`` or ``664/187(A) PC``).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import polars as pl

__all__ = ["courts", "pattern_of", "pc290", "race_codes", "section_pattern", "superstrikes"]

# An attempt (PC 664) or a conspiracy (PC 182) written before the section counts as the
# offence itself, as the reference tool reads it.
_ATTEMPT = r"(?:(?:664|182)(?:\([0-9A-Z]+\))*\s*[-/+]?\s*)?"


def _table(name: str) -> pl.DataFrame:
    """A table of this package as all-text columns, blanks as empty strings."""
    with resources.files(__package__).joinpath(name).open("rb") as handle:
        return pl.read_csv(handle, infer_schema=False).fill_null("")


def section_pattern(code: str, section: str, subsections: str) -> str:
    """The regex (anchored at the start) of a code section: the section number, one of
    the ``|``-separated subsections when given (any further subsections allowed), then
    the code (``PC``, ``HS``...)."""
    subs = [s.strip().upper() for s in subsections.split("|") if s.strip()]
    wanted = "(?:" + "|".join(re.escape(s) for s in subs) + ")" if subs else ""
    return (f"^{_ATTEMPT}{re.escape(section.upper())}{wanted}(?:\\([0-9A-Z.]+\\))*"
            f"\\s*{re.escape(code.upper())}\\b")


def pattern_of(table: pl.DataFrame) -> str:
    """One regex matching any row of a code table."""
    return "|".join(f"(?:{section_pattern(c, s, u)})" for c, s, u in
                    table.select("code", "section", "subsections").iter_rows())


@functools.cache
def superstrikes() -> pl.DataFrame:
    """The superstrike table: code, section, subsections, kind, offence, source."""
    return _table("superstrikes.csv")


@functools.cache
def pc290() -> pl.DataFrame:
    """The PC 290 registrable-offence table: code, section, subsections, offence, source."""
    return _table("pc290.csv")


@functools.cache
def courts() -> pl.DataFrame:
    """Court and place names that are not a city: place, jurisdiction, note, source."""
    return _table("courts.csv")


@functools.cache
def race_codes() -> pl.DataFrame:
    """The race codes read: code, race_ethnicity, source."""
    return _table("race_codes.csv")


def __dir__() -> list[str]:
    return sorted(__all__)
