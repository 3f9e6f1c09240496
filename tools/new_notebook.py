"""Write a notebook from a list of (kind, source) cells, outputs empty.

Used to create the project's notebooks from plain text so their structure is easy to
review: ``python tools/new_notebook.py`` is not needed to run anything.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import paths

KERNEL = {"name": "la-cannabis-relief", "display_name": "Python (LA Cannabis Relief)",
          "language": "python"}


def build(path: Path, cells: list[tuple[str, str]]) -> None:
    nb = new_notebook(metadata={"kernelspec": KERNEL,
                                "language_info": {"name": "python"}})
    for kind, source in cells:
        if kind == "md":
            nb.cells.append(new_markdown_cell(source.strip()))
        elif kind == "params":
            nb.cells.append(new_code_cell(source.strip(), metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(new_code_cell(source.strip()))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    nbformat.write(nb, path)


def closing(prose: str) -> list[tuple[str, str]]:
    """The cells every page ends with: what its figures rest on (``prose``: which are
    published, assumed and computed), then the table of published and assumed inputs."""
    return [
        ("md", f"## What this rests on\n\n{prose.strip()}"),
        ("code", 'page.table(page.assumptions(), "Published and assumed inputs of the '
                 'synthetic data")'),
    ]


def write(source: str, cells: list[tuple[str, str]]) -> Path:
    """Write the notebook a file of ``tools/notebooks`` describes (``NN_topic.py`` makes
    ``notebooks/NN_topic.ipynb``); its ``__main__`` block calls this."""
    out = paths.NOTEBOOKS / f"{Path(source).stem}.ipynb"
    build(out, cells)
    print(f"wrote {out}")
    return out
