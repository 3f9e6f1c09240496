"""The package reads at one sitting: small modules, short functions, no repeated rules.

Each module does one job and fits on a few screens; a function longer than 60 lines is a
job of its own. Declarative tables (a module-level tuple of rules or specs) may be long.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import analysis

PACKAGE = Path(analysis.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_the_module_is_small_and_its_functions_short(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [(node.name, node.end_lineno - node.lineno + 1)
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert long == []


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_the_module_says_what_it_is_for(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if path.name == "__main__.py":
        return
    assert doc and doc.strip(), f"{_name(path)} has no docstring"


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or
                                                     (node.module or "").startswith("analysis")):
                offenders += [f"{_name(path)}: {a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")]
    assert offenders == []
