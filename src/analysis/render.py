"""Render the report site: a parameter matrix of notebooks into offline HTML pages.

``reports/reports.yml`` lists reports; each names a notebook, a title, a one-line summary
and the parameter sets it is rendered with, one page per set. ``analysis render``:

1. reads and checks the config, and checks every parameter set against the notebook's
   ``parameters`` cell (names and annotated types) before anything runs;
2. works out which pages are out of date. A page depends on its notebook (SHA-256 of the
   file), its parameters, the package (every file of ``src/analysis`` and the committed
   reference data), its data files (SHA-256; the synthetic default is a function of the
   package and its seed), its title and the versions of the rendering stack. A run with
   nothing changed imports nothing heavy and executes nothing;
3. executes the out-of-date pages with papermill on the project kernel (in parallel
   with ``--jobs``) into a staging folder, exporting reader HTML without code;
4. only when every page succeeded, copies the unchanged pages over from the current
   site, writes ``index.html`` and ``manifest.json``, and swaps the staging folder in
   for ``reports/site`` in one rename. A failure leaves the current site untouched and
   keeps the failed executed notebook under ``reports/.failed/``.
"""

from __future__ import annotations

import argparse
import ast
import ctypes
import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from . import checksum, paths
from .words import slug, value_label

SITE_TITLE = "LA Cannabis Relief Analytics"
MANIFEST = "manifest.json"
FORMAT = 1  # bump when the manifest's layout changes: every page then re-renders
# Report keys: required, then optional ones this renderer understands.
REQUIRED_KEYS = ("name", "notebook", "title", "summary")
OPTIONAL_KEYS = ("parameters", "page", "page_title", "inputs", "data")
# The package a page depends on: its source and the committed data it reads.
PACKAGE_DIRS = (Path(__file__).parent, paths.REFERENCE, paths.CLAIMS, paths.MAPPINGS)
# Versions recorded per page; a change re-renders everything.
STACK = ("polars", "altair", "vl-convert-python", "statsmodels", "papermill", "nbconvert",
         "ipykernel", "jupyter-client")
DATA_PARAMETER = "data_path"
SEED_PARAMETER = "seed"


class RenderError(Exception):
    """Bad input (config, parameters, data path): reported in one line, exit 2."""


# --------------------------------------------------------------------------- config


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


_NO_DEFAULT = object()


def _literal(node: ast.expr | None) -> object:
    if node is None:
        return _NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return _NO_DEFAULT


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
    return True


def _expected(param: Parameter) -> str:
    if param.annotation:
        return param.annotation
    if param.default is not _NO_DEFAULT and param.default is not None:
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
        if node is None and param.default not in (_NO_DEFAULT, None):
            node = ast.Name(type(param.default).__name__)
        if not value_matches(value, node):
            raise RenderError(f"report {report!r}: parameter {name!r} must be "
                              f"{_expected(param)}, got {type(value).__name__} {value!r}")


@dataclass
class Page:
    """One page of the site: a report rendered with one parameter set."""

    report: str
    name: str
    title: str
    summary: str
    report_title: str
    notebook: Path
    parameters: dict
    effective: dict  # notebook defaults overlaid with the parameters
    inputs: list[Path] = field(default_factory=list)
    data_description: str = ""

    @property
    def parameter_label(self) -> str:
        shown = {k: v for k, v in self.parameters.items() if k != DATA_PARAMETER}
        return ", ".join(f"{k} = {v}" for k, v in shown.items())


