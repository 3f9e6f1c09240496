"""The site renderer: config and parameter checks, incremental runs, atomic publishing."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import GOOD_ROW, write_rows
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import cli, paths
from analysis.site import RenderError, load_config, plan_pages, render, verify
from analysis.site.assets import Libraries, bundle, loaded_by
from analysis.site.config import check_parameters, notebook_parameters, value_matches
from analysis.site.manifest import (
    data_fingerprint,
    page_fingerprint,
    sha256_file,
    stack_versions,
    tree_hash,
    why_stale,
)
from analysis.site.plan import page_name, page_title, public_parameters, public_path
from analysis.site.publish import swap_in

KERNELSPEC = {"name": paths.KERNEL_NAME, "display_name": "Python (LA Cannabis Relief)",
              "language": "python"}


def write_notebook(path: Path, params: str, *cells: str) -> Path:
    """A small notebook: a title, a parameters cell, then code cells (markdown if '#')."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nb.cells.append(new_markdown_cell(f"# {path.stem}"))
    nb.cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    for source in cells:
        make = new_markdown_cell if source.startswith("#") else new_code_cell
        nb.cells.append(make(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    nbformat.write(nb, path)
    return path


def write_config(path: Path, reports: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"reports": reports}, sort_keys=False), encoding="utf-8")
    return path


PARAMS = '''label: str = "all"  # which slice
year: int = 2020  # a year
share: float = 0.5  # a share
flag: bool = False  # a switch
names: list[str] = []  # a list
maybe: int | None = None  # optional
data_path: str = ""  # a data file
untyped = 3'''


@pytest.fixture
def typed_notebook(tmp_path) -> Path:
    return write_notebook(tmp_path / "01_typed.ipynb", PARAMS, "print(label)")


# ------------------------------------------------------------------ parameter checks


def test_parameters_cell_is_read_with_types_and_defaults(typed_notebook):
    found = notebook_parameters(typed_notebook)
    assert list(found) == ["label", "year", "share", "flag", "names", "maybe", "data_path",
                           "untyped"]
    assert found["year"].annotation == "int" and found["year"].default == 2020
    assert found["maybe"].annotation == "int | None"
    assert found["untyped"].annotation is None and found["untyped"].default == 3


def test_project_notebooks_declare_parameters():
    for notebook in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        declared = notebook_parameters(notebook)
        assert declared, notebook.name
        assert all(p.annotation for p in declared.values()), notebook.name


@pytest.mark.parametrize(("annotation", "good", "bad"), [
    ("int", [0, -3, 2020], ["2020", 1.5, True, None]),
    ("float", [0.5, 2], ["0.5", False]),
    ("str", ["", "x"], [1, None, ["x"]]),
    ("bool", [True, False], [0, "yes"]),
    ("list[str]", [[], ["a", "b"]], ["a", [1], None]),
    ("int | None", [None, 3], ["3"]),
    ("Optional[str]", [None, "a"], [1]),
    ("dict[str, int]", [{"a": 1}], [{"a": "1"}, []]),
    ("tuple[int, ...]", [[1, 2]], [["1"]]),
    ("Literal['a', 'b']", ["a"], ["c"]),
    ("'list[int]'", [[1]], [["1"]]),
    ("Path", ["anything", 1], []),
])
def test_values_are_checked_against_annotations(annotation, good, bad):
    node = ast.parse(annotation, mode="eval").body
    assert all(value_matches(v, node) for v in good)
    assert not any(value_matches(v, node) for v in bad)


def test_unknown_parameter_names_report_and_parameter(typed_notebook):
    declared = notebook_parameters(typed_notebook)
    with pytest.raises(RenderError) as err:
        check_parameters("profile", typed_notebook, declared, {"yaer": 2020})
    message = str(err.value)
    assert "report 'profile'" in message and "unknown parameter 'yaer'" in message
    assert "label, year" in message  # says what the notebook takes


