"""The site comparison: what a restructuring must not move, it notices; what a render
always changes (times, the commit, code), it ignores."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from analysis import paths
from analysis.outputs import RENDERER_ONLY, TABLE_MIME
from analysis.site import compare
from analysis.site.diff import main

pytestmark = pytest.mark.slow


@pytest.fixture
def twin(tmp_path, rendered_site):
    """A copy of a rendered site to tamper with."""
    copy = tmp_path / "site"
    shutil.copytree(rendered_site, copy)
    return copy


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_is_the_same(rendered_site, twin):
    assert compare(rendered_site, twin) == []
    assert main([str(rendered_site), str(twin)]) == 0


def test_render_times_commit_and_code_are_ignored(rendered_site, twin):
    manifest = json.loads((twin / "manifest.json").read_text())
    stamp = manifest["generated_at"][:10]
    for page in twin.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(stamp, "1999-01-01"), encoding="utf-8")
    manifest["git_commit"] = "0" * 40
    for entry in manifest["pages"]:
        entry.update(rendered_at="1999-01-01T00:00:00+00:00", seconds=99.0,
                     notebook_sha256="f" * 64, key="k")
    (twin / "manifest.json").write_text(json.dumps(manifest))
    notebook = next(twin.glob("*.ipynb"))
    nb = json.loads(notebook.read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["source"] = "# rewritten\n" + "".join(code["source"])
    code["id"] = "another-id"
    notebook.write_text(json.dumps(nb))
    assert compare(rendered_site, twin) == []


@pytest.mark.parametrize("tamper", ["csv", "page", "notebook-output", "markdown",
                                    "manifest", "extra", "missing"])
def test_what_a_reader_sees_is_compared(rendered_site, twin, tamper):
    csv = next(twin.glob("csv/*/*.csv"))
    notebook = twin / "overview.ipynb"
    if tamper == "csv":
        csv.write_bytes(csv.read_bytes() + b"\n")
    elif tamper == "page":
        _edit(twin / "overview.html", "<table", "<table data-x")
    elif tamper in ("notebook-output", "markdown"):
        nb = json.loads(notebook.read_text())
        if tamper == "markdown":
            cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
            cell["source"] = ["Another title"]
        else:
            output = next(o for c in nb["cells"] for o in c.get("outputs", [])
                          if "text/html" in o.get("data", {}))
            output["data"]["text/html"] = "<p>other</p>"
        notebook.write_text(json.dumps(nb))
    elif tamper == "manifest":
        manifest = json.loads((twin / "manifest.json").read_text())
        manifest["pages"][0]["title"] = "Another title"
        (twin / "manifest.json").write_text(json.dumps(manifest))
    elif tamper == "extra":
        (twin / "stray.html").write_text("<p>stray</p>")
    else:
        csv.unlink()
    found = compare(rendered_site, twin)
    assert len(found) == 1, found
    assert main([str(rendered_site), str(twin)]) == 1


def test_renderer_only_outputs_are_skipped_and_documented(rendered_site, twin):
    """A table's payload is for the renderer: the page and its CSV show it, and are
    compared; what a notebook reader's frontend shows of the table still is."""
    assert TABLE_MIME in RENDERER_ONLY
    assert "RENDERER_ONLY" in sys.modules["analysis.site.diff"].__doc__
    notebook = twin / "overview.ipynb"
    nb = json.loads(notebook.read_text())
    output = next(o for c in nb["cells"] for o in c.get("outputs", [])
                  if TABLE_MIME in o.get("data", {}))
    output["data"][TABLE_MIME]["cells"] = []
    notebook.write_text(json.dumps(nb))
    assert compare(rendered_site, twin) == []
    output["data"]["image/png"] = "iVBORw0KGgo="  # a representation a frontend shows
    notebook.write_text(json.dumps(nb))
    assert [d.path for d in compare(rendered_site, twin)] == ["overview.ipynb"]


def test_the_module_runs_from_the_command_line(rendered_site, twin):
    done = subprocess.run([sys.executable, "-m", "analysis.site.diff", str(rendered_site),
                           str(twin)], capture_output=True, text=True, cwd=paths.ROOT)
    assert done.returncode == 0 and done.stdout.startswith("same: ")
    assert done.stderr == ""  # no warning about the package importing the module