def load_config(path: Path = paths.REPORTS_CONFIG) -> list[dict]:
    """The list of reports in the config, checked for shape (not yet for parameters)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RenderError(f"{path}: no reports config") from exc
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    reports = (raw or {}).get("reports") if isinstance(raw, dict) else None
    if not isinstance(reports, list):
        raise RenderError(f"{path}: expected a top-level 'reports:' list")
    seen: set[str] = set()
    for i, report in enumerate(reports, 1):
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
    return reports


def page_name(report: dict, params: dict, index: int) -> str:
    """The file stem of one page: the report name, plus the parameter values if any.

    ``agency-profile`` rendered with ``{agency: Long Beach city prosecutor}`` becomes
    ``agency-profile--long-beach-city-prosecutor``. A report's ``page`` key (a format
    string over the parameters, e.g. ``"agency-{agency}"``) names pages explicitly.
    """
    shown = {k: v for k, v in params.items() if k != DATA_PARAMETER}
    if report.get("page"):
        try:
            return slug(str(report["page"]).format(**params, index=index))
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"report {report['name']!r}: 'page' {report['page']!r} "
                              f"cannot be filled from the parameters ({exc})") from exc
    if not shown:
        return report["name"]
    return f"{report['name']}--" + slug("-".join(str(v) for v in shown.values()))


def page_title(report: dict, params: dict) -> str:
    shown = {k: v for k, v in params.items() if k != DATA_PARAMETER}
    if report.get("page_title"):
        try:
            return str(report["page_title"]).format(**params)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"report {report['name']!r}: 'page_title' cannot be filled "
                              f"from the parameters ({exc})") from exc
    if not shown:
        return report["title"]
    return f"{report['title']}: " + ", ".join(value_label(v) for v in shown.values())


def plan_pages(reports: list[dict], *, notebooks: Path = paths.NOTEBOOKS,
               data: Path | None = None) -> list[Page]:
    """Every page of the config, parameters checked; ``data`` overrides ``data_path``."""
    pages: list[Page] = []
    names: dict[str, str] = {}
    for report in reports:
        notebook = notebooks / report["notebook"]
        if not notebook.is_file():
            raise RenderError(f"report {report['name']!r}: notebook {report['notebook']!r} "
                              f"not found in {notebooks}")
        declared = notebook_parameters(notebook)
        defaults = {k: p.default for k, p in declared.items() if p.default is not _NO_DEFAULT}
        for index, given in enumerate(report["parameters"], 1):
            check_parameters(report["name"], notebook, declared, given)
            params = dict(given)
            if data is not None and DATA_PARAMETER in declared:
                params[DATA_PARAMETER] = str(data)
            name = page_name(report, params, index)
            if name in names:
                raise RenderError(f"report {report['name']!r}: page {name!r} is produced "
                                  f"twice (also by {names[name]!r}); give the report a "
                                  "'page' key such as \"{name}-{agency}\" or distinct "
                                  "parameters")
            names[name] = report["name"]
            inputs = [local_path(p) for p in report.get("inputs") or []]
            pages.append(Page(report["name"], name, page_title(report, params),
                              report["summary"], report["title"], notebook, params,
                              defaults | params, inputs, str(report.get("data") or "")))
    return pages


def public_path(value: str | Path) -> str:
    """How published files name a local file: ``shared:NAME`` for the shared public data,
    the path from the checkout for a file inside it, else the file name alone. Pages and
    manifests never show the folders of the machine that rendered them."""
    path = Path(value).expanduser()
    resolved = path.resolve()
    for base, prefix in ((paths.shared_data(), "shared:"), (paths.ROOT, "")):
        try:
            return prefix + resolved.relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def public_parameters(params: dict) -> dict:
    """A page's parameters as published: the data file named by :func:`public_path`."""
    value = params.get(DATA_PARAMETER)
    if isinstance(value, str) and value:
        return dict(params, **{DATA_PARAMETER: public_path(value)})
    return dict(params)


def local_path(entry: str | Path) -> Path:
    """The file behind a name as the config and published files write it (the inverse
    of :func:`public_path`): ``shared:FILE`` or a path from the checkout."""
    entry = str(entry)
    if entry.startswith("shared:"):
        return paths.shared_file(entry.removeprefix("shared:"))
    path = Path(entry)
    return path if path.is_absolute() else paths.ROOT / path


# ---------------------------------------------------------------------- fingerprints


# One checksum function for the whole project (the reference manifests use it too).
sha256_file = checksum.sha256_file


