"""The chart libraries every page draws with (vega, vega-lite and vega-embed, one script
built by vl-convert), shipped once for the whole site as ``assets/vega-HASH.js``.

The file is named by its content, so a page and the file it loads cannot disagree: a
page loads it with ``<script src="assets/vega-HASH.js">``, which a browser reads from
disk like the page itself (no network). A page rendered with ``--self-contained``
carries the libraries inline instead and needs no asset. The bundle is built once and
cached in ``.cache/`` beside the site (a few seconds); every run writes into the staged
site each asset one of its pages loads, carried pages included, and the manifest lists
them under ``assets`` with their checksums. Each page's fingerprint records the hash of
the libraries and whether they are inlined, so a new bundle, or switching
``--self-contained``, renders the page again.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .manifest import INLINE, LIBRARIES, file_entries, sha256_file

__all__ = ["ASSETS", "CACHE", "Libraries", "absent", "asset_path", "available", "bundle",
           "loaded_by", "prepare", "stage"]

ASSETS = "assets"  # the site's folder of shared files
CACHE = ".cache"  # beside the site: the built bundle, kept between runs


def asset_path(sha256: str) -> str:
    """Where the libraries of checksum ``sha256`` sit in a site, from its root."""
    return f"{ASSETS}/vega-{sha256[:16]}.js"


@dataclass(frozen=True)
class Libraries:
    """The chart libraries of this run, and whether its pages inline them."""

    file: Path  # the built bundle, in the cache
    sha256: str
    inline: bool = False  # --self-contained

    @property
    def path(self) -> str:
        """The asset pages load, from the site's root."""
        return asset_path(self.sha256)

    @property
    def src(self) -> str:
        """What a page's script tag loads; '' when the page inlines the libraries."""
        return "" if self.inline else self.path

    def fingerprint(self) -> dict:
        return {LIBRARIES: self.sha256, INLINE: self.inline}


def bundle(cache: Path, say=print) -> Path:
    """vega, vega-lite and vega-embed as one script, built by vl-convert once per
    version and cached (found again without importing vl-convert)."""
    version = metadata.version("vl-convert-python")
    found = sorted(Path(cache).glob(f"vega-embed-*-vl-{version}.js"))
    if found:
        return found[-1]
    import vl_convert as vlc

    say("  building the chart libraries for the pages (once) ...")
    target = Path(cache) / f"vega-embed-{vlc.get_vega_embed_version()}-vl-{version}.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(vlc.javascript_bundle(), encoding="utf-8")
    tmp.replace(target)
    return target


def prepare(site: Path, inline: bool = False, say=print) -> Libraries:
    """This run's libraries: built (or found in the cache beside ``site``) and hashed."""
    file = bundle(Path(site).parent / CACHE, say)
    return Libraries(file, sha256_file(file), inline)


def loaded_by(entry: dict) -> str | None:
    """The asset the page of a manifest entry loads; None when it loads none (its
    libraries are inlined, or it was rendered before they were shared)."""
    sha = entry.get(LIBRARIES)
    return None if entry.get(INLINE) or not sha else asset_path(sha)


def _intact(site: Path, entry: dict) -> bool:
    path = Path(site) / (loaded_by(entry) or "")
    return path.is_file() and sha256_file(path) == entry[LIBRARIES]


def available(site: Path, entry: dict, libraries: Libraries) -> bool:
    """Will the page of a manifest entry find its libraries in the next site: it loads
    none, this run's (which every run writes), or one ``site`` holds intact?"""
    return loaded_by(entry) in (None, libraries.path) or _intact(site, entry)


def absent(site: Path, entries: list[dict]) -> list[str]:
    """The assets the pages of ``entries`` load that ``site`` lacks or holds changed."""
    return sorted({path for e in entries if (path := loaded_by(e)) and not _intact(site, e)})


def stage(out: Path, site: Path, libraries: Libraries, entries: list[dict]) -> list[dict]:
    """Write into the staged site ``out`` every asset the pages of ``entries`` load:
    this run's from the cache, an older one (a page ``--only`` left out still loads it)
    from the published ``site``. Returns their manifest records."""
    wanted = sorted({path for e in entries if (path := loaded_by(e))})
    for path in wanted:
        source = libraries.file if path == libraries.path else Path(site) / path
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out / path)
    return file_entries(out, wanted)


def __dir__() -> list[str]:
    return sorted(__all__)
