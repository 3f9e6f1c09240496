"""``analysis arrests [FILE]``: check an arrest extract through its mapping file."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import arrests
from ..ingest import ValidationError
from .problems import add_max_errors, print_problems

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "arrests", help="check an arrest extract against the arrest spec via a mapping",
        description="Read an arrest extract (CSV) through a column-and-code mapping file "
        "and check every row. Lists each problem with file, row, column, value and rule; "
        "exits 1 when any is found. Writes nothing.")
    p.add_argument("file", type=Path, nargs="?", default=None,
                   help=f"arrest extract (default: {arrests.LAPD_FILE} in the shared data "
                   "folder)")
    p.add_argument("--mapping", type=Path, default=None,
                   help="YAML mapping (default: data/mappings/lapd_marijuana_arrests.yml)")
    add_max_errors(p)
    p.add_argument("--encoding", default=None, help="text encoding when not UTF-8")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        mapping = arrests.load_mapping(args.mapping)
        frame = arrests.read_arrests(args.file, mapping, max_errors=args.max_errors,
                                     encoding=args.encoding)
    except ValidationError as exc:
        print_problems(exc.problems, exc.total)
        return 1
    file = args.file or arrests.default_path(mapping)
    years = f"{frame['year'].min()}-{frame['year'].max()}"
    levels = ", ".join(f"{lvl}: {n:,}" for lvl, n in
                       frame.group_by("charge_level").len().sort("charge_level").iter_rows())
    print(f"ok: {file}: {frame.height:,} arrests, {years} ({levels})")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
