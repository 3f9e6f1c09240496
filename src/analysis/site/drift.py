"""``analysis verify [SITE]``: re-check a published site against its manifest.

Recomputes every checksum and fingerprint the manifest records and lists each
difference ("drift"): a published file missing, changed or listed by no page (nor among
the ``assets`` the pages share); a page loading chart libraries the manifest does not
list; a page's
notebook, parameters or inputs changed since it was rendered; the package or the
rendering libraries changed; a page the config has that the site lacks, or one the
config dropped. Writes nothing. Exit status: 0 no drift, 1 drift, 2 no readable manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import paths
from . import assets, manifest
from .config import RenderError, load_config
from .datapackage import FILE as DATA_PACKAGE
from .manifest import FORMAT, LIBRARIES, MANIFEST, PACKAGE_DIRS, read_manifest, sha256_file
from .plan import DATA_PARAMETER, Page, local_path, plan_pages, public_path

__all__ = ["Drift", "VerifyError", "verify"]

# Files of the whole site, not of a page (release.json: what the disclosure audit reads;
# datapackage.json: every CSV described).
SITE_FILES = ("index.html", MANIFEST, "release.json", DATA_PACKAGE)


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


def _file_drift(site: Path, items: list[dict], page: str | None = None) -> list[Drift]:
    found = []
    for item in items:
        path = site / item["path"]
        if not path.is_file():
            found.append(Drift("missing-file", f"{item['path']} is listed but missing",
                               page))
        elif sha256_file(path) != item["sha256"]:
            found.append(Drift("changed-file", f"{item['path']} differs from its checksum",
                               page))
    return found


def _asset_drift(site: Path, shared: list[dict], entries: list[dict]) -> list[Drift]:
    """The files the pages share against their checksums, and every page's chart
    libraries against those the manifest lists."""
    found = _file_drift(site, shared)
    listed = {item["path"]: item["sha256"] for item in shared}
    for entry in entries:
        path = assets.loaded_by(entry)
        if path is not None and listed.get(path) != entry[LIBRARIES]:
            found.append(Drift("missing-file", f"loads the chart libraries {path}, which "
                               "the manifest does not list with their checksum",
                               entry["page"]))
    return found


def _input_drift(entry: dict, page: Page) -> list[Drift]:
    found = []
    recorded = entry.get("data") or {}
    current = manifest.data_fingerprint(page)
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
        if path.is_file() and sha256_file(path) != source["sha256"]:
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
    (see ``plan.public_path``) points to."""
    if not recorded:
        return None
    if data is not None and public_path(data) == recorded:
        return Path(data).expanduser().resolve()
    candidate = local_path(recorded)
    inside = candidate.is_file() and public_path(candidate) == recorded
    return candidate.resolve() if inside else _NOT_HERE


def _entries(site: Path) -> tuple[list[dict], list[dict]]:
    """The manifest's page entries and its shared files' records; :class:`VerifyError`
    when it cannot be read."""
    manifest = read_manifest(site)
    if not manifest.get("pages") and not (site / MANIFEST).is_file():
        raise VerifyError(f"{site}: no {MANIFEST}; is this a site built by "
                          "'analysis render'?")
    if manifest.get("format") != FORMAT:
        raise VerifyError(f"{site / MANIFEST}: unreadable or from another version "
                          f"(format {manifest.get('format')!r}, expected {FORMAT})")
    shared = [a for a in manifest.get("assets") or [] if isinstance(a, dict) and "path" in a]
    return [e for e in manifest.get("pages", []) if isinstance(e, dict) and "page" in e], shared


def _override(entry: dict) -> str | None:
    """The data file a page was rendered from, as published."""
    return (entry.get("parameters") or {}).get(DATA_PARAMETER)


def _plan(entries: list[dict], config: Path, notebooks: Path, data: Path | None):
    """The pages as the config and the data each page was rendered with define them
    now, by (published data file, page name); and where each data file is now."""
    try:
        reports = load_config(Path(config))
    except RenderError as exc:
        raise VerifyError(str(exc)) from None
    overrides = {_override(e) for e in entries} or {None}
    files = {override: _data_file(override, data) for override in overrides}
    planned: dict[tuple[str | None, str], Page] = {}
    for override, file in files.items():
        if file is _NOT_HERE:
            continue
        try:
            pages = plan_pages(reports, notebooks=Path(notebooks), data=file)
        except RenderError as exc:
            raise VerifyError(str(exc)) from None
        planned |= {(override, p.name): p for p in pages}
    return planned, files


