"""Re-check a published site against its manifest: ``analysis verify [SITE]``.

``analysis render`` writes ``manifest.json`` beside the pages: for every page, the
checksums of its notebook, its inputs and every file it published, and the package and
library versions it was rendered with. :func:`verify` recomputes each of them now and
lists every difference ("drift"):

- a published file missing, changed, or present but listed by no page;
- a page's notebook, parameters or inputs (data files, the synthetic seed) changed
  since it was rendered, or the package or rendering libraries changed;
- a page of the config that the site does not have, or a page the config dropped.

Nothing is written. Exit status: 0 no drift, 1 drift, 2 no readable manifest.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from . import paths, render

SITE_FILES = ("index.html", render.MANIFEST)


@dataclass(frozen=True)
class Drift:
    """One difference between a published site and what it says it was built from."""

    kind: str
    message: str
    page: str | None = None

    def __str__(self) -> str:
        where = f"page {self.page!r}: " if self.page else ""
        return f"{where}{self.message} [{self.kind}]"


class VerifyError(Exception):
    """The site cannot be verified at all (no manifest, unreadable config)."""


def _published_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def _file_drift(site: Path, entry: dict) -> list[Drift]:
    found = []
    for item in entry.get("files") or []:
        path = site / item["path"]
        if not path.is_file():
            found.append(Drift("missing-file", f"{item['path']} is listed but missing",
                               entry["page"]))
        elif render.sha256_file(path) != item["sha256"]:
            found.append(Drift("changed-file", f"{item['path']} differs from its checksum",
                               entry["page"]))
    return found


def _input_drift(entry: dict, page: render.Page) -> list[Drift]:
    found = []
    recorded = entry.get("data") or {}
    current = render.data_fingerprint(page)
    for key in sorted(set(recorded) | set(current)):
        was, now = recorded.get(key), current.get(key)
        if was == now:
            continue
        if now in (None, "missing"):
            found.append(Drift("input-missing", f"input {key} ({was}) is no longer there",
                               page.name))
        elif was is None:
            found.append(Drift("input-changed", f"input {key} was not read by the "
                               "published page", page.name))
        else:
            found.append(Drift("input-changed", f"input {key} changed since the render "
                               f"(published {_short(was)}, now {_short(now)})", page.name))
    source = entry.get("data_source") or {}
    if source.get("synthetic") and source.get("file") and source.get("sha256"):
        path = paths.SYNTHETIC / source["file"]
        if path.is_file() and render.sha256_file(path) != source["sha256"]:
            found.append(Drift("input-changed", f"synthetic data {source['file']} differs "
                               "from the file the page read", page.name))
    return found


def _short(value: str) -> str:
    return value[:7 + 12] + "…" if value.startswith("sha256:") else value


# Stands for a data file the manifest names that cannot be found on this machine.
_NOT_HERE = object()


def _data_file(recorded: str | None, data: Path | None) -> Path | None | object:
    """Where the data file a page was rendered from is now: ``None`` for the synthetic
    default, ``_NOT_HERE`` when it is neither ``data`` nor a file the published name
    (see ``render.public_path``) points to."""
    if not recorded:
        return None
    if data is not None and render.public_path(data) == recorded:
        return Path(data).expanduser().resolve()
    candidate = render.local_path(recorded)
    inside = candidate.is_file() and render.public_path(candidate) == recorded
    return candidate.resolve() if inside else _NOT_HERE


def verify(site: Path = paths.SITE, *, config: Path = paths.REPORTS_CONFIG,
           notebooks: Path = paths.NOTEBOOKS, data: Path | None = None,
           package_dirs=render.PACKAGE_DIRS) -> tuple[list[Drift], int]:
    """Every drift between ``site`` and its manifest, and the number of pages checked.

    Published files name a user's data file without its folder, so ``data`` says where
    it is now (``analysis verify --data``); a file inside the checkout is found alone.
    Raises :class:`VerifyError` when the site has no readable manifest or the config
    cannot be read.
    """
    site = Path(site)
    manifest = render.read_manifest(site)
    if not manifest.get("pages") and not (site / render.MANIFEST).is_file():
        raise VerifyError(f"{site}: no {render.MANIFEST}; is this a site built by "
                          "'analysis render'?")
    if manifest.get("format") != render.FORMAT:
        raise VerifyError(f"{site / render.MANIFEST}: unreadable or from another version "
                          f"(format {manifest.get('format')!r}, expected {render.FORMAT})")
    entries = [e for e in manifest.get("pages", []) if isinstance(e, dict) and "page" in e]
    try:
        reports = render.load_config(Path(config))
    except render.RenderError as exc:
        raise VerifyError(str(exc)) from None

    # The pages as the config and the data each page was rendered with define them now.
    overrides = {(e.get("parameters") or {}).get(render.DATA_PARAMETER) for e in entries}
    overrides = overrides or {None}
    files = {override: _data_file(override, data) for override in overrides}
    planned: dict[tuple[str | None, str], render.Page] = {}
    drifts: list[Drift] = []
    for override, file in files.items():
        if file is _NOT_HERE:
            continue
        try:
            pages = render.plan_pages(reports, notebooks=Path(notebooks), data=file)
        except render.RenderError as exc:
            raise VerifyError(str(exc)) from None
        planned |= {(override, p.name): p for p in pages}

    package = render.tree_hash(package_dirs)
    versions = render.stack_versions()
    package_drift = versions_drift = False
    listed: set[str] = set()
    for entry in entries:
        name = entry["page"]
        listed |= {item["path"] for item in entry.get("files") or []}
        drifts += _file_drift(site, entry)
        override = (entry.get("parameters") or {}).get(render.DATA_PARAMETER)
        if files.get(override) is _NOT_HERE:
            drifts.append(Drift("input-missing", f"rendered from the data file {override}, "
                                "which is not in the checkout; say where it is with --data",
                                name))
            continue
        page = planned.get((override, name))
        if page is None:
            drifts.append(Drift("page-dropped", "no longer produced by the config", name))
            continue
        parts = render.page_fingerprint(page, package, versions)
        if not page.notebook.is_file():
            drifts.append(Drift("notebook-missing", f"notebook {page.notebook.name} is "
                                "missing", name))
        elif parts["notebook_sha256"] != entry.get("notebook_sha256"):
            drifts.append(Drift("notebook-changed", f"notebook {page.notebook.name} changed "
                                "since the render", name))
        if parts["parameters"] != entry.get("parameters"):
            drifts.append(Drift("parameters-changed", "its parameters in the config changed",
                                name))
        drifts += _input_drift(entry, page)
        package_drift |= parts["package_sha256"] != entry.get("package_sha256")
        versions_drift |= parts["versions"] != entry.get("versions")
    if package_drift:
        drifts.append(Drift("package-changed", "the analysis package or its reference data "
                            "changed since the render"))
    if versions_drift:
        recorded = next((e.get("versions") for e in entries
                         if e.get("versions") != versions), {}) or {}
        changed = sorted(k for k in set(recorded) | set(versions)
                         if recorded.get(k) != versions.get(k))
        drifts.append(Drift("versions-changed", "rendering libraries changed since the "
                            f"render ({', '.join(changed)})"))
    names = {e["page"] for e in entries}
    if len(overrides) == 1:  # pages the config has that the site lacks
        override = next(iter(overrides))
        for key in sorted(k for k in planned if k[0] == override and k[1] not in names):
            drifts.append(Drift("page-unpublished", "in the config but not in the site",
                                key[1]))
    for path in sorted(_published_files(site) - listed - set(SITE_FILES)):
        drifts.append(Drift("unlisted-file", f"{path} is published but no page lists it"))
    for path in SITE_FILES:
        if not (site / path).is_file():
            drifts.append(Drift("missing-file", f"{path} is missing"))
    return drifts, len(entries)


# --- command line ------------------------------------------------------------------------


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
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
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
