"""The first look at a DOJ file: is there a header, does every row have 95 fields.

Each line is read as one string (no CSV parsing), quoted parts are set aside and the
commas left are counted, all in polars: a million-line file takes about a second. A
header is a first line that begins with ``RECORD_ID``; it must name the 95 columns in
order, optionally followed by one empty field (the trailing-comma variant). A data row
with another number of fields is an error naming its line; blank lines are skipped. A
quoted field may hold a line break: when one does, the lines are joined into records
first (a slower path, taken only then).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..ingest import MAX_ERRORS, Problem
from .layout import COLUMNS, FIELD_COUNT, HEADER_START

__all__ = ["FileShape", "check_file"]


@dataclass(frozen=True)
class FileShape:
    """What :func:`check_file` found: whether the file has a header, how many data rows
    it holds, and its problems (errors make it unusable)."""

    path: Path
    header: bool
    rows: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _lines(path: Path) -> pl.LazyFrame:
    """Every line of ``path`` as one string with its line number (from 1)."""
    return (pl.scan_csv(path, has_header=False, separator="\x1f", quote_char=None,
                        schema={"text": pl.String}, encoding="utf8-lossy",
                        truncate_ragged_lines=True)
            .with_row_index("line", offset=1))


def _unquoted() -> pl.Expr:
    """The text with its quoted parts dropped (cheaper than testing for quotes first)."""
    return pl.col("text").str.replace_all(r'"[^"]*"', "")


def _summary(records: pl.LazyFrame, max_errors: int) -> pl.DataFrame:
    """Rows, wrong rows and the first of them (line, fields) of records with ``text``;
    ``open`` tells whether a quoted field runs past the end of its line."""
    return (records
            # the field count: commas outside quotes, plus one
            .with_columns(_unquoted=_unquoted())
            .with_columns(fields=pl.col("_unquoted").str.count_matches(",", literal=True) + 1,
                          open=pl.col("_unquoted").str.contains('"', literal=True))
            # rows, and the first wrong rows with their counts
            .select(rows=pl.len(), wrong=(pl.col("fields") != FIELD_COUNT).sum(),
                    open=pl.col("open").any(),
                    where=pl.struct("line", "fields").filter(
                        pl.col("fields") != FIELD_COUNT).head(max_errors).implode())
            .collect(engine="streaming"))


def _records(lines: pl.LazyFrame) -> pl.LazyFrame:
    """Lines joined into CSV records where a quoted field holds a line break: a record
    starts on a line before which an even number of quotes were seen."""
    quotes = pl.col("text").str.count_matches('"', literal=True)
    return (lines
            .with_columns(record=((quotes.cum_sum() - quotes) % 2 == 0).cum_sum())
            .group_by("record", maintain_order=True)
            .agg(pl.col("line").first(), pl.col("text").str.join("\n")))


def _header_problem(path: Path, first: str) -> Problem | None:
    """The problem of a header row that does not name the 95 columns in order."""
    names = [n.strip().strip('"') for n in first.lstrip("\ufeff").split(",")]
    if names and names[-1] == "" and len(names) == FIELD_COUNT + 1:
        names = names[:-1]  # the trailing-comma variant
    if tuple(names) == COLUMNS:
        return None
    wrong = next((f"field {i + 1} is {n!r}, expected {c!r}" for i, (n, c)
                  in enumerate(zip(names, COLUMNS, strict=False)) if n != c),
                 f"{len(names)} names, expected {FIELD_COUNT}")
    return Problem(str(path), "doj-header", f"the header is not the AB 1793 layout: {wrong}",
                   row=None, column=None)


def check_file(path: Path, max_errors: int = MAX_ERRORS) -> FileShape:
    """Check the shape of one DOJ file (see the module's notes)."""
    if not path.is_file():
        return FileShape(path, False, 0, (Problem(str(path), "no-file", "no such file"),))
    lines = _lines(path)
    head = lines.head(1).collect()
    first = (head["text"][0] or "") if head.height else ""
    header = first.lstrip("\ufeff").startswith(HEADER_START)
    problems: list[Problem] = []
    if header and (bad := _header_problem(path, first)):
        problems.append(bad)
    # blank lines are skipped; the header is not a data row
    data = lines.filter(pl.col("text").is_not_null() & (pl.col("line") > int(header)))
    stats = _summary(data, max_errors)
    if stats["open"][0]:  # a quoted field spans lines: count whole records instead
        stats = _summary(_records(data), max_errors)
    rows, wrong = stats["rows"][0], stats["wrong"][0]
    for item in stats["where"][0]:
        # named by its line in the file (the header, if any, is line 1)
        problems.append(Problem(str(path), "field-count", f"line {item['line']} has "
                                f"{item['fields']} fields, expected {FIELD_COUNT}"))
    if wrong > len(stats["where"][0]):
        problems.append(Problem(str(path), "field-count", f"... and {wrong - max_errors} "
                                "more lines with another number of fields"))
    if rows == 0:
        problems.append(Problem(str(path), "no-rows", "the file has no data rows"))
    return FileShape(path, header, int(rows), tuple(problems))


def __dir__() -> list[str]:
    return sorted(__all__)
