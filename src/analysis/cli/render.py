"""``analysis render``: execute the out-of-date pages and publish the site atomically."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render", help="render the report site into reports/site",
        description="Execute the notebooks of reports/reports.yml (one page per parameter "
        "set) and publish an offline HTML site. Only pages whose notebook, parameters, "
        "package or data changed are executed; the site is replaced only when every page "
        "succeeded.",
        epilog="Exit status: 0 published or nothing to do, 1 a page failed or the audit "
        "of the staged site found a disclosure (the previous site is left untouched), 2 "
        "bad config, parameters, data or arguments.")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="render only this report (or page); repeatable. Other pages are "
                   "kept as they are")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="pages to execute at once (default: the number of cores, "
                   "%(default)s)")
    p.add_argument("--force", action="store_true",
                   help="render the selected pages even when nothing changed")
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="case list (CSV or Parquet) passed as data_path to every page that "
                   "takes it, instead of the synthetic default")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="fail a page when one cell runs longer than this")
    p.add_argument("--dry-run", action="store_true",
                   help="say which pages would render and why, then stop")
    p.add_argument("--config", type=Path, default=paths.REPORTS_CONFIG,
                   help="reports config (default %(default)s)")
    p.add_argument("--notebooks", type=Path, default=paths.NOTEBOOKS,
                   help="folder the config's notebook names are found in (default "
                   "%(default)s)")
    p.add_argument("--site", type=Path, default=paths.SITE,
                   help="where the site is published (default %(default)s)")
    p.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    p.set_defaults(func=run)


_WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                 errno.ENOTDIR, errno.EEXIST, errno.EISDIR}


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    from ..site import RenderError, render

    started = time.monotonic()
    try:
        result = render(config=args.config, site=args.site, notebooks=args.notebooks,
                        only=args.only, jobs=args.jobs,
                        force=args.force, data=args.data, timeout=args.timeout,
                        dry_run=args.dry_run, quiet=args.quiet)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder cannot be written, the disk is full ...
        where = f" {exc.filename}" if exc.filename else ""
        verb = "cannot write" if exc.errno in _WRITE_ERRORS else "file system error at"
        print(f"error: {verb}{where}: {exc.strerror or exc}; the published site "
              f"{args.site} was left unchanged", file=sys.stderr)
        return 1
    if result.failed:
        for failure in result.failed:
            print(f"error: {failure.message}", file=sys.stderr)
        print(f"error: {len(result.failed)} page(s) failed; the published site "
              f"{result.site} was left unchanged", file=sys.stderr)
        return 1
    if result.refused:
        for problem in result.refused[:20]:
            print(f"error: disclosure: {problem}", file=sys.stderr)
        more = len(result.refused) - 20
        print(("error: " + (f"... and {more} more; " if more > 0 else "")
               + f"the audit of the staged site found {len(result.refused)} count(s) an "
               f"attacker could learn; the published site {result.site} was left "
               "unchanged (see docs/methodology.md, Disclosure control)"), file=sys.stderr)
        return 1
    if result.published and not args.quiet:
        print(f"site ready: {result.site / 'index.html'} ({len(result.rendered)} rendered, "
              f"{len(result.unchanged)} unchanged, {time.monotonic() - started:.1f}s)")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
