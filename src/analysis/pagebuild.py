"""Build one page of the report site: execute its notebook, export reader HTML.

``analysis render`` (see :mod:`analysis.render`) plans the work and calls
:func:`build_page` once per page, in worker processes when ``--jobs`` is above one.
Everything here imports papermill and nbconvert, so the planner never imports this
module when there is nothing to render.

A page is three kinds of file in the output folder::

    NAME.html            the page for readers: outputs only, no code, no prompts
    NAME.ipynb           the executed notebook, for researchers
    csv/NAME/TABLE.csv   one CSV per table the page shows (``page.table``)
"""

from __future__ import annotations

import base64
import functools
import html
import json
import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import charts, paths, schema

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "lacra"
CSV_DIR = "csv"

_CSV_LINK = re.compile(
    r'(<a class="lacra-csv" data-lacra-csv="(?P<name>[a-z0-9-]+)" download="[^"]*" )'
    r'href="data:text/csv;charset=utf-8;base64,(?P<data>[A-Za-z0-9+/=]*)"')


class PageError(Exception):
    """A page that failed for a reason other than a notebook cell."""


def _injected(cell) -> bool:
    """A cell papermill added (injected parameters, error notes), not the author's."""
    tags = cell.metadata.get("tags", [])
    return ("injected-parameters" in tags or "papermill-error-cell-tag" in tags
            or str(cell.get("id", "")).startswith("papermill-error-cell"))


def _failed_cell(nb) -> dict:
    """Where the executed notebook stopped: the author's cell number (from 1), id, line."""
    number = 0
    for cell in nb.cells:
        if _injected(cell):
            continue
        number += 1
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                return {"cell": number, "cell_id": cell.get("id", ""),
                        "line": first.strip()[:80], "ename": output.get("ename", ""),
                        "evalue": output.get("evalue", "")}
    return {}


def _chart_html(payload: dict, number: int) -> str:
    """The figure the page's script turns into an interactive chart."""
    spec = json.dumps(payload["spec"], separators=(",", ":"), ensure_ascii=False)
    # A JSON string may not close the script element it sits in.
    spec = spec.replace("</", "<\\/").replace("<!--", "<\\!--")
    alt_text = html.escape(payload.get("alt", ""))
    return (f'<figure class="lacra-chart" id="chart-{number}">'
            f'<div class="lacra-chart-view" role="img" aria-label="{alt_text}"></div>'
            f"<details><summary>This chart in words</summary><p>{alt_text}</p></details>"
            f'<script type="application/json" class="lacra-chart-spec">{spec}</script>'
            "</figure>")


def _for_readers(nb, stem: str, out_dir: Path) -> tuple[object, list[dict], dict]:
    """The executed notebook made ready for export (changed in place: write the
    researchers' copy first), its CSVs and its data card.

    Charts become figures for vega-embed; each table's CSV is written under
    ``csv/STEM/`` and its link points there instead of carrying the data inline.
    """
    csvs: list[dict] = []
    data: dict = {}
    used: set[str] = set()
    charts_seen = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code":
            continue
        if "remove-cell" in tags or "remove_cell" in tags:
            cell.outputs = []
            continue
        for output in cell.get("outputs", []):
            bundle = output.get("data") or {}
            meta = _lacra_meta(output)
            if charts.MIMETYPE in bundle:
                charts_seen += 1
                output["data"] = {"text/html": _chart_html(bundle[charts.MIMETYPE],
                                                           charts_seen)}
            elif meta.get("kind") == "data_card":
                data = {k: meta.get(k) for k in ("source", "file", "synthetic", "sha256")}
            elif meta.get("kind") == "table" and "text/html" in bundle:
                output["data"]["text/html"] = _extract_csv(
                    bundle["text/html"], stem, out_dir, used, csvs, meta)
    return nb, csvs, data


def _lacra_meta(output) -> dict:
    """The ``lacra`` display metadata of an output (IPython files it under the MIME type)."""
    meta = output.get("metadata") or {}
    if isinstance(meta.get("lacra"), dict):
        return meta["lacra"]
    for value in meta.values():
        if isinstance(value, dict) and isinstance(value.get("lacra"), dict):
            return value["lacra"]
    return {}


