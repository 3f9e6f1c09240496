"""``analysis audit [SITE]``: play the attacker against a published site."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit", help="check that no published count can be recovered",
        description="Read what an attacker has, the published files of a site (its CSVs, "
        "manifest.json and release.json), and for every hidden count solve for its "
        "smallest and largest value consistent with everything published, over all "
        "pages at once (linear programming with scipy's HiGHS: whole non-negative "
        "counts, zeros of absent rows, every total and margin, the declared relations "
        "between counts). A hidden count that admits fewer than five values, and any "
        "shown count from 1 to 10, breaks the rule. Writes nothing.",
        epilog="Exit status: 0 the site passes, 1 a count breaks the rule (each is "
        "listed: page, table, row, column, feasible interval), 2 no readable site.")
    p.add_argument("site", type=Path, nargs="?", default=paths.SITE,
                   help="the site folder (default %(default)s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..release import published
    from ..site.manifest import read_manifest

    started = time.monotonic()
    entries = read_manifest(args.site).get("pages")
    if not entries:
        print(f"error: {args.site}: no readable manifest.json with pages", file=sys.stderr)
        return 2
    try:
        findings = published.audit(args.site, entries)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        print(f"disclosure: {finding}", file=sys.stderr)
    if findings:
        print(f"{args.site}: {len(findings)} count(s) break the rule; the site must not "
              "be published as it is", file=sys.stderr)
        return 1
    print(f"ok: {args.site}: no hidden count of its {len(entries)} page(s) can be narrowed "
          f"to fewer than {published.MIN_VALUES} values, and none shown is from 1 to "
          f"{published.THRESHOLD - 1} ({time.monotonic() - started:.1f}s)")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
