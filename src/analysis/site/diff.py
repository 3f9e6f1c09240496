"""Compare two rendered sites file by file: did a change move anything a reader sees?

``python -m analysis.site.diff OLD NEW`` lists every difference and exits 1 when
there is one. What counts as the same:

- reader pages and the index (``.html``): byte for byte, once the render time and the
  commit they print are masked;
- CSV downloads and every other file: byte for byte;
- executed notebooks (``.ipynb``): the Markdown cells and every output, in order: each
  output's representations, except ``text/plain`` beside a richer one (what a frontend
  shows) and the MIME types only the renderer reads (``outputs.RENDERER_ONLY``: a
  table's rows and CSV and a data card's fields, which the page and its CSVs compared
  above already show). Code, cell ids and metadata may differ: a restructuring of the
  code changes them without changing what it shows;
- ``manifest.json``: every entry but the times, the commit and the checksums of the
  notebooks, the package and the files compared above after masking.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..outputs import RENDERER_ONLY

__all__ = ["Difference", "compare", "main"]

# Where pages print when and from which commit they were rendered.
_MASKS = (
    (re.compile(r"(Rendered|Site rendered) \d{4}-\d\d-\d\d \d\d:\d\d UTC"), r"\1 <time>"),
    (re.compile(r'class="lacra-date">\d{4}-\d\d-\d\d<'), 'class="lacra-date"><date><'),
    (re.compile(r"at commit\n<code>[0-9a-f]{7,40}(-dirty)?</code>"),
     "at commit\n<code><commit></code>"),
)
_VOLATILE_SITE = ("generated_at", "git_commit")
_VOLATILE_PAGE = ("rendered_at", "seconds", "git_commit", "notebook_sha256", "package_sha256",
                  "key")


@dataclass(frozen=True)
class Difference:
    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def masked_html(text: str) -> str:
    """A page with its render time and commit masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _shown(output: dict) -> object:
    """What a reader of the notebook sees of one output."""
    if output.get("output_type") == "stream":
        return output.get("name"), output.get("text")
    if output.get("output_type") == "error":
        return output.get("ename"), output.get("evalue")
    data = {k: v for k, v in (output.get("data") or {}).items() if k not in RENDERER_ONLY}
    rich = {k: v for k, v in data.items() if k != "text/plain"}
    return rich or data.get("text/plain")


def notebook_view(text: str) -> list:
    """The Markdown and the outputs of an executed notebook, in order."""
    nb = json.loads(text)
    view = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            view.append(("markdown", source))
        elif cell.get("cell_type") == "code":
            view.extend(("output", _shown(o)) for o in cell.get("outputs", []))
    return view


def manifest_view(text: str) -> dict:
    """The manifest without what changes from render to render or with the code."""
    manifest = json.loads(text)
    for key in _VOLATILE_SITE:
        manifest.pop(key, None)
    for entry in manifest.get("pages", []):
        for key in _VOLATILE_PAGE:
            entry.pop(key, None)
        for item in entry.get("files", []):
            if item["path"].endswith((".html", ".ipynb")):  # compared after masking
                item.pop("sha256", None)
                item.pop("bytes", None)
    return manifest


def _same(path: str, old: bytes, new: bytes) -> bool:
    if old == new:
        return True
    if path.endswith(".html"):
        return masked_html(old.decode("utf-8")) == masked_html(new.decode("utf-8"))
    if path.endswith(".ipynb"):
        return notebook_view(old.decode("utf-8")) == notebook_view(new.decode("utf-8"))
    if path == "manifest.json":
        return manifest_view(old.decode("utf-8")) == manifest_view(new.decode("utf-8"))
    return False


def compare(old: Path, new: Path) -> list[Difference]:
    """Every difference between the sites ``old`` and ``new``."""
    old, new = Path(old), Path(new)
    for site in (old, new):
        if not (site / "index.html").is_file():
            raise FileNotFoundError(f"{site}: not a rendered site (no index.html)")
    before, after = _files(old), _files(new)
    found = [Difference(p, "only in the old site") for p in sorted(before - after)]
    found += [Difference(p, "only in the new site") for p in sorted(after - before)]
    for path in sorted(before & after):
        if not _same(path, (old / path).read_bytes(), (new / path).read_bytes()):
            found.append(Difference(path, "differs"))
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m analysis.site.diff OLD_SITE NEW_SITE", file=sys.stderr)
        return 2
    try:
        found = compare(Path(args[0]), Path(args[1]))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for difference in found:
        print(difference)
    files = len(_files(Path(args[1])))
    print(f"{len(found)} difference(s) in {files} file(s)" if found
          else f"same: {files} file(s) match, apart from render times, commit and code")
    return 1 if found else 0

def __dir__() -> list[str]:
    return sorted(__all__)



if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
