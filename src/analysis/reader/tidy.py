"""A table's CSV as data: numbers as numbers, hidden counts flagged, ranges apart.

A page shows a table as readers read it ("55,560", "39.1%", "0.35 (0.27 to 0.45)",
"suppressed"); :func:`tidy` gives the frame its CSV holds, the same figures as data:

- numbers are numbers, without thousands separators; a percent a page wrote as text
  ("39.1%") is a fraction (0.391), as every share column is: shares are fractions from
  0 to 1 in every CSV (the few columns whose names say "percent" or "(%)" hold the
  percents they name);
- a hidden count is empty, and the flag column ``COLUMN_hidden`` beside it is ``true``
  (``false`` where the count is shown); a count table has the flag beside every count;
- an estimate shown with its range, "E (L to H)", is three columns ``COLUMN``,
  ``COLUMN_low`` and ``COLUMN_high``; a range alone, "L to H", is the last two;
- a column holding anything else (words, or figures mixed with words) stays as shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from ..release.tables import HIDDEN
from ..words import HIDDEN_FLAG

__all__ = ["tidy"]

_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_KINDS = {  # what a column of text holds, by the pattern every value of it matches
    "number": re.compile(rf"({_NUMBER})"),
    "percent": re.compile(rf"({_NUMBER})%"),
    "interval": re.compile(rf"({_NUMBER}) \(({_NUMBER}) to ({_NUMBER})\)"),
    "range": re.compile(rf"({_NUMBER}) to ({_NUMBER})"),
}
# the CSV columns each kind becomes, by suffix of the column's name
_PARTS = {"number": ("",), "percent": ("",), "interval": ("", "_low", "_high"),
          "range": ("_low", "_high")}


def tidy(frame: pl.DataFrame, hidden: Mapping[str, Sequence[bool]] | None = None,
         keep: Iterable[str] = ()) -> pl.DataFrame:
    """The CSV frame of a published ``frame``. ``hidden`` maps each count column to the
    rows the release hides (a count table's: those counts are null in ``frame``), which
    get a flag column each; ``keep`` names label columns left as they are (a year)."""
    hidden = hidden or {}
    keep = set(keep)
    out: dict[str, pl.Series] = {}
    for name in frame.columns:
        column = frame[name]
        if name in hidden:
            parts = _counts(column, hidden[name])
        elif column.dtype == pl.String and name not in keep:
            parts = _parsed(column)
        else:
            parts = {name: column}
        for part, series in parts.items():
            if part in out or (part != name and part in frame.columns):
                raise ValueError(f"the CSV of a table has two columns {part!r}")
            out[part] = series.alias(part)
    return pl.DataFrame(list(out.values())) if out else frame


def _counts(column: pl.Series, mask: Sequence[bool]) -> dict[str, pl.Series]:
    """A count column and its flag; counts held as text ("1,234") become numbers, and a
    column that mixes counts with other figures ("44.4%" in a row of no count) is
    published as text, its hidden rows empty."""
    flag = pl.Series(list(mask), dtype=pl.Boolean)
    values = [None if m else v for v, m in zip(column.to_list(), mask, strict=True)]
    if column.dtype != pl.String:
        return {column.name: pl.Series(values, dtype=column.dtype),
                column.name + HIDDEN_FLAG: flag}
    texts = [None if v in (None, "", HIDDEN) else str(v).strip() for v in values]
    if all(t is None or _KINDS["number"].fullmatch(t) for t in texts):
        return {column.name: _figures(texts), column.name + HIDDEN_FLAG: flag}
    return {column.name: pl.Series(texts, dtype=pl.String), column.name + HIDDEN_FLAG: flag}


def _parsed(column: pl.Series) -> dict[str, pl.Series]:
    """A text column as the numbers it holds, when every value is of one kind."""
    texts = [None if v is None else v.strip() for v in column.to_list()]
    given = [t for t in texts if t and t != HIDDEN]
    kind = next((k for k, pattern in _KINDS.items()
                 if given and all(pattern.fullmatch(t) for t in given)), None)
    if kind is None and not (texts and all(t == HIDDEN for t in texts)):
        return {column.name: column}
    kind = kind or "number"
    rows = [_KINDS[kind].fullmatch(t).groups() if t and t != HIDDEN else None
            for t in texts]
    out = {}
    for i, suffix in enumerate(_PARTS[kind]):
        figures = [None if r is None else r[i] for r in rows]
        out[column.name + suffix] = _figures(figures, percent=kind == "percent")
    flags = [t == HIDDEN for t in texts]
    if any(flags):
        out[column.name + HIDDEN_FLAG] = pl.Series(flags, dtype=pl.Boolean)
    return out


def _figures(texts: list[str | None], percent: bool = False) -> pl.Series:
    """Numbers written as text, as whole numbers when every one is (percents as
    fractions, to the digits shown)."""
    plain = [None if t is None else t.replace(",", "") for t in texts]
    if not percent and all(t is None or "." not in t for t in plain):
        return pl.Series([None if t is None else int(t) for t in plain], dtype=pl.Int64)
    if percent:
        return pl.Series([None if t is None else round(float(t) / 100, _decimals(t) + 2)
                          for t in plain], dtype=pl.Float64)
    return pl.Series([None if t is None else float(t) for t in plain], dtype=pl.Float64)


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def __dir__() -> list[str]:
    return sorted(__all__)
