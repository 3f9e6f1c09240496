"""Checking rows: rules as data, run in one pass over a frame.

A :class:`Rule` is a name, the column it judges, a polars expression that is true on a
row breaking it, and the message a user reads. :func:`run_rules` evaluates every rule
over the whole frame at once, counts every hit, lists hits up to a cap and sorts the
listing by row and column. Loaders first number rows as in the file and skip wholly
blank lines (:func:`rows_in_file`), so a reported row is the row a user finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from .problems import Problem, ValidationError

__all__ = ["ROW", "Rule", "blank_as_null", "rows_in_file", "run_rules"]

ROW = "_row"  # the column holding each row's number in the file, from 1


@dataclass(frozen=True)
class Rule:
    """One rule on one column.

    ``message`` and ``value`` may be expressions, when the text depends on the row
    (evaluated over the whole frame, so they may look at other rows); ``value``
    defaults to the column's value, and is reported as text.
    """

    name: str
    column: str
    test: pl.Expr  # true where the row breaks the rule; null counts as false
    message: str | pl.Expr
    value: pl.Expr | None = None


def run_rules(frame: pl.DataFrame, rules: Sequence[Rule], file: str, *,
              max_errors: int, keep: Literal["by-rule", "by-row"] = "by-rule",
              names: Mapping[str, str] | None = None) -> tuple[list[Problem], int]:
    """The problems ``rules`` find in ``frame`` (up to ``max_errors``, at least one
    listed) and how many there are in all.

    ``frame`` holds the row numbers in :data:`ROW`. ``keep`` says which problems a
    capped listing keeps: ``"by-rule"`` the first of each rule in turn, ``"by-row"`` the
    first rows of the file; either way the listing is sorted by row, then column.
    ``names`` gives the column as the file calls it, where the frame calls it otherwise.
    """
    cap = max(1, max_errors)
    names = names or {}
    flags = frame.select(r.test.fill_null(False).alias(f"rule{i}")
                         for i, r in enumerate(rules))
    counts = flags.sum().row(0) if rules else ()
    problems: list[Problem] = []
    for i, (rule, count) in enumerate(zip(rules, counts, strict=True)):
        room = cap - len(problems) if keep == "by-rule" else cap
        if not count or room <= 0:
            continue
        # value and message are computed over the whole frame (they may look at other
        # rows), then kept for the rows breaking the rule
        hits = frame.select(
            ROW, value=(rule.value if rule.value is not None else pl.col(rule.column))
            .cast(pl.String),
            message=rule.message if isinstance(rule.message, pl.Expr) else pl.lit(rule.message),
        ).filter(flags[f"rule{i}"]).head(room)
        column = names.get(rule.column, rule.column)
        problems += [Problem(file, rule.name, message, row, column, value)
                     for row, value, message in hits.iter_rows()]
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return problems[:cap], sum(counts)


def rows_in_file(frame: pl.DataFrame, columns: Iterable[str | pl.Expr],
                 file: str) -> pl.DataFrame:
    """``columns`` of ``frame`` (text) with each row's number in the file (:data:`ROW`,
    from 1), wholly blank lines left out.

    A line is blank when every column of ``frame``, kept or not, is empty or spaces.
    Raises :class:`ValidationError` when no other line is left.
    """
    blank = frame.select(pl.all_horizontal(
        pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in frame.columns
    )).to_series()
    rows = frame.select(columns).with_row_index(ROW, offset=1).filter(~blank)
    if rows.height == 0:
        raise ValidationError.one(
            file, "empty", "the file has a header but no data rows (only blank lines)")
    return rows


def blank_as_null(columns: Iterable[str]) -> list[pl.Expr]:
    """Each of ``columns`` (text) with empty or all-space cells made null (missing)."""
    return [pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)) for c in columns]


def __dir__() -> list[str]:
    return sorted(__all__)
