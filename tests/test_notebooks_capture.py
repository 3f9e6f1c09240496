"""The capture-recapture and arrests pages run through papermill."""

from __future__ import annotations

import nbformat
import papermill
import pytest

from analysis import paths, render, synth

pytestmark = pytest.mark.slow


def _run(notebook: str, out, parameters: dict) -> str:
    papermill.execute_notebook(
        str(paths.NOTEBOOKS / notebook), str(out), parameters=parameters,
        kernel_name=render.kernel_name(), cwd=str(paths.NOTEBOOKS), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    return "".join(str(o) for c in nb.cells for o in c.get("outputs", []))


def test_still_unidentified_runs_on_a_small_list(tmp_path, synthetic):
    sample = synthetic.filter(synthetic["case_id"].str.ends_with("3"))
    small = synth.write(sample, tmp_path / "small.parquet")
    text = _run("08_still_unidentified.ipynb", tmp_path / "out.ipynb",
                {"data_path": str(small), "draws": 200})
    assert "user-supplied file small.parquet" in text
    assert "Real list." in text  # a user file is not described as synthetic
    assert "eligible convictions found by neither list" in text
    assert "over 200 synthetic draws" in text
    assert "<svg" in text
    assert "D20-" not in text and "C21-" not in text and "P00" not in text
