"""The site package's shape: small modules with one job each, an explicit public API,
and a package that imports nothing heavy until a page is executed."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import analysis.site
from analysis import paths

SITE = Path(analysis.site.__file__).parent
MODULES = sorted(SITE.glob("*.py")) + [SITE.parent / "outputs.py"]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_declares_its_public_names(path):
    name = ("analysis.outputs" if path.parent != SITE else
            "analysis.site" if path.stem == "__init__" else f"analysis.site.{path.stem}")
    module = importlib.import_module(name)
    assert module.__doc__ and module.__all__
    assert [n for n in module.__all__ if not hasattr(module, n)] == []


def test_the_package_and_the_command_line_import_nothing_heavy():
    code = ("import sys\nimport analysis.site\nfrom analysis import cli\ncli.build_parser()\n"
            "print(','.join(m for m in ('papermill', 'nbconvert', 'nbclient', 'jupyter_client',"
            " 'altair', 'vl_convert', 'jinja2', 'IPython') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=paths.ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_commands_live_in_the_cli_package_and_the_library_parses_no_arguments():
    from analysis import cli

    for name in cli.COMMANDS:
        module = importlib.import_module(f"analysis.cli.{name}")
        assert callable(module.add_parser) and callable(module.run)
    package = SITE.parent
    library = [p for p in package.rglob("*.py") if "cli" not in p.relative_to(package).parts]
    assert [p.name for p in library if "argparse" in p.read_text(encoding="utf-8")] == []
    for old in ("render", "pagebuild", "verify", "sitediff"):
        assert not (SITE.parent / f"{old}.py").exists(), old
