"""Project hygiene: one dependency list, the README commands, clean notebooks."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import nbformat
import pytest
import yaml

from analysis import paths

ROOT = paths.ROOT


def _pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return set(project["dependencies"]).union(*extras.values())


def test_environment_yml_declares_the_same_packages():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert {p for p in pip if p != "-e ."} == _pyproject_requirements()


def test_every_dependency_is_pinned():
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][\w.]*", r) for r in _pyproject_requirements())


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    commands = re.findall(r"```(?:sh|bash)\n(.*?)```", readme, re.S)[0].split("\n")
    assert "make test" in [c.split("#")[0].strip() for c in commands]
    assert ci.strip().splitlines()[-1] == "make test"


def _notebooks():
    return sorted(paths.NOTEBOOKS.glob("*.ipynb"))


def test_notebooks_exist_and_are_numbered():
    assert _notebooks()
    assert all(re.match(r"\d\d_[a-z0-9_]+\.ipynb$", nb.name) for nb in _notebooks())


@pytest.mark.parametrize("notebook", _notebooks(), ids=lambda p: p.name)
def test_notebook_is_stripped_and_opens_the_house_way(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any(c.outputs or c.execution_count for c in code), "strip outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged parameters"
    for line in tagged[0].source.splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert re.match(r"^\w+: [\w\[\], |]+ = .+  # .+", line), f"typed, commented: {line}"
    assert nb.metadata.kernelspec.name == paths.KERNEL_NAME


def test_no_relative_data_paths_in_code():
    sources = (list((ROOT / "src").rglob("*.py")) + _notebooks()
               + sorted(paths.NOTEBOOKS.glob("*.py")))
    offenders = [p.name for p in sources if re.search(r"['\"]\.\./(data|shared)", p.read_text())]
    assert offenders == []


def test_shared_data_is_never_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    shared = {p.name for p in paths.shared_data().glob("*.csv")} or {
        "lapd_marijuana_arrests_2010_2019.csv"}
    assert not [f for f in tracked.stdout.split() if f.rsplit("/", 1)[-1] in shared]


def test_module_entry_point_matches_console_script():
    out = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True,
                         text=True, check=True).stdout
    for command in ("synth", "validate", "render"):
        assert command in out


def test_readme_schema_table_is_current():
    from analysis import schema

    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- schema:start -->")[1].split("<!-- schema:end -->")[0]
    assert block.strip() == schema.markdown_table()


def _imported_top_modules() -> set[str]:
    """Top-level modules the package and the notebook sources import."""
    import ast

    found: set[str] = set()
    for path in [*(ROOT / "src").rglob("*.py"), *paths.NOTEBOOKS.glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_package_imported_directly_is_declared():
    from importlib.metadata import packages_distributions

    def canonical(name: str) -> str:  # PEP 503 normalisation
        return re.sub(r"[-_.]+", "-", name).lower()

    declared = {canonical(re.split(r"[=<>]", r)[0]) for r in _pyproject_requirements()}
    owners = packages_distributions()
    third_party = {m for m in _imported_top_modules()
                   if m not in sys.stdlib_module_names and m not in ("analysis", "__future__")}
    undeclared = {m: owners.get(m) for m in third_party
                  if not {canonical(d) for d in owners.get(m, [m])} & declared}
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