def tree_hash(folders: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of every file under ``folders`` (no caches)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def stack_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in STACK:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def data_fingerprint(page: Page) -> dict:
    """What a page reads: its data files' checksums, or the synthetic seed."""
    found: dict[str, str] = {}
    if DATA_PARAMETER in page.effective:
        value = page.effective[DATA_PARAMETER]
        if value in ("", None):
            found[DATA_PARAMETER] = f"synthetic seed {page.effective.get(SEED_PARAMETER)}"
    for key, value in sorted(page.effective.items()):
        if isinstance(value, str) and value and key not in found:
            candidate = Path(value).expanduser()
            if not candidate.is_absolute():
                candidate = page.notebook.parent / candidate
            if candidate.is_file():
                found[key] = "sha256:" + sha256_file(candidate)
            elif key == DATA_PARAMETER:
                found[key] = "missing"
    for path in page.inputs:
        found[public_path(path)] = ("sha256:" + sha256_file(path) if path.is_file()
                                    else "missing")
    return found


def page_fingerprint(page: Page, package: str, versions: dict[str, str]) -> dict:
    """Everything a page's output depends on, and its key (a hash of all of it)."""
    parts = {
        "format": FORMAT,
        "notebook_sha256": sha256_file(page.notebook),
        "parameters": public_parameters(page.parameters),
        "package_sha256": package,
        "data": data_fingerprint(page),
        "versions": versions,
        "labels": [page.title, page.summary, page.report_title],
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str)
                                  .encode()).hexdigest()
    return parts


def read_manifest(site: Path) -> dict:
    try:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        return manifest if isinstance(manifest, dict) else {}
    except (OSError, ValueError):
        return {}


def _files_intact(site: Path, entry: dict) -> bool:
    """Every file the manifest lists for a page is there with its checksum."""
    files = entry.get("files") or []
    if not files:
        return False
    for item in files:
        path = site / item["path"]
        if not path.is_file() or sha256_file(path) != item["sha256"]:
            return False
    return True


def why_stale(entry: dict | None, parts: dict, site: Path) -> str:
    """Why a page must render, or '' when its published copy is current."""
    if not entry:
        return "new page"
    if entry.get("key") == parts["key"]:
        return "" if _files_intact(site, entry) else "published files missing or changed"
    reasons = []
    labels = (("notebook_sha256", "notebook changed"), ("parameters", "parameters changed"),
              ("package_sha256", "package changed"), ("data", "data changed"),
              ("versions", "package versions changed"))
    for key, label in labels:
        if entry.get(key) != parts[key]:
            reasons.append(label)
    return ", ".join(reasons) or "title or format changed"


# ------------------------------------------------------------------------- running


@dataclass
class Result:
    """What a run did."""

    site: Path
    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    published: bool = False


class Progress:
    """One line per event, with a counter and elapsed times; quiet prints nothing."""

    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total, self.done, self.quiet = total, 0, quiet
        self.stream = stream or sys.stdout
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def finished(self, name: str, outcome: dict) -> None:
        self.done += 1
        state = "done" if outcome["ok"] else "FAILED"
        elapsed = time.monotonic() - self.started
        retried = outcome.get("kernel_starts", 1) - 1
        note = f"; the kernel failed to start {retried} time(s) first" if retried else ""
        self.say(f"[{self.done}/{self.total}] {name}: {state} in {outcome['seconds']:.1f}s "
                 f"(elapsed {elapsed:.0f}s{note})")


def kernel_name() -> str:
    from jupyter_client.kernelspec import find_kernel_specs

    return paths.KERNEL_NAME if paths.KERNEL_NAME in find_kernel_specs() else "python3"


def git_commit() -> str:
    """The checkout's commit, with ``-dirty`` when files differ from it; '' outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.ROOT, text=True,
                              capture_output=True, timeout=10)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=paths.ROOT, text=True, capture_output=True, timeout=10)
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def vega_bundle(cache: Path) -> Path:
    """vega, vega-lite and vega-embed as one script, built by vl-convert and cached."""
    import vl_convert as vlc

    target = cache / f"vega-embed-{vlc.get_vega_embed_version()}-vl-{vlc.__version__}.js"
    if not target.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(vlc.javascript_bundle(), encoding="utf-8")
        tmp.replace(target)
    return target


@contextmanager
def _lock(path: Path):
    """Only one render at a time writes the staging folder and swaps the site."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RenderError(f"another render is running (lock {path})") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _cleaned(staging: Path):
    """Remove the staging folder when a render stops on an error or an interrupt."""
    try:
        yield
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap_in(new: Path, site: Path) -> None:
    """Make ``new`` the published site; the old one is removed only afterwards."""
    site.parent.mkdir(parents=True, exist_ok=True)
    if not site.exists():
        new.rename(site)
        return
    if _exchange(new, site):
        shutil.rmtree(new)  # now holds the previous site
        return
    previous = site.parent / ".previous"
    shutil.rmtree(previous, ignore_errors=True)
    site.rename(previous)
    try:
        new.rename(site)
    except BaseException:
        previous.rename(site)  # put the published site back
        raise
    shutil.rmtree(previous, ignore_errors=True)