def _page_drift(entry: dict, page: Page, parts: dict) -> list[Drift]:
    """A page's notebook, parameters and inputs against its manifest entry."""
    name, found = entry["page"], []
    if not page.notebook.is_file():
        found.append(Drift("notebook-missing", f"notebook {page.notebook.name} is missing",
                           name))
    elif parts["notebook_sha256"] != entry.get("notebook_sha256"):
        found.append(Drift("notebook-changed", f"notebook {page.notebook.name} changed "
                           "since the render", name))
    if parts["parameters"] != entry.get("parameters"):
        found.append(Drift("parameters-changed", "its parameters in the config changed",
                           name))
    return found + _input_drift(entry, page)


def _stack_drift(entries: list[dict], checked: list[dict], package: str,
                 versions: dict[str, str]) -> list[Drift]:
    """The package and the rendering libraries against what the ``checked`` pages were
    built with (``entries``: every page of the manifest)."""
    found = []
    if any(e.get("package_sha256") != package for e in checked):
        found.append(Drift("package-changed", "the analysis package or its reference data "
                           "changed since the render"))
    if any(e.get("versions") != versions for e in checked):
        recorded = next((e.get("versions") for e in entries
                         if e.get("versions") != versions), {}) or {}
        changed = sorted(k for k in set(recorded) | set(versions)
                         if recorded.get(k) != versions.get(k))
        found.append(Drift("versions-changed", "rendering libraries changed since the "
                           f"render ({', '.join(changed)})"))
    return found


def verify(site: Path = paths.SITE, *, config: Path = paths.REPORTS_CONFIG,
           notebooks: Path = paths.NOTEBOOKS, data: Path | None = None,
           package_dirs=PACKAGE_DIRS) -> tuple[list[Drift], int]:
    """Every drift between ``site`` and its manifest, and the number of pages checked.

    Published files name a user's data file without its folder, so ``data`` says where
    it is now (``analysis verify --data``); a file inside the checkout is found alone.
    Raises :class:`VerifyError` when the site has no readable manifest or the config
    cannot be read.
    """
    site = Path(site)
    entries, shared = _entries(site)
    planned, files = _plan(entries, config, notebooks, data)
    package, versions = manifest.tree_hash(package_dirs), manifest.stack_versions()
    drifts: list[Drift] = []
    checked: list[dict] = []  # entries whose page could be planned again
    for entry in entries:
        drifts += _file_drift(site, entry.get("files") or [], entry["page"])
        override, name = _override(entry), entry["page"]
        if files.get(override) is _NOT_HERE:
            drifts.append(Drift("input-missing", f"rendered from the data file {override}, "
                                "which is not in the checkout; say where it is with --data",
                                name))
        elif (page := planned.get((override, name))) is None:
            drifts.append(Drift("page-dropped", "no longer produced by the config", name))
        else:
            drifts += _page_drift(entry, page, manifest.page_fingerprint(page, package, versions))
            checked.append(entry)
    drifts += _stack_drift(entries, checked, package, versions)
    drifts += _asset_drift(site, shared, entries)
    return drifts + _site_drift(site, entries, planned, files, shared), len(entries)


def _site_drift(site: Path, entries: list[dict], planned: dict, files: dict,
                shared: list[dict]) -> list[Drift]:
    """Pages the config has that the site lacks; files no page lists; site files gone."""
    found = []
    names = {e["page"] for e in entries}
    if len(files) == 1:  # pages the config has that the site lacks
        override = next(iter(files))
        for key in sorted(k for k in planned if k[0] == override and k[1] not in names):
            found.append(Drift("page-unpublished", "in the config but not in the site",
                               key[1]))
    listed = {item["path"] for e in entries for item in e.get("files") or []}
    listed |= {item["path"] for item in shared}
    for path in sorted(_published_files(site) - listed - set(SITE_FILES)):
        found.append(Drift("unlisted-file", f"{path} is published but no page lists it"))
    for path in SITE_FILES:
        if not (site / path).is_file():
            found.append(Drift("missing-file", f"{path} is missing"))
    return found


def __dir__() -> list[str]:
    return sorted(__all__)
