"""``analysis match DOJ_LIST COURT_LIST --out COMBINED.csv``: match the case list derived
from the DOJ file against the court records' list, and write the combined list the
capture-recapture reads (:mod:`analysis.matching`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from . import EXIT_BAD_DATA, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .problems import add_max_errors, print_problems
from .validate import print_rejected

__all__ = ["MAX_TOLERANCE", "OUTPUT_SUFFIXES", "add_parser", "run"]

MAX_TOLERANCE = 366  # days; a wider window pairs convictions of different years
OUTPUT_SUFFIXES = (".csv", ".parquet")


def _tolerance(text: str) -> int:
    """The argparse type of ``--date-tolerance``: whole days, 0 to :data:`MAX_TOLERANCE`."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= MAX_TOLERANCE:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_TOLERANCE} days")
    return days


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..matching import DEFAULT_TOLERANCE

    p = sub.add_parser(
        "match", help="match the DOJ-derived case list against the court records' list",
        description="Pair each conviction of DOJ_LIST (a case list derived from the DOJ's "
        "AB 1793 file) with the same conviction in COURT_LIST (the court records), one to "
        "one: first by case id and courthouse, then by person, code section and "
        "conviction date (the same day, then within --date-tolerance days); each step "
        "pairs as many rows as it can, rivals settled by the closest date, the same count "
        "number, then a stable order. Case and person ids match only when both lists "
        "hashed the same court case number and the same person columns under the same "
        "salt (LACRA_ID_SALT): see 'analysis doj --help' (--person-key). Writes the "
        "combined list (each conviction once, with found_in_doj and found_in_court saying "
        "which lists hold it) for the capture-recapture, and prints what was matched and "
        "how. Both lists are validated first. Exit status: 0 done; 2 bad arguments; 3 a "
        "list (or the mapping) failed validation, nothing written; 1 the output could not "
        "be written. See docs/doj.md, 'Matching the DOJ list against court records'.")
    p.add_argument("doj", type=Path, metavar="DOJ_LIST",
                   help="case list in the project's schema derived from the DOJ file")
    p.add_argument("court", type=Path, metavar="COURT_LIST",
                   help="court-records case list, in the schema or read through "
                   "--court-mapping")
    p.add_argument("--court-mapping", type=Path, default=None, metavar="MAPPING.yml",
                   help="case-list mapping file for COURT_LIST's layout (docs/data.md, "
                   "'Case-list mapping'); 'case_id: {hash: [its case number column]}' and "
                   "'person_id: {hash: [name column, date of birth column]}' make the ids "
                   "the DOJ list's are made as")
    p.add_argument("--date-tolerance", type=_tolerance, default=DEFAULT_TOLERANCE,
                   metavar="DAYS", help="conviction dates this many days apart still match "
                   "in the last step (default %(default)s; 0 turns that step off)")
    p.add_argument("--out", type=Path, required=True, metavar="COMBINED.csv",
                   help="where to write the combined list (.csv or .parquet)")
    p.add_argument("--report", type=Path, default=None, metavar="REPORT.json",
                   help="also write the report (counts only, no identifiers) as JSON")
    add_max_errors(p)
    p.set_defaults(func=run)


def _read(path: Path, mapping: Path | None, max_errors: int):
    """The validated frame of ``path``, or None after printing why it failed."""
    from .. import validate

    report = validate.check(path, mapping=mapping, max_errors=max_errors)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not report.ok:
        print_rejected(path, report.problems, report.total)
        return None
    return report.frame


def _write(write, target: Path) -> None:
    """Call ``write(temporary path)`` then move the file into place in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                    suffix=".tmp")
    os.close(handle)
    try:
        write(name)
        os.replace(name, target)
    finally:
        Path(name).unlink(missing_ok=True)


def _usage(args: argparse.Namespace) -> str | None:
    """What is wrong with the output options, if anything."""
    if args.out.suffix.lower() not in OUTPUT_SUFFIXES:
        return f"--out must end in {' or '.join(OUTPUT_SUFFIXES)}: {args.out}"
    inputs = {p.expanduser().resolve() for p in (args.doj, args.court)}
    if any(p is not None and p.expanduser().resolve() in inputs
           for p in (args.out, args.report)):
        return "--out and --report must not overwrite an input list"
    return None


def run(args: argparse.Namespace) -> int:
    from .. import matching, validate

    problem = _usage(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    doj = _read(args.doj, None, args.max_errors)
    court = _read(args.court, args.court_mapping, args.max_errors)
    if doj is None or court is None:
        return EXIT_BAD_DATA
    try:
        result = matching.match(doj, court, date_tolerance_days=args.date_tolerance)
    except ValueError as exc:  # a list's rows are not from its source
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_DATA
    check = validate.check_frame(result.combined, str(args.out), max_errors=args.max_errors)
    if not check.ok:  # e.g. a court row and an unmatched DOJ row sharing batch and key
        print_problems(check.problems, check.total,
                       prefix="the combined list would not validate: ")
        return EXIT_FAILED
    try:
        if args.out.suffix.lower() == ".csv":
            _write(result.combined.write_csv, args.out)
        else:
            _write(result.combined.write_parquet, args.out)
        if args.report is not None:
            text = json.dumps(result.report, indent=1) + "\n"
            _write(lambda name: Path(name).write_text(text, encoding="utf-8"), args.report)
    except OSError as exc:
        print(f"error: cannot write {exc.filename or args.out}: {exc.strerror}",
              file=sys.stderr)
        return EXIT_FAILED
    print("\n".join(matching.describe(result.report)))
    print(f"wrote {result.combined.height:,} rows to {args.out}")
    return EXIT_OK


def __dir__() -> list[str]:
    return sorted(__all__)
