"""The site comparison: what a restructuring must not move, it notices; what a render
always changes (times, the commit, code), it ignores."""

from __future__ import annotations

import json
import shutil

import pytest

from analysis import sitediff

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
    assert sitediff.compare(rendered_site, twin) == []
    assert sitediff.main([str(rendered_site), str(twin)]) == 0


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
    assert sitediff.compare(rendered_site, twin) == []


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
    found = sitediff.compare(rendered_site, twin)
    assert len(found) == 1, found
    assert sitediff.main([str(rendered_site), str(twin)]) == 1