@pytest.mark.parametrize(("given", "expected"), [
    ({"year": "2020"}, "parameter 'year' must be int, got str '2020'"),
    ({"flag": 1}, "parameter 'flag' must be bool, got int 1"),
    ({"names": "Compton"}, "parameter 'names' must be list[str]"),
    ({"untyped": "three"}, "parameter 'untyped' must be int"),
])
def test_wrong_types_report_and_parameter(typed_notebook, given, expected):
    declared = notebook_parameters(typed_notebook)
    with pytest.raises(RenderError, match=re.escape(expected)) as err:
        check_parameters("profile", typed_notebook, declared, given)
    assert "report 'profile'" in str(err.value)


def test_good_parameters_pass(typed_notebook):
    declared = notebook_parameters(typed_notebook)
    check_parameters("profile", typed_notebook, declared,
                            {"year": 2021, "share": 1, "names": ["a"], "maybe": None})


def test_bad_parameters_stop_the_cli_before_anything_runs(tmp_path, typed_notebook, capsys):
    config = write_config(tmp_path / "reports.yml", [
        {"name": "ok", "notebook": typed_notebook.name, "title": "T", "summary": "S",
         "parameters": [{"year": 2020}]},
        {"name": "bad", "notebook": typed_notebook.name, "title": "T", "summary": "S",
         "parameters": [{"year": 2021}, {"year": "twenty"}]},
    ])
    site = tmp_path / "site"
    code = cli.main(["render", "--config", str(config), "--site", str(site),
                     "--notebooks", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: report 'bad': parameter 'year' must be int")
    assert "Traceback" not in err
    assert not site.exists() and not (tmp_path / ".staging").exists()


# ------------------------------------------------------------------- config checks


def _report(**extra) -> dict:
    return {"name": "r", "notebook": "01_typed.ipynb", "title": "T", "summary": "S"} | extra


@pytest.mark.parametrize(("reports", "expected"), [
    ("not a list", "expected a top-level 'reports:' list"),
    ([{"name": "r", "notebook": "01_typed.ipynb", "title": "T"}], "lacks summary"),
    ([_report(name="Bad Name")], "must be lower-case"),
    ([_report(), _report()], "two reports are named 'r'"),
    ([_report(parameters={"year": 1})], "'parameters' must be a list of mappings"),
])
def test_config_shape_errors(tmp_path, typed_notebook, reports, expected):
    config = tmp_path / "reports.yml"
    config.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")
    with pytest.raises(RenderError, match=re.escape(expected)):
        load_config(config)


def test_missing_notebook_and_duplicate_pages(tmp_path, typed_notebook):
    with pytest.raises(RenderError, match="notebook 'nope.ipynb' not found"):
        plan_pages([_report(notebook="nope.ipynb", parameters=[{}])],
                          notebooks=tmp_path)
    twice = [_report(parameters=[{"label": "A b"}, {"label": "a-B"}])]
    with pytest.raises(RenderError, match="page 'r--a-b' is produced twice"):
        plan_pages(twice, notebooks=tmp_path)


def test_one_page_per_parameter_set(tmp_path, typed_notebook):
    reports = load_config(write_config(tmp_path / "c.yml", [
        _report(name="agency-profile", title="Agency profile", parameters=[
            {"label": "District Attorney"}, {"label": "Long Beach city prosecutor"}]),
        _report(name="overview", parameters=[{}]),
        _report(name="by-year", page="year-{year}", page_title="Year {year}",
                parameters=[{"year": 2020}, {"year": 2021}]),
    ]))
    pages = plan_pages(reports, notebooks=tmp_path, data=tmp_path / "x.csv")
    assert [p.name for p in pages] == [
        "agency-profile--district-attorney", "agency-profile--long-beach-city-prosecutor",
        "overview", "year-2020", "year-2021"]
    assert pages[1].title == "Agency profile: Long Beach city prosecutor"
    assert pages[3].title == "Year 2020"
    # --data reaches every page whose notebook takes data_path, without renaming pages
    assert all(p.parameters["data_path"] == str(tmp_path / "x.csv") for p in pages)


def test_the_project_config_is_valid():
    pages = plan_pages(load_config())
    assert pages and len({p.name for p in pages}) == len(pages)
    # titles are for readers: no column names or motion codes
    assert not [p.title for p in pages if re.search(r"\w_\w|feb2020|sep2021", p.title)]


@pytest.mark.parametrize(("params", "title", "name"), [
    ({"label": "conviction_decade,charge_level"},
     "R: decade of conviction, charge level", "r--conviction-decade-charge-level"),
    ({"label": "sep2021", "year": 2021}, "R: September 2021 motion, 2021", "r--sep2021-2021"),
    ({"label": "Long Beach city prosecutor"}, "R: Long Beach city prosecutor",
     "r--long-beach-city-prosecutor"),
    ({"names": ["race_ethnicity", "felony"]}, "R: race/ethnicity, felony",
     "r--race-ethnicity-felony"),
])
def test_page_titles_are_words_while_page_names_keep_the_values(params, title, name):
    report = _report(title="R")
    assert page_title(report, params) == title
    assert page_name(report, params, 0) == name


def test_cli_rejects_missing_data_and_unknown_only(tmp_path, capsys):
    assert cli.main(["render", "--data", str(tmp_path / "none.csv"),
                     "--site", str(tmp_path / "site")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli.main(["render", "--only", "no-such-report", "--site",
                     str(tmp_path / "site")]) == 2
    assert "--only no-such-report: no such report or page" in capsys.readouterr().err


# ------------------------------------------------------------------ fingerprints, swap


def test_stale_reasons_name_what_changed(tmp_path, typed_notebook):
    page = plan_pages([_report(parameters=[{}])], notebooks=tmp_path)[0]
    versions = stack_versions()
    before = page_fingerprint(page, "pkg1", versions)
    entry = dict(before, files=[])
    assert why_stale(None, before, tmp_path) == "new page"
    assert why_stale(entry, page_fingerprint(page, "pkg2", versions),
                            tmp_path) == "package changed"
    page.parameters = {"year": 1999}
    assert "parameters changed" in why_stale(
        entry, page_fingerprint(page, "pkg1", versions), tmp_path)
    # same key but its published files are gone: render again
    assert why_stale(entry, before, tmp_path) == "published files missing or changed"


@pytest.mark.parametrize(("was", "now", "reason"), [
    ({"sha256": "a" * 64}, {"sha256": "b" * 64}, "the chart libraries changed"),
    ({"sha256": "a" * 64}, {"sha256": "a" * 64, "inline": True}, "now self-contained"),
    ({"sha256": "a" * 64, "inline": True}, {"sha256": "a" * 64}, "no longer self-contained"),
])
def test_the_fingerprint_follows_the_chart_libraries(tmp_path, typed_notebook, was, now,
                                                     reason):
    page = plan_pages([_report(parameters=[{}])], notebooks=tmp_path)[0]
    versions = stack_versions()
    before, after = (page_fingerprint(page, "pkg", versions,
                                      libraries=Libraries(tmp_path / "v.js", **x).fingerprint())
                     for x in (was, now))
    assert before["key"] != after["key"]
    assert why_stale(dict(before, files=[]), after, tmp_path) == reason
    # a page that inlines its libraries loads no asset; one that shares them loads the
    # asset named by their checksum
    shared = f"assets/vega-{now['sha256'][:16]}.js"
    assert loaded_by(after) == (None if now.get("inline") else shared)


def test_data_fingerprint_follows_the_file(tmp_path, typed_notebook):
    data = tmp_path / "cases.csv"
    data.write_text("a\n1\n")
    page = plan_pages([_report(parameters=[{}])], notebooks=tmp_path, data=data)[0]
    first = data_fingerprint(page)
    data.write_text("a\n2\n")
    assert data_fingerprint(page) != first
    default = plan_pages([_report(parameters=[{}])], notebooks=tmp_path)[0]
    assert data_fingerprint(default)["data_path"].startswith("synthetic")


@pytest.mark.parametrize(("where", "expected"), [
    ("root", "data/synthetic/cases_seed2020.parquet"),
    ("shared", "shared:lapd_marijuana_arrests_2010_2019.csv"),
    ("elsewhere", "my list (2021).csv"),
])
def test_published_names_carry_no_folders(tmp_path, monkeypatch, where, expected):
    shared = tmp_path / "shared" / "data"
    monkeypatch.setenv("LACRA_SHARED_DATA", str(shared))
    name = expected.removeprefix("shared:")
    path = {"root": paths.ROOT, "shared": shared,
            "elsewhere": tmp_path / "home" / "reporter"}[where] / name
    assert public_path(path) == expected
    assert public_path(str(path)) == expected
    params = {"data_path": str(path), "year": 2020}
    assert public_parameters(params) == {"data_path": expected, "year": 2020}
    assert params["data_path"] == str(path)  # the page itself still reads the real file
    assert public_parameters({"data_path": ""}) == {"data_path": ""}


def test_the_executed_notebook_shows_published_parameters():
    from analysis.site import build

    cell = new_code_cell('# Parameters\ndata_path = "/home/reporter/secret/list.csv"\n'
                         'year = 2020\n', metadata={"tags": ["injected-parameters"]})
    nb = new_notebook(cells=[cell], metadata={"papermill": {"parameters": {
        "data_path": "/home/reporter/secret/list.csv", "year": 2020}}})
    actual = {"data_path": "/home/reporter/secret/list.csv", "year": 2020}
    build._publish_parameters(nb, actual, {"data_path": "list.csv", "year": 2020})
    assert nb.cells[0].source == "# Parameters\ndata_path = 'list.csv'\nyear = 2020\n"
    assert nb.metadata.papermill.parameters == {"data_path": "list.csv", "year": 2020}
    ast.parse(nb.cells[0].source)  # still runs


def test_package_hash_ignores_caches(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    first = tree_hash([tmp_path / "pkg"])
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert tree_hash([tmp_path / "pkg"]) == first
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    assert tree_hash([tmp_path / "pkg"]) != first


def test_swap_replaces_the_site_whole(tmp_path):
    site, new = tmp_path / "site", tmp_path / ".staging" / "site"
    site.mkdir()
    (site / "old.html").write_text("old")
    new.mkdir(parents=True)
    (new / "new.html").write_text("new")
    swap_in(new, site)
    assert [p.name for p in site.iterdir()] == ["new.html"]
    assert not new.exists() and not (tmp_path / ".previous").exists()


# ------------------------------------------------------------- rendering (kernel runs)

RUNLOG_CELL = ('import os\n'
               'with open(os.environ["LACRA_TEST_RUNLOG"], "a") as log:\n'
               '    print(label, file=log)')
TABLE_CELL = ('import polars as pl\nfrom analysis import provenance, reader\n'
              'rows = (pl.read_csv(data_path).select("batch") if data_path\n'
              '        else pl.DataFrame({"batch": ["none"]}))\n'
              'reader.table(rows.with_columns(slice=pl.lit(label)), "Rows",\n'
              '             name="rows", basis=provenance.real("cases.csv"))')


# What a run that executes nothing never imports.
HEAVY = ("papermill", "nbconvert", "nbclient", "jupyter_client", "altair", "vl_convert",
         "jinja2", "IPython")


def _cases(path: Path, rows: int) -> Path:
    """A valid case list of ``rows`` rows (``render --data`` validates it first)."""
    return write_rows(path, [GOOD_ROW | {"case_id": f"BA{i}", "person_id": f"X-{i}"}
                             for i in range(rows)])


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """Two tiny notebooks, three pages, a data file, a site folder and a run log."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    params = ('label: str = "all"  # slice\n'
              'data_path: str = ""  # data file')
    write_notebook(nbs / "01_alpha.ipynb", params, "## Rows", RUNLOG_CELL, TABLE_CELL)
    write_notebook(nbs / "02_beta.ipynb", 'label: str = "beta"  # slice', RUNLOG_CELL,
                   "print('step two')", "print('step three')")
    data = _cases(tmp_path / "cases.csv", 2)
    config = write_config(tmp_path / "reports.yml", [
        {"name": "alpha", "notebook": "01_alpha.ipynb", "title": "Alpha",
         "summary": "First.", "parameters": [{"label": "one"}, {"label": "two"}]},
        {"name": "beta", "notebook": "02_beta.ipynb", "title": "Beta", "summary": "Second."},
    ])
    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("VALUE = 1\n")
    runlog = tmp_path / "runs.log"
    monkeypatch.setenv("LACRA_TEST_RUNLOG", str(runlog))

    class Project:
        root, notebooks, site, log = tmp_path, nbs, tmp_path / "reports" / "site", runlog

        def render(self, **kw):
            kw.setdefault("data", data)
            return render(config=config, site=self.site, notebooks=nbs,
                                 package_dirs=[package], quiet=True, **kw)

        def heavy_imports_of_a_run(self) -> list[str]:
            """The heavy modules a run with nothing to render imports, in a new process."""
            code = (f"import sys\nfrom pathlib import Path\nfrom analysis.site import render\n"
                    f"r = render(config=Path({str(config)!r}), site=Path({str(self.site)!r}), "
                    f"notebooks=Path({str(nbs)!r}), package_dirs=[Path({str(package)!r})], "
                    f"data=Path({str(data)!r}), quiet=True)\n"
                    "assert not r.rendered and not r.published, r\n"
                    f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            return [m for m in done.stdout.strip().split(",") if m]

        def runs(self) -> list[str]:
            lines = runlog.read_text().split() if runlog.exists() else []
            runlog.unlink(missing_ok=True)
            return sorted(lines)

        def manifest(self) -> dict:
            return json.loads((self.site / "manifest.json").read_text(encoding="utf-8"))

        def snapshot(self) -> dict[str, bytes]:
            return {p.relative_to(self.site).as_posix(): p.read_bytes()
                    for p in sorted(self.site.rglob("*")) if p.is_file()}

    project = Project()
    project.data, project.config, project.package = data, config, package
    return project


@pytest.mark.slow
def test_a_link_to_a_page_the_site_lacks_is_published_as_its_text(small_project):
    """A custom config may leave out a page the prose links to (the glossary): the link
    becomes its text, and the page renders again once the config adds that page."""
    p = small_project
    beta = p.notebooks / "02_beta.ipynb"
    nb = nbformat.read(beta, as_version=4)
    nb.cells.append(new_markdown_cell("See [HS 11357](glossary.html#hs-11357) and "
                                      "[the first page](alpha--one.html)."))
    nbformat.write(nb, beta)
    assert not p.render().failed
    html = (p.site / "beta.html").read_text(encoding="utf-8")
    assert "glossary.html" not in html and "See HS 11357 and" in html
    assert 'href="alpha--one.html"' in html
    executed = nbformat.read(p.site / "beta.ipynb", as_version=4)
    assert "glossary.html" not in "".join(c.source for c in executed.cells)
    entry = next(e for e in p.manifest()["pages"] if e["page"] == "beta")
    assert entry["unlinked"] == ["glossary"]
    p.runs()

    # the config gains the page: the linking page renders again, with its link
    write_notebook(p.notebooks / "03_glossary.ipynb", 'label: str = "g"  # slice')
    config = yaml.safe_load(p.config.read_text())
    write_config(p.config, config["reports"] + [
        {"name": "glossary", "notebook": "03_glossary.ipynb", "title": "Glossary",
         "summary": "Words."}])
    result = p.render()
    assert sorted(result.rendered) == ["beta", "glossary"]
    assert 'href="glossary.html#hs-11357"' in (p.site / "beta.html").read_text(encoding="utf-8")
    assert "unlinked" not in next(e for e in p.manifest()["pages"] if e["page"] == "beta")


@pytest.mark.slow
def test_incremental_runs_execute_exactly_what_changed(small_project):
    p = small_project
    first = p.render(jobs=2)
    assert not first.failed and first.published, first.failed
    assert p.runs() == ["beta", "one", "two"]
    assert sorted(first.rendered) == ["alpha--one", "alpha--two", "beta"]
    site = p.snapshot()
    manifest = json.loads(site["manifest.json"])
    assert {e["page"]: e["status"] for e in manifest["pages"]} == {
        "alpha--one": "rendered", "alpha--two": "rendered", "beta": "rendered"}

    # nothing changed: nothing executes and the site is not rewritten at all
    again = p.render()
    assert p.runs() == [] and again.rendered == [] and not again.published
    assert p.snapshot() == site
    # ... and a fresh process finds that out without importing the execution stack
    assert p.heavy_imports_of_a_run() == []

    # touching one notebook re-renders only its page
    nb = nbformat.read(p.notebooks / "02_beta.ipynb", as_version=4)
    nb.cells.append(new_markdown_cell("A new closing note."))
    nbformat.write(nb, p.notebooks / "02_beta.ipynb")
    touched = p.render()
    assert p.runs() == ["beta"] and touched.rendered == ["beta"]
    after = p.snapshot()
    for name in ("alpha--one.html", "alpha--two.html", "csv/alpha--one/rows.csv"):
        assert after[name] == site[name]
    assert b"A new closing note." in after["beta.html"]
    statuses = {e["page"]: e["status"] for e in json.loads(after["manifest.json"])["pages"]}
    assert statuses == {"alpha--one": "unchanged", "alpha--two": "unchanged",
                        "beta": "rendered"}

    # new data re-renders the pages that read it, and only those
    _cases(p.data, 3)
    assert p.render().rendered and p.runs() == ["one", "two"]
    assert p.snapshot()["csv/alpha--one/rows.csv"].count(b"\n") == 4  # header + 3 rows

    # a changed parameter set re-renders that page; the package change re-renders all
    config = yaml.safe_load(p.config.read_text())
    config["reports"][0]["parameters"][1] = {"label": "three"}
    write_config(p.config, config["reports"])
    result = p.render()
    assert p.runs() == ["three"] and result.rendered == ["alpha--three"]
    assert "alpha--two.html" not in p.snapshot()  # the dropped parameter set's page
    (p.package / "module.py").write_text("VALUE = 2\n")
    result = p.render(jobs=2)
    assert not result.failed, result.failed
    assert p.runs() == ["beta", "one", "three"]
    # --only and --force: one report again, on demand
    p.render(only=["beta"], force=True)
    assert p.runs() == ["beta"]


@pytest.mark.slow
def test_a_failed_page_leaves_the_site_byte_for_byte_intact(small_project, capsys):
    p = small_project
    assert not p.render(jobs=2).failed
    p.runs()
    before = p.snapshot()
    # alpha's data changes (its pages render fine) while beta now fails in its fifth cell:
    # nothing of the run may be published
    write_notebook(p.notebooks / "02_beta.ipynb", 'label: str = "beta"  # slice',
                   RUNLOG_CELL, "print('step two')",
                   "raise ValueError('synthetic failure for the test')")
    _cases(p.data, 1)

    code = cli.main(["render", "--config", str(p.config), "--site", str(p.site), "-j", "2",
                     "--notebooks", str(p.notebooks), "--data", str(p.data)])
    err = capsys.readouterr().err
    assert code == 1
    assert p.snapshot() == before  # every byte of the published site is as it was
    assert ("error: report 'beta', page 'beta' (notebooks/02_beta.ipynb) failed in cell 5 "
            "(id c04) `raise ValueError('synthetic failure for the test')`: "
            "ValueError: synthetic failure for the test") in err
    kept = p.root / "reports" / ".failed" / "beta.ipynb"
    assert f"executed notebook kept for debugging: {kept}" in err
    failed = nbformat.read(kept, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells
               for o in c.get("outputs", []))
    assert "site" in err and "left unchanged" in err
    assert not (p.root / "reports" / ".staging").exists()


def _loads(html: bytes) -> list[str]:
    """The scripts a page loads from files (the chart libraries, when not inlined)."""
    return [s.decode() for s in re.findall(rb'<script src="([^"]+)"', html)]


def _verify(p) -> list[tuple[str, str | None]]:
    found, _ = verify(p.site, config=p.config, notebooks=p.notebooks, data=p.data,
                      package_dirs=[p.package])
    return [(d.kind, d.page) for d in found]


@pytest.mark.slow
def test_the_pages_share_one_copy_of_the_chart_libraries(small_project):
    p = small_project
    assert not p.render(jobs=2).failed
    p.runs()
    site = p.snapshot()
    manifest = json.loads(site["manifest.json"])
    [shared] = manifest["assets"]
    assert re.fullmatch(r"assets/vega-[0-9a-f]{16}\.js", shared["path"])
    assert sha256_file(p.site / shared["path"]) == shared["sha256"]
    assert shared["sha256"].startswith(shared["path"][len("assets/vega-"):-3])
    assert site[shared["path"]].count(b"window.vegaEmbed=") == 1
    for entry in manifest["pages"]:
        html = site[f"{entry['page']}.html"]
        assert _loads(html) == [shared["path"]] and b"window.vegaEmbed=" not in html
        assert entry["chart_libraries"] == shared["sha256"]
        assert entry["self_contained"] is False
    assert _verify(p) == []

    # the asset lost: verify says so, and the next run writes it again, executing nothing
    (p.site / shared["path"]).unlink()
    assert _verify(p) == [("missing-file", None)]
    again = p.render()
    assert again.published and again.rendered == [] and p.runs() == []
    restored = p.snapshot()
    assert restored.keys() == site.keys() and _verify(p) == []
    # the pages are the same files (the index says when the site was generated)
    assert all(restored[n] == site[n] for n in site
               if n.endswith((".html", ".js", ".csv")) and n != "index.html")

    # new libraries: a page rendered now loads the new asset; the pages --only kept
    # still load theirs, which the run carries over with them
    cache = bundle(p.site.parent / ".cache")
    cache.write_bytes(cache.read_bytes() + b"\n// another build\n")
    assert p.render(only=["beta"]).rendered == ["beta"] and p.runs() == ["beta"]
    after = p.snapshot()
    manifest = json.loads(after["manifest.json"])
    loaded = {e["page"]: _loads(after[f"{e['page']}.html"]) for e in manifest["pages"]}
    [new] = loaded["beta"]
    assert new != shared["path"] and loaded["alpha--one"] == [shared["path"]]
    assert sorted(a["path"] for a in manifest["assets"]) == sorted([new, shared["path"]])
    assert after[new] == cache.read_bytes() and _verify(p) == []
    # the pages left on the old libraries render on the next run; the old asset goes
    assert p.render().rendered and p.runs() == ["one", "two"]
    assert [a["path"] for a in p.manifest()["assets"]] == [new]
    assert not (p.site / shared["path"]).exists()

    # --self-contained: every page renders again with the libraries inline, no asset
    assert p.render(self_contained=True).rendered and p.runs() == ["beta", "one", "two"]
    manifest = p.manifest()
    assert manifest["assets"] == []
    for entry in manifest["pages"]:
        html = (p.site / f"{entry['page']}.html").read_bytes()
        assert _loads(html) == [] and html.count(b"window.vegaEmbed=") == 1
        assert entry["self_contained"] is True
    assert not (p.site / "assets").exists() and _verify(p) == []


@pytest.mark.parametrize(("args", "expected"), [([], False), (["--self-contained"], True)])
def test_self_contained_reaches_the_renderer(monkeypatch, tmp_path, args, expected):
    import analysis.site

    seen = {}

    def fake(**kwargs):
        seen.update(kwargs)
        return analysis.site.Result(tmp_path)

    monkeypatch.setattr(analysis.site, "render", fake)
    assert cli.main(["render", "--quiet", *args]) == 0
    assert seen["self_contained"] is expected


@pytest.mark.slow
def test_site_pages_are_offline_readable_and_checksummed(rendered_site, small_case_file):
    import polars as pl

    cases = pl.read_parquet(small_case_file, columns=["case_id", "person_id"])
    identifiers = set(cases["case_id"]) | set(cases["person_id"])
    manifest = json.loads((rendered_site / "manifest.json").read_text())
    index = (rendered_site / "index.html").read_text()
    config_pages = plan_pages(load_config())
    assert {e["page"] for e in manifest["pages"]} == {p.name for p in config_pages}
    reads_data = {p.name for p in config_pages if "data_path" in p.effective}  # not the glossary
    for entry in manifest["pages"]:
        for key in ("notebook_sha256", "parameters", "data", "versions", "git_commit",
                    "rendered_at", "status", "package_sha256"):
            assert key in entry, key
        assert entry["data_source"]["file"] == (
            "small.parquet" if entry["page"] in reads_data else None)
        for item in entry["files"]:
            assert sha256_file(rendered_site / item["path"]) == item["sha256"]
        html = (rendered_site / f"{entry['page']}.html").read_text()
        assert f'href="{entry["page"]}.html"' in index and entry["title"] in index
        assert _loads(html.encode()) == [a["path"] for a in manifest["assets"]]
        assert 'href="index.html"' in html
        assert ("user-supplied file small.parquet" in html) == (entry["page"] in reads_data)
        # no code, no prompts, nothing from a CDN
        assert "jp-InputArea" not in html and "In&nbsp;[" not in html
        assert "import polars" not in html and "charts.enable()" not in html
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)
        assert "require.js" not in html and "MathJax" not in html
        assert "fonts.googleapis" not in html
        for csv in entry["csv"]:
            text = (rendered_site / csv["path"]).read_text(encoding="utf-8-sig")
            assert f'href="{csv["path"]}"' in html
            header = text.splitlines()[0].split(",")
            assert "case_id" not in header and "person_id" not in header
        # no identifiers anywhere readers can see
        for text in [html] + [(rendered_site / c["path"]).read_text() for c in entry["csv"]]:
            assert not set(re.findall(r"[A-Za-z0-9-]{5,}", text)) & identifiers


# Pages weigh tens of kilobytes; the chart libraries alone are about 900 KB.
MAX_PAGE_BYTES = 200_000


@pytest.mark.slow
def test_pages_are_light_and_load_the_one_copy_of_the_chart_libraries(rendered_site):
    manifest = json.loads((rendered_site / "manifest.json").read_text())
    [shared] = manifest["assets"]
    libraries = (rendered_site / shared["path"]).read_bytes()
    assert sha256_file(rendered_site / shared["path"]) == shared["sha256"]
    assert libraries.count(b"window.vegaEmbed=") == 1 and len(libraries) > MAX_PAGE_BYTES
    # any stretch of the libraries' code inside a page means they were inlined
    pieces = [libraries[i:i + 200] for i in range(0, len(libraries) - 200, len(libraries) // 8)]
    pages = sorted(rendered_site.glob("*.html"))
    assert len(pages) == len(manifest["pages"]) + 1  # and the index
    for page in pages:
        html = page.read_bytes()
        assert len(html) < MAX_PAGE_BYTES, page.name
        assert not any(piece in html for piece in pieces), page.name
        assert b"window.vegaEmbed=" not in html
        if page.name != "index.html":
            assert _loads(html) == [shared["path"]], page.name


def test_scheduled_rendering_is_documented_and_wired():
    readme = (paths.ROOT / "README.md").read_text()
    cron = [ln for ln in readme.splitlines() if re.match(r"^[\d*/,-]+ [\d*/,-]+ .* \* \* ", ln)]
    # the renderer itself, so that cron sees its exit status (make would turn it into 2)
    assert cron and ".venv/bin/analysis render" in cron[0]
    workflow = yaml.safe_load((paths.ROOT / ".github/workflows/render.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML reads on: as True
    assert triggers["schedule"][0]["cron"]
    steps = workflow["jobs"]["render"]["steps"]
    assert any(s.get("run") == "make reports" for s in steps)
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload[0]["with"]["path"] == "reports/site"