def _extract_csv(text: str, stem: str, out_dir: Path, used: set[str], csvs: list[dict],
                 meta: dict) -> str:
    def replace(match: re.Match) -> str:
        name = base = match["name"]
        n = 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        raw = base64.b64decode(match["data"])
        header = raw.split(b"\n", 1)[0].decode("utf-8").lower().split(",")
        leaked = [c for c in schema.IDENTIFIERS if c in (h.strip('"') for h in header)]
        if leaked:
            raise PageError(f"table {name!r} would publish identifier column(s) "
                            f"{', '.join(leaked)}")
        rel = f"{CSV_DIR}/{stem}/{name}.csv"
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
        csvs.append({"name": name, "path": rel, "caption": meta.get("caption", ""),
                     "rows": meta.get("rows"), "columns": meta.get("columns")})
        return f'{match[1]}href="{html.escape(rel)}"'

    return _CSV_LINK.sub(replace, text)


@functools.cache
def _exporter():
    """One HTML exporter per process: its templates are compiled once, not per page."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True)


def export_html(nb, resources: dict) -> str:
    """The reader page for an executed (and prepared) notebook."""
    body, _ = _exporter().from_notebook_node(nb, resources={"lacra": resources})
    return body


ENGINE = "lacra"
# How many cells the current run in this process has started: none means the kernel
# never came up, which is worth another try (see ``_execute``).
_RUN = {"cells_started": 0}
# Tries for a kernel that dies or stays silent before its first cell. Kernels take five
# TCP ports each, picked by binding to port 0 and letting go; a kernel started at the
# same moment in another worker (or any other program) can take one of them first, and
# the kernel then exits with "Address already in use".
KERNEL_START_TRIES = 3


@functools.cache
def _register_engine() -> None:
    """Register papermill's nbclient engine, writing the executed notebook only when
    the run ends (papermill's own last write, or on failure) instead of at the start
    and end of every cell: two JSON dumps of the growing notebook per cell were a
    tenth of a page's cost. A run cut short (a kernel that died, a timeout) still
    leaves the notebook as far as it got, for debugging."""
    from papermill.engines import NBClientEngine, papermill_engines

    class SaveAtEnd(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            write, complete = nb_man.save, nb_man.notebook_complete
            cell_start = nb_man.cell_start

            def complete_and_write(**kw):
                nb_man.save = write  # the end of the run writes, as papermill would
                return complete(**kw)

            def counted_start(*args, **kw):
                _RUN["cells_started"] += 1
                return cell_start(*args, **kw)

            nb_man.save = lambda **kw: None  # per-cell writes skipped
            nb_man.notebook_complete = complete_and_write
            nb_man.cell_start = counted_start
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    papermill_engines.register(ENGINE, SaveAtEnd)


def build_page(job: dict) -> dict:
    """Execute and export one page; never raises for a notebook error.

    ``job`` holds plain values (it crosses a process boundary): ``notebook``, ``name``,
    ``parameters``, ``out_dir``, ``failed_dir``, ``kernel``, ``timeout``, ``vega_js``
    (path of the inlined bundle) and ``page`` (what the header and footer show).
    Returns ``{"ok": True, ...}`` with the page's CSVs and data card, or
    ``{"ok": False, "error": {...}}`` naming the cell and the error.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    started = time.monotonic()
    notebook = Path(job["notebook"])
    out_dir = Path(job["out_dir"])
    stem = job["name"]
    executed = out_dir / f"{stem}.ipynb"
    log = Path(job.get("log_dir") or out_dir.parent / "logs") / f"{stem}.log"
    try:
        # the kernel's own warnings go to a log, not the terminal; charts' SVGs are
        # drawn below, in this long-lived process, instead of in every kernel
        with _stderr_to(log), _environment({charts.SVG_ENV: "defer"}):
            nb, kernel_starts = _execute(job, notebook, executed, log)
    except PapermillExecutionError as exc:
        return _failure(job, executed, started, exc.ename, exc.evalue, log=log)
    except Exception as exc:  # kernel died, timeout, unreadable notebook ...
        return _failure(job, executed, started, type(exc).__name__, str(exc), log=log)

    try:
        # the published notebook names its source, not this machine's staging folder
        run = nb.metadata.get("papermill", {})
        run.update(input_path=f"notebooks/{notebook.name}", output_path=executed.name)
        _publish_parameters(nb, job["parameters"], job.get("public_parameters") or {})
        _stable_ids(nb)
        charts.add_static_svgs(nb)
        nbformat.write(nb, executed)
        ready, csvs, data = _for_readers(nb, stem, out_dir)
        page = dict(job["page"], data=data or job["page"].get("data", {}),
                    vega_js=Path(job["vega_js"]).read_text(encoding="utf-8"))
        (out_dir / f"{stem}.html").write_text(export_html(ready, page), encoding="utf-8")
    except Exception as exc:
        return _failure(job, executed, started, type(exc).__name__, str(exc), cell={})
    return {"ok": True, "name": stem, "csv": csvs, "data": data,
            "kernel_starts": kernel_starts, "seconds": round(time.monotonic() - started, 2)}


def _execute(job: dict, notebook: Path, executed: Path, log: Path):
    """Run the notebook with papermill; start the kernel again (up to
    ``KERNEL_START_TRIES`` times in all) when it failed before running any cell.
    Returns the executed notebook and how many kernels it took."""
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel

    attempt = 1
    while True:
        _RUN["cells_started"] = 0
        try:
            nb = papermill.execute_notebook(
                str(notebook), str(executed), parameters=job["parameters"],
                kernel_name=job["kernel"], cwd=str(notebook.parent), progress_bar=False,
                log_output=False, execution_timeout=job.get("timeout"), engine_name=ENGINE,
                # every output is in hand when the last cell ends, and the kernel keeps
                # nothing worth a clean exit: a graceful shutdown only waited ~0.7 s
                shutdown_kernel="immediate")
            return nb, attempt
        except NoSuchKernel:
            raise  # no kernel of that name: starting again cannot help
        except Exception as exc:
            if _RUN["cells_started"] or attempt == KERNEL_START_TRIES:
                raise
            with open(log, "a", encoding="utf-8") as handle:
                print(f"lacra: the kernel did not start ({type(exc).__name__}: {exc}); "
                      f"starting another (try {attempt + 1} of {KERNEL_START_TRIES})",
                      file=handle)
        attempt += 1


def _publish_parameters(nb, actual: dict, public: dict) -> None:
    """Show the parameters as published files name them (``render.public_path``: no
    folders of this machine) in the injected cell and papermill's metadata."""
    changed = {k: v for k, v in public.items() if actual.get(k) != v}
    if not changed:
        return
    run = nb.metadata.setdefault("papermill", {})
    run["parameters"] = dict(run.get("parameters") or {}, **changed)
    for cell in nb.cells:
        if "injected-parameters" not in cell.metadata.get("tags", []):
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            name = line.split(" = ", 1)[0].strip()
            if name in changed:
                lines[i] = f"{name} = {changed[name]!r}"
        cell.source = "\n".join(lines)


def _stable_ids(nb) -> None:
    """Give the cell papermill injects (a random id on every run) a fixed id, so two
    renders of the same inputs ship the same notebook."""
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"


@contextmanager
def _environment(values: dict[str, str]):
    """Set environment variables (inherited by the kernel) for a while, then restore."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _stderr_to(log: Path):
    """Send file descriptor 2 (inherited by the kernel process) to ``log`` for a while."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(log, "ab") as handle:
            os.dup2(handle.fileno(), 2)
            try:
                yield
            finally:
                sys.stderr.flush()
                os.dup2(saved, 2)
    finally:
        os.close(saved)


def _failure(job: dict, executed: Path, started: float, ename: str, evalue: str,
             cell: dict | None = None, log: Path | None = None) -> dict:
    """Keep the failed executed notebook for debugging and describe where it stopped."""
    kept = ""
    if log is not None and log.is_file() and log.stat().st_size:
        failed_dir = Path(job["failed_dir"])
        failed_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, failed_dir / log.name)
    if executed.is_file():
        failed_dir = Path(job["failed_dir"])
        failed_dir.mkdir(parents=True, exist_ok=True)
        target = failed_dir / executed.name
        shutil.copyfile(executed, target)
        kept = str(target)
        if cell is None:
            import nbformat

            try:
                nb = nbformat.read(executed, as_version=4)
                cell = _failed_cell(nb)
            except Exception:  # an unreadable notebook still gets reported
                cell = {}
    first = evalue.strip().splitlines()[0][:300] if evalue.strip() else ""
    error = {"ename": ename, "evalue": first, "kept": kept}
    error.update({k: v for k, v in (cell or {}).items() if v not in ("", None)})
    return {"ok": False, "name": job["name"], "error": error,
            "seconds": round(time.monotonic() - started, 2)}


def relative_to_root(path: Path) -> str:
    """A path as the user would type it from the checkout, when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)
