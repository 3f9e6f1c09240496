"""One page of the site: execute its notebook, prepare it for readers, export the
reader HTML. Runs in the worker processes; imports papermill and nbconvert.

A page is three kinds of file in the output folder::

    NAME.html            the page for readers: outputs only, no code, no prompts
    NAME.ipynb           the executed notebook, for researchers
    csv/NAME/TABLE.csv   one CSV per table the page shows (``reader.table``)
"""

from __future__ import annotations

import functools
import shutil
import time
from pathlib import Path

from .. import charts
from ..outputs import RENDERER_ONLY, SVG_DEFER, SVG_ENV, Chart, ContractError, DataCard, Table
from . import links
from .execute import environment, execute, stderr_to
from .index import TEMPLATE, TEMPLATES
from .jobs import CsvFile, Failure, Job, Outcome

__all__ = ["CSV_DIR", "PageError", "build_page", "export_html"]

CSV_DIR = "csv"


class PageError(Exception):
    """A page that failed for a reason other than a notebook cell."""


def build_page(job: Job) -> Outcome:
    """Execute and export one page; never raises for a notebook error."""
    from papermill.exceptions import PapermillExecutionError

    started = time.monotonic()
    try:
        # the kernel's own warnings go to a log, not the terminal; charts' SVGs are
        # drawn below, in this long-lived process, instead of in every kernel
        with stderr_to(job.log), environment({SVG_ENV: SVG_DEFER, **dict(job.env)}):
            nb, kernel_starts = execute(job.notebook, job.executed, job.parameters,
                                        kernel=job.kernel, timeout=job.timeout, log=job.log)
    except PapermillExecutionError as exc:
        return _failure(job, started, exc.ename, exc.evalue)
    except Exception as exc:  # kernel died, timeout, unreadable notebook ...
        return _failure(job, started, type(exc).__name__, str(exc))
    try:
        csvs, card, shown = _publish(nb, job)
    except Exception as exc:
        return _failure(job, started, type(exc).__name__, str(exc), cell={}, keep_log=False)
    return Outcome(job.name, round(time.monotonic() - started, 2), tuple(csvs), card,
                   kernel_starts, shown=shown)


def _publish(nb, job: Job) -> tuple[list[CsvFile], DataCard | None, DataCard | None]:
    """Write the researchers' notebook, then the CSVs and the reader page."""
    import nbformat

    # a link to a page this site does not hold is published as its text
    for cell in nb.cells:
        if job.unlinked and cell.cell_type == "markdown":
            cell.source = links.unlink(cell.source, job.unlinked)
    # the published notebook names its source, not this machine's staging folder
    run = nb.metadata.get("papermill", {})
    run.update(input_path=f"notebooks/{job.notebook.name}", output_path=job.executed.name)
    _publish_parameters(nb, job.parameters, job.public_parameters)
    _stable_ids(nb)
    charts.add_static_svgs(nb)
    nbformat.write(nb, job.executed)
    csvs, card, shown = _for_readers(nb, job.name, job.out_dir)
    header = job.header
    page = {"name": header.name, "title": header.title, "site_title": header.site_title,
            "notebook": header.notebook, "git_commit": header.git_commit,
            "rendered_at": header.rendered_at, "parameter_label": header.parameter_label,
            "data": shown.statement() if shown else {"description": header.data_description},
            "beside": card.statement() if card and card is not shown else None,
            "vega_src": job.vega_src,
            "vega_js": "" if job.vega_src else job.vega_js.read_text(encoding="utf-8")}
    (job.out_dir / f"{job.name}.html").write_text(export_html(nb, page), encoding="utf-8")
    return csvs, card, shown


def _for_readers(nb, stem: str, out_dir: Path) -> tuple[list[CsvFile], DataCard | None,
                                                       DataCard | None]:
    """Make the executed notebook ready for export (in place: write the researchers'
    copy first); write its CSVs; return them, the data card the release counts and the
    card the page shows first (the same but on a page reading a real source beside).

    Charts become figures for vega-embed; each table's CSV is written under
    ``csv/STEM/`` and its link points there instead of carrying the data inline.
    """
    csvs: list[CsvFile] = []
    card = shown = None
    used: set[str] = set()
    charts_seen = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if {"remove-cell", "remove_cell"} & set(cell.metadata.get("tags", [])):
            cell.outputs = []
            continue
        for output in cell.get("outputs", []):
            data = output.get("data") or {}
            chart, table, found = (_read(kind, data) for kind in (Chart, Table, DataCard))
            if chart is not None:
                charts_seen += 1
                output["data"] = {"text/html": chart.figure_html(charts_seen)}
                continue
            if found is not None:  # the first card names the page's data for readers;
                shown = shown or found  # the release counts the last one it counts
                card = found if found.counted else card
            if table is not None:
                csvs.append(_write_csv(table, stem, out_dir, used))
                data["text/html"] = table.html(csvs[-1].path)
            for mime in RENDERER_ONLY:
                data.pop(mime, None)
    return csvs, card or shown, shown


def _read(kind, data: dict):
    """The output of ``kind`` (a type of :mod:`analysis.outputs`) a bundle carries."""
    try:
        return kind.from_bundle(data)
    except ContractError as exc:
        raise PageError(str(exc)) from exc


def _write_csv(table: Table, stem: str, out_dir: Path, used: set[str]) -> CsvFile:
    """Write a table's CSV under ``csv/STEM/``, named apart from the page's others."""
    name = base = table.name
    n = 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name)
    rel = f"{CSV_DIR}/{stem}/{name}.csv"
    target = out_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(table.csv_bytes())
    return CsvFile(name, rel, table.caption, table.rows, tuple(table.header()),
                   table.declared, table.basis)


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


def _publish_parameters(nb, actual: dict, public: dict) -> None:
    """Show the parameters as published files name them (``plan.public_path``: no
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


def _failure(job: Job, started: float, ename: str, evalue: str, cell: dict | None = None,
             keep_log: bool = True) -> Outcome:
    """Keep the failed executed notebook (and the kernel's log) for debugging, and
    describe where it stopped."""
    kept = ""
    if keep_log and job.log.is_file() and job.log.stat().st_size:
        job.failed_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(job.log, job.failed_dir / job.log.name)
    if job.executed.is_file():
        job.failed_dir.mkdir(parents=True, exist_ok=True)
        target = job.failed_dir / job.executed.name
        shutil.copyfile(job.executed, target)
        kept = str(target)
        if cell is None:
            import nbformat

            try:
                cell = _failed_cell(nbformat.read(job.executed, as_version=4))
            except Exception:  # an unreadable notebook still gets reported
                cell = {}
    first = evalue.strip().splitlines()[0][:300] if evalue.strip() else ""
    error = {"ename": ename, "evalue": first, "kept": kept}
    error.update({k: v for k, v in (cell or {}).items() if v not in ("", None)})
    return Outcome(job.name, round(time.monotonic() - started, 2), error=Failure(**error))


def __dir__() -> list[str]:
    return sorted(__all__)
