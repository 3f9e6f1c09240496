"""The package as a researcher meets it in JupyterLab: every module reachable from
``import analysis``, public names declared, no imports in tab-completion."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import analysis


def _modules() -> list[str]:
    """Every module of the package, subpackages included."""
    names = ["analysis"]
    for info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def test_every_module_is_reachable_after_import_analysis():
    top = {m.name for m in pkgutil.iter_modules(analysis.__path__) if m.name != "__main__"}
    assert set(analysis.MODULES) == top
    code = ("import analysis; "
            "print(analysis.stats.rates.__name__, analysis.aggregate.counts.__name__, "
            "analysis.reader.overview.bar_chart.__name__, analysis.load_cases.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["rates", "counts", "bar_chart", "load_cases"]


def test_import_analysis_alone_loads_nothing_heavy():
    code = ("import analysis, sys; "
            "print(sorted({'polars', 'altair', 'statsmodels'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        analysis.nope  # noqa: B018


@pytest.mark.parametrize("name", _modules())
def test_every_module_declares_its_public_names(name):
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list | tuple), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"
    # tab-completion (dir) offers the public names, not the module's imports
    shown = [n for n in dir(module) if not n.startswith("__")]
    assert shown == sorted(n for n in module.__all__ if not n.startswith("__")), name
