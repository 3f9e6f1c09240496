"""What a page is built from: fingerprints, the site's ``manifest.json`` that records
them, and the staleness check that compares the two. ``analysis verify`` reads the
same records."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from .. import checksum, paths
from .plan import (
    DATA_PARAMETER,
    SEED_PARAMETER,
    Page,
    parameter_file,
    public_parameters,
    public_path,
)

__all__ = ["FORMAT", "INLINE", "LIBRARIES", "MANIFEST", "PACKAGE_DIRS", "STACK",
           "data_fingerprint",
           "file_entries", "files_intact", "git_commit", "page_fingerprint", "read_manifest",
           "sha256_file", "stack_versions", "tree_hash", "why_stale"]

MANIFEST = "manifest.json"
FORMAT = 2  # bump when the manifest's layout changes: every page then re-renders
# The package a page depends on: its source and the committed data it reads.
PACKAGE_DIRS = (Path(__file__).parents[1], paths.REFERENCE, paths.CLAIMS, paths.MAPPINGS)
# A page's fingerprint parts for its chart libraries (``site.assets``): their sha256, and
# whether the page inlines them (``--self-contained``) instead of loading the asset.
LIBRARIES = "chart_libraries"
INLINE = "self_contained"
# Versions recorded per page; a change re-renders everything.
STACK = ("polars", "altair", "vl-convert-python", "statsmodels", "papermill", "nbconvert",
         "ipykernel", "jupyter-client")

# One checksum function for the whole project (the reference manifests use it too).
sha256_file = checksum.sha256_file


def tree_hash(folders: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of every file under ``folders`` (no caches)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def stack_versions() -> dict[str, str]:
    """Python's version and the rendering stack's."""
    versions = {"python": sys.version.split()[0]}
    for name in STACK:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str:
    """The checkout's commit, with ``-dirty`` when files differ from it; '' outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, text=True,
                              capture_output=True, timeout=10)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=paths.ROOT, text=True, capture_output=True, timeout=10)
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def data_fingerprint(page: Page) -> dict:
    """What a page reads: its data files' checksums, or the synthetic seed."""
    found: dict[str, str] = {}
    if DATA_PARAMETER in page.effective:
        value = page.effective[DATA_PARAMETER]
        if value in ("", None):
            found[DATA_PARAMETER] = f"synthetic seed {page.effective.get(SEED_PARAMETER)}"
    for key, value in sorted(page.effective.items()):
        if isinstance(value, str) and value and key not in found:
            candidate = parameter_file(page, value)
            if candidate.is_file():
                found[key] = "sha256:" + sha256_file(candidate)
            elif key == DATA_PARAMETER:
                found[key] = "missing"
    for path in page.inputs:
        found[public_path(path)] = ("sha256:" + sha256_file(path) if path.is_file()
                                    else "missing")
    return found


def page_fingerprint(page: Page, package: str, versions: dict[str, str],
                     release: str = "", reading: dict | None = None,
                     libraries: dict | None = None, unlinked: tuple[str, ...] = ()
                     ) -> dict:
    """Everything a page's output depends on, and its key (a hash of all of it).
    ``release`` is the digest of the cells the site's release hides on the page;
    ``reading`` how its case list is read (``Reading.fingerprint``: the encoding and
    the mapping file's checksum), recorded only when not the default; ``libraries``
    its chart libraries (``Libraries.fingerprint``: their sha256, whether inlined);
    ``unlinked`` the pages its prose links to that the site lacks (``links.missing``),
    recorded only when there are any."""
    parts = {
        "format": FORMAT,
        "notebook_sha256": sha256_file(page.notebook),
        "parameters": public_parameters(page.parameters),
        "package_sha256": package,
        "data": data_fingerprint(page),
        "versions": versions,
        "labels": [page.title, page.summary, page.report_title],
        "release": release,
    }
    if reading:
        parts["reading"] = dict(reading)
    if unlinked:
        parts["unlinked"] = list(unlinked)
    parts.update(libraries or {})
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str)
                                  .encode()).hexdigest()
    return parts


def read_manifest(site: Path) -> dict:
    """The site's manifest, or ``{}`` when it has none that can be read."""
    try:
        manifest = json.loads((Path(site) / MANIFEST).read_text(encoding="utf-8"))
        return manifest if isinstance(manifest, dict) else {}
    except (OSError, ValueError):
        return {}


def file_entries(root: Path, names: Iterable[str]) -> list[dict]:
    """The manifest's record of published files: path, checksum and size."""
    return [{"path": n, "sha256": sha256_file(root / n), "bytes": (root / n).stat().st_size}
            for n in names]


def files_intact(site: Path, entry: dict) -> bool:
    """Every file the manifest lists for a page is there with its checksum."""
    files = entry.get("files") or []
    if not files:
        return False
    for item in files:
        path = site / item["path"]
        if not path.is_file() or sha256_file(path) != item["sha256"]:
            return False
    return True


def why_stale(entry: dict | None, parts: dict, site: Path) -> str:
    """Why a page must render, or '' when its published copy is current."""
    if not entry:
        return "new page"
    if entry.get("key") == parts["key"]:
        return "" if files_intact(site, entry) else "published files missing or changed"
    reasons = []
    labels = (("notebook_sha256", "notebook changed"), ("parameters", "parameters changed"),
              ("package_sha256", "package changed"), ("data", "data changed"),
              ("versions", "package versions changed"),
              ("release", "the protection of its counts changed"),
              ("reading", "the data's encoding or mapping changed"),
              (LIBRARIES, "the chart libraries changed"))
    for key, label in labels:
        if entry.get(key) != parts.get(key):
            reasons.append(label)
    if bool(entry.get(INLINE)) != bool(parts.get(INLINE)):
        reasons.append("now self-contained" if parts.get(INLINE) else
                       "no longer self-contained")
    return ", ".join(reasons) or "title or format changed"


def __dir__() -> list[str]:
    return sorted(__all__)
