"""The reports config and each notebook's ``parameters`` cell: parsing and type checks.

Both are checked before anything runs, so a bad config or parameter stops the render
with one line naming the report and the parameter (exit 2).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from .. import paths

__all__ = ["NO_DEFAULT", "OPTIONAL_KEYS", "REQUIRED_KEYS", "DataRejected", "Locked",
           "Parameter", "RenderError", "check_parameters", "load_config",
           "notebook_parameters", "value_matches"]

# Report keys: required, then optional ones this renderer understands.
REQUIRED_KEYS = ("name", "notebook", "title", "summary")
OPTIONAL_KEYS = ("parameters", "page", "page_title", "inputs", "data")


class RenderError(Exception):
    """Bad input (config, parameters, data path): reported in one line, exit 2."""


class DataRejected(RenderError):
    """A case list the pages would read failed validation (exit 3): ``problems`` and
    ``total`` as :class:`analysis.ingest.ValidationError` gives them, for the same
    report ``analysis validate FILE`` prints."""

    def __init__(self, file: Path | str, error) -> None:
        self.file, self.problems, self.total = Path(file), error.problems, error.total
        super().__init__(f"the case list {self.file} failed validation "
                         f"({self.total} problem(s))")


class Locked(RenderError):
    """Another render holds the lock (exit 4): nothing was done, try again later."""


# Stands for a parameter whose default is not a literal (or that has none).
NO_DEFAULT = object()


@dataclass(frozen=True)
class Parameter:
    """One line of a notebook's ``parameters`` cell."""

    name: str
    annotation: str | None  # as written, e.g. "int" or "list[str]"; None if untyped
    default: object
    node: ast.expr | None  # the parsed annotation


def notebook_parameters(notebook: Path) -> dict[str, Parameter]:
    """The names, annotated types and defaults of a notebook's ``parameters`` cell.

    Read with :mod:`ast` (no kernel, no papermill), so it is cheap enough to run on every
    page before anything executes. A notebook without the cell takes no parameters.
    """
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RenderError(f"{notebook}: cannot read the notebook ({exc})") from exc
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"
             and "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        return {}
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise RenderError(f"{notebook.name}: the parameters cell does not parse: "
                          f"{exc.msg} (line {exc.lineno})") from exc
    found: dict[str, Parameter] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            found[stmt.target.id] = Parameter(stmt.target.id, ast.unparse(stmt.annotation),
                                              _literal(stmt.value), stmt.annotation)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = Parameter(target.id, None, _literal(stmt.value), None)
    return found


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return NO_DEFAULT


_SCALARS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "dict": lambda v: isinstance(v, dict),
    "tuple": lambda v: isinstance(v, list | tuple),
}


def value_matches(value: object, node: ast.expr | None) -> bool:
    """Does ``value`` (as YAML gives it) fit the annotation ``node``?

    Understands ``int``, ``float`` (an int is fine), ``str``, ``bool``, ``None``,
    ``list[T]``, ``tuple[T, ...]``, ``dict[K, V]``, ``X | Y``, ``Optional[X]``,
    ``Union[...]`` and ``Literal[...]``; any other annotation accepts anything.
    """
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        if node.value is None:
            return value is None
        if isinstance(node.value, str):  # a string annotation: "list[str]"
            try:
                return value_matches(value, ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return True
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return value_matches(value, node.left) or value_matches(value, node.right)
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        if name == "None":
            return value is None
        check = _SCALARS.get(name)
        return check(value) if check else True
    if isinstance(node, ast.Subscript):
        return _subscript_matches(value, node)
    return True


def _subscript_matches(value: object, node: ast.Subscript) -> bool:
    """``value`` against a generic annotation such as ``list[str]`` or ``X | None``."""
    outer = node.value.id if isinstance(node.value, ast.Name) else getattr(
        node.value, "attr", "")
    args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    if outer in ("Optional",):
        return value is None or value_matches(value, args[0])
    if outer == "Union":
        return any(value_matches(value, a) for a in args)
    if outer == "Literal":
        return any(isinstance(a, ast.Constant) and a.value == value
                   and type(a.value) is type(value) for a in args)
    if outer in ("list", "List", "Sequence", "set"):
        return isinstance(value, list) and all(value_matches(v, args[0]) for v in value)
    if outer in ("tuple", "Tuple"):
        if not isinstance(value, list | tuple):
            return False
        if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
            return all(value_matches(v, args[0]) for v in value)
        return len(value) == len(args) and all(
            value_matches(v, a) for v, a in zip(value, args, strict=True))
    if outer in ("dict", "Dict", "Mapping"):
        return isinstance(value, dict) and all(
            value_matches(k, args[0]) and value_matches(v, args[1])
            for k, v in value.items())
    return True


def _expected(param: Parameter) -> str:
    if param.annotation:
        return param.annotation
    if param.default is not NO_DEFAULT and param.default is not None:
        return type(param.default).__name__
    return "anything"


def check_parameters(report: str, notebook: Path, declared: dict[str, Parameter],
                     given: dict) -> None:
    """Raise :class:`RenderError` naming the report and parameter on a bad value."""
    for name, value in given.items():
        if name not in declared:
            takes = ", ".join(declared) or "no parameters"
            raise RenderError(f"report {report!r}: unknown parameter {name!r} for "
                              f"notebooks/{notebook.name} (it takes: {takes})")
        param = declared[name]
        node = param.node
        if node is None and param.default not in (NO_DEFAULT, None):
            node = ast.Name(type(param.default).__name__)
        if not value_matches(value, node):
            raise RenderError(f"report {report!r}: parameter {name!r} must be "
                              f"{_expected(param)}, got {type(value).__name__} {value!r}")


def load_config(path: Path = paths.REPORTS_CONFIG) -> list[dict]:
    """The list of reports in the config, checked for shape (not yet for parameters)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RenderError(f"{path}: no reports config") from exc
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    reports = (raw or {}).get("reports") if isinstance(raw, dict) else None
    if not isinstance(reports, list):
        raise RenderError(f"{path}: expected a top-level 'reports:' list")
    seen: set[str] = set()
    for i, report in enumerate(reports, 1):
        _check_report(path, i, report, seen)
    return reports


def _check_report(path: Path, i: int, report: object, seen: set[str]) -> None:
    """Check one report's keys; fill in its parameter sets (``[{}]`` when absent)."""
    if not isinstance(report, dict):
        raise RenderError(f"{path}: report #{i} is not a mapping")
    label = report.get("name", f"#{i}")
    missing = [k for k in REQUIRED_KEYS if not report.get(k)]
    if missing:
        raise RenderError(f"{path}: report {label!r} lacks {', '.join(missing)}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", str(report["name"])):
        raise RenderError(f"{path}: report name {label!r} must be lower-case letters, "
                          "digits, '-' or '_'")
    if report["name"] in seen:
        raise RenderError(f"{path}: two reports are named {label!r}")
    seen.add(report["name"])
    unknown = [k for k in report if k not in REQUIRED_KEYS + OPTIONAL_KEYS]
    if unknown:
        print(f"warning: {path.name}: report {label!r}: ignoring unknown key(s) "
              f"{', '.join(unknown)}", file=sys.stderr)
    sets = report.get("parameters")
    if sets is None:
        report["parameters"] = [{}]
    elif not isinstance(sets, list) or not all(isinstance(s, dict | type(None))
                                               for s in sets):
        raise RenderError(f"{path}: report {label!r}: 'parameters' must be a list of "
                          "mappings, one per page")
    report["parameters"] = [s or {} for s in report["parameters"]] or [{}]


def __dir__() -> list[str]:
    return sorted(__all__)
