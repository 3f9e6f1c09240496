"""``analysis reconcile``: every published figure against the others and the data."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "reconcile", help="check every published figure against the others and the data",
        description="Check the claims ledger (data/claims/claims.csv) against itself and "
        "against the case data in use: the synthetic default or --data PATH. Prints one "
        "line per check. Exit status: 0 when the data meets every claim it should, 1 when "
        "it fails one or more (they are named), 2 when the ledger or data cannot be read.")
    p.add_argument("--data", type=Path, default=None,
                   help="case list (CSV or Parquet); default: the synthetic data")
    p.add_argument("--seed", type=int, default=paths.DEFAULT_SEED,
                   help="seed of the synthetic default (default %(default)s)")
    p.add_argument("--ledger", type=Path, default=None,
                   help="claims ledger CSV (default data/claims/claims.csv)")
    p.add_argument("--doj-summary", type=Path, default=None, metavar="SUMMARY.json",
                   help="the summary.json of an 'analysis doj' run: checks the claims about "
                   "whole records (people left without a felony, with no conviction, "
                   "convictions ruled out by other convictions) against it; default: the "
                   "summary.json beside --data, when there is one")
    p.add_argument("--only", choices=("all", "claims", "data", "failures"), default="all",
                   help="which checks to print (default %(default)s)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text table or JSON for other tools (default %(default)s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import claims, data, reconcile, summarychecks
    from ..ingest import ValidationError

    try:
        ledger = claims.load(args.ledger)
    except claims.ClaimsError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    source = data.resolve(args.data, args.seed)
    print(f"reading {source} ...", file=sys.stderr, flush=True)
    try:
        cases, described = data.open_cases(args.data, seed=args.seed)
    except ValidationError as exc:
        first = str(exc.problems[0]) if exc.problems else str(exc)
        more = f" (and {exc.total - 1} more problems)" if exc.total > 1 else ""
        print(f"error: {first}{more}; run 'analysis validate {source}' for the list",
              file=sys.stderr)
        return 2
    result = reconcile.reconcile(cases, ledger)
    summary_path = args.doj_summary or summarychecks.beside(args.data)
    if summary_path:
        try:
            summary = summarychecks.load(summary_path)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"checking whole-record claims against {summary_path}", file=sys.stderr)
        result = summarychecks.apply(result, summary, summary_path.name)
    if args.format == "json":
        print(json.dumps({"data": described.label,
                          "checks": [asdict(c) for c in result.checks],
                          "data_checks": [asdict(d) for d in result.data],
                          "failures": [d.claim for d in result.failures]},
                         indent=1, default=str))
        return 1 if result.failures else 0
    _print_tables(result, described.label, args.only)
    return _print_summary(result, time.perf_counter() - started)


def _table(rows: list[list[str]], header: list[str]) -> str:
    """Columns padded to their widest cell; the last one left free."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join([str(v).ljust(w) for v, w in zip(r, widths, strict=False)]
                               + [str(r[-1])]))
    return "\n".join(lines)


def _print_tables(result, label: str, only: str) -> None:
    from ..claimchecks import fmt

    if only in ("all", "claims"):
        rows = [[c.id, c.status, c.explanation] for c in result.checks]
        print(f"Claims against claims ({len(rows)} checks)")
        print(_table(rows, ["check", "status", "explanation"]))
        print()
    if only in ("all", "data", "failures"):
        shown = result.failures if only == "failures" else result.data
        rows = [[d.claim, d.published, fmt(d.computed, d.unit), d.status,
                 "yes" if d.required else "no", d.explanation] for d in shown]
        print(f"Claims against the data: {label} ({len(result.data)} claims)")
        if rows:
            # "must hold": a miss fails the command (a contradicted claim need not hold)
            print(_table(rows, ["claim", "published", "computed", "status", "must hold",
                                "explanation"]))
        print()


def _print_summary(result, seconds: float) -> int:
    from ..claimchecks import STATUSES, fmt

    def summary(statuses: list[str]) -> str:
        return ", ".join(f"{statuses.count(s)} {s}" for s in STATUSES if statuses.count(s))

    print(f"claims against claims: {summary([c.status for c in result.checks])}")
    print(f"claims against the data: {summary([d.status for d in result.data])} "
          f"({seconds:.1f} s)")
    if result.failures:
        print(f"FAILED: the data fails {len(result.failures)} claim(s) it should meet: "
              + "; ".join(f"{d.claim} ({d.published}, {d.scope}: computed "
                          f"{fmt(d.computed, d.unit)})" for d in result.failures),
              file=sys.stderr)
        return 1
    print("ok: the data meets every claim it should")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
