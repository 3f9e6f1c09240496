"""``analysis verify [SITE]``: re-check a rendered site against its manifest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify", help="re-check a published site against its manifest",
        description="Re-check every page of a rendered site against its manifest.json: "
        "the checksums of its published files, its notebook and its inputs, its "
        "parameters, and the package and library versions it was rendered with. Lists "
        "every drift. Writes nothing.",
        epilog="Exit status: 0 no drift, 1 drift found, 2 no readable manifest or config.")
    p.add_argument("site", type=Path, nargs="?", default=paths.SITE,
                   help="the site folder (default %(default)s)")
    p.add_argument("--config", type=Path, default=paths.REPORTS_CONFIG,
                   help="reports config the site was rendered from (default %(default)s)")
    p.add_argument("--data", type=Path, default=None, metavar="FILE",
                   help="the case list the site was rendered from with 'render --data', "
                   "when it lies outside the checkout (published files name it without "
                   "its folder)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..site import VerifyError, verify

    try:
        drifts, pages = verify(args.site, config=args.config, data=args.data)
    except VerifyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for drift in drifts:
        print(f"drift: {drift}", file=sys.stderr)
    if drifts:
        print(f"{args.site}: {len(drifts)} drift(s) in {pages} page(s); re-render with "
              "'analysis render' to bring the site up to date", file=sys.stderr)
        return 1
    print(f"ok: {args.site}: {pages} page(s) match their manifest (files, notebooks, "
          "inputs, parameters, package, versions)")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
