"""``analysis reference [--rebuild]``: check (or rebuild) the cited reference tables."""

from __future__ import annotations

import argparse

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reference", help="check or rebuild the cited reference tables",
                       description="Check data/reference against its manifest, or rebuild "
                       "the race table from the shared Census file.")
    p.add_argument("--rebuild", action="store_true",
                   help="re-derive la_county_population_by_race.csv from shared/data "
                   "and refresh the manifest checksums")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import reference

    if args.rebuild:
        reference.rebuild_population_by_race()
        reference.refresh_checksums()
        print(f"rebuilt {reference.POPULATION_BY_RACE.name}; manifest refreshed")
    problems = reference.verify_manifest()
    for problem in problems:
        print(f"error: {problem}")
    if not problems:
        print(f"ok: {len(reference.load_manifest()['tables'])} reference tables match the "
              "manifest")
    return 1 if problems else 0


def __dir__() -> list[str]:
    return sorted(__all__)
