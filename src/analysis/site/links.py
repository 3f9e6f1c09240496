"""Links from one page of the site to another, and what becomes of those the site lacks.

A notebook's prose links to other pages by file name (``[HS 11357](glossary.html#hs-11357)``).
A site built from a config without that page would publish a link that leads nowhere,
so such a link is published as its text alone: :func:`missing` names the pages a
notebook links to that the site does not hold (part of the page's fingerprint, so a
page renders again when one appears or goes), and :func:`unlink` takes the links out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["missing", "targets", "unlink"]

# a Markdown link to a page of the site: [text](name.html) or [text](name.html#anchor)
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<page>[A-Za-z0-9_-]+)\.html(?:#[^)\s]*)?\)")


def targets(notebook: Path) -> set[str]:
    """The pages the markdown cells of ``notebook`` (an .ipynb) link to."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    text = "".join("".join(c.get("source", "")) for c in cells
                   if c.get("cell_type") == "markdown")
    return {m["page"] for m in _LINK.finditer(text)}


def missing(notebook: Path, site_pages: Iterable[str]) -> tuple[str, ...]:
    """The pages ``notebook`` links to that are not among ``site_pages``."""
    return tuple(sorted(targets(notebook) - set(site_pages)))


def unlink(source: str, pages: Iterable[str]) -> str:
    """``source`` with its links to ``pages`` replaced by their text."""
    gone = set(pages)
    return _LINK.sub(lambda m: m["text"] if m["page"] in gone else m[0], source)


def __dir__() -> list[str]:
    return sorted(__all__)
