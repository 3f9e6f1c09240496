"""Running the renderer unattended: the data checked before any kernel starts, an exit
status per kind of trouble, pages of a failed run kept for the next, one line for the
pages that failed alike, and how the case list is read handed to every kernel."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import GOOD_ROW, SECOND_ROW, write_rows
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import cli, paths
from analysis.site import plan_pages, render
from analysis.site.manifest import page_fingerprint, stack_versions, why_stale
from analysis.site.reading import Reading

KERNEL = {"name": paths.KERNEL_NAME, "display_name": "Python (LA Cannabis Relief)",
          "language": "python"}

# Each page appends its name and how its kernel was told to read the data to a log.
LOG_CELL = f"""import os
with open(os.environ["LACRA_TEST_RUNLOG"], "a") as log:
    print(page, os.environ.get({paths.DATA_ENCODING_ENV!r}, "-"),
          os.environ.get({paths.DATA_MAPPING_ENV!r}, "-"), file=log)
if fail:
    raise ValueError("planted failure for the test")"""


def _notebook(path: Path, params: str, *cells: str) -> Path:
    nb = new_notebook(metadata={"kernelspec": KERNEL, "language_info": {"name": "python"}})
    nb.cells.append(new_markdown_cell(f"# {path.stem}"))
    nb.cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    nb.cells += [new_code_cell(c) for c in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    nbformat.write(nb, path)
    return path


class Project:
    """Three tiny pages (two notebooks; any of them can be made to fail) and a site."""

    def __init__(self, root: Path, monkeypatch):
        self.root, self.site = root, root / "out" / "site"
        self.notebooks = root / "notebooks"
        self.notebooks.mkdir()
        params = 'page: str = ""  # name\nfail: bool = False  # raise\ndata_path: str = ""  # data'
        _notebook(self.notebooks / "01_first.ipynb", params, LOG_CELL)
        _notebook(self.notebooks / "02_second.ipynb", params, LOG_CELL)
        self.config = root / "reports.yml"
        self.log = root / "runs.log"
        monkeypatch.setenv("LACRA_TEST_RUNLOG", str(self.log))
        self.configure()

    def configure(self, *failing: str) -> None:
        def report(name, notebook, pages):
            return {"name": name, "notebook": notebook, "title": name.title(),
                    "summary": f"{name}.", "page": "{page}",
                    "parameters": [{"page": p, "fail": p in failing} for p in pages]}

        reports = [report("first", "01_first.ipynb", ["one", "two"]),
                   report("second", "02_second.ipynb", ["three"])]
        self.config.write_text(yaml.safe_dump({"reports": reports}), encoding="utf-8")

    def args(self, *extra: str) -> list[str]:
        return ["render", "--config", str(self.config), "--notebooks", str(self.notebooks),
                "--site", str(self.site), "-j", "1", *extra]

    def render(self, **kw):
        return render(config=self.config, notebooks=self.notebooks, site=self.site,
                      quiet=True, **kw)

    def runs(self) -> list[str]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        self.log.unlink(missing_ok=True)
        return sorted(lines)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    return Project(tmp_path, monkeypatch)


def _run(*args: str, cwd: Path = paths.ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


# ------------------------------------------------------------------ fast: no kernel


def test_the_exit_statuses_are_distinct_and_documented():
    codes = (cli.EXIT_OK, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_BAD_DATA, cli.EXIT_LOCKED)
    assert codes == (0, 1, 2, 3, 4)
    from analysis.cli.render import EPILOG

    for code in codes:
        assert f"  {code}  " in EPILOG
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    publishing = (paths.ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    for text in (readme, publishing):
        assert "another render holds the lock" in text and "failed validation" in text
        assert ".venv/bin/analysis render" in text  # what cron should call


def test_bad_arguments_exit_2(project, tmp_path, capsys):
    assert cli.main(project.args("--jobs", "0")) == 2
    assert cli.main(project.args("--encoding", "latin-1")) == 2  # without --data
    assert "give --data FILE too" in capsys.readouterr().err
    good = write_rows(tmp_path / "good.csv", [GOOD_ROW, SECOND_ROW])
    assert cli.main(project.args("--data", str(good), "--mapping",
                                 str(tmp_path / "none.yml"))) == 2
    assert "none.yml: no such file" in capsys.readouterr().err
    assert not project.site.parent.exists()


def test_a_list_that_fails_validation_exits_3_with_the_validate_report(project, tmp_path):
    bad = write_rows(tmp_path / "bad.csv", [GOOD_ROW | {"motion_date": "yesterday"},
                                            SECOND_ROW | {"charge_level": "Q"}])
    # a site published earlier (any files) stays byte for byte as it was
    project.site.mkdir(parents=True)
    (project.site / "index.html").write_text("the published site", encoding="utf-8")
    checked = _run("validate", bad.name, cwd=tmp_path)  # a path from where it runs
    rendered = _run(*project.args("--data", bad.name), cwd=tmp_path)
    assert checked.returncode == 1 and rendered.returncode == 3, rendered.stderr
    report = checked.stderr.splitlines()
    assert len(report) == 3 and report[0].startswith("error: bad.csv, row 1, column 'moti")
    assert rendered.stderr.splitlines()[:len(report)] == report  # the same lines
    assert "Traceback" not in rendered.stderr
    assert "site" in rendered.stderr.splitlines()[-1] and "left unchanged" in rendered.stderr
    assert "rendering" not in rendered.stdout  # no page started
    assert sorted(p.name for p in project.site.parent.iterdir()) == ["site"]
    assert [p.name for p in project.site.iterdir()] == ["index.html"]


def test_a_list_that_fails_validation_when_no_site_exists(project, tmp_path, capsys):
    bad = write_rows(tmp_path / "bad.csv", [GOOD_ROW | {"count": "none"}])
    assert cli.main(project.args("--data", str(bad))) == 3
    err = capsys.readouterr().err
    assert "column 'count'" in err and "no site was published yet" in err
    assert not project.site.parent.exists()


def test_a_held_lock_exits_4_before_any_kernel(project, capsys):
    project.site.parent.mkdir(parents=True)
    with open(project.site.parent / ".render.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another render, running
        code = cli.main(project.args())
    captured = capsys.readouterr()
    assert code == 4, captured.err
    assert "another render is running" in captured.err
    assert "rendering" not in captured.out and project.runs() == []
    assert not project.site.exists() and not (project.site.parent / ".staging").exists()


def test_the_fingerprint_follows_the_encoding_and_the_mapping(project, tmp_path):
    page = plan_pages([{"name": "one", "notebook": "01_first.ipynb", "title": "One",
                        "summary": "One.", "parameters": [{"page": "p"}]}],
                      notebooks=project.notebooks)[0]
    versions = stack_versions()
    plain = page_fingerprint(page, "pkg", versions)
    assert "reading" not in plain  # sites rendered before the options stay current
    assert page_fingerprint(page, "pkg", versions, reading={})["key"] == plain["key"]
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("columns: {}\n", encoding="utf-8")
    latin = page_fingerprint(page, "pkg", versions,
                             reading=Reading("latin-1").fingerprint())
    assert latin["key"] != plain["key"]
    entry = dict(latin, files=[])
    assert why_stale(entry, plain, tmp_path) == "the data's encoding or mapping changed"
    first = Reading("latin-1", mapping).fingerprint()
    mapping.write_text("columns: {case: case_id}\n", encoding="utf-8")
    assert Reading("latin-1", mapping).fingerprint()["mapping"] != first["mapping"]


def test_the_reading_options_reach_loaders_and_kernels(tmp_path, monkeypatch):
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("columns: {}\n", encoding="utf-8")
    reading = Reading.of("cp1252", mapping)
    assert reading.kwargs() == {"encoding": "cp1252", "mapping": mapping}
    assert Reading("cp1252").kwargs() == {"encoding": "cp1252"}  # mapping only if given
    assert dict(reading.env()) == {paths.DATA_ENCODING_ENV: "cp1252",
                                   paths.DATA_MAPPING_ENV: str(mapping)}
    assert Reading().env() == ()
    monkeypatch.setenv(paths.DATA_ENCODING_ENV, "latin-1")  # as a kernel is started
    assert Reading.of().encoding == "latin-1"


# ------------------------------------------------------------------ slow: kernels


@pytest.mark.slow
def test_pages_of_a_failed_run_are_kept_and_only_the_failed_ones_run_again(project, capsys):
    project.configure("one", "three")  # two pages fail alike, one renders
    assert cli.main(project.args()) == 1
    err = capsys.readouterr().err
    assert project.runs() == ["one - -", "three - -", "two - -"]
    assert ("error: 2 pages failed with: ValueError: planted failure for the test: "
            "notebooks 01, 02 (pages one, three)") in err
    assert err.count("planted failure") == 1  # one line for both
    assert "no site was published yet" in err and "left unchanged" not in err
    assert not project.site.exists()
    failed = project.site.parent / ".failed"
    assert sorted(p.name for p in failed.glob("*.ipynb")) == ["one.ipynb", "three.ipynb"]

    project.configure("three")  # one is fixed; three still fails
    result = project.render()
    assert project.runs() == ["one - -", "three - -"]  # two was kept, not run again
    assert result.reused == ["two"] and result.rendered == ["one"] and not result.published
    assert [f.page for f in result.failed] == ["three"]
    assert sorted(p.name for p in failed.glob("*.ipynb")) == ["three.ipynb"]  # last run's

    project.configure()
    result = project.render()
    assert project.runs() == ["three - -"]
    assert result.rendered == ["three"] and sorted(result.reused) == ["one", "two"]
    assert result.published and not result.failed
    manifest = json.loads((project.site / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(e["page"] for e in manifest["pages"]) == ["one", "three", "two"]
    for entry in manifest["pages"]:  # every reused page's files are as it rendered them
        for item in entry["files"]:
            assert (project.site / item["path"]).is_file(), item
    assert not failed.exists()  # cleared at the start of the run
    assert not any((project.site.parent / ".cache" / "pages").iterdir())
    assert cli.main(project.args()) == 0  # nothing to do
    assert "nothing to do" in capsys.readouterr().out and project.runs() == []


@pytest.mark.slow
def test_encoding_and_mapping_go_to_the_check_and_the_kernels(project, tmp_path,
                                                              monkeypatch, capsys):
    cases = write_rows(tmp_path / "cases.csv", [
        GOOD_ROW | {"court_location": "Tribunal de Peñasco"}, SECOND_ROW], encoding="latin-1")
    mapping = tmp_path / "mapping.yml"  # each field from the column of its own name
    mapping.write_text(yaml.safe_dump({"columns": {c: c for c in GOOD_ROW}}), encoding="utf-8")

    # the pre-check reads the file as --encoding says: without it, it is refused
    assert cli.main(project.args("--data", str(cases))) == 3
    assert "not UTF-8" in capsys.readouterr().err
    assert cli.main(project.args("--data", str(cases), "--encoding", "latin-1",
                                 "--mapping", str(mapping))) == 0
    out = capsys.readouterr().out
    assert "checking the case list cases.csv (encoding latin-1, mapping mapping.yml)" in out
    assert "2 rows valid" in out
    assert project.runs() == [f"{p} latin-1 {mapping.resolve()}"
                              for p in ("one", "three", "two")]
    # another mapping file renders every page that reads data again, saying why
    mapping.write_text(yaml.safe_dump({"name": "changed", "columns": {c: c for c in GOOD_ROW}}),
                       encoding="utf-8")
    assert cli.main(project.args("--data", str(cases), "--encoding", "latin-1",
                                 "--mapping", str(mapping), "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "3 page(s) to render" in out and "the data's encoding or mapping changed" in out


@pytest.mark.slow
def test_kernel_logs_carry_no_plain_tcp_warning(tmp_path, monkeypatch):
    """The kernel's stderr is the page's log: it says what the notebook said there,
    not that the kernel runs over TCP without encryption (it does not: CurveZMQ)."""
    from traitlets.config import Config

    from analysis.site import execute

    notebook = _notebook(tmp_path / "n.ipynb", 'x: int = 1  # x',
                         "import sys\nprint('the notebook wrote this', file=sys.__stderr__)")

    def log_of(name: str) -> str:
        log = tmp_path / f"{name}.log"
        with execute.stderr_to(log):
            execute.execute(notebook, tmp_path / f"{name}.ipynb", {},
                            kernel=execute.kernel_name(), timeout=60, log=log)
        return log.read_text(encoding="utf-8")

    text = log_of("encrypted")
    assert "the notebook wrote this" in text and "without encryption" not in text
    # the same kernel without the setting logs the warning: the check above can fail
    monkeypatch.setattr(execute, "kernel_config", lambda: Config(
        {"KernelManager": {"transport_encryption": "disabled"}}))
    assert "without encryption" in log_of("plain")
