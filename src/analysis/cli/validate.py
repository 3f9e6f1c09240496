"""``analysis validate FILE [--mapping M]``: check a case list against the schema and its
rules, through a mapping file when its layout is another's. Warnings are printed and
never fail the check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import add_max_errors, print_problems

__all__ = ["add_parser", "print_rejected", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check a case list (CSV, .csv.gz, Excel or Parquet) against the "
        "schema", description="Validate a case-level file against the canonical schema and "
        "its rules, through a mapping file (--mapping) when it comes in another layout. "
        "Lists every problem (up to --max-errors) with file, row, column, value and rule; "
        "exits 1 when any is found. Warnings (a neighbourhood read as the City of Los "
        "Angeles, columns dropped) are printed and never fail the check. Writes nothing.")
    p.add_argument("file", type=Path, help="CSV (any of , ; tab |; plain or gzipped), Excel "
                   "workbook (.xlsx) or Parquet file")
    add_max_errors(p)
    p.add_argument("--mapping", type=Path, default=None, metavar="M",
                   help="case-list mapping file (YAML) saying which column holds each field; "
                   "see docs/data.md, 'Case-list mapping'")
    p.add_argument("--encoding", default=None,
                   help="text encoding of a CSV that is not UTF-8, e.g. latin-1")
    p.add_argument("--sheet", default=None,
                   help="the sheet of a workbook to read (needed when it has several)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import validate

    report = validate.check(args.file, mapping=args.mapping, max_errors=args.max_errors,
                            encoding=args.encoding, sheet=args.sheet)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not report.ok:
        print_rejected(args.file, report.problems, report.total)
        return 1
    frame = report.frame
    batches = ", ".join(f"{b}: {n:,}" for b, n in
                        frame.group_by("batch").len().sort("batch").iter_rows())
    print(f"ok: {args.file}: {frame.height:,} rows valid ({batches})")
    return 0


def print_rejected(file: Path, problems: list, total: int) -> None:
    """The report of a case list that failed validation, as ``validate`` prints it
    (``render --data`` prints the same for a list it refuses)."""
    print_problems(problems, total, prefix=f"{file}: ")


def __dir__() -> list[str]:
    return sorted(__all__)
