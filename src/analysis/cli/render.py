"""``analysis render``: execute the out-of-date pages and publish the site atomically."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from pathlib import Path

from .. import paths
from . import EXIT_BAD_DATA, EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE

__all__ = ["EPILOG", "add_parser", "run"]

EPILOG = f"""\
exit status:
  {EXIT_OK}  published, or nothing to do
  {EXIT_FAILED}  a page failed, the audit of the staged site found a disclosure, or the
     site could not be written (the published site is left as it was; pages that
     rendered are kept for the next run, which executes only what failed or changed)
  {EXIT_USAGE}  bad arguments, config or parameters (nothing was run)
  {EXIT_BAD_DATA}  the case list failed validation: its problems are listed as
     'analysis validate FILE' lists them (no kernel was started, the site is untouched)
  {EXIT_LOCKED}  another render holds the lock (nothing was done; try again later)

Run from cron or CI, call .venv/bin/analysis render directly: 'make reports' turns
every failure into make's own status 2."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render", help="render the report site into reports/site",
        description="Execute the notebooks of reports/reports.yml (one page per parameter "
        "set) and publish an offline HTML site. Only pages whose notebook, parameters, "
        "package or data changed are executed; the site is replaced only when every page "
        "succeeded. A --data file is validated before anything runs.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    p.add_argument("--encoding", default=None, metavar="E",
                   help="text encoding of a --data CSV that is not UTF-8, e.g. latin-1 "
                   f"(kernels get it as {paths.DATA_ENCODING_ENV})")
    p.add_argument("--mapping", type=Path, default=None, metavar="M",
                   help="mapping file the --data file is read through (kernels get it as "
                   f"{paths.DATA_MAPPING_ENV})")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="fail a page when one cell runs longer than this")
    p.add_argument("--self-contained", action="store_true",
                   help="inline the chart libraries (vega, vega-lite, vega-embed: about "
                   "900 KB) in every page rendered, so that a page saved alone as one file "
                   "still draws its charts; by default the pages share one copy, "
                   "assets/vega-HASH.js. Switching re-renders the selected pages")
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
        return EXIT_USAGE
    from ..site import RenderError, render, summarize_failures
    from ..site.config import DataRejected, Locked
    from .validate import print_rejected

    started = time.monotonic()
    try:
        result = render(config=args.config, site=args.site, notebooks=args.notebooks,
                        only=args.only, jobs=args.jobs,
                        force=args.force, data=args.data, timeout=args.timeout,
                        dry_run=args.dry_run, quiet=args.quiet, encoding=args.encoding,
                        mapping=args.mapping, self_contained=args.self_contained)
    except DataRejected as exc:
        print_rejected(exc.file, exc.problems, exc.total)
        print(f"error: the case list {exc.file} failed validation; no page was rendered "
              f"and {_left(args.site)}", file=sys.stderr)
        return EXIT_BAD_DATA
    except Locked as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the output folder cannot be written, the disk is full ...
        where = f" {exc.filename}" if exc.filename else ""
        verb = "cannot write" if exc.errno in _WRITE_ERRORS else "file system error at"
        print(f"error: {verb}{where}: {exc.strerror or exc}; {_left(args.site)}",
              file=sys.stderr)
        return EXIT_FAILED
    if result.failed:
        for line in summarize_failures(result.failed):
            print(f"error: {line}", file=sys.stderr)
        ok = len(result.rendered) + len(result.reused)
        kept = f"; the {ok} page(s) that rendered are kept for the next run" if ok else ""
        print(f"error: {len(result.failed)} page(s) failed; {_left(result.site)}{kept}",
              file=sys.stderr)
        return EXIT_FAILED
    if result.refused:
        for problem in result.refused[:20]:
            print(f"error: disclosure: {problem}", file=sys.stderr)
        more = len(result.refused) - 20
        print(("error: " + (f"... and {more} more; " if more > 0 else "")
               + f"the audit of the staged site found {len(result.refused)} count(s) an "
               f"attacker could learn; {_left(result.site)} (see docs/methodology.md, "
               "Disclosure control)"), file=sys.stderr)
        return EXIT_FAILED
    if result.published and not args.quiet:
        reused = f", {len(result.reused)} reused" if result.reused else ""
        print(f"site ready: {result.site / 'index.html'} ({len(result.rendered)} rendered"
              f"{reused}, {len(result.unchanged)} unchanged, "
              f"{time.monotonic() - started:.1f}s)")
    return EXIT_OK


def _left(site: Path) -> str:
    """What a run that published nothing did to the site, for the last error line."""
    if (Path(site) / "index.html").is_file():
        return f"the published site {site} was left unchanged"
    return f"no site was published yet (nothing was written to {site})"


def __dir__() -> list[str]:
    return sorted(__all__)