def recover_previous(site: Path) -> None:
    """Put back a site that a crash left moved aside by :func:`swap_in`."""
    previous = site.parent / ".previous"
    if previous.is_dir() and not site.exists():
        previous.rename(site)


def _run_jobs(jobs: list[dict], workers: int, progress: Progress) -> list[dict]:
    from .pagebuild import build_page

    outcomes: list[dict] = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            progress.say(f"  rendering {job['name']} ...")
            outcome = build_page(job)
            progress.finished(job["name"], outcome)
            outcomes.append(outcome)
        return outcomes
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn: each worker starts clean (no inherited zmq or event loop state)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {}
        for job in jobs:
            futures[pool.submit(build_page, job)] = job["name"]
        progress.say(f"  rendering {len(jobs)} pages, {workers} at a time ...")
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # a worker process died
                outcome = {"ok": False, "name": futures[future], "seconds": 0.0,
                           "error": {"ename": type(exc).__name__, "evalue": str(exc)}}
            progress.finished(futures[future], outcome)
            outcomes.append(outcome)
    return outcomes


def describe_failure(page: Page, error: dict) -> str:
    """One line naming the report, the page, the cell and the error."""
    where = ""
    if "cell" in error:
        where = f" in cell {error['cell']}"
        if error.get("cell_id"):
            where += f" (id {error['cell_id']})"
        if error.get("line"):
            where += f" `{error['line']}`"
    evalue = str(error.get("evalue", "")).strip().splitlines()
    message = f"{error.get('ename', 'Error')}: {evalue[0] if evalue else ''}".rstrip(": ")
    text = (f"report {page.report!r}, page {page.name!r} (notebooks/{page.notebook.name})"
            f" failed{where}: {message}")
    if error.get("kept"):
        text += f"\n  executed notebook kept for debugging: {error['kept']}"
    return text


def _pre_generate_synthetic(pages: list[Page]) -> None:
    """Write the synthetic default data once, before parallel pages race to create it."""
    seeds = {p.effective.get(SEED_PARAMETER, paths.DEFAULT_SEED) for p in pages
             if DATA_PARAMETER in p.effective and p.effective[DATA_PARAMETER] in ("", None)}
    if seeds:
        from . import synth

        for seed in sorted(s for s in seeds if isinstance(s, int)):
            synth.default_cases(seed)


def _entry_files(root: Path, names: Iterable[str]) -> list[dict]:
    return [{"path": n, "sha256": sha256_file(root / n), "bytes": (root / n).stat().st_size}
            for n in names]


