"""Each notebook's plain-text source (jupytext percent format) and its .ipynb agree.

The ``.py`` file is the one people edit and review; ``make notebooks`` writes the
``.ipynb`` from it. A notebook edited alone (in JupyterLab without jupytext, or by
hand) would silently fork from its source: these tests catch that.
"""

from __future__ import annotations

import shutil

import jupytext
import nbformat
import pytest
from jupytext.compare import compare_notebooks

from analysis import paths

SOURCES = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def disagreement(source, notebook) -> str | None:
    """Why ``notebook`` (.ipynb) is not what its ``source`` (.py) generates, or None."""
    try:
        compare_notebooks(nbformat.read(notebook, as_version=4), jupytext.read(source),
                          fmt="py:percent")
    except Exception as exc:  # jupytext raises several types, each naming the cell
        return str(exc).strip().splitlines()[0]
    return None


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    notebooks = {p.stem for p in paths.NOTEBOOKS.glob("*.ipynb")}
    assert SOURCES, "no notebook sources found"
    assert {p.stem for p in SOURCES} == notebooks


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_source_and_notebook_agree(source):
    problem = disagreement(source, source.with_suffix(".ipynb"))
    assert problem is None, f"{source.name}: {problem}; run `make notebooks`"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_source_is_percent_format_with_the_project_kernel(source):
    text = source.read_text(encoding="utf-8")
    assert "# %% tags=[\"parameters\"]" in text
    assert jupytext.read(source).metadata["kernelspec"]["name"] == paths.KERNEL_NAME


@pytest.mark.parametrize("edit", ["code", "markdown", "tags"])
def test_a_notebook_edited_without_its_source_is_caught(tmp_path, edit):
    source = SOURCES[0]
    shutil.copy(source, tmp_path / source.name)
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == edit) if edit != "tags" else \
        next(c for c in notebook.cells if c.metadata.get("tags"))
    if edit == "tags":
        cell.metadata["tags"] = []
    else:
        cell.source += "\n# edited in the notebook only"
    nbformat.write(notebook, tmp_path / f"{source.stem}.ipynb")
    assert disagreement(tmp_path / source.name, tmp_path / f"{source.stem}.ipynb")