def render(*, config: Path = paths.REPORTS_CONFIG, site: Path = paths.SITE,
           notebooks: Path = paths.NOTEBOOKS, only: Iterable[str] = (), jobs: int = 1,
           force: bool = False, data: Path | None = None, timeout: int | None = None,
           dry_run: bool = False, quiet: bool = False,
           package_dirs: Iterable[Path] = PACKAGE_DIRS) -> Result:
    """Render the out-of-date pages and publish the site atomically.

    Raises :class:`RenderError` for bad input before anything executes. Returns a
    :class:`Result`; ``result.failed`` is non-empty when a page failed, in which case the
    current site was left exactly as it was.
    """
    site = Path(site)
    if data is not None:
        data = Path(data).expanduser().resolve()
        if not data.is_file():
            raise RenderError(f"--data {data}: no such file")
    pages = plan_pages(load_config(Path(config)), notebooks=Path(notebooks), data=data)
    only = list(only)
    if only:
        known = {p.report for p in pages} | {p.name for p in pages}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise RenderError(f"--only {', '.join(unknown)}: no such report or page "
                              f"(reports: {', '.join(sorted({p.report for p in pages}))})")
    selected = [p for p in pages if not only or p.report in only or p.name in only]

    package = tree_hash(package_dirs)
    versions = stack_versions()
    manifest = read_manifest(site)
    previous = {e["page"]: e for e in manifest.get("pages", []) if "page" in e}
    parts = {p.name: page_fingerprint(p, package, versions) for p in selected}
    stale = {p.name: ("forced" if force else why_stale(previous.get(p.name), parts[p.name],
                                                        site)) for p in selected}
    todo = [p for p in selected if stale[p.name]]
    selected_names = {p.name for p in selected}
    # Pages kept from the current site: unchanged ones, and the ones --only left out.
    carried = [p for p in pages if p.name not in {t.name for t in todo}
               and p.name in previous and (p.name in selected_names
                                           or _files_intact(site, previous[p.name]))]
    result = Result(site, unchanged=[p.name for p in carried])
    progress = Progress(len(todo), quiet=quiet)
    removed = sorted(set(previous) - {p.name for p in pages})
    if not todo and not removed and (site / "index.html").is_file():
        progress.say(f"nothing to do: {len(carried)} page(s) up to date in {site} "
                     "(use --force to render them again)")
        return result
    progress.say(f"{len(todo)} page(s) to render, {len(carried)} unchanged"
                 + (f", {len(removed)} to remove ({', '.join(removed)})" if removed else ""))
    for p in todo:
        progress.say(f"  {p.name}: {stale[p.name]}")
    if dry_run:
        return result

    staging_root = site.parent / ".staging"
    failed_dir = site.parent / ".failed"
    with _lock(site.parent / ".render.lock"), _cleaned(staging_root):
        recover_previous(site)
        shutil.rmtree(staging_root, ignore_errors=True)
        out = staging_root / "site"
        out.mkdir(parents=True)
        commit = git_commit()
        started_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
        jobs_list = []
        if todo:
            _pre_generate_synthetic(todo)
            bundle = vega_bundle(site.parent / ".cache")
            kernel = kernel_name()
            for p in todo:
                jobs_list.append({
                    "notebook": str(p.notebook), "name": p.name, "parameters": p.parameters,
                    "public_parameters": public_parameters(p.parameters),
                    "out_dir": str(out), "failed_dir": str(failed_dir), "kernel": kernel,
                    "timeout": timeout, "vega_js": str(bundle),
                    "page": {"name": p.name, "title": p.title, "site_title": SITE_TITLE,
                             "notebook": p.notebook.name, "git_commit": commit,
                             "rendered_at": started_at.strftime("%Y-%m-%d %H:%M UTC"),
                             "parameter_label": p.parameter_label,
                             "data": {"description": p.data_description}},
                })
        outcomes = {o["name"]: o for o in _run_jobs(jobs_list, jobs, progress)}
        by_name = {p.name: p for p in pages}
        for name, outcome in outcomes.items():
            if outcome["ok"]:
                result.rendered.append(name)
            else:
                result.failed.append({"page": name, "report": by_name[name].report,
                                      "message": describe_failure(by_name[name],
                                                                  outcome["error"]),
                                      **outcome["error"]})
        if result.failed:
            shutil.rmtree(staging_root, ignore_errors=True)
            return result

        entries = []
        for p in pages:
            if p.name in outcomes:
                o = outcomes[p.name]
                names = [f"{p.name}.html", f"{p.name}.ipynb"] + [c["path"] for c in o["csv"]]
                entry = {k: v for k, v in parts[p.name].items() if k != "format"}
                entry.update({
                    "page": p.name, "report": p.report, "title": p.title,
                    "summary": p.summary, "report_title": p.report_title,
                    "notebook": p.notebook.name, "status": "rendered",
                    "rendered_at": started_at.isoformat(), "seconds": o["seconds"],
                    "git_commit": commit, "data_source": _data_source(p, o["data"]),
                    "csv": o["csv"], "files": _entry_files(out, names)})
                entries.append(entry)
            elif p.name in {c.name for c in carried}:
                current = page_fingerprint(p, package, versions)["key"]
                # a page --only left out may be out of date: say so rather than hide it
                state = "unchanged" if previous[p.name].get("key") == current else "stale"
                entry = dict(previous[p.name], status=state)
                for item in entry["files"]:
                    target = out / item["path"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(site / item["path"], target)
                entries.append(entry)
        _write_site_files(out, entries, commit, started_at)
        swap_in(out, site)
        shutil.rmtree(staging_root, ignore_errors=True)
        result.published = True
    return result


def _data_source(page: Page, card: dict) -> dict:
    """What the index and manifest say about a page's data."""
    if card.get("source"):
        label = ("synthetic default data" if card.get("synthetic")
                 else f"real file {card.get('file')}")
        return {"label": label, "description": card["source"], "file": card.get("file"),
                "synthetic": bool(card.get("synthetic")), "sha256": card.get("sha256")}
    return {"label": page.data_description or "stated on the page", "synthetic": None,
            "description": page.data_description, "file": None, "sha256": None}


def _write_site_files(out: Path, entries: list[dict], commit: str,
                      started_at: dt.datetime) -> None:
    import jinja2

    from .pagebuild import TEMPLATE, TEMPLATES

    reports: dict[str, dict] = {}
    for e in entries:
        group = reports.setdefault(e["report"], {"name": e["report"],
                                                 "title": e.get("report_title", e["title"]),
                                                 "summary": e["summary"], "pages": []})
        group["pages"].append({"name": e["page"], "title": e["title"],
                               "data": e["data_source"],
                               "data_label": e["data_source"]["label"],
                               "rendered_at": e["rendered_at"], "csv": e.get("csv", [])})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / TEMPLATE)),
                             autoescape=False, keep_trailing_newline=True)
    index = env.get_template("site_index.html.j2").render(
        site_title=SITE_TITLE, reports=list(reports.values()), git_commit=commit,
        generated_at=started_at.strftime("%Y-%m-%d %H:%M UTC"))
    (out / "index.html").write_text(index, encoding="utf-8")
    manifest = {"format": FORMAT, "site_title": SITE_TITLE,
                "generated_at": started_at.isoformat(), "git_commit": commit,
                "pages": entries}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n",
                                encoding="utf-8")


# ---------------------------------------------------------------------------- CLI


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "render", help="render the report site into reports/site",
        description="Execute the notebooks of reports/reports.yml (one page per parameter "
        "set) and publish an offline HTML site. Only pages whose notebook, parameters, "
        "package or data changed are executed; the site is replaced only when every page "
        "succeeded.",
        epilog="Exit status: 0 published or nothing to do, 1 a page failed (the previous "
        "site is left untouched), 2 bad config, parameters or arguments.")
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="render only this report (or page); repeatable. Other pages are "
                   "kept as they are")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="pages to execute at once (default: the number of cores, "
                   "%(default)s)")
    p.add_argument("--force", action="store_true",
                   help="render the selected pages even when nothing changed")
    p.add_argument("--data", type=Path, default=None, metavar="PATH",
                   help="case list (CSV or Parquet) passed as data_path to every page that "
                   "takes it, instead of the synthetic default")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS",
                   help="fail a page when one cell runs longer than this")
    p.add_argument("--dry-run", action="store_true",
                   help="say which pages would render and why, then stop")
    p.add_argument("--config", type=Path, default=paths.REPORTS_CONFIG,
                   help="reports config (default %(default)s)")
    p.add_argument("--notebooks", type=Path, default=paths.NOTEBOOKS,
                   help="folder the config's notebook names are found in (default "
                   "%(default)s)")
    p.add_argument("--site", type=Path, default=paths.SITE,
                   help="where the site is published (default %(default)s)")
    p.add_argument("--quiet", "-q", action="store_true", help="print errors only")
    p.set_defaults(func=_run)


_WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT,
                 errno.ENOTDIR, errno.EEXIST, errno.EISDIR}


def _run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        print("error: --jobs must be at least 1", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        result = render(config=args.config, site=args.site, notebooks=args.notebooks,
                        only=args.only, jobs=args.jobs,
                        force=args.force, data=args.data, timeout=args.timeout,
                        dry_run=args.dry_run, quiet=args.quiet)
    except RenderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output folder cannot be written, the disk is full ...
        where = f" {exc.filename}" if exc.filename else ""
        verb = "cannot write" if exc.errno in _WRITE_ERRORS else "file system error at"
        print(f"error: {verb}{where}: {exc.strerror or exc}; the published site "
              f"{args.site} was left unchanged", file=sys.stderr)
        return 1
    if result.failed:
        for failure in result.failed:
            print(f"error: {failure['message']}", file=sys.stderr)
        print(f"error: {len(result.failed)} page(s) failed; the published site "
              f"{result.site} was left unchanged", file=sys.stderr)
        return 1
    if result.published and not args.quiet:
        print(f"site ready: {result.site / 'index.html'} ({len(result.rendered)} rendered, "
              f"{len(result.unchanged)} unchanged, {time.monotonic() - started:.1f}s)")
    return 0
